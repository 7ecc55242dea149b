import assert from "node:assert/strict";
import { TaskTracker } from "@weir/weir/sync";
import { flush, isSettled } from "./_task_util.ts";

Deno.test("TaskTracker.wait() resolves only once closed and every task settled", async () => {
  const tracker = new TaskTracker();
  const a = Promise.withResolvers<void>();
  const b = Promise.withResolvers<void>();
  tracker.track(a.promise);
  tracker.track(() => b.promise);
  const waiting = tracker.wait();
  assert.equal(await isSettled(waiting), false);
  tracker.close();
  assert.equal(await isSettled(waiting), false);
  a.resolve();
  assert.equal(await isSettled(waiting), false);
  assert.equal(tracker.size, 1);
  b.reject(new Error("rejected tasks count as finished"));
  await waiting;
  assert.equal(tracker.size, 0);
});

Deno.test("TaskTracker.wait() on an empty tracker waits for close()", async () => {
  const tracker = new TaskTracker();
  const waiting = tracker.wait();
  assert.equal(await isSettled(waiting), false);
  tracker.close();
  await waiting;
  await tracker.wait();
});

Deno.test("TaskTracker.track() returns the task's own promise, value and rejection", async () => {
  const tracker = new TaskTracker();
  const promise = Promise.resolve("v");
  assert.equal(tracker.track(promise), promise);
  assert.equal(await tracker.track(() => Promise.resolve("fn")), "fn");
  await assert.rejects(
    tracker.track(() => {
      throw new Error("sync");
    }),
    { message: "sync" },
  );
  await assert.rejects(tracker.track(Promise.reject(new Error("async"))), { message: "async" });
  tracker.close();
  await tracker.wait();
});

Deno.test("TaskTracker does not report an ignored rejection of a tracked task as unhandled", async () => {
  const tracker = new TaskTracker();
  tracker.track(Promise.reject(new Error("ignored")));
  tracker.close();
  await tracker.wait();
  await flush();
});

Deno.test("TaskTracker.close() and reopen() report whether they changed state", async () => {
  const tracker = new TaskTracker();
  assert.equal(tracker.reopen(), false);
  assert.equal(tracker.close(), true);
  assert.equal(tracker.close(), false);
  assert.equal(tracker.isClosed, true);
  assert.equal(tracker.reopen(), true);
  assert.equal(tracker.isClosed, false);
  assert.equal(await isSettled(tracker.wait()), false);
  tracker.close();
});

Deno.test("TaskTracker still tracks tasks after close()", async () => {
  const tracker = new TaskTracker();
  tracker.close();
  const late = Promise.withResolvers<void>();
  tracker.track(late.promise);
  assert.equal(tracker.size, 1);
  const waiting = tracker.wait();
  assert.equal(await isSettled(waiting), false);
  late.resolve();
  await waiting;
});

Deno.test("TaskTracker.wait() that saw closed and empty resolves even if a task is tracked right after", async () => {
  const tracker = new TaskTracker();
  const task = Promise.withResolvers<void>();
  tracker.track(task.promise);
  tracker.close();
  const waiting = tracker.wait();
  const next = Promise.withResolvers<void>();
  task.promise.then(() => tracker.track(next.promise));
  task.resolve();
  await waiting;
  assert.equal(tracker.size, 1);
  assert.equal(await isSettled(tracker.wait()), false);
  next.resolve();
  await tracker.wait();
});

Deno.test("TaskTracker.wait({ signal }) rejects with the reason and leaves other waits alone", async () => {
  const tracker = new TaskTracker();
  const stop = new AbortController();
  const aborted = tracker.wait({ signal: stop.signal });
  const other = tracker.wait();
  stop.abort(new Error("stop"));
  await assert.rejects(aborted, { message: "stop" });
  await assert.rejects(tracker.wait({ signal: stop.signal }), { message: "stop" });
  tracker.close();
  await other;
});

Deno.test("TaskTracker.size counts running tasks only", async () => {
  const tracker = new TaskTracker();
  assert.equal(tracker.size, 0);
  const tasks = Array.from({ length: 3 }, () => Promise.withResolvers<void>());
  for (const t of tasks) tracker.track(t.promise);
  assert.equal(tracker.size, 3);
  tasks[1]!.resolve();
  await tasks[1]!.promise;
  assert.equal(tracker.size, 2);
  for (const t of tasks) t.resolve();
  tracker.close();
  await tracker.wait();
  assert.equal(tracker.size, 0);
});

Deno.test("TaskTracker token counts as a task until released, once", async () => {
  const tracker = new TaskTracker();
  const a = tracker.token();
  const b = tracker.token();
  assert.equal(tracker.size, 2);
  assert.equal(a.tracker, tracker);
  tracker.close();
  let idle = false;
  const waiting = tracker.wait().then(() => idle = true);
  a.release();
  a.release(); // idempotent: b still counts
  await flush();
  assert.equal(tracker.size, 1);
  assert.equal(idle, false);
  assert.equal(a.isReleased, true);
  assert.equal(b.isReleased, false);
  b[Symbol.dispose]();
  await waiting;
  assert.equal(idle, true);
  // a token taken after close still holds the next wait
  using late = tracker.token();
  const next = probeSettled(tracker.wait());
  await flush();
  assert.equal(next.settled, false);
  late.release();
  await flush();
  assert.equal(next.settled, true);
});

function probeSettled(promise: Promise<unknown>): { settled: boolean } {
  const state = { settled: false };
  promise.then(() => state.settled = true, () => state.settled = true);
  return state;
}
