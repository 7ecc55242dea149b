import assert from "node:assert/strict";
import fc from "fast-check";
import { JoinMap, select } from "@weir/weir/sync";
import { flush } from "./_task_util.ts";

/** A task that settles when told, or rejects with its signal's reason on abort. */
function controllable<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const task = (signal: AbortSignal) =>
    new Promise<T>((res, rej) => {
      resolve = res;
      reject = rej;
      signal.addEventListener("abort", () => rej(signal.reason));
    });
  return { task, resolve: (value: T) => resolve(value), reject: (e: unknown) => reject(e) };
}

Deno.test("JoinMap joins [key, result] pairs in completion order, failures with their key", async () => {
  const map = new JoinMap<string, number>();
  const a = controllable<number>();
  const b = controllable<number>();
  map.spawn("a", a.task);
  map.spawn("b", b.task);
  b.reject(new Error("b failed"));
  a.resolve(1);
  const first = await map.joinNext();
  assert.equal(first.done, false);
  assert.equal(first.value?.[0], "b");
  assert.equal((first.value?.[1] as PromiseRejectedResult).reason.message, "b failed");
  assert.deepEqual(await map.joinNext(), {
    done: false,
    value: ["a", { status: "fulfilled", value: 1 }],
  });
  assert.deepEqual(await map.joinNext(), { done: true, value: undefined });
  assert.equal(map.size, 0);
});

Deno.test("JoinMap spawn under a taken key aborts the old task and drops its result, even if finished", async () => {
  const map = new JoinMap<string, string>();
  const old = map.spawn("k", () => new Promise(() => {}));
  map.spawn("k", () => "finished");
  assert.equal(old.signal.aborted, true);
  assert.equal((old.signal.reason as DOMException).name, "AbortError");
  await flush();
  // finished but not joined: replacing it drops that result too
  map.spawn("k", () => "newest");
  assert.equal(map.size, 1);
  assert.deepEqual(await map.joinNext(), {
    done: false,
    value: ["k", { status: "fulfilled", value: "newest" }],
  });
  assert.deepEqual(await map.joinNext(), { done: true, value: undefined });
});

Deno.test("JoinMap abort by key keeps the result joinable; has and keys follow joins", async () => {
  const map = new JoinMap<number, void>();
  const one = controllable<void>();
  map.spawn(1, one.task);
  map.spawn(2, () => {});
  assert.deepEqual([...map.keys()], [1, 2]);
  assert.equal(map.abort(1, "cancel 1"), true);
  assert.equal(map.abort(3), false);
  const results = new Map<number, PromiseSettledResult<void>>();
  for await (const [key, result] of map) results.set(key, result);
  assert.deepEqual(results.get(1), { status: "rejected", reason: "cancel 1" });
  assert.deepEqual(results.get(2), { status: "fulfilled", value: undefined });
  assert.equal(map.has(1), false);
  assert.deepEqual([...map.keys()], []);
});

Deno.test("JoinMap joinNext refuses an aborted signal and takes nothing when aborted while waiting", async () => {
  const map = new JoinMap<string, number>();
  await assert.rejects(map.joinNext({ signal: AbortSignal.abort("early") }), (e) => e === "early");
  const task = controllable<number>();
  map.spawn("t", task.task);
  const controller = new AbortController();
  const waiting = map.joinNext({ signal: controller.signal });
  controller.abort("gave up");
  await assert.rejects(waiting, (e) => e === "gave up");
  task.resolve(5);
  assert.deepEqual(await map.joinNext(), {
    done: false,
    value: ["t", { status: "fulfilled", value: 5 }],
  });
});

Deno.test("JoinMap in a select: the losing branch joins nothing", async () => {
  const left = new JoinMap<string, number>();
  const right = new JoinMap<string, number>();
  left.spawn("l", () => 1);
  right.spawn("r", () => 2);
  await flush();
  const won = await select([
    (signal) => left.joinNext({ signal }),
    (signal) => right.joinNext({ signal }),
  ], { biased: true });
  assert.equal(won.index, 0);
  assert.equal(right.has("r"), true);
  assert.deepEqual(right.tryJoinNext()?.value, ["r", { status: "fulfilled", value: 2 }]);
});

Deno.test("JoinMap detachAll and dispose", async () => {
  const map = new JoinMap<string, void>();
  const bg = map.spawn("bg", () => new Promise(() => {}));
  map.detachAll();
  assert.equal(map.size, 0);
  assert.equal(bg.signal.aborted, false);
  assert.deepEqual(await map.joinNext(), { done: true, value: undefined });
  const other = map.spawn(
    "x",
    (signal) =>
      new Promise((_, reject) => signal.addEventListener("abort", () => reject(signal.reason))),
  );
  await map[Symbol.asyncDispose]();
  assert.equal(other.signal.aborted, true);
  assert.equal(map.size, 0);
});

Deno.test("JoinMap model: each key joins once, with its newest task's result", async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(
        fc.tuple(fc.constantFrom("a", "b", "c"), fc.integer({ min: 0, max: 2 }), fc.boolean()),
        {
          maxLength: 20,
        },
      ),
      async (ops) => {
        const map = new JoinMap<string, number>();
        const expected = new Map<string, number>();
        for (const [i, [key, turns, fail]] of ops.entries()) {
          // some tasks finish before the next spawn, some after
          map.spawn(key, async () => {
            for (let t = 0; t < turns; t++) await Promise.resolve();
            if (fail) throw i;
            return i;
          });
          expected.set(key, i);
          if (turns === 0) await flush();
        }
        const joined = new Map<string, number>();
        for await (const [key, result] of map) {
          assert.equal(joined.has(key), false, `key ${key} joined twice`);
          joined.set(key, result.status === "fulfilled" ? result.value : result.reason as number);
        }
        assert.deepEqual(joined, expected);
      },
    ),
    { numRuns: 200 },
  );
});
