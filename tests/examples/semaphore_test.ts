import assert from "node:assert/strict";
import { main } from "../../examples/semaphore.ts";
import { runOnFakeClock } from "./_fake_clock_run.ts";

const run = (args: string[]) => runOnFakeClock(main, args);

Deno.test("semaphore main never runs more tasks than permits, in FIFO order", async () => {
  const { result, lines } = await run(["--permits", "2", "--tasks", "5", "--work", "100"]);
  assert.deepEqual(result.started, [1, 2, 3, 4, 5]);
  assert.equal(result.peak, 2);
  assert.equal(result.elapsed, 300);
  assert.deepEqual(lines.slice(0, 5), [
    "[0 ms] Task 1 started",
    "[0 ms] Task 2 started",
    "[100 ms] Task 1 finished",
    "[100 ms] Task 3 started",
    "[100 ms] Task 2 finished",
  ]);
  assert.ok(lines.includes("5 tasks in 300 ms, at most 2 at once"));
});

Deno.test("semaphore main shows tryAcquire failing and forget lowering capacity", async () => {
  const { result } = await run(["--permits", "3", "--tasks", "7", "--work", "10"]);
  assert.equal(result.peak, 3);
  assert.equal(result.elapsed, 30);
  assert.equal(result.tryAcquireEmpty, true);
  assert.equal(result.availableAfterForget, 2, "one of three permits is gone for good");
});

Deno.test("semaphore main rejects bad flags", async () => {
  await assert.rejects(main(["--permits", "0"], { log: () => {} }), /--permits/);
});
