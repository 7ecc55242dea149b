import assert from "node:assert/strict";
import { collect, skip } from "@weir/weir/streams";
import { count, from, ProbeIterable, probes } from "./_probe.ts";

Deno.test("skip drops the first n items", async () => {
  for (const probe of probes(() => [1, 2, 3, 4])) {
    assert.deepEqual(await collect(skip(probe.source, 2)), [3, 4], probe.kind);
  }
  assert.deepEqual(await collect(skip(from([1, 2]), 0)), [1, 2]);
  assert.deepEqual(await collect(skip(from([1, 2]), 5)), []);
});

Deno.test("skip pulls the dropped items only when first asked", async () => {
  const source = new ProbeIterable(count());
  const it = skip(source, 3);
  assert.equal(source.nexts, 0);
  assert.deepEqual(await it.next(), { done: false, value: 3 });
  assert.equal(source.nexts, 4);
  await it.return();
});

Deno.test("skip throws RangeError for a count that is not an integer >= 0", () => {
  assert.throws(() => skip(from([1]), -1), { name: "RangeError", message: /'n' must be/ });
});
