import assert from "node:assert/strict";
import fc from "fast-check";
import { chunks, collect } from "@weir/weir/streams";
import { count, from, ProbeIterable, probes } from "./_probe.ts";

Deno.test("chunks groups items and ends with a shorter last batch", async () => {
  for (const probe of probes(() => [1, 2, 3, 4, 5])) {
    assert.deepEqual(await collect(chunks(probe.source, 2)), [[1, 2], [3, 4], [5]], probe.kind);
  }
  assert.deepEqual(await collect(chunks(from([1, 2, 3, 4]), 2)), [[1, 2], [3, 4]]);
  assert.deepEqual(await collect(chunks(from([]), 3)), []);
});

Deno.test("chunks pulls only what a batch needs", async () => {
  const source = new ProbeIterable(count());
  const it = chunks(source, 3);
  assert.deepEqual(await it.next(), { done: false, value: [0, 1, 2] });
  assert.equal(source.nexts, 3);
  await it.return();
  assert.equal(source.returns, 1);
});

Deno.test("chunks never yields an empty batch and keeps every item in order", async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(fc.nat()), fc.integer({ min: 1, max: 7 }), async (items, n) => {
      const batches = await collect(chunks(from(items), n));
      assert.deepEqual(batches.flat(), items);
      assert.ok(
        batches.every((b, i) => b.length === n || (i === batches.length - 1 && b.length > 0)),
      );
    }),
    { numRuns: 300 },
  );
});

Deno.test("chunks throws RangeError for n < 1", () => {
  for (const n of [0, -2, 0.5]) {
    assert.throws(() => chunks(from([1]), n), {
      name: "RangeError",
      message: `'n' must be a positive integer: received ${n}`,
    });
  }
});
