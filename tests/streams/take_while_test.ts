import assert from "node:assert/strict";
import { collect, takeWhile } from "@weir/weir/streams";
import { count, from, ProbeIterable, probes } from "./_probe.ts";

Deno.test("takeWhile stops at the first item the predicate rejects and cancels the source", async () => {
  for (const probe of probes(count)) {
    assert.deepEqual(await collect(takeWhile(probe.source, (n) => n < 3)), [0, 1, 2], probe.kind);
    assert.equal(probe.closes(), 1, probe.kind);
  }
});

Deno.test("takeWhile awaits an async predicate and ends at the source's end", async () => {
  const source = new ProbeIterable([1, 2]);
  assert.deepEqual(await collect(takeWhile(source, () => Promise.resolve(true))), [1, 2]);
  assert.equal(source.returns, 0);
});

Deno.test("takeWhile rejects with the predicate's error and cancels the source", async () => {
  const source = new ProbeIterable(count());
  await assert.rejects(
    collect(takeWhile(source, () => Promise.reject(new Error("bad")))),
    { message: "bad" },
  );
  assert.equal(source.returns, 1);
});

Deno.test("takeWhile throws TypeError for a missing predicate", () => {
  assert.throws(() => takeWhile(from([1]), undefined as never), TypeError);
});
