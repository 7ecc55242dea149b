import assert from "node:assert/strict";
import { FakeClock, Interval, interval, type MissedTickBehavior } from "@weir/weir/time";
import { trackedAbort, trackedSystemClock } from "./_helpers.ts";
import { select } from "@weir/weir/sync";

/** Pulls `count` ticks in a row without advancing the clock. */
async function pull(ticks: Interval, count: number): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < count; i++) out.push(await ticks.tick());
  return out;
}

/** Pulls one tick, advancing the clock until it arrives; returns [tick, observed at]. */
async function next(clock: FakeClock, ticks: Interval): Promise<[number, number]> {
  let done = false;
  const tick = ticks.tick().finally(() => done = true);
  await clock.tick(0);
  for (let i = 0; i < 10_000 && !done; i++) await clock.tick(1);
  return [await tick, clock.now()];
}

Deno.test("interval() ticks at once, then on the period grid, returning scheduled times", async () => {
  const clock = new FakeClock(1_000);
  const ticks = interval(100, { clock });
  assert.deepEqual(await next(clock, ticks), [1_000, 1_000]);
  assert.deepEqual(await next(clock, ticks), [1_100, 1_100]);
  assert.deepEqual(await next(clock, ticks), [1_200, 1_200]);
  assert.equal(clock.pending, 0);
});

Deno.test("interval() with start ticks first at start", async () => {
  const clock = new FakeClock();
  const ticks = interval(10, { clock, start: 25 });
  assert.deepEqual(await next(clock, ticks), [25, 25]);
  assert.deepEqual(await next(clock, ticks), [35, 35]);
  const past = interval(10, { clock, start: 5 });
  assert.equal(await past.tick(), 5); // a past start is due at once
});

Deno.test("interval() returns the scheduled instant, not the observed one", async () => {
  const clock = new FakeClock();
  const ticks = interval(50, { clock });
  await ticks.tick();
  await clock.tick(53);
  assert.equal(await ticks.tick(), 50);
});

/** Tokio's doc scenario: period 50, first tick at 0, the consumer stalls until `stall`. */
async function stalled(missedTick: MissedTickBehavior, stall: number, count: number) {
  const clock = new FakeClock();
  const ticks = interval(50, { clock, missedTick });
  assert.equal(await ticks.tick(), 0);
  await clock.tick(stall);
  const seen: [number, number][] = [];
  for (let i = 0; i < count; i++) seen.push(await next(clock, ticks));
  return seen;
}

Deno.test('interval() "burst" fires missed ticks back to back, then returns to the grid', async () => {
  assert.deepEqual(await stalled("burst", 200, 6), [
    [50, 200],
    [100, 200],
    [150, 200],
    [200, 200],
    [250, 250],
    [300, 300],
  ]);
});

Deno.test("interval() defaults to burst", async () => {
  const clock = new FakeClock();
  const ticks = interval(50, { clock });
  await ticks.tick();
  await clock.tick(200);
  assert.deepEqual(await pull(ticks, 4), [50, 100, 150, 200]);
});

Deno.test('interval() "delay" fires one late tick, then one period after it was pulled', async () => {
  assert.deepEqual(await stalled("delay", 200, 3), [[50, 200], [250, 250], [300, 300]]);
  assert.deepEqual(await stalled("delay", 60, 3), [[50, 60], [110, 110], [160, 160]]);
});

Deno.test('interval() "skip" fires one late tick, then the next grid point after now', async () => {
  assert.deepEqual(await stalled("skip", 75, 3), [[50, 75], [100, 100], [150, 150]]);
  assert.deepEqual(await stalled("skip", 230, 3), [[50, 230], [250, 250], [300, 300]]);
  // exactly on a grid point: the next one is a full period away
  assert.deepEqual(await stalled("skip", 200, 2), [[50, 200], [250, 250]]);
});

Deno.test("interval() treats up to 5 ms of lateness as on time under every policy", async () => {
  for (const policy of ["burst", "delay", "skip"] as const) {
    const clock = new FakeClock();
    const ticks = interval(50, { clock, missedTick: policy });
    await ticks.tick();
    await clock.tick(55); // 5 ms late: on time, next stays at 100
    assert.equal(await ticks.tick(), 50);
    assert.deepEqual(await next(clock, ticks), [100, 100], policy);
  }
  const expected = { burst: 100, delay: 106, skip: 100 };
  for (const policy of ["burst", "delay", "skip"] as const) {
    const clock = new FakeClock();
    const ticks = interval(50, { clock, missedTick: policy });
    await ticks.tick();
    await clock.tick(56); // 6 ms late: missed
    assert.equal(await ticks.tick(), 50);
    assert.deepEqual(await next(clock, ticks), [expected[policy], expected[policy]], policy);
  }
});

Deno.test('interval() "skip" with a fractional period stays on the grid', async () => {
  const clock = new FakeClock();
  const ticks = interval(2.5, { clock, missedTick: "skip" });
  await ticks.tick();
  await clock.tick(11);
  assert.equal(await ticks.tick(), 2.5);
  assert.deepEqual(await next(clock, ticks), [12.5, 13]);
});

Deno.test("interval() reset() schedules the next tick one period from now", async () => {
  const clock = new FakeClock();
  const ticks = interval(100, { clock });
  await ticks.tick();
  await clock.tick(70);
  ticks.reset();
  assert.deepEqual(await next(clock, ticks), [170, 170]);
  assert.deepEqual(await next(clock, ticks), [270, 270]);
});

Deno.test("interval() reset() moves a waiting tick earlier or later", async () => {
  const clock = new FakeClock();
  const later = interval(100, { clock, start: 1_000 });
  const early = later.tick();
  await clock.tick(10);
  later.reset(); // from 1000 to 110
  await clock.tick(100);
  assert.equal(await early, 110);
  assert.equal(clock.pending, 0);

  const ticks = interval(100, { clock, start: clock.now() + 50 });
  const waiting = ticks.tick();
  let done = false;
  waiting.then(() => done = true);
  await clock.tick(40);
  ticks.reset(); // from +10 to +100
  await clock.tick(99);
  assert.equal(done, false);
  await clock.tick(1);
  assert.equal(await waiting, clock.now());
  assert.equal(clock.pending, 0);
});

Deno.test("interval() concurrent tick() calls get distinct ticks in order", async () => {
  const clock = new FakeClock();
  const ticks = interval(10, { clock });
  const all = Promise.all([ticks.tick(), ticks.tick(), ticks.tick()]);
  await clock.tick(20);
  assert.deepEqual(await all, [0, 10, 20]);
});

Deno.test("interval() for await yields ticks and leaves no timer after break", async () => {
  const clock = new FakeClock();
  const seen: number[] = [];
  const loop = (async () => {
    for await (const at of interval(30, { clock })) {
      seen.push(at);
      if (seen.length === 4) break;
    }
  })();
  await clock.tick(100);
  await loop;
  assert.deepEqual(seen, [0, 30, 60, 90]);
  assert.equal(clock.pending, 0);
});

Deno.test("interval() tick({ signal }) aborted during the wait consumes no tick and leaves no timer", async () => {
  const clock = new FakeClock();
  const ticks = interval(50, { clock });
  await ticks.tick();
  const { controller, listeners } = trackedAbort();
  const waiting = ticks.tick({ signal: controller.signal });
  await clock.tick(20);
  controller.abort("cancelled");
  await assert.rejects(waiting, (e) => e === "cancelled");
  assert.equal(clock.pending, 0);
  assert.equal(listeners(), 0);
  assert.deepEqual(await next(clock, ticks), [50, 50]);
});

Deno.test("interval() tick({ signal }) aborted before rejects at once, even with a tick due", async () => {
  const clock = new FakeClock();
  const ticks = interval(50, { clock });
  await assert.rejects(ticks.tick({ signal: AbortSignal.abort("no") }), (e) => e === "no");
  assert.equal(await ticks.tick(), 0);
});

Deno.test("interval() signal aborted ends for await with signal.reason and leaves no timer", async () => {
  const clock = new FakeClock();
  const { controller, listeners } = trackedAbort();
  const seen: number[] = [];
  const loop = (async () => {
    for await (const at of interval(30, { clock, signal: controller.signal })) seen.push(at);
  })();
  await clock.tick(45);
  controller.abort("shutdown");
  await assert.rejects(loop, (e) => e === "shutdown");
  assert.deepEqual(seen, [0, 30]);
  assert.equal(clock.pending, 0);
  assert.equal(listeners(), 0);
  await assert.rejects(
    interval(30, { clock, signal: controller.signal }).tick(),
    (e) => e === "shutdown",
  );
});

Deno.test("interval() combines its own signal with a per-tick signal", async () => {
  const clock = new FakeClock();
  const own = new AbortController();
  const ticks = interval(30, { clock, signal: own.signal });
  await ticks.tick();
  const call = new AbortController();
  const first = ticks.tick({ signal: call.signal });
  call.abort("call");
  await assert.rejects(first, (e) => e === "call");
  const second = ticks.tick({ signal: new AbortController().signal });
  own.abort("own");
  await assert.rejects(second, (e) => e === "own");
  assert.equal(clock.pending, 0);
});

Deno.test("interval() rejects bad arguments, naming them", () => {
  const clock = new FakeClock();
  for (const bad of [0, -1, NaN, Infinity]) {
    assert.throws(() => interval(bad, { clock }), { name: "RangeError", message: /^'periodMs'/ });
  }
  for (const bad of [NaN, Infinity]) {
    assert.throws(() => new Interval(10, { clock, start: bad }), {
      name: "RangeError",
      message: /^'start'/,
    });
  }
  assert.throws(
    () => interval(10, { clock, missedTick: "catch-up" as MissedTickBehavior }),
    { name: "TypeError", message: /^'missedTick'/ },
  );
});

Deno.test("interval() on the system clock leaves no real timer behind when a tick is aborted", async () => {
  const { clock, armed } = trackedSystemClock();
  const ticks = interval(60_000, { clock });
  assert.equal(typeof await ticks.tick(), "number");
  const controller = new AbortController();
  const waiting = ticks.tick({ signal: controller.signal });
  await Promise.resolve();
  assert.equal(armed(), 1);
  controller.abort("stop");
  await assert.rejects(waiting, (e) => e === "stop");
  assert.equal(armed(), 0);
});

Deno.test("Interval.tick in a select: a losing branch consumes no tick", async () => {
  const clock = new FakeClock();
  const a = interval(100, { clock });
  const b = interval(100, { clock });
  const won = await select([
    (signal) => a.tick({ signal }),
    (signal) => b.tick({ signal }),
  ], { biased: true });
  assert.deepEqual(won, { index: 0, value: 0 });
  // b's first tick (due at 0) is still there; a's next one is due at 100.
  assert.equal(await b.tick(), 0);
  const next = a.tick();
  await clock.tick(100);
  assert.equal(await next, 100);
});
