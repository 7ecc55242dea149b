import assert from "node:assert/strict";
import { Notify } from "@weir/weir/sync";
import { flush, probe, track } from "./_probe.ts";

Deno.test("Notify notifyOne without waiters stores a single permit", async () => {
  const notify = new Notify();
  notify.notifyOne();
  notify.notifyOne();
  await notify.notified();
  const second = probe(notify.notified());
  await flush();
  assert.equal(second.outcome.state, "pending", "permits do not add up");
  notify.notifyOne();
  await second.promise;
});

Deno.test("Notify notifyOne wakes waiters one at a time in FIFO order", async () => {
  const notify = new Notify();
  const log: string[] = [];
  const all = ["a", "b", "c"].map((name) => track(log, name, notify.notified()));
  notify.notifyOne();
  await flush();
  assert.deepEqual(log, ["a"]);
  notify.notifyOne();
  notify.notifyOne();
  await Promise.all(all);
  assert.deepEqual(log, ["a", "b", "c"]);
});

Deno.test("Notify notifyWaiters wakes every current waiter and stores nothing", async () => {
  const notify = new Notify();
  const a = notify.notified();
  const b = notify.notified();
  notify.notifyWaiters();
  await Promise.all([a, b]);
  notify.notifyWaiters();
  const later = probe(notify.notified());
  await flush();
  assert.equal(later.outcome.state, "pending");
  notify.notifyOne();
  await later.promise;
});

Deno.test("Notify aborted waiter consumes no notification", async () => {
  const notify = new Notify();
  const controller = new AbortController();
  const aborted = probe(notify.notified({ signal: controller.signal }));
  const waiting = probe(notify.notified());
  controller.abort(new Error("bye"));
  notify.notifyOne();
  await flush();
  assert.equal(aborted.outcome.state, "rejected");
  assert.equal(waiting.outcome.state, "fulfilled");

  const alone = new AbortController();
  const lone = notify.notified({ signal: alone.signal });
  alone.abort("gone");
  await assert.rejects(lone, (err) => err === "gone");
  notify.notifyOne();
  await notify.notified(); // the permit was stored, not lost to the aborted waiter
});

Deno.test("Notify notified with an aborted signal rejects and keeps the permit", async () => {
  const notify = new Notify();
  notify.notifyOne();
  await assert.rejects(notify.notified({ signal: AbortSignal.abort("x") }), (err) => err === "x");
  await notify.notified();
});

Deno.test("Notify notifyLast wakes waiters newest first, skips aborted ones, and stores a permit", async () => {
  const notify = new Notify();
  const log: string[] = [];
  const a = track(log, "a", notify.notified());
  const controller = new AbortController();
  const b = probe(notify.notified({ signal: controller.signal }));
  const c = track(log, "c", notify.notified());
  notify.notifyLast();
  await c;
  controller.abort(new Error("gone"));
  notify.notifyLast(); // b left the line: a is the newest waiter now
  await a;
  await flush();
  assert.deepEqual(log, ["c", "a"]);
  assert.equal(b.outcome.state, "rejected");
  notify.notifyLast();
  notify.notifyLast(); // one permit, not two
  await notify.notified();
  const later = probe(notify.notified());
  await flush();
  assert.equal(later.outcome.state, "pending");
  notify.notifyOne();
  await later.promise;
});
