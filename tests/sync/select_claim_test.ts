import assert from "node:assert/strict";
import { FramedRead, LinesCodec } from "@weir/weir/framing";
import { BufReader, duplex, type DuplexStream } from "@weir/weir/io";
import {
  broadcast,
  JoinSet,
  mpsc,
  type MpscReceiver,
  Mutex,
  Notify,
  oneshot,
  Pool,
  RwLock,
  select,
  type SelectBranch,
  Semaphore,
  type SyncWaitOptions,
  watch,
} from "@weir/weir/sync";
import { FakeClock, RateLimiter, sleep } from "@weir/weir/time";
import { flush, isSettled, seeded } from "./_task_util.ts";

const bytes = (text: string) => new TextEncoder().encode(text);

/** Something a select branch takes one item from. */
interface Source {
  /** Takes one item. */
  readonly branch: SelectBranch;
  /** Makes one item available. */
  fill(): void;
  /** How many items are still there (may take them: it is asked last). */
  left(): number | Promise<number>;
  /** Releases what the source holds, and what the branch got if it won. */
  close(won: unknown): void | Promise<void>;
  /** The item must first be read from a byte source, so the branch is not ready at once. */
  readonly reads?: true;
  /** Filling, or the losing branch, settles over a few turns (a read in flight, a task). */
  readonly slow?: true;
}

function dispose(value: unknown): void {
  (value as Partial<Disposable> | undefined)?.[Symbol.dispose]?.();
}

/** A lock held by a writer (for `read`) or a reader (for `write`), released by `fill`. */
function rwLockSource(take: "read" | "write"): Source {
  const lock = new RwLock(0);
  const held = take === "read" ? lock.tryWrite()! : lock.tryRead()!;
  return {
    branch: (signal) => lock[take]({ signal }),
    fill: () => held[Symbol.dispose](),
    left: () => {
      const writer = lock.tryWrite();
      writer?.[Symbol.dispose]();
      return writer ? 1 : 0;
    },
    close: dispose,
  };
}

/** A source over the two ends of a duplex pipe, closed with them. */
function overDuplex(
  capacity: number,
  build: (a: DuplexStream, b: DuplexStream) => Omit<Source, "close">,
): Source {
  const [a, b] = duplex(capacity);
  return {
    ...build(a, b),
    close: () => {
      a.close();
      b.close();
    },
  };
}

/** Every waiting operation of weir that takes something, as a one-item source. */
const sources: Record<string, () => Source | Promise<Source>> = {
  "mpsc recv": () => {
    const [tx, rx] = mpsc<number>(4);
    return {
      branch: (signal) => rx.recv({ signal }),
      fill: () => tx.trySend(1),
      left: () => rx.length,
      close: () => tx.close(),
    };
  },
  "mpsc recvMany": () => {
    const [tx, rx] = mpsc<number>(4);
    return {
      branch: (signal) => rx.recvMany(4, { signal }),
      fill: () => tx.trySend(1),
      left: () => rx.length,
      close: () => tx.close(),
    };
  },
  "mpsc send": () => {
    const [tx, rx] = mpsc<number>(1);
    tx.trySend(0);
    return {
      branch: (signal) => tx.send(1, { signal }),
      fill: () => void rx.tryRecv(),
      left: () => 1 - rx.length,
      close: () => tx.close(),
    };
  },
  "mpsc reserve": () => {
    const [tx, rx] = mpsc<number>(1);
    tx.trySend(0);
    return {
      branch: (signal) => tx.reserve({ signal }),
      fill: () => void rx.tryRecv(),
      left: () => {
        const permit = tx.tryReserve();
        permit?.release();
        return permit ? 1 : 0;
      },
      close: (won) => {
        dispose(won);
        tx.close();
      },
    };
  },
  "broadcast recv": () => {
    const [tx, rx] = broadcast<number>(4);
    return {
      branch: (signal) => rx.recv({ signal }),
      fill: () => void tx.send(1),
      left: () => rx.length,
      close: () => tx.close(),
    };
  },
  "watch changed": () => {
    const [tx, rx] = watch(0);
    return {
      branch: (signal) => rx.changed({ signal }),
      fill: () => void tx.send(1),
      left: () => rx.hasChanged() ? 1 : 0,
      close: () => tx.close(),
    };
  },
  "oneshot recv": () => {
    const [tx, rx] = oneshot<number>();
    return {
      branch: (signal) => rx.recv({ signal }),
      fill: () => tx.send(1),
      left: () => {
        try {
          return rx.tryRecv() ? 1 : 0;
        } catch {
          return 0; // taken by the winning branch
        }
      },
      close: () => {},
    };
  },
  "Semaphore acquire": () => {
    const semaphore = new Semaphore(0);
    return {
      branch: (signal) => semaphore.acquire(1, { signal }),
      fill: () => semaphore.addPermits(1),
      left: () => semaphore.available,
      close: dispose,
    };
  },
  "Mutex lock": () => {
    const mutex = new Mutex(0);
    const held = mutex.tryLock()!;
    return {
      branch: (signal) => mutex.lock({ signal }),
      fill: () => held[Symbol.dispose](),
      left: () => mutex.isLocked ? 0 : 1,
      close: dispose,
    };
  },
  "RwLock read": () => rwLockSource("read"),
  "RwLock write": () => rwLockSource("write"),
  "Notify notified": () => {
    const notify = new Notify();
    return {
      branch: (signal) => notify.notified({ signal }),
      fill: () => notify.notifyOne(),
      left: async () => {
        const controller = new AbortController();
        const next = notify.notified({ signal: controller.signal });
        const stored = await isSettled(next);
        controller.abort();
        await next.catch(() => {});
        return stored ? 1 : 0;
      },
      close: () => {},
    };
  },
  "Pool acquire": async () => {
    const pool = new Pool({ create: () => ({}), max: 1 });
    const held = await pool.acquire();
    return {
      branch: (signal) => pool.acquire({ signal }),
      fill: () => held.release(),
      left: () => pool.idle,
      close: async (won) => {
        (won as typeof held | undefined)?.release();
        await pool.drain();
      },
    };
  },
  "JoinSet joinNext": () => {
    const set = new JoinSet<number>();
    const task = Promise.withResolvers<number>();
    set.spawn(() => task.promise);
    return {
      slow: true,
      branch: (signal) => set.joinNext({ signal }),
      fill: () => task.resolve(1),
      left: () => set.size,
      close: () => {},
    };
  },
  "RateLimiter acquire": () => {
    const clock = new FakeClock();
    const limiter = new RateLimiter({ rate: 1, burst: 1, clock });
    limiter.tryAcquire();
    return {
      slow: true,
      branch: (signal) => limiter.acquire(1, { signal }),
      fill: () => void clock.tick(1000),
      left: () => limiter.available >= 1 ? 1 : 0,
      close: () => {},
    };
  },
  "duplex read": () =>
    overDuplex(64, (a, b) => ({
      branch: (signal) => b.read(new Uint8Array(8), { signal }),
      fill: () => void a.write(bytes("x")),
      left: () => b.buffered,
    })),
  "duplex write": () =>
    overDuplex(1, (a, b) => {
      void a.write(bytes("0"));
      return {
        branch: (signal) => a.write(bytes("1"), { signal }),
        fill: () => void b.read(new Uint8Array(1)),
        left: () => 1 - b.buffered,
      };
    }),
  "BufReader read": () =>
    overDuplex(64, (a, b) => {
      const reader = new BufReader(b);
      return {
        reads: true,
        slow: true,
        branch: (signal) => reader.read(new Uint8Array(8), { signal }),
        fill: () => void a.write(bytes("x")),
        left: () => reader.buffered + b.buffered,
      };
    }),
  "BufReader readLine": () =>
    overDuplex(64, (a, b) => {
      const reader = new BufReader(b);
      return {
        reads: true,
        slow: true,
        branch: (signal) => reader.readLine({ signal }),
        fill: () => void a.write(bytes("x\n")),
        left: () => reader.buffered + b.buffered === 2 ? 1 : 0,
      };
    }),
  "FramedRead next": () =>
    overDuplex(64, (a, b) => {
      const frames = new FramedRead(b, new LinesCodec());
      return {
        reads: true,
        slow: true,
        branch: (signal) => frames.next({ signal }),
        fill: () => void a.write(bytes("x\n")),
        left: async () => {
          await a.closeWrite();
          return (await Array.fromAsync(frames)).length;
        },
      };
    }),
};

for (const mode of ["buffered before", "arriving in the same turn"] as const) {
  Deno.test(`select() takes one item when two branches are ready (${mode}): no source loses one`, async () => {
    const random = seeded(mode.length);
    const wins = [0, 0];
    for (const [x, makeX] of Object.entries(sources)) {
      for (const [y, makeY] of Object.entries(sources)) {
        for (const biased of [true, false]) {
          const sx = await makeX();
          const sy = await makeY();
          let race;
          if (mode === "buffered before") {
            sx.fill();
            sy.fill();
            if (sx.slow || sy.slow) await flush();
            race = select([sx.branch, sy.branch], { biased, random });
          } else {
            race = select([sx.branch, sy.branch], { biased, random });
            sx.fill();
            sy.fill();
          }
          const won = await race;
          wins[won.index]!++;
          if (sx.slow || sy.slow) await flush();
          const left = [await sx.left(), await sy.left()];
          const label = `${x} vs ${y}, biased ${biased}: branch ${won.index} won`;
          assert.deepEqual(left, won.index === 0 ? [0, 1] : [1, 0], label);
          if (biased && mode === "buffered before" && !sx.reads) assert.equal(won.index, 0, label);
          await sx.close(won.index === 0 ? won.value : undefined);
          await sy.close(won.index === 1 ? won.value : undefined);
        }
      }
    }
    assert.ok(wins[0]! > 0 && wins[1]! > 0, `wins ${wins}`);
  });
}

Deno.test("select() of two recv branches keeps the losing message (the reported case)", async () => {
  for (let seed = 0; seed < 200; seed++) {
    const biased = seed % 2 === 0;
    const [tx1, rx1] = mpsc<string>(4);
    const [tx2, rx2] = mpsc<string>(4);
    const race = select([
      (s) => rx1.recv({ signal: s }),
      (s) => rx2.recv({ signal: s }),
    ], { biased, random: seeded(seed) });
    tx1.trySend("a");
    tx2.trySend("b");
    const won = await race;
    const loser = won.index === 0 ? rx2 : rx1;
    if (biased) assert.equal(won.index, 0, "the first to take a message wins");
    assert.equal(won.value.value, won.index === 0 ? "a" : "b");
    assert.equal(loser.length, 1);
    assert.equal(loser.tryRecv()?.value, won.index === 0 ? "b" : "a");
  }
});

Deno.test("select() over two channels loses and duplicates nothing in 10,000 rounds", async () => {
  const random = seeded(2024);
  const capacity = 8;
  const channels = [mpsc<number>(capacity), mpsc<number>(capacity)];
  const sent: number[][] = [[], []];
  const got: number[][] = [[], []];
  let next = 0;
  const sendSome = () => {
    for (const [i, [tx, rx]] of channels.entries()) {
      const k = Math.floor(random() * 3);
      for (let j = 0; j < k && rx.length < capacity; j++) {
        tx.trySend(next);
        sent[i]!.push(next++);
      }
    }
  };
  const ensureOne = () => {
    if (channels.every(([, rx]) => rx.length === 0)) {
      const i = random() < 0.5 ? 0 : 1;
      channels[i]![0].trySend(next);
      sent[i]!.push(next++);
    }
  };
  for (let round = 0; round < 10_000; round++) {
    const before = random() < 0.5;
    if (before) {
      sendSome();
      ensureOne();
    }
    const race = select(
      channels.map(([, rx]) => (signal: AbortSignal) => rx.recv({ signal })),
      { biased: random() < 0.5, random },
    );
    if (!before) {
      sendSome();
      ensureOne();
    }
    const won = await race;
    assert.equal(won.value.done, false);
    got[won.index]!.push(won.value.value as number);
  }
  for (const [i, [tx, rx]] of channels.entries()) {
    tx.close();
    for await (const n of rx) got[i]!.push(n);
  }
  assert.deepEqual(got, sent);
  assert.ok(got[0]!.length > 1000 && got[1]!.length > 1000);
});

Deno.test("select() picks one of recv, acquire, notified and changed ready in one turn; a sleep loses", async () => {
  for (let seed = 0; seed < 100; seed++) {
    const clock = new FakeClock();
    const [tx, rx] = mpsc<number>(1);
    const semaphore = new Semaphore(0);
    const notify = new Notify();
    const [wtx, wrx] = watch(0);
    const race = select([
      (s) => rx.recv({ signal: s }),
      (s) => semaphore.acquire(1, { signal: s }),
      (s) => notify.notified({ signal: s }),
      (s) => wrx.changed({ signal: s }),
      (s) => sleep(10, { signal: s, clock }),
    ], { random: seeded(seed) });
    tx.trySend(1);
    semaphore.addPermits(1);
    notify.notifyOne();
    wtx.send(1);
    const won = await race;
    assert.notEqual(won.index, 4);
    assert.equal(clock.pending, 0, "the sleep's timer is cancelled");
    const notified = notify.notified();
    const left = [
      rx.length,
      semaphore.available,
      await isSettled(notified) ? 1 : 0,
      wrx.hasChanged() ? 1 : 0,
    ];
    assert.deepEqual(left, [1, 1, 1, 1].map((one, i) => i === won.index ? 0 : one));
    notify.notifyOne();
    await notified;
    tx.close();
    wtx.close();
  }
});

Deno.test("select() recv against a sleep on a FakeClock: whichever fires first wins, the message stays", async () => {
  for (const messageFirst of [true, false]) {
    const clock = new FakeClock();
    const [tx, rx] = mpsc<string>(1);
    if (messageFirst) clock.setTimer(() => tx.trySend("m"), 10);
    const race = select([
      (s) => sleep(10, { signal: s, clock }),
      (s) => rx.recv({ signal: s }),
    ], { biased: true });
    if (!messageFirst) clock.setTimer(() => tx.trySend("m"), 10);
    await clock.tick(10);
    const won = await race;
    if (messageFirst) {
      assert.deepEqual(won, { index: 1, value: { done: false, value: "m" } });
      assert.equal(rx.length, 0);
    } else {
      assert.equal(won.index, 0);
      assert.equal(rx.tryRecv()?.value, "m");
    }
    assert.equal(clock.pending, 0);
  }
});

Deno.test("select() a branch that took a message beats a plain promise settled in the same turn", async () => {
  const [tx, rx] = mpsc<string>(1);
  const gate = Promise.withResolvers<string>();
  const race = select([() => gate.promise, (s) => rx.recv({ signal: s })], { biased: true });
  gate.resolve("plain");
  tx.trySend("message");
  assert.deepEqual(await race, { index: 1, value: { done: false, value: "message" } });
});

Deno.test("select() a ready claiming branch stops later branches from starting", async () => {
  const [tx, rx] = mpsc<number>(1);
  tx.trySend(1);
  let started = false;
  const won = await select([(s) => rx.recv({ signal: s }), () => {
    started = true;
    return 2;
  }], { biased: true });
  assert.equal(won.index, 0);
  assert.equal(started, false);
});

Deno.test("select() refuses a claim made while the losers are being aborted", async () => {
  const [tx1, rx1] = mpsc<string>(1);
  const [tx3, rx3] = mpsc<string>(1);
  const race = select([
    (s) => rx1.recv({ signal: s }),
    (s) =>
      new Promise((_, reject) => {
        // Runs inside the abort of the losers, before branch 2 is aborted.
        s.addEventListener("abort", () => {
          tx3.trySend("sent while aborting");
          reject(s.reason);
        });
      }),
    (s) => rx3.recv({ signal: s }),
  ], { biased: true });
  tx1.trySend("first");
  const won = await race;
  assert.deepEqual(won, { index: 0, value: { done: false, value: "first" } });
  assert.equal(rx3.tryRecv()?.value, "sent while aborting");
});

Deno.test("select() settles with a claimed branch even if its signal aborts before it settles", async () => {
  const [tx, rx] = mpsc<string>(1);
  const controller = new AbortController();
  const race = select([(s) => rx.recv({ signal: s }), () => new Promise(() => {})], {
    signal: controller.signal,
  });
  tx.trySend("taken");
  controller.abort(new Error("too late"));
  assert.deepEqual(await race, { index: 0, value: { done: false, value: "taken" } });
});

Deno.test("select() nested in a branch claims that branch too", async () => {
  for (let seed = 0; seed < 50; seed++) {
    const [tx1, rx1] = mpsc<string>(1);
    const [tx2, rx2] = mpsc<string>(1);
    const race = select([
      (outer) => select([(s) => rx1.recv({ signal: s })], { signal: outer }),
      (s) => rx2.recv({ signal: s }),
    ], { random: seeded(seed) });
    tx1.trySend("inner");
    tx2.trySend("outer");
    const won = await race;
    assert.equal(rx1.length + rx2.length, 1);
    assert.equal(won.index === 0 ? rx2.length : rx1.length, 1);
  }
});

Deno.test("select() over two duplex reads and two BufReader reads loses no byte", async () => {
  const random = seeded(99);
  const pairs = [duplex(256), duplex(256), duplex(256), duplex(256)];
  const readers = pairs.map(([, b], i) => i < 2 ? b : new BufReader(b));
  const written = pairs.map(() => [] as number[]);
  const read = pairs.map(() => [] as number[]);
  let byte = 0;
  for (let round = 0; round < 500; round++) {
    const p = new Uint8Array(3);
    const race = select(
      readers.map((reader) => (signal: AbortSignal) => reader.read(p, { signal })),
      { random },
    );
    for (const [i, [a]] of pairs.entries()) {
      const n = Math.floor(random() * 3);
      const chunk = Uint8Array.from({ length: n }, () => byte++ & 0xff);
      written[i]!.push(...chunk);
      await a.write(chunk);
    }
    if (written.every((w, i) => w.length === read[i]!.length)) {
      written[0]!.push(byte & 0xff);
      await pairs[0]![0].write(Uint8Array.of(byte++ & 0xff));
    }
    const won = await race;
    read[won.index]!.push(...p.subarray(0, won.value ?? 0));
  }
  for (const [i, [a, b]] of pairs.entries()) {
    await a.closeWrite();
    const rest = new Uint8Array(1024);
    for (let n = await readers[i]!.read(rest); n !== null; n = await readers[i]!.read(rest)) {
      read[i]!.push(...rest.subarray(0, n));
    }
    a.close();
    b.close();
  }
  assert.deepEqual(read, written);
});

Deno.test("SyncWaitOptions takes an optional signal passed through as is", async () => {
  const recvWith = (rx: MpscReceiver<number>, signal?: AbortSignal) => {
    const options: SyncWaitOptions = { signal };
    return rx.recv(options);
  };
  const [tx, rx] = mpsc<number>(1);
  tx.trySend(1);
  assert.deepEqual(await recvWith(rx), { done: false, value: 1 });
  await assert.rejects(recvWith(rx, AbortSignal.abort(new Error("stop"))), { message: "stop" });
});

Deno.test("select() a branch that took something wins even if it goes on waiting; racing only the reply times out", async () => {
  const clock = new FakeClock();
  const [tx, rx] = mpsc<number>(2);
  const [replyTx, replyRx] = oneshot<string>();
  const exchange = select([
    async (s) => {
      await tx.send(1, { signal: s });
      return await replyRx.recv({ signal: s });
    },
    (s) => sleep(10, { signal: s, clock }),
  ], { biased: true });
  assert.equal(clock.pending, 0, "the send decided the call: the timer is gone");
  await clock.tick(10);
  replyTx.send("late");
  assert.deepEqual(await exchange, { index: 0, value: "late" });

  const [, neverRx] = oneshot<string>();
  await tx.send(2);
  const reply = select([
    (s) => neverRx.recv({ signal: s }),
    (s) => sleep(10, { signal: s, clock }),
  ]);
  await clock.tick(10);
  assert.equal((await reply).index, 1);
  assert.equal(rx.length, 2);
});
