import assert from "node:assert/strict";
import { UdpSocket } from "@weir/weir/net";
import { main, MODES, parseUdpManySocketsArgs } from "../../examples/udp_many_sockets.ts";
import { waitFor } from "../_util/net.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Starts `main` in `mode` and waits for its ten sockets. */
async function start(mode: string, signal?: AbortSignal) {
  const lines: string[] = [];
  const running = main(["--port", "0", "--mode", mode], {
    log: (line) => lines.push(line),
    ...(signal ? { signal } : {}),
  });
  await waitFor(
    () => lines.filter((line) => line.startsWith("listening on ")).length === 10,
    "10 sockets",
  );
  const ports = lines.map((line) => Number(line.match(/^listening on [\d.]+:(\d+)$/)?.[1])).filter((
    n,
  ) => n > 0);
  return { lines, running, ports };
}

for (const mode of MODES) {
  Deno.test(`udp_many_sockets --mode ${mode}: a datagram runs only its socket's task`, async () => {
    const srv = await start(mode);
    await using client = UdpSocket.bind({ hostname: "127.0.0.1", port: 0 });
    await client.sendTo(encoder.encode("to four"), { hostname: "127.0.0.1", port: srv.ports[4]! });
    const reply = await client.recvFrom();
    assert.equal(decoder.decode(reply.data), "to four");
    assert.equal(reply.addr.port, srv.ports[4], "socket #4 answered");
    const handled = srv.lines.filter((line) =>
      line.startsWith("socket #") && line.includes(" bytes from ")
    );
    assert.deepEqual(handled.map((line) => line.slice(0, line.indexOf(" ("))), ["socket #4"]);
    assert.ok(
      handled[0]!.startsWith(`socket #4 (127.0.0.1:${srv.ports[4]}): 7 bytes from 127.0.0.1:`),
    );

    // Sockets finish in the order 7, 2, then 0..9 without them.
    const order = [7, 2, 0, 1, 3, 4, 5, 6, 8, 9];
    for (const i of order) {
      await client.sendTo(encoder.encode("bye"), { hostname: "127.0.0.1", port: srv.ports[i]! });
      await waitFor(
        () =>
          srv.lines.filter((line) => / bytes from /.test(line) && line.startsWith(`socket #${i} `))
            .length > (i === 4 ? 1 : 0),
        `socket #${i} to get bye`,
      );
    }
    const results = await srv.running;
    const expected = (i: number) => ({ socket: i, datagrams: i === 4 ? 1 : 0 });
    // join reports once every socket is done, in socket order; the others as each finishes.
    assert.deepEqual(
      results,
      (mode === "join" ? [...order].sort((a, b) => a - b) : order).map(expected),
    );
    const done = srv.lines.filter((line) => / done after /.test(line));
    assert.deepEqual(
      done,
      results.map((r) => `socket #${r.socket} done after ${r.datagrams} datagrams`),
    );
  });
}

Deno.test("udp_many_sockets stops every socket when its signal aborts", async () => {
  for (const mode of MODES) {
    const controller = new AbortController();
    const srv = await start(mode, controller.signal);
    controller.abort();
    assert.deepEqual(await srv.running, []);
  }
});

Deno.test("udp_many_sockets flags", () => {
  assert.equal(parseUdpManySocketsArgs([]).mode, "joinset");
  assert.throws(() => parseUdpManySocketsArgs(["--mode", "threads"]), /--mode/);
  assert.throws(() => parseUdpManySocketsArgs(["--port", "65530"]), /--port/);
});
