import assert from "node:assert/strict";
import { collect, scan } from "@weir/weir/streams";
import { count, from, ProbeIterable } from "./_probe.ts";

Deno.test("scan yields each accumulator", async () => {
  assert.deepEqual(await collect(scan(from([1, 2, 3]), 10, (a, n) => a + n)), [11, 13, 16]);
  assert.deepEqual(await collect(scan(from<number>([]), 10, (a, n) => a + n)), []);
});

Deno.test("scan awaits an async step", async () => {
  const out = await collect(scan(from(["a", "b"]), "", (a, s) => Promise.resolve(a + s)));
  assert.deepEqual(out, ["a", "ab"]);
});

Deno.test("scan rejects with the step's error and cancels the source", async () => {
  const source = new ProbeIterable(count());
  await assert.rejects(
    collect(scan(source, 0, (a, n) => {
      if (n === 3) throw new Error("overflow");
      return a + n;
    })),
    { message: "overflow" },
  );
  assert.equal(source.returns, 1);
});

Deno.test("scan throws TypeError for a missing step", () => {
  assert.throws(() => scan(from([1]), 0, undefined as never), TypeError);
});
