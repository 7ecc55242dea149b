import assert from "node:assert/strict";
import { broadcast, broadcastSender, ChannelClosedError, LaggedError } from "@weir/weir/sync";
import { flush, probe } from "./_probe.ts";

const DONE = { done: true, value: undefined };

function lagged(skipped: number) {
  return (err: unknown) => {
    assert.ok(err instanceof LaggedError);
    assert.equal(err.name, "LaggedError");
    assert.equal(err.skipped, skipped);
    return true;
  };
}

Deno.test("broadcast delivers every message to every receiver", async () => {
  const [tx, rx1] = broadcast<number>(16);
  const rx2 = tx.subscribe();
  assert.equal(tx.receiverCount, 2);
  for (const n of [0, 1, 2]) assert.equal(tx.send(n), 2);
  tx.close();
  for (const rx of [rx1, rx2]) {
    for (const n of [0, 1, 2]) assert.deepEqual(await rx.recv(), { done: false, value: n });
    assert.deepEqual(await rx.recv(), DONE);
    assert.deepEqual(await rx.recv(), DONE);
  }
});

Deno.test("broadcast lag: capacity 2, send 10, 20, 30 gives Lagged(1), then 20 and 30", async () => {
  const [tx, rx] = broadcast<number>(2);
  tx.send(10);
  tx.send(20);
  tx.send(30);
  assert.equal(rx.length, 3);
  await assert.rejects(rx.recv(), lagged(1));
  assert.equal(rx.length, 2);
  assert.deepEqual(await rx.recv(), { done: false, value: 20 });
  assert.deepEqual(await rx.recv(), { done: false, value: 30 });
  assert.equal(rx.tryRecv(), undefined);
});

Deno.test("broadcast rounds capacity up to a power of two", () => {
  const [tx, rx] = broadcast<number>(3);
  for (let i = 0; i < 4; i++) tx.send(i);
  assert.deepEqual(rx.tryRecv(), { done: false, value: 0 }, "3 became 4: nothing lost yet");
  for (let i = 4; i < 9; i++) tx.send(i);
  assert.throws(() => rx.tryRecv(), lagged(4));
  for (let i = 5; i < 9; i++) assert.deepEqual(rx.tryRecv(), { done: false, value: i });

  const [one, onlyLatest] = broadcast<string>(1);
  one.send("a");
  one.send("b");
  assert.throws(() => onlyLatest.tryRecv(), lagged(1));
  assert.deepEqual(onlyLatest.tryRecv(), { done: false, value: "b" });
});

Deno.test("broadcast slow receiver lags while a fast one keeps up and the sender never waits", async () => {
  const [tx, fast] = broadcast<number>(4);
  const slow = tx.subscribe();
  for (let i = 0; i < 10; i++) {
    tx.send(i);
    assert.deepEqual(await fast.recv(), { done: false, value: i });
  }
  await assert.rejects(slow.recv(), lagged(6));
  for (let i = 6; i < 10; i++) assert.deepEqual(await slow.recv(), { done: false, value: i });
});

Deno.test("broadcast lags again if overwritten again after a lag", () => {
  const [tx, rx] = broadcast<number>(2);
  for (let i = 0; i < 5; i++) tx.send(i);
  assert.throws(() => rx.tryRecv(), lagged(3));
  tx.send(5);
  tx.send(6);
  assert.throws(() => rx.tryRecv(), lagged(2));
  assert.deepEqual(rx.tryRecv(), { done: false, value: 5 });
});

Deno.test("broadcast subscribe and resubscribe see only later messages", async () => {
  const [tx, rx] = broadcast<number>(8);
  tx.send(1);
  const late = tx.subscribe();
  const again = rx.resubscribe();
  assert.equal(late.length, 0);
  assert.equal(again.length, 0);
  assert.equal(rx.length, 1);
  tx.send(2);
  assert.deepEqual(await late.recv(), { done: false, value: 2 });
  assert.deepEqual(await again.recv(), { done: false, value: 2 });
  assert.deepEqual(await rx.recv(), { done: false, value: 1 });
});

Deno.test("broadcast send without receivers throws and stores nothing; subscribe reopens", () => {
  const [tx, rx] = broadcast<string>(4);
  rx.close();
  assert.equal(tx.receiverCount, 0);
  assert.throws(() => tx.send("lost"), (err) => {
    assert.ok(err instanceof ChannelClosedError);
    assert.equal(err.value, "lost");
    assert.equal(err.message, "Cannot send: the broadcast channel has no receivers");
    return true;
  });
  const fresh = tx.subscribe();
  assert.equal(fresh.tryRecv(), undefined);
  assert.equal(tx.send("kept"), 1);
  assert.deepEqual(fresh.tryRecv(), { done: false, value: "kept" });
});

Deno.test("broadcast ends receivers only after every sender closes and they drain", async () => {
  const [tx, rx] = broadcast<number>(4);
  const other = tx.clone();
  const pending = probe(rx.recv());
  tx.close();
  tx.close();
  await flush();
  assert.equal(pending.outcome.state, "pending", "a clone is still open");
  other.send(1);
  assert.deepEqual(await pending.promise, { done: false, value: 1 });
  other.send(2);
  const waiting = probe(rx.resubscribe().recv());
  other[Symbol.dispose]();
  assert.deepEqual(await rx.recv(), { done: false, value: 2 });
  assert.deepEqual(await rx.recv(), DONE);
  assert.deepEqual(await waiting.promise, DONE);
});

Deno.test("broadcast closed sender refuses send, subscribe and clone", () => {
  const [tx, _rx] = broadcast<number>(2);
  tx.close();
  assert.throws(() => tx.send(1), {
    name: "ChannelClosedError",
    message: "Cannot send: this sender is closed",
  });
  assert.throws(() => tx.subscribe(), ChannelClosedError);
  assert.throws(() => tx.clone(), ChannelClosedError);
});

Deno.test("broadcast receiver close ends its waiting recv and stops counting it", async () => {
  const [tx, rx] = broadcast<number>(4);
  const other = tx.subscribe();
  tx.send(1);
  const otherPending = probe(other.recv());
  const mine = probe(rx.recv());
  await flush();
  assert.deepEqual(mine.outcome, { state: "fulfilled", value: { done: false, value: 1 } });
  const waiting = probe(rx.recv());
  rx.close();
  rx.close();
  assert.deepEqual(await waiting.promise, DONE);
  assert.deepEqual(await rx.recv(), DONE);
  assert.equal(rx.length, 0);
  assert.equal(tx.receiverCount, 1);
  assert.equal(tx.send(2), 1);
  await otherPending.promise;
  assert.deepEqual(await other.recv(), { done: false, value: 2 });
  {
    using _other = other;
  }
  assert.equal(tx.receiverCount, 0);
});

Deno.test("broadcast aborted recv loses no message", async () => {
  const [tx, rx] = broadcast<number>(4);
  const controller = new AbortController();
  const aborted = rx.recv({ signal: controller.signal });
  controller.abort("gone");
  await assert.rejects(aborted, (err) => err === "gone");
  tx.send(1);
  await assert.rejects(rx.recv({ signal: AbortSignal.abort("pre") }), (e) => e === "pre");
  assert.deepEqual(await rx.recv(), { done: false, value: 1 });
});

Deno.test("broadcast concurrent receives on one receiver get consecutive messages", async () => {
  const [tx, rx] = broadcast<number>(4);
  const a = rx.recv();
  const b = rx.recv();
  tx.send(1);
  tx.send(2);
  assert.deepEqual(await a, { done: false, value: 1 });
  assert.deepEqual(await b, { done: false, value: 2 });
});

Deno.test("broadcast rejects a bad capacity with RangeError", () => {
  for (const bad of [0, -1, 1.5, NaN, 2 ** 30 + 1]) {
    assert.throws(() => broadcast(bad), { name: "RangeError", message: /'capacity'/ });
  }
});

Deno.test("broadcast sender length and isEmpty follow the slowest open receiver", () => {
  const [tx, slow] = broadcast<number>(4);
  const fast = tx.subscribe();
  assert.equal(tx.length, 0);
  assert.equal(tx.isEmpty, true);
  for (let i = 0; i < 3; i++) tx.send(i);
  while (fast.tryRecv()) { /* drain */ }
  assert.equal(tx.length, 3);
  slow.tryRecv();
  assert.equal(tx.length, 2);
  // overwriting caps it at the ring's size; a lagging receiver counts until it closes
  for (let i = 3; i < 10; i++) {
    tx.send(i);
    assert.deepEqual(fast.tryRecv(), { done: false, value: i });
  }
  assert.equal(tx.length, 4);
  slow.close();
  assert.equal(tx.length, 0);
  assert.equal(tx.isEmpty, true);
});

Deno.test("broadcast sender closed settles when the last receiver leaves, and again after subscribe", async () => {
  const [tx, rx] = broadcast<number>(2);
  const other = rx.resubscribe();
  const closed = probe(tx.closed);
  rx.close();
  await flush();
  assert.equal(closed.outcome.state, "pending");
  other.close();
  await flush();
  assert.equal(closed.outcome.state, "fulfilled");
  await tx.closed; // settled while nobody listens
  const late = tx.subscribe();
  const again = probe(tx.closed);
  await flush();
  assert.equal(again.outcome.state, "pending");
  late[Symbol.dispose]();
  await flush();
  assert.equal(again.outcome.state, "fulfilled");
});

Deno.test("broadcastSender starts with no receiver; subscribers see only later messages", async () => {
  const tx = broadcastSender<string>(3);
  assert.equal(tx.receiverCount, 0);
  await tx.closed;
  assert.throws(() => tx.send("nobody"), ChannelClosedError);
  const rx = tx.subscribe();
  assert.equal(tx.send("a"), 1);
  const rx2 = tx.subscribe();
  tx.send("b");
  tx.close();
  assert.deepEqual(await rx.recv(), { done: false, value: "a" });
  assert.deepEqual(await rx.recv(), { done: false, value: "b" });
  assert.deepEqual(await rx.recv(), DONE);
  assert.deepEqual(await rx2.recv(), { done: false, value: "b" });
  assert.equal((await rx2.recv()).done, true);
  for (const bad of [0, 1.5, 2 ** 30 + 1]) assert.throws(() => broadcastSender(bad), RangeError);
});
