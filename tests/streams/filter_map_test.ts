import assert from "node:assert/strict";
import { collect, filterMap } from "@weir/weir/streams";
import { count, from, probes } from "./_probe.ts";

Deno.test("filterMap drops undefined and keeps other results in order", async () => {
  for (const probe of probes(() => [1, 2, 3, 4])) {
    const out = await collect(filterMap(probe.source, (n) => n % 2 === 0 ? undefined : n * 10));
    assert.deepEqual(out, [10, 30], probe.kind);
  }
  const falsy = await collect(filterMap(from([0, 1, 2]), (n) => [0, null, ""][n]));
  assert.deepEqual(falsy, [0, null, ""]);
});

Deno.test("filterMap awaits an async fn", async () => {
  const out = await collect(filterMap(from(["1", "x", "3"]), (s) => {
    const n = Number(s);
    return Promise.resolve(Number.isNaN(n) ? undefined : n);
  }));
  assert.deepEqual(out, [1, 3]);
});

Deno.test("filterMap rejects with fn's error and cancels the source", async () => {
  for (const probe of probes(count)) {
    const it = filterMap(probe.source, (n) => {
      if (n === 1) throw new Error("bad");
      return n;
    });
    assert.deepEqual(await it.next(), { done: false, value: 0 });
    await assert.rejects(it.next(), { message: "bad" });
    assert.equal(probe.closes(), 1, probe.kind);
  }
});

Deno.test("filterMap throws TypeError for bad arguments", () => {
  assert.throws(() => filterMap({} as never, (n) => n), TypeError);
  assert.throws(() => filterMap(from([1]), 1 as never), TypeError);
});
