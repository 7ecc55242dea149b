import assert from "node:assert/strict";
import { main } from "../../examples/timeouts.ts";
import { runOnFakeClock } from "./_fake_clock_run.ts";

Deno.test("timeouts main aborts late work, falls back, and bounds groups and single tasks", async () => {
  const { result, lines, clock } = await runOnFakeClock(main, ["--unit", "100"]);
  assert.deepEqual(result, {
    basicAborted: true,
    fallback: "Fallback data",
    collective: ["Task 1 completed", "Task 2 completed", "Task 3 completed"],
    individual: ["timed out", "Task 2 completed", "Task 3 completed"],
  });
  assert.deepEqual(lines, [
    "[500 ms] Operation timed out (Timed out after 500 ms); its signal aborted: true",
    "[700 ms] Primary failed, trying fallback",
    "[750 ms] got: Fallback data",
    "[850 ms] collective: Task 1 completed, Task 2 completed, Task 3 completed",
    "[1000 ms] individual: timed out, Task 2 completed, Task 3 completed",
  ]);
  assert.equal(clock.pending, 0, "no timer is left behind");
});

Deno.test("timeouts main rejects a bad --unit", async () => {
  await assert.rejects(main(["--unit", "1"], { log: () => {} }), /--unit/);
});
