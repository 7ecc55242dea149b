/**
 * Time, testable: `sleep`, `timeout`, deadlines, `interval` with Tokio's
 * missed-tick policies, a resettable `Sleep`, `retry` with backoff, a
 * token-bucket `RateLimiter`, a `DelayQueue` of items that expire, and the
 * {@linkcode Clock} they all read, so a {@linkcode FakeClock} runs any of
 * them instantly in tests.
 *
 * Every function takes `{ clock }` (default {@linkcode systemClock}) and,
 * when it waits, `{ signal }`: an abort rejects with `signal.reason` and
 * leaves no timer behind. Durations are milliseconds; negative, NaN or
 * infinite ones throw a `RangeError` naming the argument. Timeouts reject
 * with a `DOMException` named `TimeoutError`.
 *
 * `time/` is a leaf module: it imports nothing else from weir. It still
 * takes part in the select-safety contract that `@weir/weir/sync` defines
 * (`claimSignal`): `RateLimiter.acquire` and `Interval.tick` claim their
 * signal before they take, and `timeout` and `retry` arbitrate the signal
 * they hand their work, through the registered symbol the contract is
 * built on, so no import is needed.
 *
 * ```ts
 * import { FakeClock, interval, retry, timeout } from "@weir/weir/time";
 * import assert from "node:assert/strict";
 *
 * const clock = new FakeClock();
 * // a flaky call, retried with backoff, each attempt bounded to 50 ms
 * let calls = 0;
 * const result = retry(
 *   (signal) => timeout(50, async () => ++calls < 3 ? Promise.reject(new Error("busy")) : "ok", {
 *     signal,
 *     clock,
 *   }),
 *   { jitter: "none", clock },
 * );
 * await clock.runAll();
 * assert.equal(await result, "ok");
 * assert.equal(clock.now(), 300); // waited 100 ms, then 200 ms
 *
 * // a heartbeat: the first tick is immediate, then one every 100 ms
 * const beats = interval(100, { clock, missedTick: "delay" });
 * assert.equal(await beats.tick(), 300);
 * const next = beats.tick();
 * await clock.tick(100);
 * assert.equal(await next, 400);
 * ```
 *
 * @module
 */
export * from "./clock.ts";
export * from "./fake_clock.ts";
export * from "./sleep.ts";
export * from "./resettable_sleep.ts";
export * from "./timeout.ts";
export * from "./interval.ts";
export * from "./retry.ts";
export * from "./rate_limiter.ts";
export * from "./delay_queue.ts";
export * from "./duration_histogram.ts";
