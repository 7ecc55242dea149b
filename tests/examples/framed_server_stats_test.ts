import assert from "node:assert/strict";
import { Framed, LengthDelimitedCodec } from "@weir/weir/framing";
import { connect } from "@weir/weir/net";
import { FakeClock } from "@weir/weir/time";
import { main, parseFramedServerArgs } from "../../examples/framed_server.ts";
import { waitFor } from "../_util/net.ts";

Deno.test("framed_server --stats prints a line a second: connections, frames/s and bytes/s each way", async () => {
  const clock = new FakeClock();
  const controller = new AbortController();
  const lines: string[] = [];
  const running = main(
    ["--port", "0", "--quiet", "--echo", "--heartbeats", "0", "--stats"],
    { signal: controller.signal, log: (line) => lines.push(line), clock },
  );
  try {
    await waitFor(() => lines.length > 0, "listening");
    const port = Number(lines[0]!.match(/:(\d+)$/)![1]);
    const framed = new Framed(await connect({ port }), new LengthDelimitedCodec());
    await clock.tick(0); // the first tick: the starting point
    for (let i = 0; i < 10; i++) await framed.send(new Uint8Array([i]));
    for (let i = 0; i < 10; i++) await framed.next();
    await clock.tick(1_000);
    await waitFor(() => lines.length === 2, "the first stats line");
    // 10 frames of 1 byte, 4-byte headers: 50 bytes each way.
    assert.equal(
      lines[1],
      "stats: 1 connections, 10 frames/s in, 10 frames/s out, 50 B/s in, 50 B/s out",
    );
    await framed.close();
    assert.equal((await framed.next()).done, true, "the server closed its side too");
    await framed.closed;
    await clock.tick(1_000);
    await waitFor(() => lines.length === 3, "the second stats line");
    assert.match(
      lines[2]!,
      /^stats: [01] connections, 0 frames\/s in, 0 frames\/s out, 0 B\/s in, 0 B\/s out$/,
    );
  } finally {
    controller.abort();
    await running;
  }
  await clock.tick(5_000);
  assert.equal(lines.length, 3, "no line after the server stopped");
});

Deno.test("framed_server prints no stats without --stats", () => {
  assert.equal(parseFramedServerArgs([]).stats, false);
  assert.equal(parseFramedServerArgs(["--stats"]).stats, true);
});
