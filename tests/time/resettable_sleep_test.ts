import assert from "node:assert/strict";
import { FakeClock, Sleep } from "@weir/weir/time";
import { trackedAbort, trackedSystemClock } from "./_helpers.ts";

Deno.test("Sleep resolves every awaiter at its deadline", async () => {
  const clock = new FakeClock(100);
  const sleep = new Sleep(50, { clock });
  assert.equal(sleep.deadline, 150);
  assert.equal(sleep.isElapsed, false);
  const a = sleep.then(() => clock.now());
  const b = (async () => {
    await sleep;
    return clock.now();
  })();
  await clock.tick(49);
  assert.equal(sleep.isElapsed, false);
  await clock.tick(1);
  assert.equal(sleep.isElapsed, true);
  assert.deepEqual(await Promise.all([a, b]), [150, 150]);
  assert.equal(clock.pending, 0);
});

Deno.test("Sleep awaited after it elapsed resolves at once", async () => {
  const clock = new FakeClock();
  const sleep = new Sleep(0, { clock });
  await clock.tick(0);
  assert.equal(sleep.isElapsed, true);
  await sleep;
  assert.equal(await sleep.then(() => "again"), "again");
});

Deno.test("Sleep.reset() is relative to now and moves pending awaiters later", async () => {
  const clock = new FakeClock();
  const sleep = new Sleep(100, { clock });
  const at = sleep.then(() => clock.now());
  await clock.tick(60);
  sleep.reset(100);
  assert.equal(sleep.deadline, 160);
  assert.equal(clock.pending, 1);
  await clock.tick(99);
  assert.equal(sleep.isElapsed, false);
  await clock.tick(1);
  assert.equal(await at, 160);
});

Deno.test("Sleep.reset() can move the deadline earlier", async () => {
  const clock = new FakeClock();
  const sleep = new Sleep(1_000, { clock });
  const at = sleep.then(() => clock.now());
  await clock.tick(10);
  sleep.reset(5);
  await clock.tick(5);
  assert.equal(await at, 15);
  assert.equal(clock.pending, 0);
});

Deno.test("Sleep.reset() after it elapsed makes it pending again", async () => {
  const clock = new FakeClock();
  const sleep = new Sleep(10, { clock });
  await clock.tick(10);
  assert.equal(sleep.isElapsed, true);
  sleep.reset(20);
  assert.equal(sleep.isElapsed, false);
  let woke = false;
  const done = sleep.then(() => woke = true);
  await clock.tick(19);
  assert.equal(woke, false);
  await clock.tick(1);
  assert.equal(await done, true);
});

Deno.test("Sleep.resetAt() takes a clock time; a past one leaves an elapsed sleep elapsed", async () => {
  const clock = new FakeClock(1_000);
  const sleep = new Sleep(500, { clock });
  sleep.resetAt(1_200);
  assert.equal(sleep.deadline, 1_200);
  await clock.tick(200);
  assert.equal(sleep.isElapsed, true);
  sleep.resetAt(1_100);
  assert.equal(sleep.isElapsed, true);
  assert.equal(sleep.deadline, 1_100);
  assert.equal(clock.pending, 0);
  sleep.resetAt(1_200);
  assert.equal(sleep.isElapsed, true);
  sleep.resetAt(1_201);
  assert.equal(sleep.isElapsed, false);
  await clock.tick(1);
  assert.equal(sleep.isElapsed, true);
});

Deno.test("Sleep.resetAt() a past deadline on a pending sleep fires on the next timer turn", async () => {
  const clock = new FakeClock(1_000);
  const sleep = new Sleep(500, { clock });
  const at = sleep.then(() => clock.now());
  sleep.resetAt(0);
  await clock.tick(0);
  assert.equal(await at, 1_000);
});

Deno.test("Sleep works as an idle timeout reset on activity in a race", async () => {
  const clock = new FakeClock();
  using idle = new Sleep(100, { clock });
  // activity arrives at 50, 120 and 200; idle after 100 ms of silence
  let notify = () => {};
  for (const at of [50, 120, 200]) clock.setTimer(() => notify(), at);
  const loop = (async () => {
    for (let i = 0; i < 10; i++) {
      const activity = new Promise<"msg">((resolve) => notify = () => resolve("msg"));
      const winner = await Promise.race([activity, idle.then(() => "idle" as const)]);
      if (winner === "idle") return clock.now();
      idle.reset(100);
    }
    return -1;
  })();
  await clock.runAll();
  assert.equal(await loop, 300);
});

Deno.test("Sleep rejects with signal.reason when aborted before construction, arming nothing", async () => {
  const clock = new FakeClock();
  const sleep = new Sleep(10, { clock, signal: AbortSignal.abort("gone") });
  assert.equal(clock.pending, 0);
  await assert.rejects(sleep.then(), (e) => e === "gone");
  sleep.reset(5);
  assert.equal(clock.pending, 0);
  await assert.rejects(Promise.resolve(sleep), (e) => e === "gone");
});

Deno.test("Sleep rejects pending and later awaiters with signal.reason when aborted during", async () => {
  const clock = new FakeClock();
  const { controller, listeners } = trackedAbort();
  const sleep = new Sleep(100, { clock, signal: controller.signal });
  const pending = sleep.then(() => "elapsed");
  await clock.tick(50);
  controller.abort("stop");
  await assert.rejects(pending, (e) => e === "stop");
  await assert.rejects(sleep.then(), (e) => e === "stop");
  assert.equal(clock.pending, 0);
  assert.equal(listeners(), 0);
  assert.equal(sleep.isElapsed, false);
  sleep.resetAt(200);
  assert.equal(clock.pending, 0);
});

Deno.test("Sleep aborted with nobody awaiting raises no unhandled rejection", async () => {
  const clock = new FakeClock();
  const controller = new AbortController();
  new Sleep(100, { clock, signal: controller.signal });
  controller.abort();
  await clock.tick(200);
  assert.equal(clock.pending, 0);
});

Deno.test("Sleep stays elapsed if its signal aborts afterwards, and drops its listener", async () => {
  const clock = new FakeClock();
  const { controller, listeners } = trackedAbort();
  const sleep = new Sleep(10, { clock, signal: controller.signal });
  assert.equal(listeners(), 1);
  await clock.tick(10);
  assert.equal(listeners(), 0);
  controller.abort();
  await sleep;
  assert.equal(sleep.isElapsed, true);
});

Deno.test("Sleep re-armed by reset listens to its signal again", async () => {
  const clock = new FakeClock();
  const { controller, listeners } = trackedAbort();
  const sleep = new Sleep(10, { clock, signal: controller.signal });
  await clock.tick(10);
  sleep.reset(10);
  assert.equal(listeners(), 1);
  const pending = sleep.then();
  controller.abort("again");
  await assert.rejects(pending, (e) => e === "again");
  assert.equal(clock.pending, 0);
});

Deno.test("Sleep [Symbol.dispose]() cancels the timer and listener; reset re-arms it", async () => {
  const clock = new FakeClock();
  const { controller, listeners } = trackedAbort();
  const sleep = new Sleep(10, { clock, signal: controller.signal });
  sleep[Symbol.dispose]();
  assert.equal(clock.pending, 0);
  assert.equal(listeners(), 0);
  await clock.tick(20);
  assert.equal(sleep.isElapsed, false);
  sleep.reset(5);
  assert.equal(clock.pending, 1);
  await clock.tick(5);
  assert.equal(sleep.isElapsed, true);
});

Deno.test("Sleep rejects bad durations and deadlines with a RangeError naming the argument", () => {
  const clock = new FakeClock();
  for (const bad of [-1, NaN, Infinity]) {
    assert.throws(() => new Sleep(bad, { clock }), { name: "RangeError", message: /^'ms' must/ });
  }
  const sleep = new Sleep(10, { clock });
  for (const bad of [-1, NaN, Infinity]) {
    assert.throws(() => sleep.reset(bad), { name: "RangeError", message: /^'ms' must/ });
  }
  for (const bad of [NaN, Infinity, -Infinity]) {
    assert.throws(() => sleep.resetAt(bad), { name: "RangeError", message: /^'deadline' must/ });
  }
  assert.equal(sleep.deadline, 10);
  sleep[Symbol.dispose]();
});

Deno.test("Sleep on the system clock leaves no real timer behind once disposed or aborted", async () => {
  const { clock, armed } = trackedSystemClock();
  {
    using _idle = new Sleep(60_000, { clock });
    assert.equal(armed(), 1);
  }
  assert.equal(armed(), 0);
  const controller = new AbortController();
  const sleep = new Sleep(60_000, { clock, signal: controller.signal });
  sleep.reset(120_000);
  assert.equal(armed(), 1);
  controller.abort("bye");
  await assert.rejects(Promise.resolve(sleep), (e) => e === "bye");
  assert.equal(armed(), 0);
});
