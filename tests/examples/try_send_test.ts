import assert from "node:assert/strict";
import { main } from "../../examples/try_send.ts";
import { runOnFakeClock } from "./_fake_clock_run.ts";

const run = (args: string[]) => runOnFakeClock(main, args);

Deno.test("try_send main tells full from closed and hands the value back", async () => {
  const { lines } = await run(["--samples", "1"]);
  assert.deepEqual(lines.slice(0, 7), [
    "try_send(0): ok",
    "try_send(1): ok",
    "try_send(2): full, 2 stays with the caller",
    "try_send(3): full, 3 stays with the caller",
    "try_send(4): full, 4 stays with the caller",
    "try_send(5): closed, got 5 back",
    "the closed receiver still drains what was queued: 0, 1",
  ]);
});

Deno.test("try_send main counts drops and never queues past capacity", async () => {
  const { result, lines } = await run([
    "--samples",
    "100",
    "--every",
    "10",
    "--capacity",
    "10",
    "--consume",
    "50",
  ]);
  assert.equal(result.sent + result.dropped, 100);
  assert.equal(result.received, result.sent, "everything queued is received");
  assert.ok(result.dropped > 0, "a consumer 5x slower than the producer forces drops");
  assert.ok(result.peakQueued <= 10);
  assert.equal(result.peakQueued, 10, "the queue fills up before anything is dropped");
  assert.match(lines.at(-1)!, /^sent \d+, dropped \d+, received \d+ \(at most 10 queued\)$/);
});

Deno.test("try_send main drops nothing when the consumer keeps up", async () => {
  const { result } = await run(["--samples", "50", "--every", "10", "--consume", "5"]);
  assert.deepEqual(result, { sent: 50, dropped: 0, received: 50, peakQueued: 1 });
});

Deno.test("try_send main rejects bad flags", async () => {
  await assert.rejects(main(["--capacity", "0"], { log: () => {} }), /--capacity/);
});
