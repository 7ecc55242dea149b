import assert from "node:assert/strict";
import { FakeClock, RateLimiter, type RateLimiterOptions } from "@weir/weir/time";
import { trackedAbort, trackedSystemClock } from "./_helpers.ts";

/** Starts acquire(n) and records the clock time at which it resolves. */
function timed(clock: FakeClock, limiter: RateLimiter, n = 1, signal?: AbortSignal) {
  return limiter.acquire(n, { signal }).then(() => clock.now());
}

Deno.test("RateLimiter starts full at burst, which defaults to rate", () => {
  const clock = new FakeClock();
  assert.equal(new RateLimiter({ rate: 7, clock }).available, 7);
  const limiter = new RateLimiter({ rate: 7, burst: 3, clock });
  assert.equal(limiter.available, 3);
  assert.equal(limiter.tryAcquire(), true);
  assert.equal(limiter.tryAcquire(2), true);
  assert.equal(limiter.tryAcquire(), false);
  assert.equal(limiter.available, 0);
});

Deno.test("RateLimiter refills continuously over time, capped at burst", async () => {
  const clock = new FakeClock();
  const limiter = new RateLimiter({ rate: 10, per: 1_000, burst: 5, clock });
  assert.equal(limiter.tryAcquire(5), true);
  await clock.tick(250);
  assert.equal(limiter.available, 2.5);
  assert.equal(limiter.tryAcquire(3), false);
  assert.equal(limiter.tryAcquire(2), true);
  assert.equal(limiter.available, 0.5);
  await clock.tick(50);
  assert.equal(limiter.available, 1);
  await clock.tick(10_000);
  assert.equal(limiter.available, 5);
});

Deno.test("RateLimiter.acquire() resolves at once while tokens last, then at the refill rate", async () => {
  const clock = new FakeClock();
  const limiter = new RateLimiter({ rate: 2, per: 100, burst: 2, clock });
  const times = Promise.all([1, 2, 3, 4, 5].map(() => timed(clock, limiter)));
  await clock.runAll();
  assert.deepEqual(await times, [0, 0, 50, 100, 150]);
  assert.equal(clock.pending, 0);
});

Deno.test("RateLimiter sustains the configured rate over a long run", async () => {
  const clock = new FakeClock();
  const limiter = new RateLimiter({ rate: 3, per: 1_000, burst: 1, clock });
  const done = (async () => {
    for (let i = 0; i < 301; i++) await limiter.acquire();
    return clock.now();
  })();
  await clock.runAll();
  assert.ok(Math.abs(await done - 100_000) < 1e-6);
});

Deno.test("RateLimiter.acquire(n) waits for n tokens", async () => {
  const clock = new FakeClock();
  const limiter = new RateLimiter({ rate: 1, per: 10, burst: 4, clock });
  assert.equal(limiter.tryAcquire(3), true);
  const at = timed(clock, limiter, 4);
  await clock.runAll();
  assert.equal(await at, 30);
  assert.equal(limiter.available, 0);
});

Deno.test("RateLimiter serves waiters FIFO: a big request is not overtaken by small ones", async () => {
  const clock = new FakeClock();
  const limiter = new RateLimiter({ rate: 1, per: 10, burst: 5, clock });
  assert.equal(limiter.tryAcquire(5), true);
  const order: string[] = [];
  const big = limiter.acquire(5).then(() => order.push(`big@${clock.now()}`));
  const small = limiter.acquire(1).then(() => order.push(`small@${clock.now()}`));
  await clock.tick(20);
  assert.equal(limiter.tryAcquire(1), false); // no barging past waiters
  await clock.runAll();
  await Promise.all([big, small]);
  assert.deepEqual(order, ["big@50", "small@60"]);
});

Deno.test("RateLimiter.acquire(0) waits its turn but takes nothing", async () => {
  const clock = new FakeClock();
  const limiter = new RateLimiter({ rate: 1, per: 10, burst: 1, clock });
  await limiter.acquire(0);
  assert.equal(limiter.available, 1);
  await limiter.acquire();
  const one = timed(clock, limiter);
  const zero = timed(clock, limiter, 0);
  await clock.runAll();
  assert.deepEqual(await Promise.all([one, zero]), [10, 10]);
});

Deno.test("RateLimiter.acquire() aborted before rejects with signal.reason and takes nothing", async () => {
  const clock = new FakeClock();
  const limiter = new RateLimiter({ rate: 2, clock });
  await assert.rejects(limiter.acquire(1, { signal: AbortSignal.abort("no") }), (e) => e === "no");
  assert.equal(limiter.available, 2);
  assert.equal(clock.pending, 0);
});

Deno.test("RateLimiter.acquire() aborted while waiting takes no tokens and leaves no timer", async () => {
  const clock = new FakeClock();
  const limiter = new RateLimiter({ rate: 1, per: 100, burst: 2, clock });
  assert.equal(limiter.tryAcquire(2), true);
  const { controller, listeners } = trackedAbort();
  const waiting = limiter.acquire(2, { signal: controller.signal });
  await clock.tick(150);
  assert.equal(clock.pending, 1);
  controller.abort("gave up");
  await assert.rejects(waiting, (e) => e === "gave up");
  assert.equal(clock.pending, 0);
  assert.equal(listeners(), 0);
  assert.equal(limiter.available, 1.5);
  await clock.tick(50);
  assert.equal(limiter.tryAcquire(2), true);
});

Deno.test("RateLimiter aborting the head waiter lets the next one move up", async () => {
  const clock = new FakeClock();
  const limiter = new RateLimiter({ rate: 1, per: 10, burst: 5, clock });
  assert.equal(limiter.tryAcquire(5), true);
  const controller = new AbortController();
  const big = limiter.acquire(5, { signal: controller.signal });
  const small = timed(clock, limiter, 2);
  const later = timed(clock, limiter, 1);
  await clock.tick(25);
  controller.abort("skip");
  await assert.rejects(big, (e) => e === "skip");
  await clock.runAll();
  // 2.5 tokens at the abort: the small request is served at once, then the next
  assert.deepEqual(await Promise.all([small, later]), [25, 30]);
  assert.equal(clock.pending, 0);
});

Deno.test("RateLimiter aborting a waiter behind the head keeps the order of the rest", async () => {
  const clock = new FakeClock();
  const limiter = new RateLimiter({ rate: 1, per: 10, burst: 1, clock });
  assert.equal(limiter.tryAcquire(), true);
  const controller = new AbortController();
  const a = timed(clock, limiter);
  const b = limiter.acquire(1, { signal: controller.signal });
  const c = timed(clock, limiter);
  controller.abort("b");
  await assert.rejects(b, (e) => e === "b");
  await clock.runAll();
  assert.deepEqual(await Promise.all([a, c]), [10, 20]);
});

Deno.test("RateLimiter handles fractional rates without drifting", async () => {
  const clock = new FakeClock();
  const limiter = new RateLimiter({ rate: 0.3, per: 1, burst: 1, clock });
  assert.equal(limiter.tryAcquire(), true);
  const times = Promise.all([1, 2, 3].map(() => timed(clock, limiter)));
  await clock.runAll();
  const got = await times;
  for (const [i, t] of got.entries()) assert.ok(Math.abs(t - (i + 1) / 0.3) < 1e-6, `${t}`);
});

Deno.test("RateLimiter rejects bad options, naming them", () => {
  const clock = new FakeClock();
  const cases: [RateLimiterOptions, RegExp][] = [
    [{ rate: 0 }, /^'rate'/],
    [{ rate: -1 }, /^'rate'/],
    [{ rate: NaN }, /^'rate'/],
    [{ rate: Infinity }, /^'rate'/],
    [{ rate: 1, per: 0 }, /^'per'/],
    [{ rate: 1, per: Infinity }, /^'per'/],
    [{ rate: 1, burst: 0 }, /^'burst'/],
    [{ rate: 1, burst: NaN }, /^'burst'/],
  ];
  for (const [options, message] of cases) {
    assert.throws(() => new RateLimiter({ ...options, clock }), { name: "RangeError", message });
  }
});

Deno.test("RateLimiter rejects a negative, NaN or over-burst n, naming it", async () => {
  const clock = new FakeClock();
  const limiter = new RateLimiter({ rate: 5, burst: 3, clock });
  for (const bad of [-1, NaN, Infinity, 3.5]) {
    await assert.rejects(limiter.acquire(bad), {
      name: "RangeError",
      message: /^'n' must be a number from 0 to burst 3/,
    });
    assert.throws(() => limiter.tryAcquire(bad), { name: "RangeError", message: /^'n' must/ });
  }
  assert.equal(limiter.available, 3);
  assert.equal(clock.pending, 0);
});

Deno.test("RateLimiter on the system clock leaves no real timer behind when a wait is aborted", async () => {
  const { clock, armed } = trackedSystemClock();
  const limiter = new RateLimiter({ rate: 1, per: 60_000, clock });
  await limiter.acquire();
  const controller = new AbortController();
  const waiting = limiter.acquire(1, { signal: controller.signal });
  assert.equal(armed(), 1);
  controller.abort("stop");
  await assert.rejects(waiting, (e) => e === "stop");
  assert.equal(armed(), 0);
});
