import assert from "node:assert/strict";
import { FakeClock, retry, RetryError, type RetryOptions, sleep } from "@weir/weir/time";
import { trackedAbort, trackedSystemClock } from "./_helpers.ts";

/** A deterministic `random()` cycling through `values`. */
function seeded(values: number[]): () => number {
  let i = 0;
  return () => values[i++ % values.length]!;
}

/** Runs `retry` over an always-failing function; returns attempt start times and reported delays. */
async function failing(options: RetryOptions) {
  const clock = new FakeClock();
  const starts: number[] = [];
  const delays: number[] = [];
  const result = retry((_signal, attempt) => {
    starts.push(clock.now());
    throw new Error(`attempt ${attempt}`);
  }, { ...options, clock, onRetry: (_error, _attempt, delay) => delays.push(delay) });
  const settled = result.then(() => undefined, (error: unknown) => error);
  await clock.runAll();
  return { starts, delays, error: await settled, clock };
}

Deno.test("retry() returns the first success without waiting", async () => {
  const clock = new FakeClock();
  let calls = 0;
  assert.equal(await retry(() => ++calls, { clock }), 1);
  assert.equal(await retry(() => Promise.resolve("async"), { clock }), "async");
  assert.equal(calls, 1);
  assert.equal(clock.pending, 0);
});

Deno.test("retry() defaults: 5 attempts, delays 100, 200, 400, 800 before full jitter", async () => {
  const { starts, delays, error } = await failing({ jitter: "none" });
  assert.deepEqual(delays, [100, 200, 400, 800]);
  assert.deepEqual(starts, [0, 100, 300, 700, 1_500]);
  assert.ok(error instanceof RetryError);
  assert.equal(error.name, "RetryError");
  assert.deepEqual(error.errors.map((e) => (e as Error).message), [
    "attempt 1",
    "attempt 2",
    "attempt 3",
    "attempt 4",
    "attempt 5",
  ]);
  assert.equal(error.cause, error.errors[4]);
  assert.equal(error.message, "Gave up after 5 attempts, the last failed with: attempt 5");
});

Deno.test("retry() caps the delay at maxDelay and honours multiplier and minDelay", async () => {
  const { delays } = await failing({
    jitter: "none",
    maxAttempts: 6,
    minDelay: 30,
    multiplier: 10,
    maxDelay: 5_000,
  });
  assert.deepEqual(delays, [30, 300, 3_000, 5_000, 5_000]);
  const flat = await failing({ jitter: "none", maxAttempts: 4, minDelay: 50, multiplier: 1 });
  assert.deepEqual(flat.delays, [50, 50, 50]);
});

Deno.test('retry() jitter "full" waits random() * delay', async () => {
  const { starts, delays } = await failing({ random: seeded([0.5, 0, 0.25, 0.999]) });
  assert.deepEqual(delays, [50, 0, 100, 799.2]);
  assert.deepEqual(starts, [0, 50, 50, 150, 949.2]);
});

Deno.test("retry() jitter defaults to full", async () => {
  const { delays } = await failing({ maxAttempts: 3, random: () => 0.1 });
  assert.deepEqual(delays, [10, 20]);
});

Deno.test('retry() jitter "equal" waits delay / 2 + random() * delay / 2', async () => {
  const { delays } = await failing({
    jitter: "equal",
    random: seeded([0, 0.5, 1 - 2 ** -10, 0.25]),
  });
  assert.deepEqual(delays, [50, 150, 400 - 200 * 2 ** -10, 500]);
});

Deno.test('retry() jitter "none" never calls random', async () => {
  const { delays } = await failing({
    jitter: "none",
    maxAttempts: 3,
    random: () => {
      throw new Error("called");
    },
  });
  assert.deepEqual(delays, [100, 200]);
});

Deno.test("retry() with minDelay 0 and many attempts never waits NaN", async () => {
  const { delays, error } = await failing({ minDelay: 0, maxAttempts: 1_100, jitter: "none" });
  assert.equal(delays.length, 1_099);
  assert.ok(delays.every((d) => d === 0));
  assert.ok(error instanceof RetryError);
});

Deno.test("retry() succeeds on a later attempt and passes the attempt number", async () => {
  const clock = new FakeClock();
  const attempts: number[] = [];
  const result = retry(async (_signal, attempt) => {
    attempts.push(attempt);
    await sleep(10, { clock });
    if (attempt < 3) throw new Error("not yet");
    return attempt * 10;
  }, { jitter: "none", clock });
  await clock.runAll();
  assert.equal(await result, 30);
  assert.deepEqual(attempts, [1, 2, 3]);
  assert.equal(clock.now(), 10 + 100 + 10 + 200 + 10);
});

Deno.test("retry() rejects with the error itself when retryIf says no", async () => {
  const clock = new FakeClock();
  const fatal = new TypeError("fatal");
  const seen: [unknown, number][] = [];
  let calls = 0;
  const result = retry(() => {
    calls++;
    throw calls < 3 ? new Error("transient") : fatal;
  }, {
    clock,
    jitter: "none",
    retryIf: (error, attempt) => {
      seen.push([error, attempt]);
      return error !== fatal;
    },
  });
  const settled = result.catch((e: unknown) => e);
  await clock.runAll();
  assert.equal(await settled, fatal);
  assert.equal(calls, 3);
  assert.deepEqual(seen.map(([, attempt]) => attempt), [1, 2, 3]);
});

Deno.test("retry() onRetry is called before each delay, never after the last attempt", async () => {
  const calls: [string, number, number][] = [];
  const clock = new FakeClock();
  const result = retry((_s, attempt) => Promise.reject(new Error(`e${attempt}`)), {
    clock,
    maxAttempts: 3,
    jitter: "none",
    onRetry: (error, attempt, delay) => calls.push([(error as Error).message, attempt, delay]),
  });
  const settled = result.catch((e: unknown) => e);
  await clock.runAll();
  assert.ok(await settled instanceof RetryError);
  assert.deepEqual(calls, [["e1", 1, 100], ["e2", 2, 200]]);
});

Deno.test("retry() attemptTimeout aborts a slow attempt with a TimeoutError and retries", async () => {
  const clock = new FakeClock();
  const signals: AbortSignal[] = [];
  const result = retry(async (signal, attempt) => {
    signals.push(signal);
    await sleep(attempt === 1 ? 1_000 : 20, { signal, clock });
    return `attempt ${attempt}`;
  }, { clock, jitter: "none", attemptTimeout: 50 });
  await clock.runAll();
  assert.equal(await result, "attempt 2");
  assert.equal(signals[0]?.aborted, true);
  assert.equal((signals[0]?.reason as DOMException).name, "TimeoutError");
  assert.equal(signals[1]?.aborted, false);
  assert.equal(clock.now(), 50 + 100 + 20);
  assert.equal(clock.pending, 0);
});

Deno.test("retry() attemptTimeout errors are collected in RetryError", async () => {
  const { error } = await failing({ maxAttempts: 2, attemptTimeout: 10 });
  assert.ok(error instanceof RetryError);
  const clock = new FakeClock();
  const result = retry(() => new Promise<never>(() => {}), {
    clock,
    maxAttempts: 2,
    attemptTimeout: 10,
    jitter: "none",
  });
  const settled = result.catch((e: unknown) => e);
  await clock.runAll();
  const retryError = await settled as RetryError;
  assert.deepEqual(retryError.errors.map((e) => (e as DOMException).name), [
    "TimeoutError",
    "TimeoutError",
  ]);
  assert.equal(clock.now(), 10 + 100 + 10);
});

Deno.test("retry() aborted before the first attempt rejects with signal.reason, calling nothing", async () => {
  const clock = new FakeClock();
  let calls = 0;
  await assert.rejects(
    retry(() => ++calls, { clock, signal: AbortSignal.abort("before") }),
    (e) => e === "before",
  );
  assert.equal(calls, 0);
  assert.equal(clock.pending, 0);
});

Deno.test("retry() aborted during an attempt rejects with signal.reason and aborts the attempt", async () => {
  const clock = new FakeClock();
  const { controller, listeners } = trackedAbort();
  let attemptSignal: AbortSignal | undefined;
  const result = retry((signal) => {
    attemptSignal = signal;
    return new Promise<never>(() => {}); // ignores its signal
  }, { clock, signal: controller.signal, attemptTimeout: 1_000 });
  await clock.tick(10);
  controller.abort("during");
  await assert.rejects(result, (e) => e === "during");
  assert.equal(attemptSignal?.reason, "during");
  assert.equal(clock.pending, 0);
  assert.equal(listeners(), 0);
});

Deno.test("retry() aborted during a delay rejects with signal.reason and leaves no timer", async () => {
  const clock = new FakeClock();
  const { controller, listeners } = trackedAbort();
  let calls = 0;
  const result = retry(() => {
    calls++;
    throw new Error("fail");
  }, { clock, signal: controller.signal, jitter: "none" });
  await clock.tick(50);
  assert.equal(clock.pending, 1);
  controller.abort("delay");
  await assert.rejects(result, (e) => e === "delay");
  assert.equal(calls, 1);
  assert.equal(clock.pending, 0);
  assert.equal(listeners(), 0);
});

Deno.test("retry() an attempt failing because of the abort reports signal.reason", async () => {
  const clock = new FakeClock();
  const controller = new AbortController();
  const result = retry(() => {
    controller.abort("mid");
    throw new Error("failed as a result");
  }, { clock, signal: controller.signal });
  await assert.rejects(result, (e) => e === "mid");
  assert.equal(clock.pending, 0);
});

Deno.test("retry() rejects bad options, naming them, before calling fn", async () => {
  const clock = new FakeClock();
  let calls = 0;
  const fn = () => ++calls;
  const cases: [RetryOptions, string, RegExp][] = [
    [{ maxAttempts: 0 }, "RangeError", /^'maxAttempts'/],
    [{ maxAttempts: 1.5 }, "RangeError", /^'maxAttempts'/],
    [{ maxAttempts: NaN }, "RangeError", /^'maxAttempts'/],
    [{ maxAttempts: Infinity }, "RangeError", /^'maxAttempts'/],
    [{ minDelay: -1 }, "RangeError", /^'minDelay'/],
    [{ minDelay: NaN }, "RangeError", /^'minDelay'/],
    [{ maxDelay: Infinity }, "RangeError", /^'maxDelay'/],
    [{ minDelay: 200, maxDelay: 100 }, "RangeError", /^'maxDelay' must be at least minDelay 200/],
    [{ multiplier: 0.5 }, "RangeError", /^'multiplier'/],
    [{ multiplier: NaN }, "RangeError", /^'multiplier'/],
    [{ multiplier: Infinity }, "RangeError", /^'multiplier'/],
    [{ attemptTimeout: -5 }, "RangeError", /^'attemptTimeout'/],
    [{ attemptTimeout: Infinity }, "RangeError", /^'attemptTimeout'/],
    [{ jitter: "half" as "full" }, "TypeError", /^'jitter'/],
  ];
  for (const [options, name, message] of cases) {
    await assert.rejects(retry(fn, { ...options, clock }), { name, message });
  }
  assert.equal(calls, 0);
});

Deno.test("retry() on the system clock leaves no real timer behind when aborted in a delay", async () => {
  const { clock, armed } = trackedSystemClock();
  const controller = new AbortController();
  let armedInDelay = 0;
  const result = retry(() => {
    throw new Error("fail");
  }, {
    clock,
    minDelay: 60_000,
    maxDelay: 60_000,
    jitter: "none",
    signal: controller.signal,
    // runs once the delay's real timer is armed
    onRetry: () =>
      queueMicrotask(() => {
        armedInDelay = armed();
        controller.abort("stop");
      }),
  });
  await assert.rejects(result, (e) => e === "stop");
  assert.equal(armedInDelay, 1);
  assert.equal(armed(), 0);
});
