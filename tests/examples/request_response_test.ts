import assert from "node:assert/strict";
import { main } from "../../examples/request_response.ts";
import { runOnFakeClock } from "./_fake_clock_run.ts";

Deno.test("request_response main routes each reply to its requester and survives a timed-out client", async () => {
  const { result, lines } = await runOnFakeClock(main, [
    "--clients",
    "5",
    "--timeout",
    "50",
    "--slow",
    "100",
  ]);
  assert.deepEqual(result.replies, [0, 20, 40, 60, 80]);
  assert.equal(result.cancelled, 1);
  assert.equal(result.processed, 7, "1 + 5 + the request after the timeout");
  assert.deepEqual(lines, [
    "Result: 42",
    "client 0 asked 0, got 0",
    "client 1 asked 10, got 20",
    "client 2 asked 20, got 40",
    "client 3 asked 30, got 60",
    "client 4 asked 40, got 80",
    "Timeout waiting for response",
    "Request cancelled by client: dropping the result for 7",
    "Result: 84",
    "Stats: processed=7, cancelled=1",
    "worker stopped: ChannelClosedError: Cannot send: the receiver is closed",
  ]);
});

Deno.test("request_response main rejects bad flags", async () => {
  await assert.rejects(main(["--timeout", "50", "--slow", "50"], { log: () => {} }), /--slow/);
  await assert.rejects(main(["--clients", "0"], { log: () => {} }), /--clients/);
});
