import assert from "node:assert/strict";
import { collect, timeoutEach } from "@weir/weir/streams";
import { FakeClock } from "@weir/weir/time";
import { from, ProbeIterable, ProbeStream, scheduled } from "./_probe.ts";

Deno.test("timeoutEach passes items that arrive in time, each wait timed on its own", async () => {
  const clock = new FakeClock();
  const source = scheduled(clock, [[90, "a"], [180, "b"], [270, "c"]]);
  const got = collect(timeoutEach(source, 100, { clock }));
  await clock.runAll();
  assert.deepEqual(await got, ["a", "b", "c"]);
  assert.equal(clock.pending, 0);
});

Deno.test("timeoutEach rejects with a TimeoutError DOMException and cancels the source", async () => {
  for (
    const probe of [
      new ProbeIterable(["a"], { hang: true }),
      new ProbeStream(["a"], { hang: true }),
    ]
  ) {
    const clock = new FakeClock();
    const source = probe instanceof ProbeStream ? probe.stream : probe;
    const it = timeoutEach(source, 100, { clock });
    assert.deepEqual(await it.next(), { done: false, value: "a" });
    const second = it.next();
    await clock.tick(99);
    await clock.tick(1);
    const error = await second.then(() => undefined, (e) => e);
    assert.ok(error instanceof DOMException);
    assert.equal(error.name, "TimeoutError");
    assert.equal(error.message, "No item within 100 ms");
    assert.equal(probe instanceof ProbeStream ? probe.cancels.length : probe.returns, 1);
    assert.deepEqual(await it.next(), { done: true, value: undefined });
    assert.equal(clock.pending, 0);
  }
});

Deno.test("timeoutEach does not count the consumer's time between items", async () => {
  const clock = new FakeClock();
  const it = timeoutEach(from([1, 2]), 10, { clock });
  assert.deepEqual(await it.next(), { done: false, value: 1 });
  await clock.tick(1_000);
  assert.deepEqual(await it.next(), { done: false, value: 2 });
  assert.equal(clock.pending, 0);
});

Deno.test("timeoutEach(0) passes items that are ready at once", async () => {
  const clock = new FakeClock();
  const got = collect(timeoutEach(from([1, 2, 3]), 0, { clock }));
  await clock.runAll();
  assert.deepEqual(await got, [1, 2, 3]);
});

Deno.test("timeoutEach throws for a bad ms", () => {
  assert.throws(() => timeoutEach(from([1]), NaN), RangeError);
});
