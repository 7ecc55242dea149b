// Run: deno bench -A bench/time_bench.ts
// weir's timeout next to hand-written races, and its RateLimiter next to the
// npm peers, same run, same work per iteration.
import { type Clock, DelayQueue, RateLimiter, timeout } from "@weir/weir/time";
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

// -- DelayQueue with 100,000 entries ------------------------------------------
// Insert ENTRIES items with pseudo-random delays, move every 10th to a new
// delay, remove every 10th (offset 5), then take every item once all have
// expired. weir's keyed heap next to the two hand-written ways: a binary heap
// that tolerates stale entries (reset and remove leave tombstones), and a
// sorted array kept in order with binary search and splice.

const ENTRIES = 100_000;
const HORIZON_MS = 60_000;

/** The same pseudo-random delays for every contender (a small LCG). */
const DELAYS = (() => {
  const delays = new Float64Array(ENTRIES * 2);
  let seed = 0x2545f491;
  for (let i = 0; i < delays.length; i++) {
    seed = (Math.imul(seed, 1_103_515_245) + 12_345) >>> 0;
    delays[i] = seed % HORIZON_MS;
  }
  return delays;
})();

/** A clock the bench moves by hand: no timer is ever needed (nobody waits). */
function manualClock(): Clock & { at: number } {
  const clock = { at: 0, now: () => clock.at, setTimer: () => noop };
  return clock;
}

function checkTaken(taken: number): void {
  if (taken !== ENTRIES - ENTRIES / 10) throw new Error(`took ${taken} items`);
}

Deno.bench({
  group: "delay queue 100k",
  name: "weir DelayQueue insert/reset/remove/tryNext",
  baseline: true,
  n: 10,
  warmup: 2,
  fn() {
    const clock = manualClock();
    const queue = new DelayQueue<number>(Infinity, { clock });
    const keys = new Array<number>(ENTRIES);
    for (let i = 0; i < ENTRIES; i++) keys[i] = queue.tryInsert(i, DELAYS[i]!)!;
    for (let i = 0; i < ENTRIES; i += 10) queue.reset(keys[i]!, DELAYS[ENTRIES + i]!);
    for (let i = 5; i < ENTRIES; i += 10) queue.remove(keys[i]!);
    clock.at = HORIZON_MS;
    let taken = 0;
    while (queue.tryNext() !== undefined) taken++;
    checkTaken(taken);
  },
});

interface HeapItem {
  deadline: number;
  seq: number;
  key: number;
}

function before(a: HeapItem, b: HeapItem): boolean {
  return a.deadline < b.deadline || (a.deadline === b.deadline && a.seq < b.seq);
}

Deno.bench({
  group: "delay queue 100k",
  name: "hand-written binary heap with tombstones",
  n: 10,
  warmup: 2,
  fn() {
    const heap: HeapItem[] = [];
    const live = new Map<number, HeapItem>();
    let seq = 0;
    const push = (item: HeapItem) => {
      let i = heap.push(item) - 1;
      while (i > 0) {
        const parent = (i - 1) >> 1;
        if (!before(item, heap[parent]!)) break;
        heap[i] = heap[parent]!;
        i = parent;
      }
      heap[i] = item;
    };
    const pop = (): HeapItem => {
      const top = heap[0]!;
      const last = heap.pop()!;
      if (heap.length !== 0) {
        let i = 0;
        for (;;) {
          let child = 2 * i + 1;
          if (child >= heap.length) break;
          if (child + 1 < heap.length && before(heap[child + 1]!, heap[child]!)) child++;
          if (!before(heap[child]!, last)) break;
          heap[i] = heap[child]!;
          i = child;
        }
        heap[i] = last;
      }
      return top;
    };
    for (let i = 0; i < ENTRIES; i++) {
      const item = { deadline: DELAYS[i]!, seq: seq++, key: i };
      live.set(i, item);
      push(item);
    }
    for (let i = 0; i < ENTRIES; i += 10) {
      const item = { deadline: DELAYS[ENTRIES + i]!, seq: seq++, key: i };
      live.set(i, item); // the old entry stays in the heap as a tombstone
      push(item);
    }
    for (let i = 5; i < ENTRIES; i += 10) live.delete(i);
    let taken = 0;
    while (heap.length !== 0 && heap[0]!.deadline <= HORIZON_MS) {
      const item = pop();
      if (live.get(item.key) !== item) continue;
      live.delete(item.key);
      taken++;
    }
    checkTaken(taken);
  },
});

Deno.bench({
  group: "delay queue 100k",
  name: "hand-written sorted array (binary search + splice)",
  n: 10,
  warmup: 2,
  fn() {
    const sorted: HeapItem[] = [];
    const items = new Array<HeapItem>(ENTRIES);
    let seq = 0;
    const place = (item: HeapItem) => {
      let lo = 0;
      let hi = sorted.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (before(sorted[mid]!, item)) lo = mid + 1;
        else hi = mid;
      }
      return lo;
    };
    const insert = (item: HeapItem) => sorted.splice(place(item), 0, item);
    const remove = (item: HeapItem) => sorted.splice(place(item), 1);
    for (let i = 0; i < ENTRIES; i++) {
      insert(items[i] = { deadline: DELAYS[i]!, seq: seq++, key: i });
    }
    for (let i = 0; i < ENTRIES; i += 10) {
      remove(items[i]!);
      insert(items[i] = { deadline: DELAYS[ENTRIES + i]!, seq: seq++, key: i });
    }
    for (let i = 5; i < ENTRIES; i += 10) remove(items[i]!);
    let taken = 0;
    while (taken < sorted.length && sorted[taken]!.deadline <= HORIZON_MS) taken++;
    sorted.splice(0, taken);
    checkTaken(taken);
  },
});
