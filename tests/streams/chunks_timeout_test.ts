import assert from "node:assert/strict";
import { chunksTimeout, collect } from "@weir/weir/streams";
import { FakeClock } from "@weir/weir/time";
import { from, ProbeIterable, scheduled, settle } from "./_probe.ts";

Deno.test("chunksTimeout starts a batch's timer at its first item", async () => {
  const clock = new FakeClock();
  const source = scheduled(clock, [[100, 1], [120, 2], [300, 3], [310, 4], [315, 5], [400, 6]]);
  const stamped: [number, number[]][] = [];
  const done = (async () => {
    for await (const batch of chunksTimeout(source, 3, 50, { clock })) {
      stamped.push([clock.now(), batch]);
    }
  })();
  await clock.runAll();
  await done;
  assert.deepEqual(stamped, [[150, [1, 2]], [315, [3, 4, 5]], [400, [6]]]);
  assert.equal(clock.pending, 0);
});

Deno.test("chunksTimeout runs no timer while no item arrived", async () => {
  const clock = new FakeClock();
  const source = new ProbeIterable<number>([], { hang: true });
  const it = chunksTimeout(source, 2, 10, { clock });
  const pending = it.next();
  await settle();
  await clock.tick(1_000);
  assert.equal(clock.pending, 0);
  await it.return();
  assert.deepEqual(await pending, { done: true, value: undefined });
});

Deno.test("chunksTimeout hands out full batches without waiting and never an empty one", async () => {
  const clock = new FakeClock();
  assert.deepEqual(await collect(chunksTimeout(from([1, 2, 3, 4]), 2, 50, { clock })), [
    [1, 2],
    [3, 4],
  ]);
  assert.deepEqual(await collect(chunksTimeout(from([1, 2, 3]), 2, 50, { clock })), [[1, 2], [3]]);
  assert.deepEqual(await collect(chunksTimeout(from([]), 2, 50, { clock })), []);
  assert.equal(clock.pending, 0);
});

Deno.test("chunksTimeout throws for bad arguments", () => {
  assert.throws(() => chunksTimeout(from([1]), 0, 10), {
    name: "RangeError",
    message: "'n' must be a positive integer: received 0",
  });
  assert.throws(() => chunksTimeout(from([1]), 2, -1), {
    name: "RangeError",
    message: /'ms' must/,
  });
});

Deno.test("chunksTimeout aborted while a partial batch waits rejects and leaves no timer", async () => {
  const clock = new FakeClock();
  const source = new ProbeIterable([1], { hang: true });
  const controller = new AbortController();
  const pending = chunksTimeout(source, 3, 100, { clock, signal: controller.signal }).next();
  await settle();
  assert.equal(clock.pending, 1);
  controller.abort(new Error("stop"));
  await assert.rejects(pending, { message: "stop" });
  assert.equal(clock.pending, 0);
  await settle();
  assert.equal(source.returns, 1);
});
