import assert from "node:assert/strict";
import { FakeClock } from "@weir/weir/time";
import { main as lineServer } from "../../examples/line_server.ts";
import { main as client, parseRateLimitedClientArgs } from "../../examples/rate_limited_client.ts";
import { startExample, waitFor } from "../_util/net.ts";

Deno.test("rate_limited_client sends a burst, then one request per token", async () => {
  await using srv = await startExample(lineServer, ["--port", "0", "--quiet"]);
  const clock = new FakeClock();
  const lines: string[] = [];
  let done = false;
  const running = client(
    ["--port", `${srv.port}`, "--requests", "6", "--rate", "10", "--burst", "3"],
    { clock, log: (line) => lines.push(line) },
  ).finally(() => done = true);
  // Advance time only while the client waits for a token.
  for (let steps = 0; !done; steps++) {
    assert.ok(steps < 10, "bounded");
    await waitFor(() => done || clock.pending > 0, "the client to wait for a token");
    if (!done) await clock.tick(100);
  }
  assert.deepEqual(await running, [0, 0, 0, 100, 200, 300]);
  assert.deepEqual(lines, [
    "request 1 at +0 ms: request 1",
    "request 2 at +0 ms: request 2",
    "request 3 at +0 ms: request 3",
    "request 4 at +100 ms: request 4",
    "request 5 at +200 ms: request 5",
    "request 6 at +300 ms: request 6",
    "6 requests in 300 ms (10 per 1000 ms, burst 3)",
  ]);
});

Deno.test("rate_limited_client stops waiting for a token when aborted", async () => {
  await using srv = await startExample(lineServer, ["--port", "0", "--quiet"]);
  const clock = new FakeClock();
  const controller = new AbortController();
  const running = client(
    ["--port", `${srv.port}`, "--requests", "3", "--rate", "1", "--burst", "1"],
    { clock, signal: controller.signal, log: () => {} },
  );
  await waitFor(() => clock.pending > 0, "the client to wait for a token");
  controller.abort(new Error("stop"));
  await assert.rejects(running, { message: "stop" });
  assert.equal(clock.pending, 0, "no timer left behind");
});

Deno.test("rate_limited_client flags: burst defaults to the rate", () => {
  assert.equal(parseRateLimitedClientArgs(["--rate", "7"]).burst, 7);
  assert.throws(
    () => parseRateLimitedClientArgs(["--per", "0"]),
    /--per must be an integer >= 1: 0/,
  );
});
