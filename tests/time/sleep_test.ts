import assert from "node:assert/strict";
import { FakeClock, sleep, sleepUntil } from "@weir/weir/time";
import { trackedAbort, trackedSystemClock } from "./_helpers.ts";

Deno.test("sleep() resolves once the clock has advanced by ms, not before", async () => {
  const clock = new FakeClock(10);
  let woke = false;
  const done = sleep(100, { clock }).then(() => woke = true);
  assert.equal(clock.pending, 1);
  await clock.tick(99);
  assert.equal(woke, false);
  await clock.tick(1);
  assert.equal(woke, true);
  assert.equal(clock.now(), 110);
  assert.equal(clock.pending, 0);
  await done;
});

Deno.test("sleep(0) resolves on the next timer turn", async () => {
  const clock = new FakeClock();
  let woke = false;
  const done = sleep(0, { clock }).then(() => woke = true);
  await Promise.resolve();
  assert.equal(woke, false);
  await clock.tick(0);
  assert.equal(woke, true);
  await done;
});

Deno.test("sleep() uses the system clock by default", async () => {
  const started = performance.now();
  await sleep(1);
  assert.ok(performance.now() - started >= 0.5);
});

Deno.test("sleep() rejects with signal.reason when aborted before, leaving no timer", async () => {
  const clock = new FakeClock();
  const { controller, listeners } = trackedAbort();
  const reason = new Error("stop");
  controller.abort(reason);
  await assert.rejects(sleep(100, { clock, signal: controller.signal }), (e) => e === reason);
  assert.equal(clock.pending, 0);
  assert.equal(listeners(), 0);
});

Deno.test("sleep() rejects with signal.reason when aborted during, leaving no timer", async () => {
  const clock = new FakeClock();
  const { controller, listeners } = trackedAbort();
  const done = sleep(100, { clock, signal: controller.signal });
  await clock.tick(50);
  assert.equal(listeners(), 1);
  controller.abort("why");
  await assert.rejects(done, (e) => e === "why");
  assert.equal(clock.pending, 0);
  assert.equal(listeners(), 0);
});

Deno.test("sleep() removes its abort listener once it resolves", async () => {
  const clock = new FakeClock();
  const { controller, listeners } = trackedAbort();
  const done = sleep(10, { clock, signal: controller.signal });
  await clock.tick(10);
  await done;
  assert.equal(listeners(), 0);
  controller.abort();
});

Deno.test("sleep() rejects bad durations with a RangeError naming ms", async () => {
  const clock = new FakeClock();
  for (const bad of [-1, NaN, Infinity, -Infinity]) {
    await assert.rejects(sleep(bad, { clock }), { name: "RangeError", message: /^'ms' must be/ });
  }
  await assert.rejects(sleep("5" as unknown as number, { clock }), {
    name: "TypeError",
    message: /^'ms' must be a number/,
  });
  assert.equal(clock.pending, 0);
});

Deno.test("sleepUntil() resolves when the clock reaches the deadline", async () => {
  const clock = new FakeClock(1_000);
  const at = sleepUntil(1_250, { clock }).then(() => clock.now());
  await clock.tick(249);
  assert.equal(clock.pending, 1);
  await clock.tick(1);
  assert.equal(await at, 1_250);
});

Deno.test("sleepUntil() a past deadline resolves on the next timer turn", async () => {
  const clock = new FakeClock(1_000);
  const at = sleepUntil(-5, { clock }).then(() => clock.now());
  await clock.tick(0);
  assert.equal(await at, 1_000);
});

Deno.test("sleepUntil() honours abort before and during the wait", async () => {
  const clock = new FakeClock();
  await assert.rejects(
    sleepUntil(10, { clock, signal: AbortSignal.abort("early") }),
    (e) => e === "early",
  );
  const { controller, listeners } = trackedAbort();
  const done = sleepUntil(10, { clock, signal: controller.signal });
  await clock.tick(5);
  controller.abort("late");
  await assert.rejects(done, (e) => e === "late");
  assert.equal(clock.pending, 0);
  assert.equal(listeners(), 0);
});

Deno.test("sleepUntil() rejects a NaN or infinite deadline with a RangeError naming it", async () => {
  const clock = new FakeClock();
  for (const bad of [NaN, Infinity, -Infinity]) {
    await assert.rejects(sleepUntil(bad, { clock }), {
      name: "RangeError",
      message: /^'deadline' must be/,
    });
  }
  assert.equal(clock.pending, 0);
});

Deno.test("sleep() on the system clock leaves no real timer behind when aborted", async () => {
  const { clock, armed } = trackedSystemClock();
  const controller = new AbortController();
  const done = sleep(60_000, { clock, signal: controller.signal });
  assert.equal(armed(), 1);
  controller.abort("done");
  await assert.rejects(done, (e) => e === "done");
  assert.equal(armed(), 0);
});
