import assert from "node:assert/strict";
import { main } from "../../examples/retry_backoff.ts";
import { runOnFakeClock } from "./_fake_clock_run.ts";

const run = (args: string[]) => runOnFakeClock(main, args);

Deno.test("retry_backoff main times out a hung attempt, backs off exponentially, then succeeds", async () => {
  const { result: { result, startedAt }, lines, clock } = await run([]);
  assert.equal(result, "Success!");
  assert.deepEqual(startedAt, [0, 300, 500], "200 ms timeout + 100 ms, then 200 ms");
  assert.deepEqual(lines, [
    "[0 ms] attempt 1 started",
    "[200 ms] attempt 1 timed out, retrying in 100 ms",
    "[300 ms] attempt 2 started",
    "[300 ms] attempt 2 failed (Random failure), retrying in 200 ms",
    "[500 ms] attempt 3 started",
    "[500 ms] Result: Success!",
  ]);
  assert.equal(clock.pending, 0);
});

Deno.test("retry_backoff main gives up after --max-attempts with every delay doubled", async () => {
  const { result: { result, startedAt }, lines } = await run([
    "--hang",
    "0",
    "--fail",
    "9",
    "--max-attempts",
    "4",
  ]);
  assert.equal(result, undefined);
  assert.deepEqual(startedAt, [0, 100, 300, 700]);
  assert.equal(
    lines.at(-1),
    "[700 ms] All retry attempts failed: Gave up after 4 attempts, the last failed with: Random failure",
  );
});

Deno.test("retry_backoff main rejects bad flags", async () => {
  await assert.rejects(main(["--jitter", "some"], { log: () => {} }), TypeError);
  await assert.rejects(main(["--max-attempts", "0"], { log: () => {} }), /--max-attempts/);
});
