import assert from "node:assert/strict";
import { collect, throttle } from "@weir/weir/streams";
import { FakeClock } from "@weir/weir/time";
import { count, from, ProbeIterable, settle } from "./_probe.ts";

Deno.test("throttle passes the first item at once and delays, never drops, the rest", async () => {
  const clock = new FakeClock();
  const stamped: [number, string][] = [];
  const done = (async () => {
    for await (const s of throttle(from(["a", "b", "c"]), 100, { clock })) {
      stamped.push([clock.now(), s]);
    }
  })();
  await clock.runAll();
  await done;
  assert.deepEqual(stamped, [[0, "a"], [100, "b"], [200, "c"]]);
  assert.equal(clock.pending, 0);
});

Deno.test("throttle does not pull the source while it waits", async () => {
  const clock = new FakeClock();
  const source = new ProbeIterable(count());
  const it = throttle(source, 50, { clock });
  assert.deepEqual(await it.next(), { done: false, value: 0 });
  const second = it.next();
  await clock.tick(49);
  assert.equal(source.nexts, 1);
  await clock.tick(1);
  assert.deepEqual(await second, { done: false, value: 1 });
  assert.equal(source.nexts, 2);
  await it.return();
  assert.equal(clock.pending, 0);
});

Deno.test("throttle counts the consumer's own time since the last item", async () => {
  const clock = new FakeClock();
  const it = throttle(from(count()), 100, { clock });
  await it.next();
  await clock.tick(60);
  const second = it.next();
  await clock.tick(39);
  let settled = false;
  second.then(() => settled = true);
  await settle();
  assert.equal(settled, false);
  await clock.tick(1);
  assert.deepEqual(await second, { done: false, value: 1 });
  await clock.tick(150);
  assert.deepEqual(await it.next(), { done: false, value: 2 }, "no wait after a slow consumer");
  await it.return();
});

Deno.test("throttle(0) passes everything through without timers", async () => {
  const clock = new FakeClock();
  const it = throttle(from([1, 2, 3]), 0, { clock });
  assert.deepEqual(await it.next(), { done: false, value: 1 });
  assert.deepEqual(await it.next(), { done: false, value: 2 });
  assert.equal(clock.pending, 0);
  assert.deepEqual(await collect(it), [3]);
});

Deno.test("throttle throws for a bad ms", () => {
  for (const ms of [-1, NaN, Infinity]) {
    assert.throws(() => throttle(from([1]), ms), {
      name: "RangeError",
      message: `'ms' must be a non-negative finite number of milliseconds: received ${ms}`,
    });
  }
  assert.throws(() => throttle(from([1]), "5" as never), TypeError);
});

Deno.test("throttle aborted while it waits rejects, pulls nothing more and leaves no timer", async () => {
  const clock = new FakeClock();
  const source = new ProbeIterable(count());
  const controller = new AbortController();
  const it = throttle(source, 100, { clock, signal: controller.signal });
  await it.next();
  const waiting = it.next();
  await clock.tick(50);
  assert.equal(clock.pending, 1);
  controller.abort(new Error("stop"));
  await assert.rejects(waiting, { message: "stop" });
  assert.equal(clock.pending, 0);
  assert.equal(source.nexts, 1);
  assert.equal(source.returns, 1);
});
