import assert from "node:assert/strict";
import { CancellationToken } from "@weir/weir/sync";

/** Counts the abort listeners currently registered on `signal`. */
function countListeners(signal: AbortSignal): () => number {
  let count = 0;
  const add = signal.addEventListener.bind(signal);
  const remove = signal.removeEventListener.bind(signal);
  const live = new Set<unknown>();
  signal.addEventListener = (type: string, listener: unknown, options?: unknown) => {
    if (type === "abort" && !live.has(listener)) {
      live.add(listener);
      count++;
    }
    add(type, listener as EventListener, options as AddEventListenerOptions);
  };
  signal.removeEventListener = (type: string, listener: unknown, options?: unknown) => {
    if (type === "abort" && live.delete(listener)) count--;
    remove(type, listener as EventListener, options as EventListenerOptions);
  };
  return () => count;
}

Deno.test("CancellationToken starts live and cancel() aborts its signal with an AbortError", () => {
  const token = new CancellationToken();
  assert.equal(token.isCancelled, false);
  assert.equal(token.signal.aborted, false);
  token.cancel();
  assert.equal(token.isCancelled, true);
  assert.equal(token.signal.aborted, true);
  assert.ok(token.signal.reason instanceof DOMException);
  assert.equal(token.signal.reason.name, "AbortError");
});

Deno.test("CancellationToken.cancel() keeps the first reason", () => {
  const token = new CancellationToken();
  const first = new Error("first");
  token.cancel(first);
  token.cancel(new Error("second"));
  assert.equal(token.signal.reason, first);
});

Deno.test("CancellationToken tree: cancelling a node cancels its subtree, never its ancestors or siblings", () => {
  const root = new CancellationToken();
  const a = root.child();
  const b = root.child();
  const a1 = a.child();
  const a2 = a.child();
  const a1x = a1.child();
  const reason = new Error("a stops");
  a.cancel(reason);
  assert.deepEqual(
    [root, a, b, a1, a2, a1x].map((t) => t.isCancelled),
    [false, true, false, true, true, true],
  );
  for (const t of [a1, a2, a1x]) assert.equal(t.signal.reason, reason);
  root.cancel("root");
  assert.equal(b.isCancelled, true);
  assert.equal(b.signal.reason, "root");
  assert.equal(a.signal.reason, reason, "an already cancelled child keeps its own reason");
});

Deno.test("CancellationToken.child() of a cancelled token starts cancelled with the parent's reason", () => {
  const parent = new CancellationToken();
  parent.cancel("gone");
  const child = parent.child();
  assert.equal(child.isCancelled, true);
  assert.equal(child.signal.reason, "gone");
  assert.equal(child.child().signal.reason, "gone");
});

Deno.test("CancellationToken cancellation reaches the whole tree synchronously", () => {
  const root = new CancellationToken();
  let deepest = root;
  for (let i = 0; i < 100; i++) deepest = deepest.child();
  root.cancel();
  assert.equal(deepest.isCancelled, true);
});

Deno.test("CancellationToken.cancelled() resolves on cancel, at once when already cancelled", async () => {
  const token = new CancellationToken();
  let done = false;
  const waiting = token.cancelled().then(() => done = true);
  await Promise.resolve();
  assert.equal(done, false);
  token.cancel();
  await waiting;
  assert.equal(done, true);
  await token.cancelled();
  await token.cancelled({ signal: new AbortController().signal });
});

Deno.test("CancellationToken.cancelled() without a signal returns one shared promise and one listener", () => {
  const token = new CancellationToken();
  const listeners = countListeners(token.signal);
  const first = token.cancelled();
  for (let i = 0; i < 100; i++) assert.equal(token.cancelled(), first);
  assert.equal(listeners(), 1);
  token.cancel();
});

Deno.test("CancellationToken.cancelled() resolves through a parent's cancellation", async () => {
  const parent = new CancellationToken();
  const child = parent.child();
  const waiting = child.cancelled();
  parent.cancel();
  await waiting;
  assert.equal(child.isCancelled, true);
});

Deno.test("CancellationToken.cancelled({ signal }) rejects with the signal's reason and detaches", async () => {
  const token = new CancellationToken();
  const listeners = countListeners(token.signal);
  const stop = new AbortController();
  const waiting = token.cancelled({ signal: stop.signal });
  assert.equal(listeners(), 1);
  stop.abort(new Error("stop waiting"));
  await assert.rejects(waiting, { message: "stop waiting" });
  assert.equal(listeners(), 0);
  assert.equal(token.isCancelled, false);
  await assert.rejects(token.cancelled({ signal: stop.signal }), { message: "stop waiting" });
  assert.equal(listeners(), 0);
});

Deno.test("CancellationToken.cancelled({ signal }) removes the stop listener once cancelled", async () => {
  const token = new CancellationToken();
  const stop = new AbortController();
  const stopListeners = countListeners(stop.signal);
  const waiting = token.cancelled({ signal: stop.signal });
  assert.equal(stopListeners(), 1);
  token.cancel();
  await waiting;
  assert.equal(stopListeners(), 0);
});

Deno.test("CancellationToken[Symbol.dispose] detaches a child without cancelling it", () => {
  const parent = new CancellationToken();
  const child = parent.child();
  const grandchild = child.child();
  child[Symbol.dispose]();
  assert.equal(child.isCancelled, false);
  parent.cancel();
  assert.equal(child.isCancelled, false);
  assert.equal(grandchild.isCancelled, false);
  child.cancel();
  assert.equal(grandchild.isCancelled, true, "the detached child still drives its own subtree");
});

Deno.test("CancellationToken children that are disposed or cancelled leave no listener on the parent", () => {
  const parent = new CancellationToken();
  const listeners = countListeners(parent.signal);
  for (let i = 0; i < 1_000; i++) {
    using _request = parent.child();
  }
  assert.equal(listeners(), 0);
  const cancelled = Array.from({ length: 10 }, () => parent.child());
  assert.equal(listeners(), 10);
  for (const child of cancelled) child.cancel();
  assert.equal(listeners(), 0);
  assert.equal(parent.isCancelled, false);
});

Deno.test("CancellationToken[Symbol.dispose] on a root or twice does nothing", () => {
  const token = new CancellationToken();
  token[Symbol.dispose]();
  token[Symbol.dispose]();
  assert.equal(token.isCancelled, false);
  token.cancel();
  assert.equal(token.isCancelled, true);
});

Deno.test("CancellationToken runUntilCancelled settles like the work unless cancelled first", async () => {
  const token = new CancellationToken();
  assert.equal(await token.runUntilCancelled(() => 7), 7);
  assert.equal(await token.runUntilCancelled(Promise.resolve("promise")), "promise");
  await assert.rejects(token.runUntilCancelled(() => Promise.reject(new Error("failed"))), {
    message: "failed",
  });
  await assert.rejects(
    token.runUntilCancelled(() => {
      throw new Error("sync throw");
    }),
    { message: "sync throw" },
  );
  let seen: AbortSignal | undefined;
  const pending = token.runUntilCancelled((signal) => {
    seen = signal;
    return new Promise<number>((_, reject) =>
      signal.addEventListener("abort", () => reject(new Error("late")))
    );
  });
  assert.equal(seen, token.signal);
  token.cancel();
  assert.equal(await pending, undefined); // the work's late rejection is dropped
});

Deno.test("CancellationToken runUntilCancelled on a cancelled token never starts the work", async () => {
  const parent = new CancellationToken();
  const token = parent.child();
  parent.cancel();
  let started = false;
  assert.equal(await token.runUntilCancelled(() => (started = true)), undefined);
  assert.equal(started, false);
  assert.equal(await token.runUntilCancelled(Promise.reject(new Error("ignored"))), undefined);
});
