import assert from "node:assert/strict";
import fc from "fast-check";
import { buffered, collect } from "@weir/weir/streams";
import { count, from, Gauge, ProbeIterable, probes, settle } from "./_probe.ts";

Deno.test("buffered yields results in source order while tasks run concurrently", async () => {
  for (const probe of probes(() => [0, 1, 2])) {
    const gates = [0, 1, 2].map(() => Promise.withResolvers<void>());
    let running = 0;
    let most = 0;
    const it = buffered(probe.source, 3, async (n) => {
      most = Math.max(most, ++running);
      await gates[n]!.promise;
      running--;
      return n * 10;
    });
    const first = it.next();
    await settle();
    gates[2]!.resolve();
    gates[1]!.resolve();
    await settle();
    assert.equal(running, 1);
    gates[0]!.resolve();
    assert.deepEqual(await first, { done: false, value: 0 });
    assert.deepEqual(await collect(it), [10, 20], probe.kind);
    assert.equal(most, 3);
  }
});

Deno.test("buffered counts finished but undelivered results against n", async () => {
  const source = new ProbeIterable(count());
  const gates = new Map<number, PromiseWithResolvers<void>>();
  const it = buffered(source, 2, (n) => {
    const gate = Promise.withResolvers<void>();
    gates.set(n, gate);
    return gate.promise.then(() => n);
  });
  const first = it.next();
  await settle();
  assert.equal(source.nexts, 2);
  gates.get(1)!.resolve();
  await settle();
  assert.equal(source.nexts, 2, "item 1 finished but waits behind item 0");
  gates.get(0)!.resolve();
  assert.deepEqual(await first, { done: false, value: 0 });
  assert.deepEqual(await it.next(), { done: false, value: 1 });
  await it.return();
});

Deno.test("buffered rejects at the failed task's position", async () => {
  const it = buffered(from([0, 1, 2]), 3, async (n) => {
    await settle(10 - n * 3);
    if (n === 1) throw new Error("task 1 failed");
    return n;
  });
  assert.deepEqual(await it.next(), { done: false, value: 0 });
  await assert.rejects(it.next(), { message: "task 1 failed" });
  assert.deepEqual(await it.next(), { done: true, value: undefined });
});

Deno.test("buffered matches a sequential map with at most n running", async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.nat({ max: 20 }), { maxLength: 30 }),
      fc.integer({ min: 1, max: 6 }),
      async (delays, n) => {
        const gauge = new Gauge();
        const out = await collect(buffered(from(delays), n, (d) =>
          gauge.run(async () => {
            await settle(d);
            return d * 2;
          })));
        assert.deepEqual(out, delays.map((d) => d * 2));
        assert.ok(gauge.most <= n);
      },
    ),
    { numRuns: 200 },
  );
});

Deno.test("buffered throws RangeError for n < 1", () => {
  assert.throws(() => buffered(from([1]), 0, (x) => x), {
    name: "RangeError",
    message: /'n' must/,
  });
});

Deno.test("buffered aborted while tasks run rejects and aborts every task", async () => {
  const source = new ProbeIterable(count());
  const controller = new AbortController();
  const signals: AbortSignal[] = [];
  const pending = buffered(source, 3, (_n, signal) => {
    signals.push(signal);
    return new Promise<number>(() => {});
  }, { signal: controller.signal }).next();
  await settle();
  assert.equal(signals.length, 3);
  const reason = new Error("stop");
  controller.abort(reason);
  await assert.rejects(pending, (e) => e === reason);
  assert.ok(signals.every((s) => s.aborted && s.reason === reason));
  assert.equal(source.returns, 1);
});
