import { filter, map } from "@weir/weir/streams";
import { from } from "ix/asynciterable";
import { filter as ixFilter, map as ixMap } from "ix/asynciterable/operators";

const N = 10_000;
async function* numbers(): AsyncGenerator<number> {
  for (let i = 0; i < N; i++) yield i;
}
const double = (n: number) => n * 2;
const notThird = (n: number) => n % 3 !== 0;

async function* handWritten(source: AsyncIterable<number>): AsyncGenerator<number> {
  for await (const n of source) {
    const d = double(n);
    if (notThird(d)) yield d;
  }
}

Deno.bench({
  group: "map/filter",
  name: "inline for await",
  baseline: true,
  async fn() {
    let sum = 0;
    for await (const n of numbers()) {
      const d = double(n);
      if (notThird(d)) sum += d;
    }
    if (sum < 0) throw new Error("unreachable");
  },
});
Deno.bench({
  group: "map/filter",
  name: "hand-written async generator",
  async fn() {
    let sum = 0;
    for await (const d of handWritten(numbers())) sum += d;
    if (sum < 0) throw new Error("unreachable");
  },
});
Deno.bench({
  group: "map/filter",
  name: "weir map + filter",
  async fn() {
    let sum = 0;
    for await (const d of filter(map(numbers(), double), notThird)) sum += d;
    if (sum < 0) throw new Error("unreachable");
  },
});
Deno.bench({
  group: "map/filter",
  name: "ix map + filter",
  async fn() {
    let sum = 0;
    for await (const d of from(numbers()).pipe(ixMap(double), ixFilter(notThird))) sum += d;
    if (sum < 0) throw new Error("unreachable");
  },
});
