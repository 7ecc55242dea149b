import assert from "node:assert/strict";
import fc from "fast-check";
import { DEFAULT_DURATION_BOUNDS, DurationHistogram } from "@weir/weir/time";

Deno.test("DurationHistogram puts a value on a bound in that bound's bucket, above the last in the overflow", () => {
  const h = new DurationHistogram([1, 10]);
  for (const ms of [0, 1, 1.0001, 10, 10.5, 1e9]) h.record(ms);
  assert.deepEqual(h.counts, [2, 2, 2]);
  assert.equal(h.count, 6);
  assert.equal(h.min, 0);
  assert.equal(h.max, 1e9);
});

Deno.test("DurationHistogram rejects bad bounds and bad durations with a RangeError naming them", () => {
  for (const bounds of [[-1], [1, 1], [2, 1], [NaN], [Infinity]]) {
    assert.throws(() => new DurationHistogram(bounds), { name: "RangeError", message: /'bounds'/ });
  }
  const h = new DurationHistogram();
  for (const ms of [-1, NaN]) {
    assert.throws(() => h.record(ms), { name: "RangeError", message: /'ms'/ });
  }
  assert.equal(h.count, 0, "a rejected duration is not counted");
  assert.deepEqual(new DurationHistogram([]).counts, [0]);
});

Deno.test("DurationHistogram keeps its own copy of the bounds, and hands out copies of the counts", () => {
  const bounds = [5, 50];
  const h = new DurationHistogram(bounds);
  bounds[0] = 500;
  assert.deepEqual(h.bounds, [5, 50]);
  (h.counts as number[])[0] = 99;
  assert.deepEqual(h.counts, [0, 0, 0]);
  assert.deepEqual(new DurationHistogram().bounds, DEFAULT_DURATION_BOUNDS);
});

Deno.test("DurationHistogram: counts sum to count, sum/min/max match the values, each value in its bucket", () => {
  fc.assert(
    fc.property(fc.array(fc.double({ min: 0, max: 20_000, noNaN: true })), (values) => {
      const h = new DurationHistogram();
      for (const v of values) h.record(v);
      const counts = h.counts;
      assert.equal(counts.reduce((a, b) => a + b, 0), values.length);
      assert.equal(h.count, values.length);
      assert.ok(Math.abs(h.sum - values.reduce((a, b) => a + b, 0)) < 1e-6);
      assert.equal(h.min, values.length ? Math.min(...values) : undefined);
      assert.equal(h.max, values.length ? Math.max(...values) : undefined);
      const expected = new Array(h.bounds.length + 1).fill(0);
      for (const v of values) {
        const i = h.bounds.findIndex((b) => v <= b);
        expected[i === -1 ? h.bounds.length : i]++;
      }
      assert.deepEqual(counts, expected);
    }),
  );
});
