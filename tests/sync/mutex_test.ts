import assert from "node:assert/strict";
import { Mutex } from "@weir/weir/sync";
import { flush, probe, track } from "./_probe.ts";

Deno.test("Mutex serialises a read-modify-write across awaits", async () => {
  const counter = new Mutex(0);
  await Promise.all(Array.from({ length: 10 }, async () => {
    using guard = await counter.lock();
    const seen = guard.value;
    await Promise.resolve();
    guard.value = seen + 1;
  }));
  assert.equal(counter.tryLock()?.value, 10);
});

Deno.test("Mutex hands the lock to waiters in FIFO order, with no barging", async () => {
  const mutex = new Mutex<string[]>([]);
  const first = await mutex.lock();
  const done = ["a", "b", "c"].map((name) =>
    mutex.lock().then((guard) => {
      guard.value.push(name);
      guard.release();
    })
  );
  first.release();
  assert.equal(mutex.tryLock(), undefined, "the released lock already belongs to the next waiter");
  assert.equal(mutex.isLocked, true);
  await Promise.all(done);
  assert.deepEqual(mutex.tryLock()?.value, ["a", "b", "c"]);
});

Deno.test("Mutex lock aborted while queued rejects with the reason and never holds", async () => {
  const mutex = new Mutex(0);
  const held = await mutex.lock();
  const controller = new AbortController();
  const log: string[] = [];
  const aborted = probe(mutex.lock({ signal: controller.signal }));
  const next = track(log, "next", mutex.lock().then((guard) => guard.release()));
  const reason = new Error("timeout");
  controller.abort(reason);
  await flush();
  assert.deepEqual(aborted.outcome, { state: "rejected", reason });
  held.release();
  await next;
  assert.deepEqual(log, ["next"]);
  assert.equal(mutex.isLocked, false);
});

Deno.test("Mutex lock with an aborted signal rejects even when unlocked", async () => {
  const mutex = new Mutex(0);
  await assert.rejects(mutex.lock({ signal: AbortSignal.abort(new RangeError("x")) }), RangeError);
  assert.equal(mutex.isLocked, false);
});

Deno.test("Mutex lock gives up on a timeout signal", async () => {
  const mutex = new Mutex(0);
  using _held = await mutex.lock();
  await assert.rejects(mutex.lock({ signal: AbortSignal.timeout(2) }), { name: "TimeoutError" });
});

Deno.test("Mutex guard refuses use after release and releases once", async () => {
  const mutex = new Mutex({ n: 1 });
  const guard = await mutex.lock();
  guard.value = { n: 2 };
  guard.release();
  assert.throws(() => guard.value, {
    name: "TypeError",
    message: "Cannot use a MutexGuard after it was released",
  });
  assert.throws(() => {
    guard.value = { n: 3 };
  }, TypeError);
  const second = await mutex.lock();
  guard.release();
  guard[Symbol.dispose]();
  assert.equal(mutex.isLocked, true, "a stale guard cannot unlock someone else's lock");
  assert.deepEqual(second.value, { n: 2 });
  second.release();
});

Deno.test("Mutex runExclusive returns fn's result and unlocks even when fn throws", async () => {
  const mutex = new Mutex(1);
  assert.equal(await mutex.runExclusive((guard) => guard.value + 1), 2);
  await assert.rejects(
    mutex.runExclusive(async () => {
      await Promise.resolve();
      throw new Error("boom");
    }),
    { message: "boom" },
  );
  assert.equal(mutex.isLocked, false);
  const held = await mutex.lock();
  const controller = new AbortController();
  let ran = false;
  const waiting = mutex.runExclusive(() => ran = true, { signal: controller.signal });
  controller.abort(new Error("stop"));
  await assert.rejects(waiting, { message: "stop" });
  held.release();
  assert.equal(ran, false);
  assert.equal(mutex.isLocked, false);
});
