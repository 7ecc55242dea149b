import assert from "node:assert/strict";
import fc from "fast-check";
import { DelayQueue, FakeClock } from "@weir/weir/time";
import { select } from "@weir/weir/sync";

/** Lets pending promise reactions run. */
async function flush(): Promise<void> {
  for (let i = 0; i < 8; i++) await Promise.resolve();
}

Deno.test("DelayQueue hands items out in deadline order, ties in insertion order", async () => {
  const clock = new FakeClock();
  const queue = new DelayQueue<string>(16, { clock });
  queue.tryInsert("c", 30);
  queue.tryInsert("a1", 10);
  queue.tryInsert("b", 20);
  queue.tryInsert("a2", 10);
  const seen: string[] = [];
  const loop = (async () => {
    for await (const { value } of queue) {
      seen.push(value);
      if (seen.length === 4) break;
    }
  })();
  await clock.tick(10);
  assert.deepEqual(seen, ["a1", "a2"]);
  await clock.tick(20);
  await loop;
  assert.deepEqual(seen, ["a1", "a2", "b", "c"]);
  assert.equal(clock.pending, 0, "no timer is left once nobody waits");
});

Deno.test("DelayQueue next waits for an insert while empty, and arms no timer without a taker", async () => {
  const clock = new FakeClock();
  const queue = new DelayQueue<number>(4, { clock });
  queue.tryInsert(1, 50);
  assert.equal(clock.pending, 0);
  assert.equal(queue.tryNext()?.value, undefined);
  await clock.tick(50);
  assert.equal(queue.tryNext()?.value, 1);
  const waiting = queue.next();
  await clock.tick(1_000);
  assert.equal(clock.pending, 0, "an empty queue needs no timer");
  queue.tryInsert(2, 5);
  assert.equal(clock.pending, 1);
  await clock.tick(5);
  assert.deepEqual(await waiting, { key: 1, value: 2, deadline: 1_055 });
  assert.equal(clock.pending, 0);
});

Deno.test("DelayQueue reset and remove move and cancel items; unknown keys are reported", async () => {
  const clock = new FakeClock();
  const queue = new DelayQueue<string>(4, { clock });
  const a = queue.tryInsert("a", 10)!;
  const b = queue.tryInsert("b", 20)!;
  const next = queue.next();
  assert.equal(queue.reset(a, 30), true); // b is now first
  await clock.tick(20);
  assert.equal((await next).value, "b");
  assert.equal(queue.reset(b, 5), false);
  assert.equal(queue.remove(b), undefined);
  assert.deepEqual(queue.remove(a), { key: a, value: "a", deadline: 30 });
  assert.equal(queue.isEmpty, true);
  assert.equal(queue.deadline(a), undefined);
  assert.equal(queue.nextDeadline, undefined);
});

Deno.test("DelayQueue capacity: tryInsert refuses when full, insert waits in line for room", async () => {
  const clock = new FakeClock();
  const queue = new DelayQueue<string>(2, { clock });
  queue.tryInsert("a", 10);
  const b = queue.tryInsert("b", 10)!;
  assert.equal(queue.tryInsert("c", 10), undefined);
  const controller = new AbortController();
  const aborted = queue.insert("x", 1, { signal: controller.signal });
  const c = queue.insert("c", 10);
  const d = queue.insert("d", 10);
  controller.abort(new Error("gave up"));
  await assert.rejects(aborted, { message: "gave up" });
  queue.remove(b); // room for c, counted from now
  await clock.tick(5);
  const cKey = await c;
  assert.equal(queue.deadline(cKey), 10);
  assert.equal(queue.tryInsert("e", 1), undefined, "d waits first");
  await clock.tick(5);
  assert.equal(queue.tryNext()?.value, "a");
  await d;
  assert.equal(queue.length, 2);
  queue.clear();
  assert.equal(queue.length, 0);
});

Deno.test("DelayQueue refuses bad arguments and aborted signals", async () => {
  const clock = new FakeClock();
  for (const bad of [0, -1, 1.5, NaN]) {
    assert.throws(() => new DelayQueue(bad, { clock }), {
      name: "RangeError",
      message: `'capacity' must be an integer from 1, or Infinity: received ${bad}`,
    });
  }
  const queue = new DelayQueue<number>(Infinity, { clock });
  for (const bad of [-1, NaN, Infinity]) {
    assert.throws(() => queue.tryInsert(1, bad), RangeError);
    await assert.rejects(queue.insert(1, bad), RangeError);
  }
  const key = queue.tryInsert(1, 0)!;
  assert.throws(() => queue.reset(key, -5), RangeError);
  await assert.rejects(queue.next({ signal: AbortSignal.abort("no") }), (e) => e === "no");
  await assert.rejects(queue.insert(2, 0, { signal: AbortSignal.abort("no") }), (e) => e === "no");
  assert.equal(queue.length, 1, "a refused call changed nothing");
});

Deno.test("DelayQueue next aborted while waiting takes nothing and leaves no timer", async () => {
  const clock = new FakeClock();
  const queue = new DelayQueue<string>(4, { clock });
  queue.tryInsert("kept", 10);
  const controller = new AbortController();
  const waiting = queue.next({ signal: controller.signal });
  assert.equal(clock.pending, 1);
  controller.abort(new Error("stop"));
  await assert.rejects(waiting, { message: "stop" });
  assert.equal(clock.pending, 0);
  await clock.tick(10);
  assert.equal(queue.tryNext()?.value, "kept");
});

Deno.test("DelayQueue in a select: the losing branch takes no expired item", async () => {
  const clock = new FakeClock();
  const left = new DelayQueue<string>(4, { clock });
  const right = new DelayQueue<string>(4, { clock });
  left.tryInsert("l", 0);
  right.tryInsert("r", 0);
  const won = await select([
    (signal) => left.next({ signal }),
    (signal) => right.next({ signal }),
  ], { biased: true });
  assert.equal(won.index, 0);
  assert.equal(right.length, 1);
  // both expire in the same timer turn while waiting
  left.tryInsert("l2", 10);
  right.tryInsert("r2", 10);
  right.tryNext();
  const race = select([
    (signal) => left.next({ signal }),
    (signal) => right.next({ signal }),
  ]);
  await clock.tick(10);
  const second = await race;
  await flush();
  assert.equal(left.length + right.length, 1, "exactly one item was taken");
  assert.equal(clock.pending, 0);
  assert.ok(second.index === 0 || second.index === 1);
});

Deno.test("DelayQueue model: random inserts, resets, removes and clock steps", async () => {
  type Op =
    | { kind: "insert"; delay: number }
    | { kind: "reset"; pick: number; delay: number }
    | { kind: "remove"; pick: number }
    | { kind: "tick"; ms: number }
    | { kind: "take" };
  const op: fc.Arbitrary<Op> = fc.oneof(
    fc.record({ kind: fc.constant("insert" as const), delay: fc.integer({ min: 0, max: 50 }) }),
    fc.record({
      kind: fc.constant("reset" as const),
      pick: fc.nat(),
      delay: fc.integer({ min: 0, max: 50 }),
    }),
    fc.record({ kind: fc.constant("remove" as const), pick: fc.nat() }),
    fc.record({ kind: fc.constant("tick" as const), ms: fc.integer({ min: 0, max: 30 }) }),
    fc.record({ kind: fc.constant("take" as const) }),
  );
  await fc.assert(
    fc.asyncProperty(
      fc.integer({ min: 1, max: 6 }),
      fc.array(op, { maxLength: 60 }),
      async (capacity, ops) => {
        const clock = new FakeClock();
        const queue = new DelayQueue<number>(capacity, { clock });
        // the model: items with their deadline and tie-break order
        let model: { key: number; value: number; deadline: number; seq: number }[] = [];
        let seq = 0;
        let value = 0;
        const keys: number[] = [];
        for (const o of ops) {
          if (o.kind === "insert") {
            const key = queue.tryInsert(value, o.delay);
            if (model.length >= capacity) assert.equal(key, undefined);
            else {
              assert.equal(typeof key, "number");
              model.push({ key: key!, value, deadline: clock.now() + o.delay, seq: seq++ });
              keys.push(key!);
            }
            value++;
          } else if (o.kind === "reset" && keys.length !== 0) {
            const key = keys[o.pick % keys.length]!;
            const item = model.find((m) => m.key === key);
            assert.equal(queue.reset(key, o.delay), item !== undefined);
            if (item) {
              item.deadline = clock.now() + o.delay;
              item.seq = seq++;
            }
          } else if (o.kind === "remove" && keys.length !== 0) {
            const key = keys[o.pick % keys.length]!;
            const item = model.find((m) => m.key === key);
            assert.deepEqual(
              queue.remove(key),
              item && { key, value: item.value, deadline: item.deadline },
            );
            model = model.filter((m) => m.key !== key);
          } else if (o.kind === "tick") {
            await clock.tick(o.ms);
          } else if (o.kind === "take") {
            model.sort((a, b) => a.deadline - b.deadline || a.seq - b.seq);
            const first = model[0];
            const got = queue.tryNext();
            if (first && first.deadline <= clock.now()) {
              assert.deepEqual(got, {
                key: first.key,
                value: first.value,
                deadline: first.deadline,
              });
              model.shift();
            } else assert.equal(got, undefined);
          }
          assert.equal(queue.length, model.length);
          const earliest = model.reduce((min, m) => Math.min(min, m.deadline), Infinity);
          assert.equal(queue.nextDeadline, model.length === 0 ? undefined : earliest);
        }
        assert.equal(clock.pending, 0);
      },
    ),
    { numRuns: 300 },
  );
});
