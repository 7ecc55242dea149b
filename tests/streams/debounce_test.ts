import assert from "node:assert/strict";
import { collect, debounce } from "@weir/weir/streams";
import { FakeClock } from "@weir/weir/time";
import { from, ProbeIterable, scheduled, settle } from "./_probe.ts";

Deno.test("debounce hands out the latest item after a quiet period", async () => {
  const clock = new FakeClock();
  const source = scheduled(clock, [[0, "a"], [10, "ab"], [20, "abc"], [200, "x"], [250, "xy"]]);
  const stamped: [number, string][] = [];
  const done = (async () => {
    for await (const s of debounce(source, 100, { clock })) stamped.push([clock.now(), s]);
  })();
  await clock.runAll();
  await done;
  assert.deepEqual(stamped, [[120, "abc"], [250, "xy"]]);
  assert.equal(clock.pending, 0);
});

Deno.test("debounce passes items that are spaced out by more than the quiet period", async () => {
  const clock = new FakeClock();
  const source = scheduled(clock, [[0, 1], [100, 2], [200, 3]]);
  const got = collect(debounce(source, 50, { clock }));
  await clock.runAll();
  assert.deepEqual(await got, [1, 2, 3]);
});

Deno.test("debounce hands out the waiting item at once when the source ends", async () => {
  const clock = new FakeClock();
  const it = debounce(from([1, 2]), 1_000, { clock });
  assert.deepEqual(await it.next(), { done: false, value: 2 });
  assert.equal(clock.pending, 0);
  assert.deepEqual(await it.next(), { done: true, value: undefined });
});

Deno.test("debounce waits without a timer while no item arrived", async () => {
  const clock = new FakeClock();
  const source = new ProbeIterable<number>([], { hang: true });
  const it = debounce(source, 100, { clock });
  const pending = it.next();
  await settle();
  assert.equal(clock.pending, 0);
  await it.return();
  assert.deepEqual(await pending, { done: true, value: undefined });
  assert.equal(source.returns, 1);
});

Deno.test("debounce rejects with a source error", async () => {
  async function* failing() {
    yield 1;
    throw new Error("broke");
  }
  const clock = new FakeClock();
  await assert.rejects(collect(debounce(failing(), 10, { clock })), { message: "broke" });
  assert.equal(clock.pending, 0);
});

Deno.test("debounce throws for a bad ms", () => {
  assert.throws(() => debounce(from([1]), -5), { name: "RangeError", message: /'ms' must/ });
});
