import assert from "node:assert/strict";
import { main } from "../../examples/deadline.ts";
import { runOnFakeClock } from "./_fake_clock_run.ts";

Deno.test("deadline main cuts every operation at the one shared deadline", async () => {
  const { result, lines, clock } = await runOnFakeClock(main, [
    "--deadline",
    "500",
    "--step",
    "200",
  ]);
  assert.deepEqual(result.concurrent, [
    { ok: true, at: 200 },
    { ok: true, at: 400 },
    { ok: false, at: 500 },
  ]);
  assert.deepEqual(result.sequential, [
    { ok: true, at: 700 },
    { ok: true, at: 900 },
    { ok: false, at: 1000 }, // only 100 ms of the budget were left
  ]);
  assert.deepEqual(lines, [
    "[0 ms] items 1-3 started, all due in 500 ms",
    "[200 ms] item 1 succeeded: Item 1 processed",
    "[400 ms] item 2 succeeded: Item 2 processed",
    "[500 ms] item 3 failed: deadline exceeded",
    "[500 ms] step 1 starts with 500 ms left",
    "[700 ms] step 1 succeeded: Step 1 processed",
    "[700 ms] step 2 starts with 300 ms left",
    "[900 ms] step 2 succeeded: Step 2 processed",
    "[900 ms] step 3 starts with 100 ms left",
    "[1000 ms] step 3 failed: deadline exceeded",
  ]);
  assert.equal(clock.pending, 0);
});

Deno.test("deadline main fails at once when the budget is already spent", async () => {
  const { result: { sequential }, lines } = await runOnFakeClock(main, [
    "--deadline",
    "500",
    "--step",
    "300",
  ]);
  assert.deepEqual(sequential, [
    { ok: true, at: 800 },
    { ok: false, at: 1000 },
    { ok: false, at: 1000 }, // no time was left: it failed without waiting
  ]);
  assert.ok(lines.includes("[1000 ms] step 3 starts with 0 ms left"));
});

Deno.test("deadline main rejects bad flags", async () => {
  await assert.rejects(main(["--step", "0"], { log: () => {} }), /--step/);
});
