import assert from "node:assert/strict";
import { collect, intervalStream, take } from "@weir/weir/streams";
import { FakeClock } from "@weir/weir/time";
import { settle } from "./_probe.ts";

Deno.test("intervalStream yields scheduled tick times, the first at once", async () => {
  const clock = new FakeClock(1_000);
  const ticks = collect(take(intervalStream(100, { clock }), 4));
  await clock.tick(300);
  assert.deepEqual(await ticks, [1_000, 1_100, 1_200, 1_300]);
  assert.equal(clock.pending, 0);
});

Deno.test("intervalStream follows the missed-tick behaviour", async () => {
  const clock = new FakeClock();
  const it = intervalStream(50, { clock, missedTick: "skip" });
  assert.deepEqual(await it.next(), { done: false, value: 0 });
  await clock.tick(120);
  assert.deepEqual(await it.next(), { done: false, value: 50 });
  const next = it.next();
  await clock.tick(30);
  assert.deepEqual(await next, { done: false, value: 150 });
  await it.return();
});

Deno.test("intervalStream leaves no timer after break or abort", async () => {
  const clock = new FakeClock();
  const it = intervalStream(100, { clock });
  await it.next();
  const pending = it.next();
  await settle();
  assert.equal(clock.pending, 1);
  await it.return();
  assert.equal(clock.pending, 0);
  assert.deepEqual(await pending, { done: true, value: undefined });

  const controller = new AbortController();
  const aborted = intervalStream(100, { clock, signal: controller.signal });
  await aborted.next();
  const waiting = aborted.next();
  await settle();
  controller.abort(new Error("stop"));
  await assert.rejects(waiting, { message: "stop" });
  assert.equal(clock.pending, 0);
});

Deno.test("intervalStream throws for a bad period", () => {
  assert.throws(() => intervalStream(0), RangeError);
  assert.throws(() => intervalStream(10, { missedTick: "later" as never }), TypeError);
});
