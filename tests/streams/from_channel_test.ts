import assert from "node:assert/strict";
import { collect, fromChannel, type ReceiverLike, take } from "@weir/weir/streams";
import { mpsc } from "@weir/weir/sync";
import { settle } from "./_probe.ts";

Deno.test("fromChannel reads an mpsc receiver until the channel ends", async () => {
  const [tx, rx] = mpsc<number | undefined>(2);
  const producing = (async () => {
    for (const n of [1, undefined, 3]) await tx.send(n);
    tx.close();
  })();
  assert.deepEqual(await collect(fromChannel(rx)), [1, undefined, 3]);
  await producing;
});

Deno.test("fromChannel leaves messages in the channel until asked for", async () => {
  const [tx, rx] = mpsc<number>(4);
  tx.trySend(1);
  tx.trySend(2);
  const it = fromChannel(rx);
  assert.deepEqual(await it.next(), { done: false, value: 1 });
  assert.equal(rx.length, 1);
  assert.deepEqual(await collect(take(it, 1)), [2]);
});

Deno.test("fromChannel closes the receiver on early exit", async () => {
  const [tx, rx] = mpsc<number>(4);
  tx.trySend(1);
  for await (const _ of fromChannel(rx)) break;
  assert.equal(tx.isClosed, true);
});

Deno.test("fromChannel aborts a pending recv, which consumes nothing, and closes the receiver", async () => {
  const seen: AbortSignal[] = [];
  let closed = 0;
  const receiver: ReceiverLike<string> = {
    recv: (options) => {
      seen.push(options!.signal!);
      return new Promise((_, reject) => {
        options!.signal!.addEventListener("abort", () => reject(options!.signal!.reason));
      });
    },
    close: () => void closed++,
  };
  const controller = new AbortController();
  const pending = fromChannel(receiver, { signal: controller.signal }).next();
  await settle();
  controller.abort(new Error("stop"));
  await assert.rejects(pending, { message: "stop" });
  assert.equal(seen[0]!.aborted, true);
  assert.equal(closed, 1);
});

Deno.test("fromChannel does not close a receiver that ended", async () => {
  let closed = 0;
  const receiver: ReceiverLike<number> = {
    recv: () => Promise.resolve({ done: true, value: undefined }),
    close: () => void closed++,
  };
  assert.deepEqual(await collect(fromChannel(receiver)), []);
  assert.equal(closed, 0);
});

Deno.test("fromChannel throws TypeError for a receiver without recv", () => {
  assert.throws(() => fromChannel({} as never), {
    name: "TypeError",
    message: "receiver.recv must be a function, got undefined",
  });
});
