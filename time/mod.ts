/**
 * Time, testable: `sleep`, `timeout`, deadlines, `interval` with Tokio's
 * missed-tick policies, a resettable `Sleep`, `retry` with backoff, a
 * token-bucket `RateLimiter`, and the {@linkcode Clock} they all read, so a
 * `FakeClock` runs any of them instantly in tests.
 *
 * `time/` is a leaf module: it imports nothing else from weir.
 *
 * ```ts
 * import { systemClock } from "@weir/weir/time";
 *
 * const started = systemClock.now();
 * console.log(systemClock.now() - started >= 0);
 * ```
 *
 * @module
 */
export * from "./clock.ts";
export * from "./fake_clock.ts";
