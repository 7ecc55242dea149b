import assert from "node:assert/strict";
import { ChannelClosedError, select, watch } from "@weir/weir/sync";
import { flush, probe } from "./_probe.ts";

Deno.test("watch changed wakes on send and a slow receiver sees only the newest value", async () => {
  const [tx, rx] = watch(0);
  const change = probe(rx.changed());
  await flush();
  assert.equal(change.outcome.state, "pending");
  tx.send(1);
  tx.send(2);
  tx.send(3);
  await change.promise;
  assert.equal(rx.borrow(), 3, "intermediate values are skipped");
  assert.equal(rx.hasChanged(), true, "the wake-up saw version 1; 2 and 3 came after it");
  await rx.changed();
  assert.equal(rx.hasChanged(), false);
  const next = probe(rx.changed());
  await flush();
  assert.equal(next.outcome.state, "pending");
  tx.send(4);
  await next.promise;
});

Deno.test("watch counts every send as a change, equal values included", async () => {
  const [tx, rx] = watch("same");
  assert.equal(rx.hasChanged(), false);
  tx.send("same");
  assert.equal(rx.hasChanged(), true);
  await rx.changed();
  assert.equal(rx.hasChanged(), false);
});

Deno.test("watch wakes every receiver", async () => {
  const [tx, rx] = watch(0);
  const receivers = [rx, tx.subscribe(), rx.clone()];
  const changes = receivers.map((r) => r.changed());
  assert.equal(tx.send(1), 3);
  await Promise.all(changes);
  for (const r of receivers) assert.equal(r.borrow(), 1);
});

Deno.test("watch subscribe sees the current value as seen; clone copies what was seen", () => {
  const [tx, rx] = watch(0);
  tx.send(1);
  const sub = tx.subscribe();
  assert.equal(sub.hasChanged(), false);
  assert.equal(sub.borrow(), 1);
  assert.equal(rx.clone().hasChanged(), true);
  rx.markUnchanged();
  assert.equal(rx.clone().hasChanged(), false);
  assert.equal(tx.borrow(), 1);
});

Deno.test("watch delivers a value sent just before the last sender closes, then reports closure", async () => {
  const [tx, rx] = watch<string | undefined>("a");
  const other = tx.clone();
  tx.send(undefined);
  tx.close();
  tx.close();
  other.close();
  await rx.changed();
  assert.equal(rx.borrow(), undefined);
  await assert.rejects(rx.changed(), (err) => {
    assert.ok(err instanceof ChannelClosedError);
    assert.equal(err.message, "Cannot wait for a change: every sender is closed");
    return true;
  });
});

Deno.test("watch waiting changed rejects when the last sender closes", async () => {
  const [tx, rx] = watch(0);
  const other = tx.clone();
  const waiting = probe(rx.changed());
  tx.close();
  await flush();
  assert.equal(waiting.outcome.state, "pending");
  other[Symbol.dispose]();
  await assert.rejects(waiting.promise, ChannelClosedError);
});

Deno.test("watch send stores the value even with no receivers", () => {
  const [tx, rx] = watch(0);
  rx.close();
  assert.equal(tx.receiverCount, 0);
  assert.equal(tx.send(5), 0);
  assert.equal(tx.subscribe().borrow(), 5);
  assert.equal(tx.receiverCount, 1);
});

Deno.test("watch sendModify publishes an in-place edit; a throwing edit changes nothing", async () => {
  const [tx, rx] = watch({ hits: 0 });
  assert.equal(
    tx.sendModify((s) => {
      s.hits++;
      return s;
    }),
    1,
  );
  await rx.changed();
  assert.equal(rx.borrow().hits, 1);
  assert.throws(() =>
    tx.sendModify(() => {
      throw new Error("bad edit");
    }), { message: "bad edit" });
  assert.equal(rx.hasChanged(), false);
  assert.equal(rx.borrow().hits, 1);
});

Deno.test("watch aborted changed marks nothing seen", async () => {
  const [tx, rx] = watch(0);
  const controller = new AbortController();
  const aborted = rx.changed({ signal: controller.signal });
  controller.abort("bye");
  await assert.rejects(aborted, (err) => err === "bye");
  tx.send(1);
  await assert.rejects(rx.changed({ signal: AbortSignal.abort("pre") }), (e) => e === "pre");
  assert.equal(rx.hasChanged(), true);
  await rx.changed();
  assert.equal(rx.borrow(), 1);
});

Deno.test("watch receiver close rejects only its own waiting changed", async () => {
  const [tx, rx] = watch(0);
  const other = tx.subscribe();
  const mine = rx.changed();
  const theirs = other.changed();
  rx.close();
  rx.close();
  await assert.rejects(mine, {
    name: "ChannelClosedError",
    message: "Cannot wait for a change: the receiver is closed",
  });
  await assert.rejects(rx.changed(), ChannelClosedError);
  assert.equal(tx.receiverCount, 1);
  tx.send(1);
  await theirs;
  {
    using _other = other;
  }
  assert.equal(tx.receiverCount, 0);
});

Deno.test("watch closed sender refuses send, sendModify, subscribe and clone", () => {
  const [tx] = watch(0);
  tx.close();
  assert.throws(() => tx.send(1), (err) => err instanceof ChannelClosedError && err.value === 1);
  assert.throws(() => tx.sendModify((v) => v + 1), ChannelClosedError);
  assert.throws(() => tx.subscribe(), ChannelClosedError);
  assert.throws(() => tx.clone(), ChannelClosedError);
});

Deno.test("watch hasChanged throws ChannelClosedError once every sender or this receiver is closed", () => {
  const [tx, rx] = watch(0);
  const other = tx.clone();
  tx.send(1);
  tx.close();
  assert.equal(rx.hasChanged(), true); // one sender is still open
  other.close();
  assert.throws(() => rx.hasChanged(), {
    name: "ChannelClosedError",
    message: "Cannot check for a change: every sender is closed",
  });
  const [tx2, rx2] = watch(0);
  rx2.close();
  assert.throws(() => rx2.hasChanged(), ChannelClosedError);
  tx2.close();
});

Deno.test("watch markChanged and markUnchanged move what changed() sees", async () => {
  const [tx, rx] = watch("a");
  rx.markChanged();
  assert.equal(rx.hasChanged(), true);
  await rx.changed();
  assert.equal(rx.hasChanged(), false);
  tx.send("b");
  rx.markUnchanged();
  const next = probe(rx.changed());
  await flush();
  assert.equal(next.outcome.state, "pending");
  tx.send("c");
  await next.promise;
  assert.equal(rx.borrow(), "c");
  tx.close();
  rx.markChanged(); // an unseen value is still delivered once after the close
  await rx.changed();
  await assert.rejects(rx.changed(), ChannelClosedError);
});

Deno.test("watch waitFor checks the current value, then each new one, and marks only the match seen", async () => {
  const [tx, rx] = watch(0);
  assert.equal(await rx.waitFor((n) => n === 0), 0);
  const checked: number[] = [];
  const even = rx.waitFor((n) => (checked.push(n), n > 0 && n % 2 === 0));
  tx.send(1);
  await flush();
  tx.send(3);
  await flush();
  tx.send(4);
  assert.equal(await even, 4);
  assert.deepEqual(checked, [0, 1, 3, 4]);
  assert.equal(rx.hasChanged(), false);
  // values that did not match stay unseen for changed()
  const [tx2, rx2] = watch(0);
  const controller = new AbortController();
  const never = rx2.waitFor((n) => n > 10, { signal: controller.signal });
  tx2.send(1);
  await flush();
  controller.abort(new Error("stop"));
  await assert.rejects(never, { message: "stop" });
  assert.equal(rx2.hasChanged(), true);
  tx.close();
  tx2.close();
});

Deno.test("watch waitFor rejects on close, abort and a throwing predicate", async () => {
  const [tx, rx] = watch(1);
  await assert.rejects(
    rx.waitFor(() => true, { signal: AbortSignal.abort("early") }),
    (e) => e === "early",
  );
  const pending = rx.waitFor((n) => n > 5);
  tx.close();
  await assert.rejects(pending, ChannelClosedError);
  // a match is still returned after the close
  assert.equal(await rx.waitFor((n) => n === 1), 1);
  await assert.rejects(
    rx.waitFor(() => {
      throw new Error("bad predicate");
    }),
    { message: "bad predicate" },
  );
  rx.close();
  await assert.rejects(rx.waitFor(() => true), ChannelClosedError);
});

Deno.test("watch waitFor in a select: a losing branch marks nothing seen", async () => {
  const [tx, rx] = watch(0);
  const [tx2, rx2] = watch(0);
  tx.send(1);
  tx2.send(1);
  const won = await select([
    (signal) => rx.waitFor((n) => n === 1, { signal }),
    (signal) => rx2.waitFor((n) => n === 1, { signal }),
  ], { biased: true });
  assert.deepEqual(won, { index: 0, value: 1 });
  assert.equal(rx.hasChanged(), false);
  assert.equal(rx2.hasChanged(), true);
  tx.close();
  tx2.close();
});

Deno.test("watch sender closed settles when the last receiver closes, and again after subscribe", async () => {
  const [tx, rx] = watch(0);
  const closed = probe(tx.closed);
  const other = rx.clone();
  rx.close();
  await flush();
  assert.equal(closed.outcome.state, "pending");
  other.close();
  await flush();
  assert.equal(closed.outcome.state, "fulfilled");
  const late = tx.subscribe();
  const again = probe(tx.closed);
  await flush();
  assert.equal(again.outcome.state, "pending");
  late.close();
  await again.promise;
});

Deno.test("watch sendIfModified notifies only when the edit reports a change", async () => {
  const [tx, rx] = watch({ n: 0 });
  assert.equal(tx.sendIfModified(() => false), false);
  assert.equal(rx.hasChanged(), false);
  assert.equal(tx.sendIfModified((state) => (state.n++, true)), true);
  assert.equal(rx.hasChanged(), true);
  await rx.changed();
  assert.equal(rx.borrow().n, 1);
  assert.throws(() =>
    tx.sendIfModified(() => {
      throw new Error("edit failed");
    }), {
    message: "edit failed",
  });
  assert.equal(rx.hasChanged(), false);
  tx.close();
  assert.throws(() => tx.sendIfModified(() => true), ChannelClosedError);
});
