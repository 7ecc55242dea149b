import assert from "node:assert/strict";
import { collect, skipWhile } from "@weir/weir/streams";
import { count, from, ProbeIterable, probes } from "./_probe.ts";

Deno.test("skipWhile drops leading matches, then passes everything without asking again", async () => {
  for (const probe of probes(() => [1, 2, 9, 3, 10])) {
    const asked: number[] = [];
    const out = await collect(skipWhile(probe.source, (n) => {
      asked.push(n);
      return n < 5;
    }));
    assert.deepEqual(out, [9, 3, 10], probe.kind);
    assert.deepEqual(asked, [1, 2, 9]);
  }
});

Deno.test("skipWhile awaits an async predicate", async () => {
  assert.deepEqual(await collect(skipWhile(from([1, 2, 3]), (n) => Promise.resolve(n < 2))), [
    2,
    3,
  ]);
  assert.deepEqual(await collect(skipWhile(from([1, 2]), () => true)), []);
});

Deno.test("skipWhile rejects with the predicate's error and cancels the source", async () => {
  const source = new ProbeIterable(count());
  await assert.rejects(
    collect(skipWhile(source, () => {
      throw new Error("bad");
    })),
    { message: "bad" },
  );
  assert.equal(source.returns, 1);
});

Deno.test("skipWhile throws TypeError for a missing predicate", () => {
  assert.throws(() => skipWhile(from([1]), 3 as never), TypeError);
});
