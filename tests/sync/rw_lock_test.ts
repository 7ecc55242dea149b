import assert from "node:assert/strict";
import { RwLock } from "@weir/weir/sync";
import { flush, probe } from "./_probe.ts";

Deno.test("RwLock lets several readers hold the lock at once", async () => {
  const lock = new RwLock([1, 2, 3]);
  const guards = await Promise.all([lock.read(), lock.read(), lock.read()]);
  for (const guard of guards) assert.deepEqual(guard.value, [1, 2, 3]);
  assert.equal(lock.tryWrite(), undefined);
  for (const guard of guards) guard.release();
  assert.ok(lock.tryWrite());
});

Deno.test("RwLock writer waits for readers, and later readers wait for the writer", async () => {
  const lock = new RwLock(0);
  const r1 = await lock.read();
  const writer = probe(lock.write());
  const r2 = probe(lock.read());
  await flush();
  assert.equal(writer.outcome.state, "pending");
  assert.equal(r2.outcome.state, "pending", "write preference: a queued writer blocks new readers");
  assert.equal(lock.tryRead(), undefined);
  r1.release();
  await flush();
  assert.equal(writer.outcome.state, "fulfilled");
  assert.equal(r2.outcome.state, "pending");
  const w = await writer.promise;
  w.value = 7;
  w.release();
  assert.equal((await r2.promise).value, 7);
});

Deno.test("RwLock serves a mixed queue in FIFO order", async () => {
  const lock = new RwLock<string[]>([]);
  const start = await lock.write();
  const log: string[] = [];
  const order = (name: string, guard: Promise<{ release(): void }>) =>
    guard.then((g) => {
      log.push(name);
      return g;
    });
  const r1 = order("r1", lock.read());
  const r2 = order("r2", lock.read());
  const w = order("w", lock.write());
  const r3 = order("r3", lock.read());
  start.release();
  await flush();
  assert.deepEqual(log, ["r1", "r2"]);
  (await r1).release();
  await flush();
  assert.deepEqual(log, ["r1", "r2"]);
  (await r2).release();
  await flush();
  assert.deepEqual(log, ["r1", "r2", "w"]);
  (await w).release();
  (await r3).release();
  assert.deepEqual(log, ["r1", "r2", "w", "r3"]);
});

Deno.test("RwLock aborted writer lets the readers it held back in", async () => {
  const lock = new RwLock(0);
  const reader = await lock.read();
  const controller = new AbortController();
  const writer = probe(lock.write({ signal: controller.signal }));
  const later = probe(lock.read());
  await flush();
  assert.equal(later.outcome.state, "pending");
  controller.abort(new Error("gave up"));
  await flush();
  assert.equal(writer.outcome.state, "rejected");
  assert.equal(later.outcome.state, "fulfilled");
  reader.release();
  (await later.promise).release();
  assert.ok(lock.tryWrite(), "the aborted writer holds nothing");
});

Deno.test("RwLock aborted read rejects with the reason", async () => {
  const lock = new RwLock(0);
  const writer = await lock.write();
  const controller = new AbortController();
  const reading = lock.read({ signal: controller.signal });
  controller.abort("why");
  await assert.rejects(reading, (err) => err === "why");
  await assert.rejects(lock.read({ signal: AbortSignal.abort("now") }), (err) => err === "now");
  writer.release();
  assert.ok(lock.tryWrite());
});

Deno.test("RwLock maxReaders bounds concurrent readers", async () => {
  const lock = new RwLock(0, { maxReaders: 2 });
  const a = await lock.read();
  await lock.read();
  const third = probe(lock.read());
  await flush();
  assert.equal(third.outcome.state, "pending");
  assert.equal(lock.tryRead(), undefined);
  a.release();
  await flush();
  assert.equal(third.outcome.state, "fulfilled");
});

Deno.test("RwLock downgrade keeps writers out and lets readers in", async () => {
  const lock = new RwLock(1);
  const writer = await lock.write();
  const reader = probe(lock.read());
  writer.value = 2;
  const downgraded = writer.downgrade();
  await flush();
  assert.equal(reader.outcome.state, "fulfilled");
  assert.equal(downgraded.value, 2);
  assert.throws(() => writer.value, { name: "TypeError", message: /RwLockWriteGuard/ });
  assert.throws(() => writer.downgrade(), TypeError);
  writer.release();
  assert.equal(lock.tryWrite(), undefined);
  downgraded.release();
  (await reader.promise).release();
  assert.ok(lock.tryWrite());
});

Deno.test("RwLock guards refuse use after release and dispose with using", async () => {
  const lock = new RwLock("v");
  const reader = await lock.read();
  reader.release();
  reader.release();
  assert.throws(() => reader.value, { name: "TypeError", message: /RwLockReadGuard/ });
  {
    using writer = await lock.write();
    writer.value = "w";
  }
  {
    using reader2 = await lock.read();
    assert.equal(reader2.value, "w");
  }
  assert.ok(lock.tryWrite());
});

Deno.test("RwLock rejects a bad maxReaders with RangeError", () => {
  for (const bad of [0, -1, 1.5, NaN, 536_870_912]) {
    assert.throws(() => new RwLock(0, { maxReaders: bad }), {
      name: "RangeError",
      message: /'maxReaders'/,
    });
  }
});
