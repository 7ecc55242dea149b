// Abort injection over every waiting call of @weir/weir/sync: each scenario
// is replayed with its signal aborted at every microtask turn of the call,
// and after each run nothing is held, lost, duplicated or left waiting.
import assert from "node:assert/strict";
import {
  Barrier,
  broadcast,
  CancellationToken,
  JoinSet,
  mpsc,
  Mutex,
  Notify,
  oneshot,
  Pool,
  RwLock,
  select,
  Semaphore,
  TaskTracker,
  watch,
} from "@weir/weir/sync";
import type { MpscReceiver } from "@weir/weir/sync";
import { FakeClock } from "@weir/weir/time";
import {
  coverageOf,
  describeCoverage,
  injectAborts,
  soon,
  stillPending,
  valueOrNext,
} from "../_util/abort_injection.ts";

/** Every message still in `rx` (which must be closed), in order. */
function drain<T>(rx: MpscReceiver<T>): T[] {
  const rest: T[] = [];
  for (let r = rx.tryRecv(); r !== undefined && !r.done; r = rx.tryRecv()) rest.push(r.value);
  return rest;
}

Deno.test("Mutex lock aborted at any point holds no lock and lets the next waiter in", async () => {
  await injectAborts("sync", "Mutex.lock", () => {
    const mutex = new Mutex(0);
    const holder = mutex.tryLock()!;
    let behind: Promise<{ value: number; release(): void }> | undefined;
    return {
      call: (signal) => mutex.lock({ signal }),
      async drive(point) {
        behind = mutex.lock();
        await point();
        holder.release();
      },
      async check(outcome) {
        if (outcome.status === "fulfilled") {
          outcome.value.value = 1;
          outcome.value.release();
        }
        const next = await soon(behind!, "the waiter behind");
        assert.equal(next.value, outcome.status === "fulfilled" ? 1 : 0);
        next.release();
        assert.equal(mutex.isLocked, false);
        mutex.tryLock()!.release();
      },
    };
  });
});

Deno.test("RwLock write aborted at any point holds nothing and lets held-back readers in", async () => {
  await injectAborts("sync", "RwLock.write", () => {
    const lock = new RwLock("v0");
    const r1 = lock.tryRead()!;
    const r2 = lock.tryRead()!;
    let reader: Promise<{ value: string; release(): void }> | undefined;
    return {
      call: (signal) => lock.write({ signal }),
      async drive(point) {
        reader = lock.read(); // waits behind the writer
        await point();
        r1.release();
        await point();
        r2.release();
      },
      async check(outcome) {
        if (outcome.status === "fulfilled") {
          assert.equal(lock.tryRead(), undefined);
          outcome.value.value = "v1";
          outcome.value.release();
        }
        const guard = await soon(reader!, "the reader behind the writer");
        assert.equal(guard.value, outcome.status === "fulfilled" ? "v1" : "v0");
        guard.release();
        lock.tryWrite()!.release();
      },
    };
  });
});

Deno.test("RwLock read aborted at any point holds nothing and lets the writer behind in", async () => {
  await injectAborts("sync", "RwLock.read", () => {
    const lock = new RwLock(0);
    const holder = lock.tryWrite()!;
    let writer: Promise<{ value: number; release(): void }> | undefined;
    return {
      call: (signal) => lock.read({ signal }),
      async drive(point) {
        writer = lock.write();
        await point();
        holder.release();
      },
      async check(outcome) {
        if (outcome.status === "fulfilled") {
          assert.ok(await stillPending(writer!), "the writer waits for the reader");
          outcome.value.release();
        }
        (await soon(writer!, "the writer behind")).release();
        lock.tryWrite()!.release();
      },
    };
  });
});

Deno.test("Semaphore acquire(3) aborted while collecting permits hands them all on", async () => {
  await injectAborts("sync", "Semaphore.acquire", () => {
    const sem = new Semaphore(3);
    const held = [sem.tryAcquire()!, sem.tryAcquire()!, sem.tryAcquire()!];
    let behind: Promise<{ permits: number; release(): void }> | undefined;
    return {
      call: (signal) => sem.acquire(3, { signal }),
      async drive(point) {
        behind = sem.acquire(1);
        for (const permit of held) {
          await point();
          permit.release();
        }
      },
      async check(outcome) {
        if (outcome.status === "fulfilled") {
          assert.equal(outcome.value.permits, 3);
          assert.ok(await stillPending(behind!), "the waiter behind waits for the release");
          outcome.value.release();
        }
        const next = await soon(behind!, "the waiter behind");
        assert.equal(sem.available, 2);
        next.release();
        assert.equal(sem.available, 3);
        assert.equal(sem.waiting, 0);
      },
    };
  });
});

Deno.test("Barrier wait aborted at any point is withdrawn or counted, never both", async () => {
  await injectAborts("sync", "Barrier.wait", () => {
    const barrier = new Barrier(3);
    const first = barrier.wait();
    let third: Promise<{ isLeader: boolean }> | undefined;
    return {
      call: (signal) => barrier.wait({ signal }),
      async drive(point) {
        await point();
        third = barrier.wait();
      },
      async check(outcome) {
        const released = [first, third!];
        if (outcome.status === "rejected") {
          // Withdrawn: the generation still needs a third party.
          assert.equal(barrier.waiting, 2);
          released.push(barrier.wait());
        }
        const results = await soon(Promise.all(released), "the generation");
        const leaders = results.filter((r) => r.isLeader).length +
          (outcome.status === "fulfilled" && outcome.value.isLeader ? 1 : 0);
        assert.equal(leaders, 1);
        assert.equal(barrier.waiting, 0);
      },
    };
  });
});

Deno.test("Notify notified aborted at any point consumes no notification", async () => {
  await injectAborts("sync", "Notify.notified", () => {
    const notify = new Notify();
    const later = new AbortController();
    return {
      call: (signal) => notify.notified({ signal }),
      async drive(point) {
        await point();
        notify.notifyOne();
      },
      async check(outcome) {
        const next = notify.notified({ signal: later.signal });
        if (outcome.status === "fulfilled") {
          assert.ok(await stillPending(next), "the notification was used up");
          later.abort();
          await assert.rejects(next);
        } else {
          await soon(next, "the stored notification");
        }
      },
    };
  });
});

Deno.test("mpsc recv aborted at any point loses and duplicates no message", async () => {
  await injectAborts("sync", "mpsc.recv", () => {
    const [tx, rx] = mpsc<string>(2);
    return {
      call: (signal) => rx.recv({ signal }),
      async drive(point) {
        await point();
        await tx.send("m");
        await point();
        tx.close();
      },
      check(outcome) {
        const got = outcome.status === "fulfilled" && !outcome.value.done
          ? [outcome.value.value]
          : [];
        assert.deepEqual([...got, ...drain(rx)], ["m"]);
      },
    };
  });
});

Deno.test("mpsc recvMany aborted at any point loses and reorders no message", async () => {
  await injectAborts("sync", "mpsc.recvMany", () => {
    const [tx, rx] = mpsc<number>(4);
    return {
      call: (signal) => rx.recvMany(2, { signal }),
      async drive(point) {
        for (let i = 0; i < 3; i++) {
          await point();
          await tx.send(i);
        }
        tx.close();
      },
      check(outcome) {
        const got = outcome.status === "fulfilled" ? outcome.value : [];
        assert.ok(got.length <= 2);
        assert.deepEqual([...got, ...drain(rx)], [0, 1, 2]);
      },
    };
  });
});

Deno.test("mpsc send aborted at any point enqueues its message exactly when it resolves", async () => {
  await injectAborts("sync", "mpsc.send", () => {
    const [tx, rx] = mpsc<string>(1);
    tx.trySend("a");
    let first: Promise<unknown> | undefined;
    return {
      call: (signal) => tx.send("b", { signal }),
      async drive(point) {
        await point();
        first = rx.recv();
      },
      async check(outcome) {
        assert.deepEqual(await soon(first!, "the first message"), { done: false, value: "a" });
        tx.close();
        assert.deepEqual(drain(rx), outcome.status === "fulfilled" ? ["b"] : []);
      },
    };
  });
});

Deno.test("mpsc reserve aborted at any point holds no slot", async () => {
  await injectAborts("sync", "mpsc.reserve", () => {
    const [tx, rx] = mpsc<string>(1);
    tx.trySend("a");
    return {
      call: (signal) => tx.reserve({ signal }),
      async drive(point) {
        await point();
        await rx.recv();
      },
      check(outcome) {
        if (outcome.status === "fulfilled") outcome.value.send("p");
        else tx.trySend("q"); // the slot is free
        assert.equal(tx.tryReserve(), undefined);
        tx.close();
        assert.deepEqual(drain(rx), [outcome.status === "fulfilled" ? "p" : "q"]);
      },
    };
  });
});

Deno.test("broadcast recv aborted at any point loses no message", async () => {
  await injectAborts("sync", "broadcast.recv", () => {
    const [tx, rx] = broadcast<number>(4);
    return {
      call: (signal) => rx.recv({ signal }),
      async drive(point) {
        await point();
        tx.send(1);
        await point();
        tx.send(2);
        tx.close();
      },
      check(outcome) {
        const got = outcome.status === "fulfilled" && !outcome.value.done
          ? [outcome.value.value]
          : [];
        for (let r = rx.tryRecv(); r !== undefined && !r.done; r = rx.tryRecv()) got.push(r.value);
        assert.deepEqual(got, [1, 2]);
        rx.close();
      },
    };
  });
});

Deno.test("watch changed aborted at any point marks nothing seen", async () => {
  await injectAborts("sync", "watch.changed", () => {
    const [tx, rx] = watch(0);
    return {
      call: (signal) => rx.changed({ signal }),
      async drive(point) {
        await point();
        tx.send(1);
      },
      async check(outcome) {
        assert.equal(rx.borrow(), 1);
        assert.equal(rx.hasChanged(), outcome.status === "rejected");
        if (outcome.status === "rejected") await soon(rx.changed(), "the unseen change");
        assert.equal(rx.hasChanged(), false);
        tx.close();
        rx.close();
      },
    };
  });
});

Deno.test("oneshot recv aborted at any point leaves the value for the next call", async () => {
  await injectAborts("sync", "oneshot.recv", () => {
    const [tx, rx] = oneshot<string>();
    return {
      call: (signal) => rx.recv({ signal }),
      async drive(point) {
        await point();
        tx.send("v");
      },
      async check(outcome) {
        assert.equal(await valueOrNext(outcome, () => rx.recv()), "v");
      },
    };
  });
});

Deno.test("Pool acquire aborted at any point borrows nothing and creates nothing extra", async () => {
  let created = 0;
  await injectAborts("sync", "Pool.acquire", async () => {
    const clock = new FakeClock();
    const pool = new Pool({ create: () => ++created, max: 1, clock });
    const holder = await pool.acquire();
    return {
      call: (signal) => pool.acquire({ signal }),
      async drive(point) {
        await point();
        holder.release();
      },
      async check(outcome) {
        if (outcome.status === "fulfilled") {
          assert.equal(outcome.value.value, holder.value);
          assert.equal(pool.borrowed, 1);
          outcome.value.release();
        }
        assert.equal(pool.borrowed, 0);
        assert.equal(pool.pending, 0);
        assert.equal(pool.size, 1);
        const again = await soon(pool.acquire(), "a free resource");
        assert.equal(again.value, holder.value);
        again.release();
        await soon(pool.drain(), "drain");
        assert.equal(clock.pending, 0);
      },
    };
  });
});

Deno.test("JoinSet joinNext aborted at any point takes no result", async () => {
  await injectAborts("sync", "JoinSet.joinNext", () => {
    const set = new JoinSet<string>();
    const { promise, resolve } = Promise.withResolvers<string>();
    set.spawn(() => promise);
    return {
      call: (signal) => set.joinNext({ signal }),
      async drive(point) {
        await point();
        resolve("done");
      },
      async check(outcome) {
        const result = await valueOrNext(outcome, () => set.joinNext());
        assert.deepEqual(result, { done: false, value: "done" });
        assert.deepEqual(await soon(set.joinNext(), "the end"), { done: true, value: undefined });
      },
    };
  });
});

Deno.test("TaskTracker wait and CancellationToken cancelled aborted at any point change nothing", async () => {
  await injectAborts("sync", "TaskTracker.wait", () => {
    const tracker = new TaskTracker();
    const { promise, resolve } = Promise.withResolvers<void>();
    tracker.track(promise);
    tracker.close();
    return {
      call: (signal) => tracker.wait({ signal }),
      async drive(point) {
        await point();
        resolve();
      },
      async check() {
        await soon(tracker.wait(), "the tracker");
      },
    };
  });
  await injectAborts("sync", "CancellationToken.cancelled", () => {
    const token = new CancellationToken();
    const child = token.child();
    return {
      call: (signal) => child.cancelled({ signal }),
      async drive(point) {
        await point();
        token.cancel("stop");
      },
      async check() {
        assert.equal(child.isCancelled, true);
        await soon(child.cancelled(), "the cancelled child");
      },
    };
  });
});

Deno.test("select over recv and cancelled aborted at any point loses no message", async () => {
  await injectAborts("sync", "select", () => {
    const [tx, rx] = mpsc<string>(2);
    const token = new CancellationToken();
    const taken: string[] = [];
    return {
      call: (signal) =>
        select([
          () => token.cancelled(),
          async (s) => {
            const result = await rx.recv({ signal: s });
            if (!result.done) taken.push(result.value);
            return result;
          },
        ], { signal }),
      async drive(point) {
        await point();
        tx.trySend("m");
        tx.close();
      },
      check(outcome) {
        const got: string[] = [];
        if (outcome.status === "fulfilled") {
          assert.equal(outcome.value.index, 1);
          const result = outcome.value.value as { done: boolean; value: string };
          if (!result.done) got.push(result.value);
        }
        // A branch that took the message wins the call, even against the abort.
        assert.deepEqual(got, taken);
        assert.deepEqual([...got, ...drain(rx)], ["m"]);
        token.cancel();
      },
    };
  });
});

Deno.test("select over two mpsc recvs, both ready in a row, aborted at any point loses no message", async () => {
  await injectAborts("sync", "select (two channels)", () => {
    const [txA, rxA] = mpsc<string>(2);
    const [txB, rxB] = mpsc<string>(2);
    return {
      call: (signal) =>
        select([(s) => rxA.recv({ signal: s }), (s) => rxB.recv({ signal: s })], {
          signal,
          biased: true,
        }),
      async drive(point) {
        await point();
        txB.trySend("b");
        txA.trySend("a"); // same turn: only one branch may take its message
        txA.close();
        txB.close();
      },
      check(outcome) {
        const got = outcome.status === "fulfilled" && !outcome.value.value.done
          ? [outcome.value.value.value]
          : [];
        assert.deepEqual([...got, ...drain(rxA), ...drain(rxB)].sort(), ["a", "b"]);
      },
    };
  });
});

Deno.test("abort injection report for sync: every API aborted mid-call more than once", () => {
  console.log(describeCoverage("sync"));
  for (const [api, { points, whilePending }] of coverageOf("sync")) {
    assert.ok(whilePending >= 2 && points >= whilePending, api);
  }
});
