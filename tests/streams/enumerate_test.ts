import assert from "node:assert/strict";
import { collect, enumerate } from "@weir/weir/streams";
import { from, probes } from "./_probe.ts";

Deno.test("enumerate pairs each item with its index from 0", async () => {
  for (const probe of probes(() => ["a", "b", "c"])) {
    assert.deepEqual(await collect(enumerate(probe.source)), [[0, "a"], [1, "b"], [2, "c"]]);
  }
});

Deno.test("enumerate throws TypeError for a bad source", () => {
  assert.throws(() => enumerate([1, 2] as never), TypeError);
  assert.deepEqual(typeof enumerate(from([1])).next, "function");
});
