import assert from "node:assert/strict";
import { collect, take } from "@weir/weir/streams";
import { count, ProbeIterable, ProbeStream } from "./_probe.ts";

Deno.test("take(0) never pulls the source and cancels it", async () => {
  const iterable = new ProbeIterable(count());
  assert.deepEqual(await collect(take(iterable, 0)), []);
  assert.equal(iterable.nexts, 0);
  assert.equal(iterable.returns, 1);
  const stream = new ProbeStream(count());
  assert.deepEqual(await collect(take(stream.stream, 0)), []);
  assert.equal(stream.pulls, 0);
  assert.equal(stream.cancels.length, 1);
});

Deno.test("take(n) pulls exactly n items, then cancels the source", async () => {
  const iterable = new ProbeIterable(count());
  const it = take(iterable, 3);
  assert.deepEqual(await collect(it), [0, 1, 2]);
  assert.equal(iterable.nexts, 3);
  assert.equal(iterable.returns, 1);
  assert.deepEqual(await it.next(), { done: true, value: undefined });
  assert.equal(iterable.nexts, 3);
});

Deno.test("take ends with a shorter source without cancelling it", async () => {
  const iterable = new ProbeIterable([1, 2]);
  assert.deepEqual(await collect(take(iterable, 5)), [1, 2]);
  assert.equal(iterable.returns, 0);
});

Deno.test("take throws RangeError for a count that is not an integer >= 0", () => {
  const source = new ProbeIterable(count());
  for (const n of [-1, 1.5, NaN, Infinity]) {
    assert.throws(() => take(source, n), {
      name: "RangeError",
      message: `'n' must be a non-negative integer: received ${n}`,
    });
  }
  assert.throws(() => take(source, "2" as never), { name: "TypeError" });
});
