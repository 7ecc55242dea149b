import assert from "node:assert/strict";
import { main } from "../../examples/buffer_unordered.ts";
import { runOnFakeClock } from "./_fake_clock_run.ts";

Deno.test("buffer_unordered main bounds concurrency and orders results as documented", async () => {
  const { result, lines, clock } = await runOnFakeClock(main, [
    "--concurrency",
    "3",
    "--durations",
    "300,100,200,100,50",
  ]);
  assert.deepEqual(
    result.unordered,
    { results: [4, 6, 8, 10, 2], elapsed: 300, peak: 3 },
    "completion order",
  );
  assert.deepEqual(result.ordered.results, [2, 4, 6, 8, 10], "input order");
  assert.equal(result.ordered.peak, 3);
  assert.ok(result.ordered.elapsed >= 300, "held back by the slow first item");
  assert.deepEqual(result.sequential, { results: [2, 4, 6, 8, 10], elapsed: 750, peak: 1 });
  assert.equal(result.aborted, 2, "leaving after 2 results aborted the rest");
  assert.equal(lines.at(-1), "took 2 results, aborted 2 lookups still running");
  assert.equal(clock.pending, 0);
});

Deno.test("buffer_unordered main with equal durations takes total / concurrency", async () => {
  const durations = Array(20).fill("100").join(",");
  for (const [n, ms] of [[1, 2000], [2, 1000], [5, 400], [10, 200], [20, 100]]) {
    const { result } = await runOnFakeClock(main, [
      "--concurrency",
      `${n}`,
      "--durations",
      durations,
    ]);
    assert.equal(result.unordered.elapsed, ms, `concurrency ${n}`);
    assert.equal(result.unordered.peak, n);
  }
});

Deno.test("buffer_unordered main rejects bad flags", async () => {
  await assert.rejects(main(["--concurrency", "0"], { log: () => {} }), /--concurrency/);
  await assert.rejects(main(["--durations", "1,x"], { log: () => {} }), /--durations/);
});
