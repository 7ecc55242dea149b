import assert from "node:assert/strict";
import { FakeClock, sleep, timeout, timeoutAt } from "@weir/weir/time";
import { mpsc, select } from "@weir/weir/sync";
import { trackedAbort, trackedSystemClock } from "./_helpers.ts";

Deno.test("timeout() resolves with a promise's value and cancels its timer", async () => {
  const clock = new FakeClock();
  const work = sleep(30, { clock }).then(() => "value");
  const result = timeout(50, work, { clock });
  await clock.tick(30);
  assert.equal(await result, "value");
  assert.equal(clock.pending, 0);
});

Deno.test("timeout() starts a function with a signal that stays unaborted on success", async () => {
  const clock = new FakeClock();
  let seen: AbortSignal | undefined;
  const result = timeout(50, (signal) => {
    seen = signal;
    return sleep(49, { clock, signal }).then(() => 7);
  }, { clock });
  assert.ok(seen instanceof AbortSignal);
  await clock.tick(49);
  assert.equal(await result, 7);
  assert.equal(seen.aborted, false);
  assert.equal(clock.pending, 0);
});

Deno.test("timeout() accepts a function returning a plain value", async () => {
  assert.equal(await timeout(10, () => 3, { clock: new FakeClock() }), 3);
});

Deno.test("timeout() on expiry rejects with TimeoutError and aborts the work with it", async () => {
  const clock = new FakeClock();
  let workSignal: AbortSignal | undefined;
  const result = timeout(50, (signal) => {
    workSignal = signal;
    return sleep(1_000, { clock, signal });
  }, { clock });
  let settled = false;
  result.then(() => settled = true, () => settled = true);
  await clock.tick(49);
  assert.equal(settled, false);
  await clock.tick(1);
  await assert.rejects(result, (error) => {
    assert.ok(error instanceof DOMException);
    assert.equal(error.name, "TimeoutError");
    assert.equal(error.message, "Timed out after 50 ms");
    assert.equal(workSignal?.reason, error);
    return true;
  });
  assert.equal(workSignal?.aborted, true);
  assert.equal(clock.pending, 0);
});

Deno.test("timeout() ignores a running promise that rejects after the timeout", async () => {
  const clock = new FakeClock();
  const late = sleep(100, { clock }).then(() => Promise.reject(new Error("late")));
  const result = timeout(10, late, { clock });
  await clock.tick(10);
  await assert.rejects(result, { name: "TimeoutError" });
  await clock.tick(100);
  assert.equal(clock.pending, 0);
});

Deno.test("timeout() passes the work's rejection through and cancels its timer", async () => {
  const clock = new FakeClock();
  const boom = new Error("boom");
  await assert.rejects(timeout(50, Promise.reject(boom), { clock }), (e) => e === boom);
  await assert.rejects(
    timeout(50, () => {
      throw boom;
    }, { clock }),
    (e) => e === boom,
  );
  assert.equal(clock.pending, 0);
});

Deno.test("timeout(0) rejects at once without starting the work", async () => {
  const clock = new FakeClock();
  let started = false;
  await assert.rejects(
    timeout(0, () => {
      started = true;
      return 1;
    }, { clock }),
    { name: "TimeoutError", message: /deadline had passed/ },
  );
  assert.equal(started, false);
  assert.equal(clock.pending, 0);
  // an already running promise that rejects later is dropped, not unhandled
  const running = sleep(5, { clock }).then(() => Promise.reject(new Error("dropped")));
  await assert.rejects(timeout(0, running, { clock }), { name: "TimeoutError" });
  await clock.tick(5);
});

Deno.test("timeout() aborted before the work starts rejects with signal.reason and starts nothing", async () => {
  const clock = new FakeClock();
  let started = false;
  await assert.rejects(
    timeout(50, () => {
      started = true;
      return 1;
    }, { clock, signal: AbortSignal.abort("before") }),
    (e) => e === "before",
  );
  assert.equal(started, false);
  assert.equal(clock.pending, 0);
});

Deno.test("timeout() aborted during the work rejects with signal.reason and aborts the work", async () => {
  const clock = new FakeClock();
  const { controller, listeners } = trackedAbort();
  let workSignal: AbortSignal | undefined;
  // the work ignores its signal: the call still settles at the abort
  const result = timeout(50, (signal) => {
    workSignal = signal;
    return new Promise<never>(() => {});
  }, { clock, signal: controller.signal });
  await clock.tick(20);
  const reason = new Error("user cancelled");
  controller.abort(reason);
  await assert.rejects(result, (e) => e === reason);
  assert.equal(workSignal?.reason, reason);
  assert.equal(clock.pending, 0);
  assert.equal(listeners(), 0);
});

Deno.test("timeout() removes its abort listener when the work settles", async () => {
  const clock = new FakeClock();
  const { controller, listeners } = trackedAbort();
  await timeout(50, Promise.resolve(1), { clock, signal: controller.signal });
  assert.equal(listeners(), 0);
  await assert.rejects(
    timeout(50, Promise.reject(new Error("x")), { clock, signal: controller.signal }),
  );
  assert.equal(listeners(), 0);
  const expiring = timeout(5, new Promise(() => {}), { clock, signal: controller.signal });
  assert.equal(listeners(), 1);
  await clock.tick(5);
  await assert.rejects(expiring, { name: "TimeoutError" });
  assert.equal(listeners(), 0);
  assert.equal(clock.pending, 0);
});

Deno.test("timeout() rejects bad durations with a RangeError naming ms, starting nothing", async () => {
  const clock = new FakeClock();
  let started = 0;
  for (const bad of [-1, NaN, Infinity]) {
    await assert.rejects(timeout(bad, () => started++, { clock }), {
      name: "RangeError",
      message: /^'ms' must be/,
    });
  }
  assert.equal(started, 0);
  assert.equal(clock.pending, 0);
});

Deno.test("timeoutAt() shares one deadline across three concurrent operations", async () => {
  const clock = new FakeClock(1_000);
  const deadline = clock.now() + 100;
  const aborted: boolean[] = [];
  const item = (id: number, ms: number) =>
    timeoutAt(deadline, async (signal) => {
      try {
        await sleep(ms, { signal, clock });
        return `item ${id} done at ${clock.now()}`;
      } catch (error) {
        aborted.push(signal.aborted);
        throw error;
      }
    }, { clock });
  const results = Promise.allSettled([item(1, 30), item(2, 99), item(3, 150)]);
  await clock.runAll();
  const [a, b, c] = await results;
  assert.deepEqual(a, { status: "fulfilled", value: "item 1 done at 1030" });
  assert.deepEqual(b, { status: "fulfilled", value: "item 2 done at 1099" });
  assert.equal(c?.status, "rejected");
  const { reason } = c as PromiseRejectedResult;
  assert.equal(reason.name, "TimeoutError");
  assert.equal(reason.message, "Timed out after 100 ms");
  assert.deepEqual(aborted, [true]);
  assert.equal(clock.now(), 1_100);
  assert.equal(clock.pending, 0);
});

Deno.test("timeoutAt() a deadline shared by three sequential steps counts down", async () => {
  const clock = new FakeClock();
  const deadline = 100;
  const finished: number[] = [];
  const steps = (async () => {
    for (const ms of [30, 40, 50]) {
      await timeoutAt(deadline, (signal) => sleep(ms, { signal, clock }), { clock });
      finished.push(clock.now());
    }
  })();
  await clock.runAll();
  await assert.rejects(steps, { name: "TimeoutError", message: "Timed out after 30 ms" });
  assert.deepEqual(finished, [30, 70]);
  assert.equal(clock.now(), 100);
  assert.equal(clock.pending, 0);
});

Deno.test("timeoutAt() a deadline at or before now rejects at once without starting the work", async () => {
  const clock = new FakeClock(500);
  let started = 0;
  for (const deadline of [500, 499, -1_000]) {
    await assert.rejects(timeoutAt(deadline, () => started++, { clock }), {
      name: "TimeoutError",
      message: /deadline had passed/,
    });
  }
  assert.equal(started, 0);
  assert.equal(clock.pending, 0);
});

Deno.test("timeoutAt() honours abort before and during the wait", async () => {
  const clock = new FakeClock();
  await assert.rejects(
    timeoutAt(10, Promise.resolve(1), { clock, signal: AbortSignal.abort("early") }),
    (e) => e === "early",
  );
  const { controller, listeners } = trackedAbort();
  const result = timeoutAt(10, (signal) => sleep(20, { clock, signal }), {
    clock,
    signal: controller.signal,
  });
  await clock.tick(5);
  controller.abort("late");
  await assert.rejects(result, (e) => e === "late");
  assert.equal(clock.pending, 0);
  assert.equal(listeners(), 0);
});

Deno.test("timeoutAt() rejects a NaN or infinite deadline with a RangeError naming it", async () => {
  const clock = new FakeClock();
  for (const bad of [NaN, Infinity, -Infinity]) {
    await assert.rejects(timeoutAt(bad, Promise.resolve(1), { clock }), {
      name: "RangeError",
      message: /^'deadline' must be/,
    });
  }
});

Deno.test("timeout() on the system clock clears its real timer when the work settles", async () => {
  const { clock, armed } = trackedSystemClock();
  assert.equal(await timeout(60_000, Promise.resolve("fast"), { clock }), "fast");
  assert.equal(await timeoutAt(clock.now() + 60_000, () => "sync", { clock }), "sync");
  assert.equal(armed(), 0);
});

Deno.test("timeout aborted in the turn its work took a message returns the message", async () => {
  const [tx, rx] = mpsc<string>(1);
  const controller = new AbortController();
  const result = timeout(1000, (s) => rx.recv({ signal: s }), { signal: controller.signal });
  tx.trySend("m");
  controller.abort(new Error("stop"));
  assert.deepEqual(await result, { done: false, value: "m" });
  tx.close();
  assert.equal(rx.tryRecv()?.done, true);
});

Deno.test("timeout still fires after its work took something, and aborts the rest of the work", async () => {
  const clock = new FakeClock();
  const [tx, rx] = mpsc<string>(1);
  const [replyTx, replyRx] = mpsc<string>(1);
  // A request/reply: the send takes capacity, the reply never comes.
  const result = timeout(10, async (s) => {
    await tx.send("request", { signal: s });
    return await replyRx.recv({ signal: s });
  }, { clock });
  const settled = result.then(() => "resolved", (error: Error) => error.name);
  await clock.tick(10);
  assert.equal(await settled, "TimeoutError");
  assert.deepEqual(rx.tryRecv(), { done: false, value: "request" });
  assert.equal(clock.pending, 0);
  replyTx.close();
});

Deno.test("timeout inside select: a work that took a message wins the select", async () => {
  const clock = new FakeClock();
  const [tx, rx] = mpsc<string>(1);
  const race = select([
    (s) => timeout(100, (ws) => rx.recv({ signal: ws }), { signal: s, clock }),
    (s) => sleep(100, { signal: s, clock }).then(() => "slept"),
  ], { biased: true });
  tx.trySend("m");
  const won = await race;
  assert.equal(won.index, 0);
  assert.deepEqual(won.value, { done: false, value: "m" });
  await clock.runAll();
  assert.equal(clock.pending, 0);
});
