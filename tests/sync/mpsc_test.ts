import assert from "node:assert/strict";
import fc from "fast-check";
import {
  ChannelClosedError,
  mpsc,
  type MpscReceiver,
  type MpscSender,
  type RecvResult,
  type SendPermit,
  unboundedMpsc,
} from "@weir/weir/sync";
import { flush, type Probe, probe } from "./_probe.ts";

const DONE = { done: true, value: undefined };

Deno.test("mpsc delivers messages in send order and ends after every sender closes", async () => {
  const [tx, rx] = mpsc<number>(4);
  for (let i = 0; i < 4; i++) await tx.send(i);
  tx.close();
  const got: number[] = [];
  for await (const n of rx) got.push(n);
  assert.deepEqual(got, [0, 1, 2, 3]);
  assert.deepEqual(await rx.recv(), DONE, "a drained channel keeps answering done at once");
  assert.deepEqual(await rx.recv(), DONE);
});

Deno.test("mpsc send waits while full, and at most capacity messages are queued", async () => {
  const [tx, rx] = mpsc<number>(2);
  const sends = [0, 1, 2, 3, 4].map((n) => probe(tx.send(n)));
  await flush();
  assert.deepEqual(sends.map((s) => s.outcome.state), [
    "fulfilled",
    "fulfilled",
    "pending",
    "pending",
    "pending",
  ]);
  assert.equal(rx.length, 2);
  assert.deepEqual(await rx.recv(), { done: false, value: 0 });
  await flush();
  assert.equal(sends[2]!.outcome.state, "fulfilled");
  assert.equal(sends[3]!.outcome.state, "pending");
  assert.equal(rx.length, 2);
  const got = [];
  for (let i = 1; i < 5; i++) got.push((await rx.recv()).value);
  assert.deepEqual(got, [1, 2, 3, 4], "senders that waited for room keep FIFO order");
});

Deno.test("mpsc undefined is a legal message, distinct from the end", async () => {
  const [tx, rx] = mpsc<undefined>(2);
  await tx.send(undefined);
  tx.close();
  assert.deepEqual(await rx.recv(), { done: false, value: undefined });
  assert.deepEqual(await rx.recv(), DONE);
});

Deno.test("mpsc trySend distinguishes full from closed and hands the value back", () => {
  const [tx, rx] = mpsc<string>(2);
  assert.equal(tx.trySend("0"), true);
  assert.equal(tx.trySend("1"), true);
  // full is "not now": false, never a throw, and nothing is enqueued
  for (const value of ["2", "3"]) assert.equal(tx.trySend(value), false);
  assert.equal(rx.length, 2);
  rx.close();
  assert.throws(() => tx.trySend("4"), (err) => {
    assert.ok(err instanceof ChannelClosedError);
    assert.equal(err.name, "ChannelClosedError");
    assert.equal(err.value, "4");
    return true;
  });
  assert.deepEqual(rx.tryRecv(), { done: false, value: "0" });
  assert.deepEqual(rx.tryRecv(), { done: false, value: "1" });
  assert.deepEqual(rx.tryRecv(), DONE);
});

Deno.test("mpsc tryRecv tells empty from closed", () => {
  const [tx, rx] = mpsc<number>(1);
  assert.equal(rx.tryRecv(), undefined);
  tx.trySend(5);
  assert.deepEqual(rx.tryRecv(), { done: false, value: 5 });
  assert.equal(rx.tryRecv(), undefined);
  tx.close();
  assert.deepEqual(rx.tryRecv(), DONE);
});

Deno.test("mpsc stays open until every clone is closed", async () => {
  const [tx, rx] = mpsc<number>(8);
  const clones = [tx.clone(), tx.clone(), tx.clone()];
  tx.close();
  await Promise.all(clones.map((c, i) => c.send(i)));
  clones[0]!.close();
  clones[1]!.close();
  const partial = [(await rx.recv()).value, (await rx.recv()).value, (await rx.recv()).value];
  assert.deepEqual(partial.sort(), [0, 1, 2]);
  const pending = probe(rx.recv());
  await flush();
  assert.equal(pending.outcome.state, "pending", "one clone is still open");
  clones[2]![Symbol.dispose]();
  assert.deepEqual(await pending.promise, DONE);
});

Deno.test("mpsc closed sender handle refuses sends and clones", async () => {
  const [tx, rx] = mpsc<number>(2);
  const other = tx.clone();
  tx.close();
  tx.close();
  await assert.rejects(tx.send(1), (err) => {
    assert.ok(err instanceof ChannelClosedError);
    assert.equal(err.value, 1);
    assert.equal(err.message, "Cannot send: this sender is closed");
    return true;
  });
  assert.throws(() => tx.trySend(2), ChannelClosedError);
  await assert.rejects(tx.reserve(), ChannelClosedError);
  assert.throws(() => tx.tryReserve(), ChannelClosedError);
  assert.throws(() => tx.clone(), ChannelClosedError);
  assert.equal(tx.isClosed, false, "the receiver is still open");
  other.trySend(3);
  assert.deepEqual(rx.tryRecv(), { done: false, value: 3 });
});

Deno.test("mpsc send waiting on a handle that closes still completes", async () => {
  const [tx, rx] = mpsc<number>(1);
  tx.trySend(1);
  const waiting = probe(tx.send(2));
  tx.close();
  assert.deepEqual(await rx.recv(), { done: false, value: 1 });
  await waiting.promise;
  assert.deepEqual(await rx.recv(), { done: false, value: 2 });
  assert.deepEqual(await rx.recv(), DONE);
});

Deno.test("mpsc receiver close rejects waiting senders, keeps buffered messages", async () => {
  const [tx, rx] = mpsc<number>(1);
  tx.trySend(1);
  const waitingSend = probe(tx.send(2));
  const waitingReserve = probe(tx.reserve());
  const closed = probe(tx.closed);
  await flush();
  assert.equal(closed.outcome.state, "pending");
  assert.equal(tx.isClosed, false);
  rx.close();
  rx.close();
  await flush();
  assert.equal(closed.outcome.state, "fulfilled");
  assert.equal(tx.isClosed, true);
  await tx.closed;
  const sendOutcome = waitingSend.outcome;
  assert.equal(sendOutcome.state, "rejected");
  if (sendOutcome.state === "rejected") {
    assert.ok(sendOutcome.reason instanceof ChannelClosedError);
    assert.equal(sendOutcome.reason.value, 2);
    assert.equal(sendOutcome.reason.message, "Cannot send: the receiver is closed");
  }
  assert.equal(waitingReserve.outcome.state, "rejected");
  await assert.rejects(tx.send(3), ChannelClosedError);
  assert.deepEqual(await rx.recv(), { done: false, value: 1 });
  assert.deepEqual(await rx.recv(), DONE);
});

Deno.test("mpsc reserve holds a slot; release returns it; send through it is synchronous", async () => {
  const [tx, rx] = mpsc<string>(1);
  const permit = await tx.reserve();
  assert.equal(tx.tryReserve(), undefined);
  assert.equal(tx.trySend("x"), false);
  const blocked = probe(tx.send("after"));
  permit.release();
  permit.release();
  await flush();
  assert.equal(blocked.outcome.state, "fulfilled");
  assert.deepEqual(rx.tryRecv(), { done: false, value: "after" });
  const second = tx.tryReserve();
  assert.ok(second);
  second.send("via permit");
  assert.throws(() => second.send("again"), {
    name: "TypeError",
    message: "Cannot use a SendPermit after it was used",
  });
  second.release();
  assert.deepEqual(rx.tryRecv(), { done: false, value: "via permit" });
  {
    using _unused = await tx.reserve();
    assert.equal(tx.tryReserve(), undefined);
  }
  assert.ok(tx.tryReserve());
});

Deno.test("mpsc receiver waits for outstanding permits before ending", async () => {
  const [tx, rx] = mpsc<number>(2);
  const permit = await tx.reserve();
  tx.close();
  const next = probe(rx.recv());
  await flush();
  assert.equal(next.outcome.state, "pending");
  permit.send(9);
  assert.deepEqual(await next.promise, { done: false, value: 9 });
  assert.deepEqual(await rx.recv(), DONE);

  const [tx2, rx2] = mpsc<number>(2);
  const unused = await tx2.reserve();
  rx2.close();
  const end = probe(rx2.recv());
  await flush();
  assert.equal(end.outcome.state, "pending", "a closed receiver still drains held permits");
  unused.send(4);
  assert.deepEqual(await end.promise, { done: false, value: 4 });
  const last = await tx2.reserve().catch((err) => err);
  assert.ok(last instanceof ChannelClosedError);
  assert.deepEqual(await rx2.recv(), DONE);
});

Deno.test("mpsc aborted send enqueues nothing and frees its place in line", async () => {
  const [tx, rx] = mpsc<string>(1);
  tx.trySend("first");
  const controller = new AbortController();
  const aborted = probe(tx.send("never", { signal: controller.signal }));
  const after = probe(tx.send("after"));
  const reason = new Error("cancelled");
  controller.abort(reason);
  await flush();
  assert.deepEqual(aborted.outcome, { state: "rejected", reason });
  assert.deepEqual(await rx.recv(), { done: false, value: "first" });
  await after.promise;
  assert.deepEqual(await rx.recv(), { done: false, value: "after" });
  assert.equal(rx.tryRecv(), undefined, "the aborted message was never enqueued");
  await assert.rejects(tx.send("x", { signal: AbortSignal.abort("pre") }), (e) => e === "pre");
  assert.equal(rx.length, 0, "an already aborted send enqueues nothing even with room");
});

Deno.test("mpsc aborted reserve holds no slot", async () => {
  const [tx, rx] = mpsc<number>(1);
  tx.trySend(1);
  const controller = new AbortController();
  const reserving = tx.reserve({ signal: controller.signal });
  controller.abort("stop");
  await assert.rejects(reserving, (err) => err === "stop");
  await rx.recv();
  assert.ok(tx.tryReserve());
  await assert.rejects(tx.reserve({ signal: AbortSignal.abort("pre") }), (e) => e === "pre");
});

Deno.test("mpsc aborted recv loses no message", async () => {
  const [tx, rx] = mpsc<number>(1);
  const controller = new AbortController();
  const aborted = probe(rx.recv({ signal: controller.signal }));
  const next = probe(rx.recv());
  controller.abort("away");
  await flush();
  assert.deepEqual(aborted.outcome, { state: "rejected", reason: "away" });
  await tx.send(7);
  assert.deepEqual(await next.promise, { done: false, value: 7 });
  tx.trySend(8);
  await assert.rejects(rx.recv({ signal: AbortSignal.abort("pre") }), (e) => e === "pre");
  assert.deepEqual(rx.tryRecv(), { done: false, value: 8 });
});

Deno.test("mpsc pending receives are served in FIFO order", async () => {
  const [tx, rx] = mpsc<number>(1);
  const a = rx.recv();
  const b = rx.recv();
  tx.trySend(1);
  tx.trySend(2);
  assert.deepEqual(await a, { done: false, value: 1 });
  assert.deepEqual(await b, { done: false, value: 2 });
});

Deno.test("mpsc breaking out of for await closes the receiver", async () => {
  const [tx, rx] = mpsc<number>(4);
  tx.trySend(1);
  tx.trySend(2);
  for await (const n of rx) {
    assert.equal(n, 1);
    break;
  }
  assert.equal(tx.isClosed, true);
  assert.deepEqual(rx.tryRecv(), { done: false, value: 2 });
});

Deno.test("mpsc readable streams the messages; cancelling it closes the receiver", async () => {
  const [tx, rx] = mpsc<number>(2);
  const producer = (async () => {
    for (let i = 0; i < 5; i++) await tx.send(i);
    tx.close();
  })();
  assert.equal(rx.readable, rx.readable);
  assert.deepEqual(await Array.fromAsync(rx.readable), [0, 1, 2, 3, 4]);
  await producer;

  const [tx2, rx2] = mpsc<number>(2);
  const reader = rx2.readable.getReader();
  tx2.trySend(1);
  assert.deepEqual(await reader.read(), { done: false, value: 1 });
  await reader.cancel();
  assert.equal(tx2.isClosed, true);
});

Deno.test("mpsc with a producer and a consumer racing delivers everything once", async () => {
  const [tx, rx] = mpsc<number>(3);
  const n = 500;
  const producers = [0, 1].map(async (p) => {
    using sender = tx.clone();
    for (let i = p; i < n; i += 2) await sender.send(i);
  });
  tx.close();
  const seen: number[] = [];
  for await (const v of rx) {
    seen.push(v);
    if (v % 7 === 0) await Promise.resolve();
  }
  await Promise.all(producers);
  assert.deepEqual(seen.filter((v) => v % 2 === 0), Array.from({ length: n / 2 }, (_, i) => 2 * i));
  assert.deepEqual(seen.sort((a, b) => a - b), Array.from({ length: n }, (_, i) => i));
});

Deno.test("unboundedMpsc never waits and grows as needed", async () => {
  const [tx, rx] = unboundedMpsc<number>();
  assert.equal(tx.capacity, Infinity);
  for (let i = 0; i < 1000; i++) tx.trySend(i);
  await tx.send(1000);
  assert.equal(rx.length, 1001);
  tx.close();
  let expected = 0;
  for await (const v of rx) assert.equal(v, expected++);
  assert.equal(expected, 1001);
});

Deno.test("mpsc rejects a bad capacity with RangeError", () => {
  for (const bad of [0, -1, 1.5, NaN, Infinity]) {
    assert.throws(() => mpsc(bad), { name: "RangeError", message: /'capacity'/ });
  }
  assert.equal(mpsc(1)[0].capacity, 1);
});

// ---------------------------------------------------------------------------
// Model-based: random operation sequences against a plain reference model.

type Expect =
  | { kind: "pending" }
  | { kind: "sent" }
  | { kind: "permit" }
  | { kind: "message"; value: number }
  | { kind: "done" }
  | { kind: "closed"; value: number | undefined }
  | { kind: "aborted" };

interface Model {
  nextId: number;
  nextValue: number;
  capacity: number;
  buffer: number[];
  reserved: number;
  permits: number[];
  waitingSenders: { id: number; value: number | undefined }[];
  waitingReceivers: number[];
  senderOpen: boolean[];
  receiverClosed: boolean;
  expect: Map<number, Expect>;
}

interface Real {
  senders: MpscSender<number>[];
  rx: MpscReceiver<number>;
  probes: Map<number, Probe<unknown>>;
  controllers: Map<number, AbortController>;
  permits: Map<number, SendPermit<number>>;
}

function drained(m: Model): boolean {
  return (m.receiverClosed || !m.senderOpen.includes(true)) && m.buffer.length === 0 &&
    m.reserved === 0 && m.waitingSenders.length === 0;
}

function hasRoom(m: Model): boolean {
  return m.waitingSenders.length === 0 && m.buffer.length + m.reserved < m.capacity;
}

function grantPermit(m: Model, id: number): void {
  m.reserved++;
  m.permits.push(id);
  m.expect.set(id, { kind: "permit" });
}

/** Applies the channel's rules until nothing more can happen. */
function normalize(m: Model): void {
  while (true) {
    if (m.waitingReceivers.length > 0 && m.buffer.length > 0) {
      m.expect.set(m.waitingReceivers.shift()!, { kind: "message", value: m.buffer.shift()! });
    } else if (
      m.waitingSenders.length > 0 && m.buffer.length + m.reserved < m.capacity
    ) {
      const { id, value } = m.waitingSenders.shift()!;
      if (value === undefined) grantPermit(m, id);
      else {
        m.buffer.push(value);
        m.expect.set(id, { kind: "sent" });
      }
    } else if (m.waitingReceivers.length > 0 && drained(m)) {
      for (const id of m.waitingReceivers) m.expect.set(id, { kind: "done" });
      m.waitingReceivers = [];
    } else return;
  }
}

async function verify(m: Model, r: Real): Promise<void> {
  await flush();
  for (const [id, expected] of m.expect) {
    const outcome = r.probes.get(id)!.outcome;
    const label = `op #${id} expected ${JSON.stringify(expected)}`;
    switch (expected.kind) {
      case "pending":
        assert.equal(outcome.state, "pending", label);
        break;
      case "sent":
        assert.deepEqual(outcome, { state: "fulfilled", value: undefined }, label);
        break;
      case "permit":
        assert.equal(outcome.state, "fulfilled", label);
        if (outcome.state === "fulfilled" && m.permits.includes(id) && !r.permits.has(id)) {
          r.permits.set(id, outcome.value as SendPermit<number>);
        }
        break;
      case "message":
        assert.deepEqual(
          outcome,
          { state: "fulfilled", value: { done: false, value: expected.value } },
          label,
        );
        break;
      case "done":
        assert.deepEqual(outcome, { state: "fulfilled", value: DONE }, label);
        break;
      case "closed":
        assert.equal(outcome.state, "rejected", label);
        if (outcome.state === "rejected") {
          assert.ok(outcome.reason instanceof ChannelClosedError, label);
          assert.equal(outcome.reason.value, expected.value, label);
        }
        break;
      case "aborted":
        assert.deepEqual(outcome, { state: "rejected", reason: `abort #${id}` }, label);
    }
  }
  assert.equal(r.rx.length, m.buffer.length);
}

function pickSender(m: Model, pick: number): number {
  return pick % m.senderOpen.length;
}

class Send implements fc.AsyncCommand<Model, Real> {
  constructor(readonly pick: number, readonly reserve: boolean) {}
  check(): boolean {
    return true;
  }
  async run(m: Model, r: Real): Promise<void> {
    const k = pickSender(m, this.pick);
    const id = m.nextId++;
    const value = this.reserve ? undefined : m.nextValue++;
    const controller = new AbortController();
    r.controllers.set(id, controller);
    const options = { signal: controller.signal };
    const sender = r.senders[k]!;
    r.probes.set(
      id,
      probe<unknown>(value === undefined ? sender.reserve(options) : sender.send(value, options)),
    );
    if (!m.senderOpen[k] || m.receiverClosed) m.expect.set(id, { kind: "closed", value });
    else if (hasRoom(m)) {
      if (value === undefined) grantPermit(m, id);
      else {
        m.buffer.push(value);
        m.expect.set(id, { kind: "sent" });
      }
    } else {
      m.waitingSenders.push({ id, value });
      m.expect.set(id, { kind: "pending" });
    }
    normalize(m);
    await verify(m, r);
  }
  toString(): string {
    return `${this.reserve ? "reserve" : "send"}(sender ${this.pick})`;
  }
}

class TrySend implements fc.AsyncCommand<Model, Real> {
  constructor(readonly pick: number, readonly reserve: boolean) {}
  check(): boolean {
    return true;
  }
  async run(m: Model, r: Real): Promise<void> {
    const k = pickSender(m, this.pick);
    const sender = r.senders[k]!;
    if (!m.senderOpen[k] || m.receiverClosed) {
      assert.throws(
        () => this.reserve ? sender.tryReserve() : sender.trySend(-1),
        ChannelClosedError,
      );
    } else if (!hasRoom(m)) {
      if (this.reserve) assert.equal(sender.tryReserve(), undefined);
      else assert.equal(sender.trySend(-1), false);
    } else if (this.reserve) {
      const permit = sender.tryReserve();
      assert.ok(permit);
      const id = m.nextId++;
      r.probes.set(id, probe(Promise.resolve(permit)));
      grantPermit(m, id);
    } else {
      const value = m.nextValue++;
      assert.equal(sender.trySend(value), true);
      m.buffer.push(value);
    }
    normalize(m);
    await verify(m, r);
  }
  toString(): string {
    return `${this.reserve ? "tryReserve" : "trySend"}(sender ${this.pick})`;
  }
}

class UsePermit implements fc.AsyncCommand<Model, Real> {
  constructor(readonly pick: number, readonly send: boolean) {}
  check(m: Readonly<Model>): boolean {
    return m.permits.length > 0;
  }
  async run(m: Model, r: Real): Promise<void> {
    const [id] = m.permits.splice(this.pick % m.permits.length, 1);
    const permit = r.permits.get(id!)!;
    m.reserved--;
    if (this.send) {
      const value = m.nextValue++;
      permit.send(value);
      m.buffer.push(value);
    } else permit.release();
    normalize(m);
    await verify(m, r);
  }
  toString(): string {
    return `permit[${this.pick}].${this.send ? "send" : "release"}()`;
  }
}

class Recv implements fc.AsyncCommand<Model, Real> {
  constructor(readonly wait: boolean) {}
  check(): boolean {
    return true;
  }
  async run(m: Model, r: Real): Promise<void> {
    const immediate: Expect | undefined = m.buffer.length > 0
      ? { kind: "message", value: m.buffer.shift()! }
      : drained(m)
      ? { kind: "done" }
      : undefined;
    if (this.wait) {
      const id = m.nextId++;
      const controller = new AbortController();
      r.controllers.set(id, controller);
      r.probes.set(id, probe(r.rx.recv({ signal: controller.signal })));
      if (immediate) m.expect.set(id, immediate);
      else {
        m.waitingReceivers.push(id);
        m.expect.set(id, { kind: "pending" });
      }
    } else {
      const result: RecvResult<number> | undefined = r.rx.tryRecv();
      if (immediate === undefined) assert.equal(result, undefined);
      else if (immediate.kind === "done") assert.deepEqual(result, DONE);
      else assert.deepEqual(result, { done: false, value: (immediate as { value: number }).value });
    }
    normalize(m);
    await verify(m, r);
  }
  toString(): string {
    return this.wait ? "recv()" : "tryRecv()";
  }
}

class Abort implements fc.AsyncCommand<Model, Real> {
  constructor(readonly pick: number) {}
  check(m: Readonly<Model>): boolean {
    return m.waitingSenders.length + m.waitingReceivers.length > 0;
  }
  async run(m: Model, r: Real): Promise<void> {
    const ids = [...m.waitingSenders.map((w) => w.id), ...m.waitingReceivers];
    const id = ids[this.pick % ids.length]!;
    m.waitingSenders = m.waitingSenders.filter((w) => w.id !== id);
    m.waitingReceivers = m.waitingReceivers.filter((w) => w !== id);
    m.expect.set(id, { kind: "aborted" });
    r.controllers.get(id)!.abort(`abort #${id}`);
    normalize(m);
    await verify(m, r);
  }
  toString(): string {
    return `abort(waiting[${this.pick}])`;
  }
}

class SenderLifecycle implements fc.AsyncCommand<Model, Real> {
  constructor(readonly pick: number, readonly clone: boolean) {}
  check(): boolean {
    return true;
  }
  async run(m: Model, r: Real): Promise<void> {
    const k = pickSender(m, this.pick);
    const sender = r.senders[k]!;
    if (!this.clone) {
      sender.close();
      m.senderOpen[k] = false;
    } else if (m.senderOpen[k]) {
      r.senders.push(sender.clone());
      m.senderOpen.push(true);
    } else {
      assert.throws(() => sender.clone(), ChannelClosedError);
    }
    normalize(m);
    await verify(m, r);
  }
  toString(): string {
    return `sender ${this.pick}.${this.clone ? "clone" : "close"}()`;
  }
}

class CloseReceiver implements fc.AsyncCommand<Model, Real> {
  check(): boolean {
    return true;
  }
  async run(m: Model, r: Real): Promise<void> {
    r.rx.close();
    if (!m.receiverClosed) {
      m.receiverClosed = true;
      for (const { id, value } of m.waitingSenders) m.expect.set(id, { kind: "closed", value });
      m.waitingSenders = [];
    }
    normalize(m);
    await verify(m, r);
  }
  toString(): string {
    return "rx.close()";
  }
}

Deno.test("mpsc matches a reference model over random operation sequences", async () => {
  const pick = fc.nat({ max: 7 });
  const command: fc.Arbitrary<fc.AsyncCommand<Model, Real>> = fc.oneof(
    { weight: 6, arbitrary: fc.tuple(pick, fc.boolean()).map(([p, r]) => new Send(p, r)) },
    { weight: 3, arbitrary: fc.tuple(pick, fc.boolean()).map(([p, r]) => new TrySend(p, r)) },
    { weight: 3, arbitrary: fc.tuple(pick, fc.boolean()).map(([p, s]) => new UsePermit(p, s)) },
    { weight: 6, arbitrary: fc.boolean().map((wait) => new Recv(wait)) },
    { weight: 2, arbitrary: pick.map((p) => new Abort(p)) },
    {
      weight: 2,
      arbitrary: fc.tuple(pick, fc.boolean()).map(([p, c]) => new SenderLifecycle(p, c)),
    },
    { weight: 1, arbitrary: fc.constant(new CloseReceiver()) },
  );
  await fc.assert(
    fc.asyncProperty(
      fc.integer({ min: 1, max: 3 }),
      fc.commands([command], { maxCommands: 50 }),
      async (capacity, cmds) => {
        const [tx, rx] = mpsc<number>(capacity);
        await fc.asyncModelRun(() => ({
          model: {
            nextId: 0,
            nextValue: 0,
            capacity,
            buffer: [],
            reserved: 0,
            permits: [],
            waitingSenders: [],
            waitingReceivers: [],
            senderOpen: [true],
            receiverClosed: false,
            expect: new Map(),
          },
          real: {
            senders: [tx],
            rx,
            probes: new Map(),
            controllers: new Map(),
            permits: new Map(),
          },
        }), cmds);
      },
    ),
    { numRuns: 500 },
  );
});

Deno.test("mpsc recvMany takes up to limit ready messages, letting waiting senders in", async () => {
  const [tx, rx] = mpsc<number>(2);
  const sends = [0, 1, 2, 3].map((n) => tx.send(n));
  assert.deepEqual(await rx.recvMany(3), [0, 1, 2], "freed slots admit waiting senders in order");
  await Promise.all(sends);
  const waiting = probe(rx.recvMany(10));
  assert.deepEqual(await waiting.promise, [3]);
  const later = probe(rx.recvMany(5));
  await flush();
  assert.equal(later.outcome.state, "pending");
  tx.trySend(4);
  tx.trySend(5);
  assert.deepEqual(await later.promise, [4, 5], "a woken batch also takes what arrived meanwhile");
  tx.close();
  assert.deepEqual(await rx.recvMany(5), []);
  const [tx2, rx2] = mpsc<number>(1);
  const pending = rx2.recvMany(4);
  tx2.close();
  assert.deepEqual(await pending, []);
});

Deno.test("mpsc recvMany aborted takes nothing; bad limit is a RangeError", async () => {
  const [tx, rx] = mpsc<number>(2);
  const controller = new AbortController();
  const aborted = rx.recvMany(2, { signal: controller.signal });
  controller.abort("off");
  await assert.rejects(aborted, (err) => err === "off");
  tx.trySend(1);
  await assert.rejects(rx.recvMany(2, { signal: AbortSignal.abort("pre") }), (e) => e === "pre");
  for (const bad of [0, -1, 1.5, NaN]) {
    await assert.rejects(rx.recvMany(bad), { name: "RangeError", message: /'limit'/ });
  }
  assert.deepEqual(await rx.recvMany(2), [1]);
});
