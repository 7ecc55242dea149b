// Run: deno bench -A bench/time_bench.ts
// weir's timeout next to hand-written races, and its RateLimiter next to the
// npm peers, same run, same work per iteration.
import { RateLimiter, timeout } from "@weir/weir/time";
import Bottleneck from "bottleneck";
import pThrottle from "p-throttle";

const CALLS = 1_000;
/** Bottleneck runs each job from a timer (~4 ms apiece here), so its group is smaller. */
const CONCURRENT = 100;
const LIMIT_MS = 60_000;
const UNLIMITED = Number.MAX_SAFE_INTEGER;

function noop(): void {}

/** The usual one-liner: race the work against an `AbortSignal.timeout`. */
function abortSignalTimeoutRace<T>(ms: number, work: Promise<T>): Promise<T> {
  const signal = AbortSignal.timeout(ms);
  const expired = new Promise<never>((_, reject) => {
    signal.addEventListener("abort", () => reject(signal.reason), { once: true });
  });
  return Promise.race([work, expired]);
}

/** A careful hand-written race that clears its timer. */
function setTimeoutRace<T>(ms: number, work: Promise<T>): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const id = setTimeout(() => reject(new DOMException("Timed out", "TimeoutError")), ms);
    work.then((value) => {
      clearTimeout(id);
      resolve(value);
    }, (error) => {
      clearTimeout(id);
      reject(error);
    });
  });
}

// -- timeout overhead: work that settles in time --------------------------------

Deno.bench({
  group: "timeout per call (1000 sequential, work resolves in time)",
  name: "hand-written setTimeout/clearTimeout race",
  async fn() {
    for (let i = 0; i < CALLS; i++) await setTimeoutRace(LIMIT_MS, Promise.resolve(i));
  },
});

Deno.bench({
  group: "timeout per call (1000 sequential, work resolves in time)",
  name: "weir timeout(ms, promise)",
  async fn() {
    for (let i = 0; i < CALLS; i++) await timeout(LIMIT_MS, Promise.resolve(i));
  },
});

Deno.bench({
  group: "timeout per call (1000 sequential, work resolves in time)",
  name: "weir timeout(ms, (signal) => work)",
  async fn() {
    for (let i = 0; i < CALLS; i++) await timeout(LIMIT_MS, () => Promise.resolve(i));
  },
});

Deno.bench({
  group: "timeout per call (1000 sequential, work resolves in time)",
  // last in its group: the timers it cannot cancel stay armed for LIMIT_MS
  name: "bare AbortSignal.timeout race",
  baseline: true,
  async fn() {
    for (let i = 0; i < CALLS; i++) await abortSignalTimeoutRace(LIMIT_MS, Promise.resolve(i));
  },
});

// -- rate limiter acquire, tokens available -------------------------------------

Deno.bench({
  group: "rate limiter, 100 concurrent acquires with tokens available",
  name: "weir RateLimiter.acquire()",
  baseline: true,
  async fn() {
    const limiter = new RateLimiter({ rate: UNLIMITED });
    await Promise.all(Array.from({ length: CONCURRENT }, () => limiter.acquire()));
  },
});

Deno.bench({
  group: "rate limiter, 100 concurrent acquires with tokens available",
  name: "npm:bottleneck schedule(noop)",
  n: 5,
  warmup: 1,
  async fn() {
    const limiter = new Bottleneck({ reservoir: UNLIMITED });
    await Promise.all(Array.from({ length: CONCURRENT }, () => limiter.schedule(async () => {})));
  },
});

Deno.bench({
  group: "rate limiter, 100 concurrent acquires with tokens available",
  name: "npm:p-throttle throttled(noop)",
  async fn() {
    const throttled = pThrottle({ limit: UNLIMITED, interval: 1_000 })(noop);
    await Promise.all(Array.from({ length: CONCURRENT }, () => throttled()));
  },
});

Deno.bench({
  group: "rate limiter, 1000 sequential acquires with tokens available",
  name: "weir RateLimiter.acquire()",
  baseline: true,
  async fn() {
    const limiter = new RateLimiter({ rate: UNLIMITED });
    for (let i = 0; i < CALLS; i++) await limiter.acquire();
  },
});

Deno.bench({
  group: "rate limiter, 1000 sequential acquires with tokens available",
  name: "weir RateLimiter.tryAcquire()",
  fn() {
    const limiter = new RateLimiter({ rate: UNLIMITED });
    for (let i = 0; i < CALLS; i++) limiter.tryAcquire();
  },
});

Deno.bench({
  group: "rate limiter, 1000 sequential acquires with tokens available",
  name: "npm:p-throttle throttled(noop)",
  async fn() {
    const throttled = pThrottle({ limit: UNLIMITED, interval: 1_000 })(noop);
    for (let i = 0; i < CALLS; i++) await throttled();
  },
});
