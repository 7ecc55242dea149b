import assert from "node:assert/strict";
import { main } from "../../examples/rwlock.ts";
import { runOnFakeClock } from "./_fake_clock_run.ts";

Deno.test("rwlock main shares reads and makes later readers wait for a queued writer", async () => {
  const { result, lines } = await runOnFakeClock(main, ["--hold", "100"]);
  assert.equal(
    result.peakReaders,
    3,
    "the first three readers overlap, the late two never join them",
  );
  assert.deepEqual(result.seen[1], [1, 2, 3]);
  assert.deepEqual(result.seen[3], [1, 2, 3]);
  assert.deepEqual(result.seen[4], [1, 2, 3, 4], "a reader arriving after the writer waits for it");
  assert.deepEqual(result.seen[5], [1, 2, 3, 4]);
  assert.deepEqual(lines, [
    "[0 ms] reader 1 sees [1, 2, 3]",
    "[0 ms] reader 2 sees [1, 2, 3]",
    "[0 ms] reader 3 sees [1, 2, 3]",
    "[10 ms] writer waits for the readers",
    "[100 ms] writer added 4",
    "[150 ms] reader 4 sees [1, 2, 3, 4]",
    "[150 ms] reader 5 sees [1, 2, 3, 4]",
    "at most 3 readers held the lock at once",
  ]);
});

Deno.test("rwlock main rejects a bad --hold", async () => {
  await assert.rejects(main(["--hold", "5"], { log: () => {} }), /--hold/);
});
