import assert from "node:assert/strict";
import { collect, fromChannel, type ReceiverLike, take } from "@weir/weir/streams";
import fc from "fast-check";
import { broadcast, LaggedError, mpsc } from "@weir/weir/sync";
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
    message: "'receiver.recv' must be a function: received undefined",
  });
});

Deno.test("fromChannel by default ends with the LaggedError of a broadcast receiver that fell behind", async () => {
  const [tx, rx] = broadcast<number>(2);
  for (const n of [1, 2, 3]) tx.send(n);
  const stream = fromChannel(rx);
  await assert.rejects(
    stream.next(),
    (error) => error instanceof LaggedError && error.skipped === 1,
  );
  assert.deepEqual(await stream.next(), { done: true, value: undefined });
  assert.equal(stream.skipped, 0);
  tx.close();
});

Deno.test("fromChannel with onLag 'skip' goes on after each lag and counts what it skipped", async () => {
  const [tx, rx] = broadcast<number>(2);
  const stream = fromChannel(rx, { onLag: "skip" });
  for (const n of [1, 2, 3, 4, 5]) tx.send(n);
  assert.deepEqual(await stream.next(), { done: false, value: 4 });
  assert.equal(stream.skipped, 3);
  tx.send(6);
  tx.send(7); // 5 is overwritten
  assert.deepEqual(await stream.next(), { done: false, value: 6 });
  assert.equal(stream.skipped, 4);
  tx.close();
  assert.deepEqual(await collect(stream), [7]);
  assert.equal(stream.skipped, 4);
});

Deno.test("fromChannel with onLag 'skip' still ends with other errors", async () => {
  const boom = new Error("broken receiver");
  const receiver: ReceiverLike<number> = { recv: () => Promise.reject(boom) };
  await assert.rejects(fromChannel(receiver, { onLag: "skip" }).next(), (error) => error === boom);
});

Deno.test("fromChannel rejects an unknown onLag", () => {
  const [, rx] = mpsc<number>(1);
  assert.throws(() => fromChannel(rx, { onLag: "drop" as never }), {
    name: "TypeError",
    message: `'onLag' must be "skip" or "error": received "drop"`,
  });
});

Deno.test("fromChannel property: with onLag 'skip', what is read plus what is skipped is what was sent", async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.integer({ min: 1, max: 8 }),
      fc.array(fc.integer({ min: 0, max: 12 }), { minLength: 1, maxLength: 10 }),
      async (capacity, bursts) => {
        const [tx, rx] = broadcast<number>(capacity);
        const stream = fromChannel(rx, { onLag: "skip" });
        const read: number[] = [];
        let sent = 0;
        for (const burst of bursts) {
          for (let i = 0; i < burst; i++) tx.send(sent++);
          // Read up to half a burst (never waiting) before the next burst.
          for (let i = 0; i < burst >> 1 && rx.length > 0; i++) {
            const result = await stream.next();
            if (!result.done) read.push(result.value);
          }
        }
        tx.close();
        read.push(...await collect(stream));
        assert.equal(read.length + stream.skipped, sent);
        assert.ok(read.every((n, i) => i === 0 || n > read[i - 1]!), "in order, no repeats");
        if (sent > 0) assert.equal(read.at(-1), sent - 1, "the newest is never skipped");
      },
    ),
  );
});
