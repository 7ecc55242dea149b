import assert from "node:assert/strict";
import { ChannelClosedError, mpsc, oneshot, type OneshotSender } from "@weir/weir/sync";
import { flush, probe } from "./_probe.ts";

function closedWith(message: string, value?: unknown) {
  return (err: unknown) => {
    assert.ok(err instanceof ChannelClosedError);
    assert.equal(err.message, message);
    assert.equal(err.value, value);
    return true;
  };
}

Deno.test("oneshot delivers one value whether sent before or after recv", async () => {
  const [tx1, rx1] = oneshot<number>();
  tx1.send(1);
  assert.equal(await rx1.recv(), 1);
  const [tx2, rx2] = oneshot<number>();
  const pending = rx2.recv();
  tx2.send(2);
  assert.equal(await pending, 2);
});

Deno.test("oneshot undefined is a legal value", () => {
  const [tx, rx] = oneshot<undefined>();
  tx.send(undefined);
  assert.deepEqual(rx.tryRecv(), { done: false, value: undefined });
});

Deno.test("oneshot sender closing without sending rejects the receiver", async () => {
  const [tx, rx] = oneshot<number>();
  const pending = rx.recv();
  tx.close();
  tx.close();
  const message = "Cannot receive: the sender closed without sending";
  await assert.rejects(pending, closedWith(message));
  await assert.rejects(rx.recv(), closedWith(message));
  assert.throws(() => rx.tryRecv(), closedWith(message));
  assert.throws(() => tx.send(1), closedWith("Cannot send: this sender is closed", 1));
  assert.equal(tx.isClosed, true);
});

Deno.test("oneshot sender disposed without sending rejects the receiver", async () => {
  const [tx, rx] = oneshot<number>();
  {
    using _tx = tx;
  }
  await assert.rejects(rx.recv(), ChannelClosedError);
});

Deno.test("oneshot send after the receiver closed throws, carrying the value", async () => {
  const [tx, rx] = oneshot<string>();
  const closed = probe(tx.closed);
  await flush();
  assert.equal(closed.outcome.state, "pending");
  assert.equal(tx.isClosed, false);
  rx.close();
  await flush();
  assert.equal(closed.outcome.state, "fulfilled");
  assert.equal(tx.isClosed, true);
  await tx.closed;
  assert.throws(() => tx.send("late"), closedWith("Cannot send: the receiver is closed", "late"));
  await assert.rejects(rx.recv(), closedWith("Cannot receive: the receiver is closed"));
  assert.throws(() => rx.tryRecv(), closedWith("Cannot receive: the receiver is closed"));
});

Deno.test("oneshot receiver close rejects a waiting recv but keeps a value already sent", async () => {
  const [tx1, rx1] = oneshot<number>();
  const pending = rx1.recv();
  rx1.close();
  rx1.close();
  await assert.rejects(pending, ChannelClosedError);
  assert.equal(tx1.isClosed, true);

  const [tx2, rx2] = oneshot<number>();
  tx2.send(5);
  rx2[Symbol.dispose]();
  assert.equal(await rx2.recv(), 5);
});

Deno.test("oneshot sends once and is received once", async () => {
  const [tx, rx] = oneshot<number>();
  const first = rx.recv();
  const second = rx.recv();
  tx.send(1);
  assert.equal(tx.isClosed, true);
  assert.throws(() => tx.send(2), closedWith("Cannot send: the oneshot value was already sent", 2));
  tx.close();
  assert.equal(await first, 1);
  const taken = "Cannot receive: the oneshot value was already received";
  await assert.rejects(second, closedWith(taken));
  await assert.rejects(rx.recv(), closedWith(taken));
  assert.throws(() => rx.tryRecv(), closedWith(taken));
});

Deno.test("oneshot tryRecv reports not yet, the value, then throws like recv", () => {
  const [tx, rx] = oneshot<number>();
  assert.equal(rx.tryRecv(), undefined);
  tx.send(3);
  assert.deepEqual(rx.tryRecv(), { done: false, value: 3 });
  assert.throws(
    () => rx.tryRecv(),
    closedWith("Cannot receive: the oneshot value was already received"),
  );
});

Deno.test("oneshot aborted recv keeps the value for a later recv", async () => {
  const [tx, rx] = oneshot<number>();
  const controller = new AbortController();
  const aborted = rx.recv({ signal: controller.signal });
  const reason = new Error("timeout");
  controller.abort(reason);
  await assert.rejects(aborted, (err) => err === reason);
  tx.send(8);
  await assert.rejects(rx.recv({ signal: AbortSignal.abort("pre") }), (e) => e === "pre");
  assert.equal(await rx.recv(), 8);
});

Deno.test("oneshot replies to requests over mpsc; a requester that gave up is detectable", async () => {
  type Request = { n: number; reply: OneshotSender<number> };
  const [requests, inbox] = mpsc<Request>(32);
  let cancelled = 0;
  const worker = (async () => {
    for await (const { n, reply } of inbox) {
      if (reply.isClosed) cancelled++;
      else reply.send(n * 2);
    }
  })();
  const answers = await Promise.all([0, 10, 20].map(async (n) => {
    const [reply, response] = oneshot<number>();
    await requests.send({ n, reply });
    return await response.recv();
  }));
  assert.deepEqual(answers, [0, 20, 40]);
  const [reply, response] = oneshot<number>();
  response.close();
  await requests.send({ n: 1, reply });
  requests.close();
  await worker;
  assert.equal(cancelled, 1);
});

Deno.test("oneshot isEmpty and isTerminated through every state", async () => {
  const states = (rx: { isEmpty: boolean; isTerminated: boolean }) => [rx.isEmpty, rx.isTerminated];
  const [tx1, rx1] = oneshot<number>();
  assert.deepEqual(states(rx1), [true, false]);
  tx1.send(1);
  assert.deepEqual(states(rx1), [false, false]);
  rx1.close(); // a value already sent stays receivable
  assert.deepEqual(states(rx1), [false, false]);
  assert.equal(await rx1.recv(), 1);
  assert.deepEqual(states(rx1), [true, true]);

  const [tx2, rx2] = oneshot<number>();
  tx2.close();
  assert.deepEqual(states(rx2), [true, true]);

  const [, rx3] = oneshot<number>();
  rx3.close();
  assert.deepEqual(states(rx3), [true, true]);

  const [tx4, rx4] = oneshot<number>();
  const controller = new AbortController();
  const aborted = rx4.recv({ signal: controller.signal });
  controller.abort(new Error("stop"));
  await assert.rejects(aborted, { message: "stop" });
  assert.deepEqual(states(rx4), [true, false]); // an aborted wait ends nothing
  tx4.send(4);
  assert.deepEqual(rx4.tryRecv(), { done: false, value: 4 });
  assert.deepEqual(states(rx4), [true, true]);
});
