import assert from "node:assert/strict";
import { collect, takeUntil } from "@weir/weir/streams";
import { count, from, ProbeIterable, probes, settle } from "./_probe.ts";

Deno.test("takeUntil ends quietly when the stop signal aborts, even mid-wait", async () => {
  for (const probe of probes(() => [1, 2], { hang: true })) {
    const stop = new AbortController();
    const it = takeUntil(probe.source, stop.signal);
    assert.deepEqual(await it.next(), { done: false, value: 1 });
    assert.deepEqual(await it.next(), { done: false, value: 2 });
    const pending = it.next();
    await settle();
    stop.abort(new Error("ignored"));
    assert.deepEqual(await pending, { done: true, value: undefined });
    await settle();
    assert.equal(probe.closes(), 1, probe.kind);
    assert.deepEqual(await it.next(), { done: true, value: undefined });
  }
});

Deno.test("takeUntil ends when the stop promise fulfils", async () => {
  const stop = Promise.withResolvers<void>();
  const source = new ProbeIterable(count());
  const it = takeUntil(source, stop.promise);
  assert.deepEqual(await it.next(), { done: false, value: 0 });
  stop.resolve();
  await settle();
  assert.deepEqual(await it.next(), { done: true, value: undefined });
  assert.equal(source.returns, 1);
});

Deno.test("takeUntil rejects with the stop promise's rejection and cancels the source", async () => {
  const stop = Promise.withResolvers<void>();
  const source = new ProbeIterable(count());
  const it = takeUntil(source, stop.promise);
  await it.next();
  stop.reject(new Error("stop failed"));
  await settle();
  await assert.rejects(it.next(), { message: "stop failed" });
  assert.equal(source.returns, 1);
});

Deno.test("takeUntil with an already aborted stop signal never pulls", async () => {
  const source = new ProbeIterable(count());
  assert.deepEqual(await collect(takeUntil(source, AbortSignal.abort())), []);
  assert.equal(source.nexts, 0);
  assert.equal(source.returns, 1);
});

Deno.test("takeUntil passes every item when stop never fires", async () => {
  const stop = new AbortController();
  assert.deepEqual(await collect(takeUntil(from([1, 2, 3]), stop.signal)), [1, 2, 3]);
});

Deno.test("takeUntil throws TypeError for a bad stop", () => {
  assert.throws(() => takeUntil(from([1]), 5 as never), {
    name: "TypeError",
    message: "'stop' must be an AbortSignal or a promise: received number",
  });
});
