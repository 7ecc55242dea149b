import assert from "node:assert/strict";
import { FakeClock } from "@weir/weir/time";

/** Arms a timer that re-arms itself every `ms`; returns how many times it fired. */
function everyMs(clock: FakeClock, ms: number): () => number {
  let count = 0;
  const fire = () => {
    count++;
    clock.setTimer(fire, ms);
  };
  clock.setTimer(fire, ms);
  return () => count;
}

Deno.test("FakeClock starts at the given time and stands still", () => {
  assert.equal(new FakeClock().now(), 0);
  const clock = new FakeClock(1_234.5);
  assert.equal(clock.now(), 1_234.5);
  assert.equal(clock.now(), 1_234.5);
  assert.equal(clock.pending, 0);
});

Deno.test("FakeClock rejects a non-finite start", () => {
  for (const bad of [NaN, Infinity, -Infinity]) {
    assert.throws(() => new FakeClock(bad), { name: "RangeError", message: /start/ });
  }
});

Deno.test("FakeClock.tick() fires due timers in deadline order, ties in creation order", async () => {
  const clock = new FakeClock();
  const fired: string[] = [];
  clock.setTimer(() => fired.push(`c@${clock.now()}`), 30);
  clock.setTimer(() => fired.push(`a1@${clock.now()}`), 10);
  clock.setTimer(() => fired.push(`b@${clock.now()}`), 20);
  clock.setTimer(() => fired.push(`a2@${clock.now()}`), 10);
  clock.setTimer(() => fired.push(`late@${clock.now()}`), 31);
  await clock.tick(30);
  assert.deepEqual(fired, ["a1@10", "a2@10", "b@20", "c@30"]);
  assert.equal(clock.now(), 30);
  assert.equal(clock.pending, 1);
  await clock.tick(1);
  assert.deepEqual(fired.at(-1), "late@31");
  assert.equal(clock.pending, 0);
});

Deno.test("FakeClock.tick() fires timers armed while advancing, at their own deadline", async () => {
  const clock = new FakeClock(100);
  const fired: number[] = [];
  clock.setTimer(() => {
    fired.push(clock.now());
    clock.setTimer(() => fired.push(clock.now()), 5);
    clock.setTimer(() => fired.push(clock.now()), 0);
  }, 10);
  await clock.tick(20);
  assert.deepEqual(fired, [110, 110, 115]);
  assert.equal(clock.now(), 120);
});

Deno.test("FakeClock.tick() lets promise callbacks run between timers", async () => {
  const clock = new FakeClock();
  const wait = (ms: number) => new Promise<void>((resolve) => clock.setTimer(resolve, ms));
  const seen: number[] = [];
  const chain = (async () => {
    for (let i = 0; i < 5; i++) {
      await wait(10);
      // a few promise hops before arming the next timer
      await Promise.resolve();
      await (async () => {
        await null;
      })();
      seen.push(clock.now());
    }
  })();
  await clock.tick(50);
  assert.deepEqual(seen, [10, 20, 30, 40, 50]);
  await chain;
});

Deno.test("FakeClock.tick() settles work started before it before advancing", async () => {
  const clock = new FakeClock();
  const fired: number[] = [];
  // arms its timer only after a few microtask hops
  void (async () => {
    await Promise.resolve();
    await Promise.resolve();
    clock.setTimer(() => fired.push(clock.now()), 5);
  })();
  assert.equal(clock.pending, 0);
  await clock.tick(5);
  assert.deepEqual(fired, [5]);
});

Deno.test("FakeClock.tick(0) fires timers due now and settles promises", async () => {
  const clock = new FakeClock(7);
  let fired = 0;
  clock.setTimer(() => fired++, 0);
  clock.setTimer(() => fired++, -5);
  clock.setTimer(() => fired++, 1);
  await clock.tick(0);
  assert.equal(fired, 2);
  assert.equal(clock.now(), 7);
  assert.equal(clock.pending, 1);
});

Deno.test("FakeClock.setTimer() cancel is idempotent and harmless after firing", async () => {
  const clock = new FakeClock();
  let fired = 0;
  const a = clock.setTimer(() => fired++, 10);
  const b = clock.setTimer(() => fired += 10, 10);
  const c = clock.setTimer(() => fired += 100, 10);
  b();
  b();
  assert.equal(clock.pending, 2);
  await clock.tick(10);
  assert.equal(fired, 101);
  a();
  c();
  assert.equal(clock.pending, 0);
});

Deno.test("FakeClock.setTimer() a timer can cancel a later one at the same deadline", async () => {
  const clock = new FakeClock();
  const fired: string[] = [];
  let cancelB = () => {};
  clock.setTimer(() => {
    fired.push("a");
    cancelB();
  }, 10);
  cancelB = clock.setTimer(() => fired.push("b"), 10);
  await clock.tick(10);
  assert.deepEqual(fired, ["a"]);
});

Deno.test("FakeClock.setTimer() rejects NaN and infinite delays", () => {
  const clock = new FakeClock();
  for (const bad of [NaN, Infinity, -Infinity]) {
    assert.throws(() => clock.setTimer(() => {}, bad), { name: "RangeError", message: /ms/ });
  }
  assert.equal(clock.pending, 0);
});

Deno.test("FakeClock.tick() rejects negative, NaN and infinite steps", async () => {
  const clock = new FakeClock();
  for (const bad of [-1, NaN, Infinity]) {
    await assert.rejects(clock.tick(bad), { name: "RangeError", message: /ms/ });
  }
  assert.equal(clock.now(), 0);
});

Deno.test("FakeClock.tick() refuses to run concurrently with itself", async () => {
  const clock = new FakeClock();
  const first = clock.tick(10);
  await assert.rejects(clock.tick(5), /already advancing/);
  await assert.rejects(clock.runAll(), /already advancing/);
  await first;
  assert.equal(clock.now(), 10);
});

Deno.test("FakeClock.tick() propagates a throwing callback and stays usable", async () => {
  const clock = new FakeClock();
  clock.setTimer(() => {
    throw new Error("boom");
  }, 5);
  let later = 0;
  clock.setTimer(() => later++, 8);
  await assert.rejects(clock.tick(10), /boom/);
  assert.equal(clock.now(), 5);
  await clock.tick(5);
  assert.equal(later, 1);
  assert.equal(clock.now(), 10);
});

Deno.test("FakeClock.tick() stops a timer that re-arms itself with no delay", async () => {
  const clock = new FakeClock();
  const spin = () => {
    clock.setTimer(spin, 0);
  };
  spin();
  await assert.rejects(clock.tick(1), /more than 10000 timers at 0 ms/);
  assert.equal(clock.pending, 1);
});

Deno.test("FakeClock.tick() fires many timers across a long advance", async () => {
  const clock = new FakeClock();
  const fired = everyMs(clock, 1);
  await clock.tick(20_000);
  assert.equal(fired(), 20_000);
  assert.equal(clock.pending, 1);
});

Deno.test("FakeClock.runAll() fires chained timers until none is armed", async () => {
  const clock = new FakeClock(50);
  const wait = (ms: number) => new Promise<void>((resolve) => clock.setTimer(resolve, ms));
  const times: number[] = [];
  const done = (async () => {
    for (const ms of [30, 0, 20, 50]) {
      await wait(ms);
      times.push(clock.now());
    }
  })();
  await clock.runAll();
  await done;
  assert.deepEqual(times, [80, 80, 100, 150]);
  assert.equal(clock.now(), 150);
  assert.equal(clock.pending, 0);
});

Deno.test("FakeClock.runAll() with nothing armed keeps the time", async () => {
  const clock = new FakeClock(3);
  await clock.runAll();
  assert.equal(clock.now(), 3);
});

Deno.test("FakeClock.runAll() throws after 10000 timers when something keeps re-arming", async () => {
  const clock = new FakeClock();
  const fired = everyMs(clock, 1);
  await assert.rejects(clock.runAll(), /fired 10000 timers and 1 are still armed/);
  assert.equal(fired(), 10_000);
  assert.equal(clock.now(), 10_000);
});
