import assert from "node:assert/strict";
import { JoinSet } from "@weir/weir/sync";
import { flush } from "./_task_util.ts";

/** A task that rejects with its signal's reason when aborted, else resolves when told. */
function controllable<T>() {
  const { promise, resolve, reject } = Promise.withResolvers<T>();
  let signal: AbortSignal | undefined;
  const task = (s: AbortSignal) => {
    signal = s;
    s.addEventListener("abort", () => reject(s.reason));
    return promise;
  };
  return { task, resolve, reject, signal: () => signal! };
}

Deno.test("JoinSet.spawn() calls the task before it returns", () => {
  const set = new JoinSet<number>();
  const calls: string[] = [];
  set.spawn(() => {
    calls.push("task");
    return 1;
  });
  calls.push("after spawn");
  assert.deepEqual(calls, ["task", "after spawn"]);
  assert.equal(set.size, 1);
  return set[Symbol.asyncDispose]();
});

Deno.test("JoinSet.joinNext() yields values in completion order, not spawn order", async () => {
  const set = new JoinSet<string>();
  const tasks = ["a", "b", "c"].map(() => controllable<string>());
  for (const t of tasks) set.spawn(t.task);
  tasks[1]!.resolve("b");
  tasks[2]!.resolve("c");
  tasks[0]!.resolve("a");
  const order: string[] = [];
  for (let r = await set.joinNext(); !r.done; r = await set.joinNext()) order.push(r.value);
  assert.deepEqual(order, ["b", "c", "a"]);
  assert.equal(set.size, 0);
});

Deno.test("JoinSet.joinNext() waits for a task that finishes later", async () => {
  const set = new JoinSet<number>();
  const t = controllable<number>();
  set.spawn(t.task);
  const next = set.joinNext();
  let settled = false;
  next.then(() => settled = true);
  await Promise.resolve();
  assert.equal(settled, false);
  t.resolve(7);
  assert.deepEqual(await next, { done: false, value: 7 });
});

Deno.test("JoinSet.joinNext() on an empty set resolves done", async () => {
  const set = new JoinSet<number>();
  assert.deepEqual(await set.joinNext(), { done: true, value: undefined });
});

Deno.test("JoinSet.joinNext() rejects with a task's error and keeps the others", async () => {
  const set = new JoinSet<number>();
  set.spawn(() => {
    throw new Error("sync throw");
  });
  set.spawn(() => Promise.reject(new Error("async reject")));
  set.spawn(() => Promise.resolve(3));
  const seen: string[] = [];
  for (let i = 0; i < 3; i++) {
    try {
      const r = await set.joinNext();
      assert.equal(r.done, false);
      seen.push(String(r.value));
    } catch (error) {
      seen.push((error as Error).message);
    }
  }
  assert.deepEqual(seen, ["sync throw", "async reject", "3"]);
  assert.equal((await set.joinNext()).done, true);
});

Deno.test("JoinSet keeps a rejection that is joined late, never reporting it as unhandled", async () => {
  const set = new JoinSet<number>();
  set.spawn(() => Promise.reject(new Error("late")));
  await flush();
  assert.equal(set.size, 1);
  await assert.rejects(set.joinNext(), { message: "late" });
});

Deno.test("JoinSet rejections that are never joined are discarded by disposal", async () => {
  {
    await using set = new JoinSet<number>();
    for (let i = 0; i < 5; i++) set.spawn(() => Promise.reject(new Error(`e${i}`)));
    await flush();
  }
});

Deno.test("JoinSet.abortAll() aborts every running task; they stay until joined", async () => {
  const set = new JoinSet<string>();
  const tasks = [controllable<string>(), controllable<string>()];
  for (const t of tasks) set.spawn(t.task);
  const reason = new Error("shutdown");
  set.abortAll(reason);
  assert.deepEqual(tasks.map((t) => t.signal().reason), [reason, reason]);
  assert.equal(set.size, 2);
  await assert.rejects(set.joinNext(), (error) => error === reason);
  assert.equal(set.size, 1);
  await assert.rejects(set.joinNext(), (error) => error === reason);
  assert.equal(set.size, 0);
});

Deno.test("JoinSet.abortAll() lets a task that ignores its signal report its value", async () => {
  const set = new JoinSet<string>();
  const gate = Promise.withResolvers<void>();
  let taskSignal: AbortSignal | undefined;
  set.spawn(async (signal) => {
    taskSignal = signal;
    await gate.promise;
    return "finished anyway";
  });
  set.abortAll();
  assert.equal(taskSignal!.aborted, true);
  gate.resolve();
  assert.deepEqual(await set.joinNext(), { done: false, value: "finished anyway" });
});

Deno.test("JoinSet.spawn() returns the task's own controller", async () => {
  const set = new JoinSet<string>();
  const a = controllable<string>();
  const b = controllable<string>();
  const handle = set.spawn(a.task);
  set.spawn(b.task);
  handle.abort(new Error("just a"));
  assert.equal(a.signal().aborted, true);
  assert.equal(b.signal().aborted, false);
  await assert.rejects(set.joinNext(), { message: "just a" });
  b.resolve("b");
  assert.deepEqual(await set.joinNext(), { done: false, value: "b" });
});

Deno.test("JoinSet.joinNext() aborted by its signal takes no task out", async () => {
  const set = new JoinSet<number>();
  const t = controllable<number>();
  set.spawn(t.task);
  const stop = new AbortController();
  const waiting = set.joinNext({ signal: stop.signal });
  stop.abort(new Error("stop"));
  await assert.rejects(waiting, { message: "stop" });
  t.resolve(5);
  await Promise.resolve();
  assert.equal(set.size, 1);
  await assert.rejects(set.joinNext({ signal: stop.signal }), { message: "stop" });
  assert.equal(set.size, 1, "an aborted signal takes nothing even when a result is ready");
  assert.deepEqual(await set.joinNext(), { done: false, value: 5 });
});

Deno.test("JoinSet concurrent joinNext() calls are served in call order; extra ones get done", async () => {
  const set = new JoinSet<string>();
  const a = controllable<string>();
  const b = controllable<string>();
  set.spawn(a.task);
  set.spawn(b.task);
  const first = set.joinNext();
  const second = set.joinNext();
  const third = set.joinNext();
  b.resolve("b");
  a.resolve("a");
  assert.deepEqual(await Promise.all([first, second, third]), [
    { done: false, value: "b" },
    { done: false, value: "a" },
    { done: true, value: undefined },
  ]);
});

Deno.test("JoinSet is async iterable over values; a rejection ends the loop", async () => {
  const set = new JoinSet<number>();
  set.spawn(() => Promise.resolve(1));
  set.spawn(() => Promise.reject(new Error("bad")));
  set.spawn(() => Promise.resolve(3));
  const values: number[] = [];
  await assert.rejects(async () => {
    for await (const v of set) values.push(v);
  }, { message: "bad" });
  assert.deepEqual(values, [1]);
  assert.equal(set.size, 1);
  for await (const v of set) values.push(v);
  assert.deepEqual(values, [1, 3]);
});

Deno.test("JoinSet breaking out of for await leaves the other tasks in the set", async () => {
  await using set = new JoinSet<number>();
  const slow = controllable<number>();
  set.spawn(() => Promise.resolve(1));
  set.spawn(slow.task);
  for await (const v of set) {
    assert.equal(v, 1);
    break;
  }
  assert.equal(set.size, 1);
  assert.equal(slow.signal().aborted, false);
});

Deno.test("JoinSet[Symbol.asyncDispose] aborts every task and waits until each has settled", async () => {
  const set = new JoinSet<void>();
  const cleanup = Promise.withResolvers<void>();
  const log: string[] = [];
  set.spawn(async (signal) => {
    await new Promise((resolve) => signal.addEventListener("abort", resolve));
    log.push("aborted");
    await cleanup.promise;
    log.push("cleaned up");
  });
  set.spawn(() => Promise.reject(new Error("ignored by disposal")));
  set.spawn(async () => {});
  let disposed = false;
  const disposing = set[Symbol.asyncDispose]().then(() => disposed = true);
  await flush();
  assert.deepEqual(log, ["aborted"]);
  assert.equal(disposed, false);
  cleanup.resolve();
  await disposing;
  assert.deepEqual(log, ["aborted", "cleaned up"]);
  assert.equal(set.size, 0);
});

Deno.test("JoinSet.size counts running and finished-but-unjoined tasks", async () => {
  const set = new JoinSet<number>();
  const t = controllable<number>();
  set.spawn(t.task);
  set.spawn(() => Promise.resolve(2));
  await Promise.resolve();
  assert.equal(set.size, 2);
  await set.joinNext();
  assert.equal(set.size, 1);
  t.resolve(1);
  await set.joinNext();
  assert.equal(set.size, 0);
});

Deno.test("JoinSet tryJoinNext: not yet, a value, an error, then the end", async () => {
  const set = new JoinSet<number>();
  assert.deepEqual(set.tryJoinNext(), { done: true, value: undefined });
  let finish!: (n: number) => void;
  set.spawn(() => new Promise<number>((resolve) => finish = resolve));
  set.spawn(() => Promise.reject(new Error("boom")));
  assert.equal(set.tryJoinNext(), undefined);
  await flush();
  assert.throws(() => set.tryJoinNext(), { message: "boom" });
  assert.equal(set.tryJoinNext(), undefined);
  finish(7);
  await flush();
  assert.deepEqual(set.tryJoinNext(), { done: false, value: 7 });
  assert.deepEqual(set.tryJoinNext(), { done: true, value: undefined });
  assert.throws(() => set.tryJoinNext({ signal: AbortSignal.abort("no") }), (e) => e === "no");
});

Deno.test("JoinSet detachAll empties the set without aborting, and ends waiting joins", async () => {
  const set = new JoinSet<string>();
  set.spawn(() => "finished, never joined");
  await flush();
  let release!: () => void;
  const running = set.spawn(() =>
    new Promise<string>((resolve) => release = () => resolve("late"))
  );
  const waiting = set.joinNext(); // takes the finished one
  assert.deepEqual(await waiting, { done: false, value: "finished, never joined" });
  const next = set.joinNext();
  set.detachAll();
  assert.deepEqual(await next, { done: true, value: undefined });
  assert.equal(set.size, 0);
  assert.equal(running.signal.aborted, false);
  release();
  await flush();
  assert.equal(set.size, 0); // the detached task's result is not tracked
  assert.deepEqual(set.tryJoinNext(), { done: true, value: undefined });
});

Deno.test("JoinSet spawnAll spawns in order and returns each controller", async () => {
  const set = new JoinSet<number>();
  const started: number[] = [];
  const controllers = set.spawnAll([1, 2, 3].map((n) => () => (started.push(n), n)));
  assert.deepEqual(started, [1, 2, 3]);
  assert.equal(controllers.length, 3);
  assert.equal(set.size, 3);
  assert.deepEqual((await Array.fromAsync(set)).sort(), [1, 2, 3]);
  assert.deepEqual(set.spawnAll([]), []);
});
