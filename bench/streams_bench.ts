// weir streams vs a hand-written loop and npm:ix, same run:
//   deno bench -A bench/streams_bench.ts
import { bufferUnordered, filter, map } from "@weir/weir/streams";
import { from, of } from "ix/asynciterable";
import { filter as ixFilter, flatMap as ixFlatMap, map as ixMap } from "ix/asynciterable/operators";

const N = 10_000;
const LIMIT = 16;

async function* numbers(): AsyncGenerator<number> {
  for (let i = 0; i < N; i++) yield i;
}
function numberStream(): ReadableStream<number> {
  let i = 0;
  return new ReadableStream<number>({
    pull: (controller) => i < N ? controller.enqueue(i++) : controller.close(),
  }, { highWaterMark: 0 });
}
const double = (n: number) => n * 2;
const notThird = (n: number) => n % 3 !== 0;
const task = async (n: number) => {
  await null;
  return n * 2;
};

function check(sum: number): void {
  if (sum <= 0) throw new Error("nothing was summed");
}

/** What one writes by hand instead of map + filter. */
async function* mapFilter(source: AsyncIterable<number>): AsyncGenerator<number> {
  for await (const n of source) {
    const d = double(n);
    if (notThird(d)) yield d;
  }
}

/** A hand-written bounded pool: completion order, at most `limit` running. */
async function* pool<T, U>(
  source: AsyncIterable<T>,
  limit: number,
  fn: (value: T) => Promise<U>,
): AsyncGenerator<U> {
  const running = new Map<number, Promise<[number, U]>>();
  const it = source[Symbol.asyncIterator]();
  let id = 0;
  let ended = false;
  for (;;) {
    while (!ended && running.size < limit) {
      const result = await it.next();
      if (result.done) ended = true;
      else {
        const key = id++;
        running.set(key, fn(result.value).then((value) => [key, value]));
      }
    }
    if (running.size === 0) return;
    const [key, value] = await Promise.race(running.values());
    running.delete(key);
    yield value;
  }
}

for (
  const [label, source] of [["async generator", numbers], ["ReadableStream", numberStream]] as const
) {
  const group = `map + filter over ${N} items (${label} source)`;
  Deno.bench({
    group,
    name: "inline for await loop",
    baseline: true,
    async fn() {
      let sum = 0;
      for await (const n of source()) {
        const d = double(n);
        if (notThird(d)) sum += d;
      }
      check(sum);
    },
  });
  Deno.bench({
    group,
    name: "hand-written async generator",
    async fn() {
      let sum = 0;
      for await (const d of mapFilter(source())) sum += d;
      check(sum);
    },
  });
  Deno.bench({
    group,
    name: "weir map + filter",
    async fn() {
      let sum = 0;
      for await (const d of filter(map(source(), double), notThird)) sum += d;
      check(sum);
    },
  });
  Deno.bench({
    group,
    name: "ix map + filter",
    async fn() {
      let sum = 0;
      for await (const d of from(source()).pipe(ixMap(double), ixFilter(notThird))) sum += d;
      check(sum);
    },
  });
}

const pooled = `async task per item, ${LIMIT} at a time, ${N} items`;
Deno.bench({
  group: pooled,
  name: "hand-written pool (Promise.race)",
  baseline: true,
  async fn() {
    let sum = 0;
    for await (const d of pool(numbers(), LIMIT, task)) sum += d;
    check(sum);
  },
});
Deno.bench({
  group: pooled,
  name: "weir bufferUnordered",
  async fn() {
    let sum = 0;
    for await (const d of bufferUnordered(numbers(), LIMIT, task)) sum += d;
    check(sum);
  },
});
Deno.bench({
  group: pooled,
  name: "ix flatMap(concurrent)",
  async fn() {
    let sum = 0;
    const results = from(numbers()).pipe(ixFlatMap(async (n: number) => of(await task(n)), LIMIT));
    for await (const d of results) sum += d;
    check(sum);
  },
});
