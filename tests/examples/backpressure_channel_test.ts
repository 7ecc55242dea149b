import assert from "node:assert/strict";
import { main } from "../../examples/backpressure_channel.ts";
import { runOnFakeClock } from "./_fake_clock_run.ts";

const run = (args: string[]) => runOnFakeClock(main, args);

Deno.test("backpressure_channel main holds the producer to the consumer's pace", async () => {
  const { result, clock } = await run(["--capacity", "2", "--items", "8", "--delay", "100"]);
  assert.deepEqual(result.order, [0, 1, 2, 3, 4, 5, 6, 7], "FIFO");
  assert.ok(result.peakQueued <= 2, "the queue never exceeds its capacity");
  assert.equal(result.peakQueued, 2);
  assert.deepEqual(result.processedAt, [0, 100, 200, 300, 400, 500, 600, 700]);
  // Item i can only be queued once item i - capacity - 1 left the queue.
  result.sentAt.forEach((at, i) =>
    assert.ok(at >= result.processedAt[Math.max(0, i - 3)]!, `item ${i}`)
  );
  assert.equal(result.sentAt[7], 500, "the producer finished well after it could have alone");
  assert.equal(clock.now(), 800);
});

Deno.test("backpressure_channel main prints the timeline", async () => {
  const { lines } = await run(["--capacity", "2", "--items", "5", "--delay", "100"]);
  assert.deepEqual(lines.slice(0, 4), [
    "[0 ms] Sent: 0 (0/2 queued)", // the waiting consumer took it at once
    "[0 ms] Processing: 0",
    "[0 ms] Sent: 1 (1/2 queued)",
    "[0 ms] Sent: 2 (2/2 queued)",
  ]);
  assert.ok(lines.includes("[100 ms] Sent: 3 (2/2 queued)"));
  assert.equal(lines.at(-1), "[500 ms] done: never more than 2 of 2 queued");
});

Deno.test("backpressure_channel main rejects bad flags", async () => {
  await assert.rejects(main(["--capacity", "0"], { log: () => {} }), /--capacity/);
});
