import assert from "node:assert/strict";
import { collect, filter } from "@weir/weir/streams";
import { count, from, probes, settle } from "./_probe.ts";

Deno.test("filter keeps matching items in order from both kinds of source", async () => {
  for (const probe of probes(() => [1, 2, 3, 4, 5])) {
    assert.deepEqual(await collect(filter(probe.source, (n) => n % 2 === 1)), [1, 3, 5]);
  }
});

Deno.test("filter awaits an async predicate", async () => {
  const out = await collect(filter(from([1, 2, 3]), async (n) => {
    await settle(2);
    return n !== 2;
  }));
  assert.deepEqual(out, [1, 3]);
});

Deno.test("filter narrows with a type guard", async () => {
  const mixed = from<string | number>(["a", 1, "b"]);
  const strings: string[] = await collect(filter(mixed, (x): x is string => typeof x === "string"));
  assert.deepEqual(strings, ["a", "b"]);
});

Deno.test("filter pulls until a match, then waits", async () => {
  const [probe] = probes(count);
  const it = filter(probe!.source, (n) => n % 10 === 9);
  assert.deepEqual(await it.next(), { done: false, value: 9 });
  assert.deepEqual(await it.next(), { done: false, value: 19 });
  await it.return();
  assert.equal(probe!.closes(), 1);
});

Deno.test("filter rejects with the predicate's error and cancels the source", async () => {
  for (const probe of probes(count)) {
    const it = filter(probe.source, () => {
      throw new Error("bad predicate");
    });
    await assert.rejects(it.next(), { message: "bad predicate" });
    assert.equal(probe.closes(), 1, probe.kind);
  }
});

Deno.test("filter throws TypeError for a missing predicate", () => {
  assert.throws(() => filter(from([1]), undefined as never), TypeError);
});
