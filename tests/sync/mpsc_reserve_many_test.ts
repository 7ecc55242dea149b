import assert from "node:assert/strict";
import fc from "fast-check";
import { ChannelClosedError, mpsc, type SendPermit, unboundedMpsc } from "@weir/weir/sync";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { flush, type Probe, probe } from "./_probe.ts";

Deno.test("mpsc reserveMany holds n slots at once; length counts them until used", async () => {
  const [tx, rx] = mpsc<number>(4);
  const permits = await tx.reserveMany(3);
  assert.equal(permits.length, 3);
  assert.equal(tx.length, 3);
  assert.equal(rx.length, 0);
  permits[0]!.send(0);
  assert.equal(tx.length, 3);
  assert.equal(rx.length, 1);
  permits[1]!.release();
  assert.equal(tx.length, 2);
  permits[2]![Symbol.dispose]();
  assert.equal(tx.length, 1);
  assert.deepEqual(await tx.reserveMany(0), []);
  assert.deepEqual(tx.tryReserveMany(0), []);
});

Deno.test("mpsc reserveMany waits at the head; later sends do not overtake it", async () => {
  const [tx, rx] = mpsc<string>(3);
  tx.trySend("a");
  tx.trySend("b");
  const many = probe(tx.reserveMany(2));
  await flush();
  assert.equal(many.outcome.state, "pending");
  // one slot is free, but the reservation waits in front: no overtaking
  assert.equal(tx.trySend("c"), false);
  assert.equal(tx.tryReserve(), undefined);
  const later = probe(tx.send("c"));
  assert.deepEqual(rx.tryRecv(), { done: false, value: "a" });
  await flush();
  assert.equal(many.outcome.state, "fulfilled");
  assert.equal(later.outcome.state, "pending");
  for (const permit of await many.promise) permit.release();
  await flush();
  assert.equal(later.outcome.state, "fulfilled");
  assert.deepEqual(await rx.recvMany(8), ["b", "c"]);
});

Deno.test("mpsc an aborted reserveMany at the head lets the smaller waiters behind it in", async () => {
  const [tx, rx] = mpsc<string>(2);
  tx.trySend("a");
  const controller = new AbortController();
  const many = probe(tx.reserveMany(2, { signal: controller.signal }));
  const small = probe(tx.send("b"));
  await flush();
  assert.equal(small.outcome.state, "pending");
  controller.abort(new Error("gave up"));
  await flush();
  assert.equal(many.outcome.state, "rejected");
  assert.equal(small.outcome.state, "fulfilled");
  assert.equal(tx.length, 2);
  assert.deepEqual(await rx.recvMany(4), ["a", "b"]);
});

Deno.test("mpsc reserveMany and tryReserveMany refuse bad counts, closed channels and aborted signals", async () => {
  const [tx, rx] = mpsc<number>(2);
  for (const bad of [-1, 3, 1.5, NaN]) {
    await assert.rejects(tx.reserveMany(bad), RangeError);
    assert.throws(() => tx.tryReserveMany(bad), {
      name: "RangeError",
      message: `'n' must be an integer from 0 to 2: received ${bad}`,
    });
  }
  const reason = new Error("already");
  await assert.rejects(tx.reserveMany(1, { signal: AbortSignal.abort(reason) }), reason);
  assert.equal(tx.length, 0);
  const waiting = probe(tx.reserveMany(2, {}));
  await flush();
  const held = await waiting.promise;
  const blocked = probe(tx.reserveMany(1));
  rx.close();
  await flush();
  assert.equal(blocked.outcome.state, "rejected");
  assert.ok((blocked.outcome as { reason: unknown }).reason instanceof ChannelClosedError);
  assert.throws(() => tx.tryReserveMany(1), ChannelClosedError);
  await assert.rejects(tx.reserveMany(1), ChannelClosedError);
  // permits held before the close still send, and the receiver drains them
  held[0]!.send(1);
  held[1]!.release();
  assert.deepEqual(await Array.fromAsync(rx), [1]);
});

Deno.test("mpsc unbounded reserveMany never waits", async () => {
  const [tx, rx] = unboundedMpsc<number>();
  const permits = await tx.reserveMany(1000);
  permits.forEach((permit, i) => permit.send(i));
  assert.equal(rx.length, 1000);
  assert.equal(tx.length, 1000);
});

Deno.test("mpsc isClosed on both ends follows either end's close", () => {
  const [tx, rx] = mpsc<number>(1);
  const other = tx.clone();
  assert.equal(rx.isClosed, false);
  tx.close();
  assert.equal(rx.isClosed, false);
  other.close();
  assert.equal(rx.isClosed, true);
  assert.equal(tx.isClosed, false); // the receiver is still open
  const [tx2, rx2] = mpsc<number>(1);
  rx2.close();
  assert.equal(rx2.isClosed, true);
  assert.equal(tx2.isClosed, true);
});

Deno.test("mpsc weak senders do not keep the channel open and upgrade while it is", async () => {
  const [tx, rx] = mpsc<number>(2);
  const weak = tx.downgrade();
  const strong = weak.upgrade();
  assert.ok(strong);
  tx.close();
  assert.equal(rx.isClosed, false); // the upgraded sender is a real sender
  await strong.send(1);
  strong.close();
  assert.equal(rx.isClosed, true);
  assert.equal(weak.upgrade(), undefined);
  assert.equal(weak.upgrade(), undefined);
  assert.deepEqual(await Array.fromAsync(rx), [1]);
  assert.throws(() => tx.downgrade(), ChannelClosedError);

  const [tx2, rx2] = mpsc<number>(1);
  const weak2 = tx2.downgrade();
  rx2.close();
  assert.equal(weak2.upgrade(), undefined);
});

Deno.test("mpsc a weak sender does not keep a dropped channel alive (forced collection)", async () => {
  // The suite runs without --expose-gc: enable it at run time, and take the
  // gc function from a fresh context (where V8 installs it).
  setFlagsFromString("--expose-gc");
  const gc = runInNewContext("gc") as () => void;
  const make = () => {
    const [tx] = mpsc<Uint8Array>(4);
    tx.trySend(new Uint8Array(1 << 20));
    return tx.downgrade();
  };
  const dropped = make();
  const [keptTx, keptRx] = mpsc<number>(4);
  const kept = keptTx.downgrade();
  // A WeakRef target survives the job that dereferenced it: collect in
  // later turns, without dereferencing in between.
  for (let i = 0; i < 3; i++) {
    await new Promise((resolve) => setTimeout(resolve, 0));
    gc();
  }
  assert.equal(dropped.upgrade(), undefined, "the unreachable channel was collected");
  const upgraded = kept.upgrade();
  assert.ok(upgraded, "a channel still referenced upgrades");
  upgraded.close();
  keptTx.close();
  keptRx.close();
});

// ---------------------------------------------------------------------------
// Model-based: slot accounting of send, reserveMany, permits and aborts.

type Op = { id: number; n: number; value?: number };
type Expect =
  | { kind: "pending" }
  | { kind: "sent" }
  | { kind: "permits"; n: number }
  | { kind: "aborted" }
  | { kind: "closed" };

interface Model {
  capacity: number;
  nextId: number;
  nextValue: number;
  buffer: number[];
  held: number;
  waiting: Op[];
  closed: boolean;
  expect: Map<number, Expect>;
}

interface Real {
  tx: ReturnType<typeof mpsc<number>>[0];
  rx: ReturnType<typeof mpsc<number>>[1];
  probes: Map<number, Probe<unknown>>;
  controllers: Map<number, AbortController>;
  permits: SendPermit<number>[];
  collected: Set<number>;
}

const length = (m: Model) => m.buffer.length + m.held;

function admit(m: Model, op: Op): void {
  if (op.value !== undefined) {
    m.buffer.push(op.value);
    m.expect.set(op.id, { kind: "sent" });
  } else {
    m.held += op.n;
    m.expect.set(op.id, { kind: "permits", n: op.n });
  }
}

function serve(m: Model): void {
  while (m.waiting.length !== 0 && length(m) + m.waiting[0]!.n <= m.capacity) {
    admit(m, m.waiting.shift()!);
  }
}

async function verify(m: Model, r: Real): Promise<void> {
  await flush();
  for (const [id, expected] of m.expect) {
    const outcome = r.probes.get(id)!.outcome;
    const label = `op #${id}: ${JSON.stringify(expected)}`;
    if (expected.kind === "pending") assert.equal(outcome.state, "pending", label);
    else if (expected.kind === "sent") assert.equal(outcome.state, "fulfilled", label);
    else if (expected.kind === "permits") {
      assert.equal(outcome.state, "fulfilled", label);
      const permits = (outcome as { value: SendPermit<number>[] }).value;
      assert.equal(permits.length, expected.n, label);
      if (!r.collected.has(id)) {
        r.collected.add(id);
        r.permits.push(...permits);
      }
    } else if (expected.kind === "aborted") {
      assert.deepEqual(outcome, { state: "rejected", reason: `abort #${id}` }, label);
    } else {
      assert.equal(outcome.state, "rejected", label);
      assert.ok((outcome as { reason: unknown }).reason instanceof ChannelClosedError, label);
    }
  }
  assert.equal(r.tx.length, length(m));
  assert.equal(r.rx.length, m.buffer.length);
  assert.equal(r.permits.length, m.held);
}

type Cmd = fc.AsyncCommand<Model, Real>;

/** `k` picks a count from 0 to the capacity, or a plain send. */
const count = (m: Model, k: number | "send") => k === "send" ? "send" : k % (m.capacity + 1);

const start = (k: number | "send"): Cmd => ({
  check: () => true,
  async run(m, r) {
    const n = count(m, k);
    const id = m.nextId++;
    const op: Op = n === "send" ? { id, n: 1, value: m.nextValue++ } : { id, n };
    const controller = new AbortController();
    r.controllers.set(id, controller);
    const options = { signal: controller.signal };
    r.probes.set(
      id,
      probe<unknown>(
        op.value !== undefined ? r.tx.send(op.value, options) : r.tx.reserveMany(op.n, options),
      ),
    );
    if (m.closed) m.expect.set(id, { kind: "closed" });
    else if (m.waiting.length === 0 && length(m) + op.n <= m.capacity) admit(m, op);
    else {
      m.waiting.push(op);
      m.expect.set(id, { kind: "pending" });
    }
    await verify(m, r);
  },
  toString: () => k === "send" ? "send" : `reserveMany(#${k})`,
});

const tryStart = (k: number | "send"): Cmd => ({
  check: () => true,
  async run(m, r) {
    const n = count(m, k);
    const fits = m.waiting.length === 0 && length(m) + (n === "send" ? 1 : n) <= m.capacity;
    if (m.closed) {
      assert.throws(
        () => n === "send" ? r.tx.trySend(-1) : r.tx.tryReserveMany(n),
        ChannelClosedError,
      );
    } else if (n === "send") {
      const value = m.nextValue++;
      assert.equal(r.tx.trySend(value), fits);
      if (fits) m.buffer.push(value);
    } else {
      const permits = r.tx.tryReserveMany(n);
      assert.equal(permits?.length, fits ? n : undefined);
      if (permits) {
        r.permits.push(...permits);
        m.held += n;
      }
    }
    await verify(m, r);
  },
  toString: () => k === "send" ? "trySend" : `tryReserveMany(#${k})`,
});

const recv: Cmd = {
  check: () => true,
  async run(m, r) {
    const got = r.rx.tryRecv();
    if (m.buffer.length !== 0) {
      assert.deepEqual(got, { done: false, value: m.buffer.shift() });
      serve(m);
    } else assert.equal(got?.done ?? false, m.closed && m.held === 0 && m.waiting.length === 0);
    await verify(m, r);
  },
  toString: () => "tryRecv",
};

const usePermit = (pick: number, send: boolean): Cmd => ({
  check: (m) => m.held !== 0,
  async run(m, r) {
    const [permit] = r.permits.splice(pick % r.permits.length, 1);
    m.held--;
    if (send) {
      const value = m.nextValue++;
      permit!.send(value);
      m.buffer.push(value);
    } else permit!.release();
    serve(m);
    await verify(m, r);
  },
  toString: () => `${send ? "send" : "release"} permit ${pick}`,
});

const abort = (pick: number): Cmd => ({
  check: (m) => m.waiting.length !== 0,
  async run(m, r) {
    const [op] = m.waiting.splice(pick % m.waiting.length, 1);
    r.controllers.get(op!.id)!.abort(`abort #${op!.id}`);
    m.expect.set(op!.id, { kind: "aborted" });
    serve(m);
    await verify(m, r);
  },
  toString: () => `abort waiter ${pick}`,
});

const close: Cmd = {
  check: (m) => !m.closed,
  async run(m, r) {
    r.rx.close();
    m.closed = true;
    for (const op of m.waiting) m.expect.set(op.id, { kind: "closed" });
    m.waiting = [];
    await verify(m, r);
  },
  toString: () => "close receiver",
};

Deno.test("mpsc model: reserveMany, sends, permits and aborts keep slots exact and FIFO", async () => {
  const pick = fc.oneof(fc.constant<"send">("send"), fc.nat());
  const commands = [
    pick.map(start),
    pick.map(tryStart),
    fc.constant(recv),
    fc.tuple(fc.nat(), fc.boolean()).map(([pick, send]) => usePermit(pick, send)),
    fc.nat().map(abort),
    fc.constant(close),
  ];
  await fc.assert(
    fc.asyncProperty(
      fc.integer({ min: 1, max: 4 }),
      fc.commands(commands, { maxCommands: 40 }),
      async (capacity, cmds) => {
        const [tx, rx] = mpsc<number>(capacity);
        await fc.asyncModelRun((): { model: Model; real: Real } => ({
          model: {
            capacity,
            nextId: 0,
            nextValue: 0,
            buffer: [],
            held: 0,
            waiting: [],
            closed: false,
            expect: new Map(),
          },
          real: {
            tx,
            rx,
            probes: new Map(),
            controllers: new Map(),
            permits: [],
            collected: new Set(),
          },
        }), cmds);
        rx.close();
        await flush();
      },
    ),
    { numRuns: 300 },
  );
});
