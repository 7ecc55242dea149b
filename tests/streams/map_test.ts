import assert from "node:assert/strict";
import fc from "fast-check";
import { collect, filter, map } from "@weir/weir/streams";
import { count, from, ProbeIterable, probes, settle } from "./_probe.ts";

Deno.test("map maps items in order from both kinds of source", async () => {
  for (const probe of probes(() => [1, 2, 3])) {
    assert.deepEqual(await collect(map(probe.source, (n) => n * 10)), [10, 20, 30], probe.kind);
    assert.equal(probe.closes(), 0, "a source that ended is not cancelled");
  }
});

Deno.test("map awaits an async fn one item at a time", async () => {
  let running = 0;
  let most = 0;
  const out = await collect(map(from([3, 1, 2]), async (n) => {
    most = Math.max(most, ++running);
    await settle(n * 3);
    running--;
    return n;
  }));
  assert.deepEqual(out, [3, 1, 2]);
  assert.equal(most, 1);
});

Deno.test("map keeps undefined and null as items", async () => {
  assert.deepEqual(await collect(map(from([1, 2]), (n) => n === 1 ? undefined : null)), [
    undefined,
    null,
  ]);
});

Deno.test("map rejects with fn's error, cancels the source and then ends", async () => {
  for (const probe of probes(count)) {
    const it = map(probe.source, (n) => {
      if (n === 2) throw new Error("bad item");
      return n;
    });
    assert.deepEqual(await it.next(), { done: false, value: 0 });
    assert.deepEqual(await it.next(), { done: false, value: 1 });
    await assert.rejects(it.next(), { message: "bad item" });
    assert.equal(probe.closes(), 1, probe.kind);
    assert.deepEqual(await it.next(), { done: true, value: undefined });
  }
  const rejecting = map(from([1]), () => Promise.reject(new Error("async bad")));
  await assert.rejects(rejecting.next(), { message: "async bad" });
});

Deno.test("map passes fn a signal that aborts when the stream closes", async () => {
  const signals: AbortSignal[] = [];
  const it = map(from(count()), (n, signal) => {
    signals.push(signal);
    return n;
  });
  await it.next();
  await it.next();
  assert.equal(signals[0], signals[1]);
  assert.equal(signals[0]!.aborted, false);
  await it.return();
  assert.equal(signals[0]!.aborted, true);
});

Deno.test("map aborts the signal of a running fn when its signal option aborts", async () => {
  const controller = new AbortController();
  let seen: AbortSignal | undefined;
  const it = map(from([1]), (_n, signal) => {
    seen = signal;
    return new Promise<number>(() => {});
  }, { signal: controller.signal });
  const pending = it.next();
  await settle();
  controller.abort(new Error("stop"));
  await assert.rejects(pending, { message: "stop" });
  assert.equal(seen!.aborted, true);
  assert.equal(seen!.reason.message, "stop");
});

Deno.test("map propagates a source error", async () => {
  async function* failing() {
    yield 1;
    throw new Error("source broke");
  }
  const it = map(failing(), (n) => n);
  assert.deepEqual(await it.next(), { done: false, value: 1 });
  await assert.rejects(it.next(), { message: "source broke" });
  assert.deepEqual(await it.next(), { done: true, value: undefined });
});

Deno.test("map stacked before iteration pulls the source once per item", async () => {
  const source = new ProbeIterable([1, 2, 3]);
  const chain = map(filter(map(source, (n) => n * 2), (n) => n !== 4), (n) => `${n}`);
  assert.deepEqual(await collect(chain), ["2", "6"]);
  assert.equal(source.nexts, 4);
});

Deno.test("map over a stream that already started still works", async () => {
  const first = map(from([1, 2, 3]), (n) => n + 1);
  assert.deepEqual(await first.next(), { done: false, value: 2 });
  assert.deepEqual(await collect(map(first, (n) => n * 10)), [30, 40]);
});

Deno.test("map stacked with different signals keeps both signals", async () => {
  const inner = new AbortController();
  const outer = new AbortController();
  const source = new ProbeIterable(count());
  const it = map(map(source, (n) => n, { signal: inner.signal }), (n) => n, {
    signal: outer.signal,
  });
  await it.next();
  inner.abort(new Error("inner"));
  await assert.rejects(it.next(), { message: "inner" });
  await settle();
  assert.equal(source.returns, 1);
});

Deno.test("map serves concurrent next() calls in call order", async () => {
  const it = map(from([30, 10, 20]), async (n) => {
    await settle(n);
    return n;
  });
  const results = await Promise.all([it.next(), it.next(), it.next(), it.next()]);
  assert.deepEqual(results.map((r) => r.value), [30, 10, 20, undefined]);
  assert.equal(results[3]!.done, true);
});

Deno.test("map throws TypeError for bad arguments", () => {
  assert.throws(() => map(42 as never, (n) => n), {
    name: "TypeError",
    message: "'source' must be an AsyncIterable or a ReadableStream: received number",
  });
  assert.throws(() => map(from([1]), "f" as never), {
    name: "TypeError",
    message: "'fn' must be a function: received string",
  });
  assert.throws(() => map(null as never, (n) => n), { message: /received null/ });
});

Deno.test("map and filter match Array.prototype.map and filter", async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(fc.integer()), fc.integer({ min: 1, max: 5 }), async (items, k) => {
      const expected = items.map((n) => n * k).filter((n) => n % 3 !== 0);
      const got = await collect(filter(map(from(items), (n) => n * k), (n) => n % 3 !== 0));
      assert.deepEqual(got, expected);
    }),
    { numRuns: 300 },
  );
});
