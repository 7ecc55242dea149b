import assert from "node:assert/strict";
import { collect } from "@weir/weir/streams";
import { from, probes } from "./_probe.ts";

Deno.test("collect gathers every item in order from both kinds of source", async () => {
  for (const probe of probes(() => [1, undefined, 3])) {
    assert.deepEqual(await collect(probe.source), [1, undefined, 3], probe.kind);
  }
  assert.deepEqual(await collect(from([])), []);
});

Deno.test("collect rejects with a source error", async () => {
  async function* failing() {
    yield 1;
    throw new Error("broke");
  }
  await assert.rejects(collect(failing()), { message: "broke" });
});

Deno.test("collect rejects at once with an already aborted signal", async () => {
  const reason = new Error("already");
  await assert.rejects(
    collect(from([1]), { signal: AbortSignal.abort(reason) }),
    (e) => e === reason,
  );
});

Deno.test("collect throws TypeError for a bad source", async () => {
  await assert.rejects(collect([1, 2] as never), TypeError);
});
