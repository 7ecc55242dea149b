import assert from "node:assert/strict";
import fc from "fast-check";
import { bufferUnordered, collect } from "@weir/weir/streams";
import { count, from, Gauge, ProbeIterable, probes, settle } from "./_probe.ts";

/** Tasks that finish when the test says so. */
function gated() {
  const gates = new Map<number, PromiseWithResolvers<void>>();
  const gate = (n: number) => {
    let g = gates.get(n);
    if (g === undefined) gates.set(n, g = Promise.withResolvers<void>());
    return g;
  };
  return { open: (n: number) => gate(n).resolve(), wait: (n: number) => gate(n).promise };
}

Deno.test("bufferUnordered yields results in completion order", async () => {
  for (const probe of probes(() => [0, 1, 2])) {
    const { open, wait } = gated();
    const it = bufferUnordered(probe.source, 3, async (n) => {
      await wait(n);
      return n * 10;
    });
    const first = it.next();
    await settle();
    open(2);
    assert.deepEqual(await first, { done: false, value: 20 });
    open(0);
    open(1);
    assert.deepEqual(await collect(it), [0, 10], probe.kind);
  }
});

Deno.test("bufferUnordered never runs more than n tasks and pulls only for a free slot", async () => {
  const source = new ProbeIterable(count());
  const { open, wait } = gated();
  let running = 0;
  let most = 0;
  const it = bufferUnordered(source, 2, async (n) => {
    most = Math.max(most, ++running);
    await wait(n);
    running--;
    return n;
  });
  const first = it.next();
  await settle();
  assert.equal(running, 2);
  assert.equal(source.nexts, 2);
  open(1);
  assert.deepEqual(await first, { done: false, value: 1 });
  await settle();
  assert.equal(source.nexts, 2, "a finished result held for the consumer keeps no slot busy");
  const second = it.next();
  await settle();
  assert.equal(source.nexts, 3);
  assert.equal(running, 2);
  open(0);
  assert.deepEqual(await second, { done: false, value: 0 });
  assert.equal(most, 2);
  await it.return();
});

Deno.test("bufferUnordered holds at most n finished results for an idle consumer", async () => {
  const source = new ProbeIterable(count());
  const it = bufferUnordered(source, 3, (n) => Promise.resolve(n));
  assert.deepEqual(await it.next(), { done: false, value: 0 });
  await settle(200);
  assert.ok(source.nexts <= 4, `pulled ${source.nexts}`);
  await it.return();
});

Deno.test("bufferUnordered aborts running tasks and cancels the source on break", async () => {
  for (const probe of probes(count)) {
    const signals: AbortSignal[] = [];
    const { open, wait } = gated();
    const loop = (async () => {
      for await (
        const n of bufferUnordered(probe.source, 3, async (n, signal) => {
          signals.push(signal);
          await wait(n);
          return n;
        })
      ) return n;
    })();
    await settle();
    open(1);
    assert.equal(await loop, 1);
    assert.equal(probe.closes(), 1, probe.kind);
    assert.equal(signals.length, 3);
    assert.ok(signals.every((s) => s.aborted));
  }
});

Deno.test("bufferUnordered rejects with a task's error, aborts the others and cancels the source", async () => {
  const source = new ProbeIterable(count());
  let aborted = 0;
  const it = bufferUnordered(source, 3, (n, signal) => {
    if (n === 1) return Promise.reject(new Error("task 1 failed"));
    return new Promise<number>((_, reject) => {
      signal.addEventListener("abort", () => {
        aborted++;
        reject(signal.reason);
      });
    });
  });
  await assert.rejects(it.next(), { message: "task 1 failed" });
  await settle();
  assert.equal(aborted, 2);
  assert.equal(source.returns, 1);
  assert.deepEqual(await it.next(), { done: true, value: undefined });
});

Deno.test("bufferUnordered takes sync results and sync throws", async () => {
  assert.deepEqual(await collect(bufferUnordered(from([1, 2, 3]), 2, (n) => n * 2)), [2, 4, 6]);
  await assert.rejects(
    collect(bufferUnordered(from([1]), 2, () => {
      throw new Error("sync");
    })),
    { message: "sync" },
  );
});

Deno.test("bufferUnordered propagates a source error", async () => {
  async function* failing() {
    yield 1;
    throw new Error("source broke");
  }
  const it = bufferUnordered(failing(), 2, (n) => n);
  const results = [await it.next().then((r) => r.value, (e) => e.message)];
  results.push(await it.next().then((r) => r.value, (e) => e.message));
  assert.deepEqual(results.sort(), [1, "source broke"]);
});

Deno.test("bufferUnordered yields every result once with at most n running", async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.nat({ max: 20 }), { maxLength: 30 }),
      fc.integer({ min: 1, max: 6 }),
      async (delays, n) => {
        const gauge = new Gauge();
        const out = await collect(
          bufferUnordered(from(delays.keys()), n, (i) =>
            gauge.run(async () => {
              await settle(delays[i]!);
              return i;
            })),
        );
        assert.deepEqual(out.toSorted((a, b) => a - b), [...delays.keys()]);
        assert.ok(gauge.most <= n);
      },
    ),
    { numRuns: 200 },
  );
});

Deno.test("bufferUnordered throws for bad arguments", () => {
  for (const n of [0, -1, 1.5]) {
    assert.throws(() => bufferUnordered(from([1]), n, (x) => x), {
      name: "RangeError",
      message: `'n' must be a positive integer: received ${n}`,
    });
  }
  assert.throws(() => bufferUnordered(from([1]), 2, null as never), TypeError);
});
