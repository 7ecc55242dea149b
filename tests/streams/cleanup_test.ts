// Every combinator cancels its source on every kind of early exit, for both
// kinds of source, and leaves no timer behind.
import assert from "node:assert/strict";
import {
  buffered,
  bufferUnordered,
  chunks,
  chunksTimeout,
  collect,
  debounce,
  enumerate,
  filter,
  filterMap,
  flatten,
  forEach,
  inspect,
  map,
  merge,
  reduce,
  scan,
  skip,
  skipWhile,
  type StreamOptions,
  type StreamSource,
  take,
  takeUntil,
  takeWhile,
  throttle,
  timeoutEach,
  zip,
} from "@weir/weir/streams";
import { FakeClock } from "@weir/weir/time";
import { count, ProbeIterable, probes, settle } from "./_probe.ts";

type Make = (
  source: StreamSource<number>,
  options: StreamOptions & { clock: FakeClock; other?: () => AsyncIterable<number> },
) => AsyncIterator<unknown> & AsyncIterable<unknown>;

const never = new Promise<void>(() => {});
const other = () => new ProbeIterable(count());
const silent = () => new ProbeIterable<number>([], { hang: true });

const combinators: Record<string, Make> = {
  map: (s, o) => map(s, (n) => n + 1, o),
  "map (async)": (s, o) => map(s, (n) => Promise.resolve(n + 1), o),
  filter: (s, o) => filter(s, () => true, o),
  filterMap: (s, o) => filterMap(s, (n) => n, o),
  inspect: (s, o) => inspect(s, () => {}, o),
  "map + filter (fused)": (s, o) => filter(map(s, (n) => n * 2, o), (n) => n >= 0),
  take: (s, o) => take(s, 5, o),
  skip: (s, o) => skip(s, 1, o),
  takeWhile: (s, o) => takeWhile(s, () => true, o),
  skipWhile: (s, o) => skipWhile(s, (n) => n < 1, o),
  takeUntil: (s, o) => takeUntil(s, never, o),
  scan: (s, o) => scan(s, 0, (a, n) => a + n, o),
  flatten: (s, o) => flatten(map(s, (n) => [n, n]), o),
  enumerate: (s, o) => enumerate(s, o),
  chunks: (s, o) => chunks(s, 2, o),
  chunksTimeout: (s, o) => chunksTimeout(s, 2, 100, o),
  buffered: (s, o) => buffered(s, 2, (n) => Promise.resolve(n), o),
  bufferUnordered: (s, o) => bufferUnordered(s, 2, (n) => Promise.resolve(n), o),
  merge: (s, { other: second = other, ...o }) => merge(s, second(), o),
  zip: (s, o) => zip(s, other(), o),
  throttle: (s, o) => throttle(s, 10, o),
  timeoutEach: (s, o) => timeoutEach(s, 100, o),
};

for (const [name, make] of Object.entries(combinators)) {
  Deno.test(`${name} cancels its source on break`, async () => {
    for (const probe of probes(count)) {
      const clock = new FakeClock();
      for await (const _ of make(probe.source, { clock })) break;
      assert.equal(probe.closes(), 1, probe.kind);
      assert.equal(clock.pending, 0);
    }
  });

  Deno.test(`${name} cancels its source when the loop body throws`, async () => {
    for (const probe of probes(count)) {
      const clock = new FakeClock();
      await assert.rejects(async () => {
        for await (const _ of make(probe.source, { clock })) throw new Error("body");
      }, { message: "body" });
      assert.equal(probe.closes(), 1, probe.kind);
      assert.equal(clock.pending, 0);
    }
  });

  Deno.test(`${name} rejects with the reason and cancels its source on abort`, async () => {
    for (const probe of probes(count)) {
      const clock = new FakeClock();
      const controller = new AbortController();
      const it = make(probe.source, { clock, signal: controller.signal });
      await it.next();
      const reason = new Error("stop");
      controller.abort(reason);
      await assert.rejects(it.next(), (e) => e === reason);
      await assert.rejects(it.next(), (e) => e === reason);
      await settle();
      assert.equal(probe.closes(), 1, probe.kind);
      assert.equal(clock.pending, 0);
    }
  });

  Deno.test(`${name} aborts a pending next() at once and cancels its source`, async () => {
    for (const probe of probes(() => [], { hang: true })) {
      const clock = new FakeClock();
      const controller = new AbortController();
      const it = make(probe.source, { clock, signal: controller.signal, other: silent });
      const pending = it.next();
      await settle();
      const reason = new Error("stop");
      controller.abort(reason);
      await assert.rejects(pending, (e) => e === reason);
      await settle();
      assert.equal(probe.closes(), 1, probe.kind);
      assert.equal(clock.pending, 0);
    }
  });

  Deno.test(`${name} with an aborted signal rejects without pulling and cancels its source`, async () => {
    const iterable = new ProbeIterable(count());
    const clock = new FakeClock();
    const reason = new Error("already");
    const it = make(iterable, { clock, signal: AbortSignal.abort(reason) });
    await assert.rejects(it.next(), (e) => e === reason);
    await settle();
    assert.equal(iterable.nexts, 0);
    assert.equal(iterable.returns, 1);
  });

  Deno.test(`${name} cancels its source on return() before the first next()`, async () => {
    for (const probe of probes(count)) {
      const it = make(probe.source, { clock: new FakeClock() });
      assert.deepEqual(await it.return!(), { done: true, value: undefined });
      assert.deepEqual(await it.next(), { done: true, value: undefined });
      assert.equal(probe.closes(), 1, probe.kind);
    }
  });
}

Deno.test("debounce cancels its source on break, body error and abort", async () => {
  for (const probe of probes(() => [1], { hang: true })) {
    const clock = new FakeClock();
    const done = (async () => {
      for await (const _ of debounce(probe.source, 50, { clock })) break;
    })();
    await clock.tick(50);
    await done;
    assert.equal(probe.closes(), 1, probe.kind);
    assert.equal(clock.pending, 0);
  }
  for (const probe of probes(() => [1], { hang: true })) {
    const clock = new FakeClock();
    const controller = new AbortController();
    const pending = debounce(probe.source, 50, { clock, signal: controller.signal }).next();
    await settle();
    assert.equal(clock.pending, 1);
    controller.abort(new Error("stop"));
    await assert.rejects(pending, { message: "stop" });
    await settle();
    assert.equal(probe.closes(), 1, probe.kind);
    assert.equal(clock.pending, 0);
  }
});

Deno.test("collect, reduce and forEach cancel their source on abort and on callback errors", async () => {
  for (const probe of probes(count, { hang: false })) {
    const controller = new AbortController();
    const pending = forEach(probe.source, (n) => {
      if (n === 3) controller.abort(new Error("stop"));
    }, { signal: controller.signal });
    await assert.rejects(pending, { message: "stop" });
    await settle();
    assert.equal(probe.closes(), 1, probe.kind);
  }
  for (const probe of probes(count)) {
    await assert.rejects(
      reduce(probe.source, 0, (sum, n) => {
        if (n === 2) throw new Error("bad item");
        return sum + n;
      }),
      { message: "bad item" },
    );
    assert.equal(probe.closes(), 1, probe.kind);
  }
  for (const probe of probes(() => [], { hang: true })) {
    const controller = new AbortController();
    const pending = collect(probe.source, { signal: controller.signal });
    await settle();
    controller.abort(new Error("stop"));
    await assert.rejects(pending, { message: "stop" });
    await settle();
    assert.equal(probe.closes(), 1, probe.kind);
  }
});
