import assert from "node:assert/strict";
import { reduce } from "@weir/weir/streams";
import { count, from, ProbeIterable, settle } from "./_probe.ts";

Deno.test("reduce folds items in order from the initial value", async () => {
  assert.equal(await reduce(from(["a", "b", "c"]), ">", (acc, s) => acc + s), ">abc");
  assert.equal(await reduce(from<number>([]), 42, (acc, n) => acc + n), 42);
});

Deno.test("reduce awaits an async step before pulling the next item", async () => {
  const source = new ProbeIterable([1, 2, 3]);
  const pulledAt: number[] = [];
  const total = await reduce(source, 0, async (acc, n) => {
    pulledAt.push(source.nexts);
    await settle(3);
    return acc + n;
  });
  assert.equal(total, 6);
  assert.deepEqual(pulledAt, [1, 2, 3]);
});

Deno.test("reduce aborts the step's signal and cancels the source on abort", async () => {
  const source = new ProbeIterable(count());
  const controller = new AbortController();
  let stepSignal: AbortSignal | undefined;
  const pending = reduce(source, 0, (_acc, _n, signal) => {
    stepSignal = signal;
    return new Promise<number>(() => {});
  }, { signal: controller.signal });
  await settle();
  controller.abort(new Error("stop"));
  await assert.rejects(pending, { message: "stop" });
  assert.equal(stepSignal!.aborted, true);
  await settle();
  assert.equal(source.returns, 1);
});

Deno.test("reduce throws TypeError for a missing step", async () => {
  await assert.rejects(reduce(from([1]), 0, undefined as never), TypeError);
});
