import assert from "node:assert/strict";
import { join, tryJoin } from "@weir/weir/sync";
import { flush, isSettled } from "./_task_util.ts";

Deno.test("join() resolves every value in argument order, whatever the completion order", async () => {
  const slow = Promise.withResolvers<number>();
  const joining = join(() => slow.promise, () => Promise.resolve("b"), () => true);
  slow.resolve(1);
  const [a, b, c] = await joining;
  assert.deepEqual([a, b, c], [1, "b", true]);
});

Deno.test("join() starts every function at once", () => {
  const started: number[] = [];
  const never = new Promise<void>(() => {});
  join(() => {
    started.push(0);
    return never;
  }, () => {
    started.push(1);
    return never;
  });
  assert.deepEqual(started, [0, 1]);
});

Deno.test("join() of nothing resolves an empty array", async () => {
  assert.deepEqual(await join(), []);
  assert.deepEqual(await tryJoin(), []);
});

Deno.test("join() waits for every function even after one rejects, then rejects with the first error", async () => {
  const slow = Promise.withResolvers<void>();
  const joining = join(
    () => slow.promise,
    () => Promise.reject(new Error("first")),
    () => {
      throw new Error("sync but second");
    },
  );
  assert.equal(await isSettled(joining), false);
  slow.reject(new Error("third"));
  await assert.rejects(joining, { message: "first" });
});

Deno.test("tryJoin() resolves every value in argument order when all fulfil", async () => {
  const slow = Promise.withResolvers<string>();
  const joining = tryJoin(() => slow.promise, (signal) => Promise.resolve(signal.aborted));
  slow.resolve("a");
  assert.deepEqual(await joining, ["a", false]);
});

Deno.test("tryJoin() rejects at the first error without waiting, aborting the siblings' signal", async () => {
  let siblingSignal: AbortSignal | undefined;
  const stubborn = Promise.withResolvers<string>();
  const failure = Promise.withResolvers<never>();
  const joining = tryJoin(
    (signal) => {
      siblingSignal = signal;
      return stubborn.promise; // ignores its signal
    },
    () => failure.promise,
  );
  assert.equal(siblingSignal!.aborted, false);
  failure.reject(new Error("writer failed"));
  await assert.rejects(joining, { message: "writer failed" });
  assert.equal(siblingSignal!.aborted, true);
  assert.equal((siblingSignal!.reason as DOMException).name, "AbortError");
  assert.match((siblingSignal!.reason as DOMException).message, /function 1/);
  stubborn.reject(new Error("late, ignored"));
  await flush();
});

Deno.test("tryJoin() short-circuits a reader/writer pair: the reader stops when the writer fails", async () => {
  const log: string[] = [];
  const incoming = ["line 1", "line 2"];
  const reader = async (signal: AbortSignal) => {
    for (;;) {
      const line = incoming.shift();
      if (line !== undefined) {
        log.push(`read ${line}`);
        await Promise.resolve();
        continue;
      }
      await new Promise<void>((_, reject) => {
        signal.addEventListener("abort", () => reject(signal.reason), { once: true });
      }).catch((reason) => {
        log.push("reader aborted");
        throw reason;
      });
    }
  };
  const writer = async () => {
    await Promise.resolve();
    log.push("write 1");
    throw new Error("connection reset");
  };
  await assert.rejects(tryJoin(reader, writer), { message: "connection reset" });
  await flush();
  assert.deepEqual(log.slice(0, -1).sort(), ["read line 1", "read line 2", "write 1"]);
  assert.equal(log.at(-1), "reader aborted");
});

Deno.test("tryJoin() counts a synchronous throw as a rejection", async () => {
  let signal: AbortSignal | undefined;
  await assert.rejects(
    tryJoin(
      (s) => {
        signal = s;
        return new Promise<void>(() => {});
      },
      () => {
        throw new TypeError("bad input");
      },
    ),
    TypeError,
  );
  assert.equal(signal!.aborted, true);
});

Deno.test("tryJoin() reports only the first of several errors", async () => {
  const second = Promise.withResolvers<never>();
  const joining = tryJoin(() => Promise.reject(new Error("one")), () => second.promise);
  await assert.rejects(joining, { message: "one" });
  second.reject(new Error("two"));
  await flush();
});
