// Model-based concurrency: concurrent actors (senders, receivers, closers,
// aborters) whose every await is reordered by fast-check's scheduler, on
// mpsc, broadcast, watch, Semaphore and RwLock. After each interleaving the
// outcome is checked against a reference model of the primitive: a FIFO
// queue per producer, a ring with exact lag accounting, a monotone cell,
// a permit count with FIFO grants, a readers-writer exclusion; and select
// over two channels, which must never let a losing branch drop a message.
import assert from "node:assert/strict";
import fc from "fast-check";
import {
  broadcast,
  ChannelClosedError,
  LaggedError,
  mpsc,
  RwLock,
  select,
  Semaphore,
  SemaphoreClosedError,
  watch,
} from "@weir/weir/sync";

const RUNS = 300;

/** Actors started under a scheduler, with a check that all of them finished. */
function actors(s: fc.Scheduler) {
  const running = new Set<string>();
  const failures: unknown[] = [];
  return {
    /** A scheduling point: the scheduler decides when the actor goes on. */
    turn: (label: string) => s.schedule(Promise.resolve(), label),
    /** Runs an actor in the background. */
    spawn(name: string, body: () => Promise<void>): void {
      running.add(name);
      body().then(() => running.delete(name), (error) => failures.push(error));
    },
    /** Lets the scheduler run everything; every actor must have finished (no deadlock). */
    async settle(): Promise<void> {
      await s.waitIdle();
      if (failures.length > 0) throw failures[0];
      assert.deepEqual([...running], [], "actors still blocked (a lost wake-up or deadlock)");
    },
    /** A signal that, when `abort` is set, aborts at a point the scheduler picks. */
    signal(abort: boolean | undefined, label: string): AbortSignal {
      const controller = new AbortController();
      if (abort) {
        s.schedule(Promise.resolve(), label).then(() => controller.abort(new Error(label)));
      }
      return controller.signal;
    },
  };
}

Deno.test("mpsc under random interleavings of senders, receives, aborts and close matches a per-producer FIFO model", async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.scheduler(),
      fc.integer({ min: 1, max: 3 }),
      fc.array(fc.array(fc.boolean(), { minLength: 1, maxLength: 4 }), {
        minLength: 1,
        maxLength: 3,
      }),
      fc.array(fc.boolean(), { maxLength: 12 }),
      fc.boolean(),
      async (s, capacity, senderScripts, recvAborts, closeReceiver) => {
        const a = actors(s);
        const [base, rx] = mpsc<string>(capacity);
        const fulfilled = new Set<string>();
        const rejected = new Set<string>();
        const received: string[] = [];
        let receiverClosed = false;
        senderScripts.forEach((script, id) => {
          const tx = base.clone();
          a.spawn(`sender ${id}`, async () => {
            for (const [j, abort] of script.entries()) {
              const value = `${id}:${j}`;
              await a.turn(`sender ${id} sends ${value}`);
              const closedBefore = receiverClosed;
              const signal = a.signal(abort, `abort send ${value}`);
              try {
                await tx.send(value, { signal });
                assert.equal(closedBefore, false, "no send succeeds after the receiver closed");
                fulfilled.add(value);
              } catch (error) {
                if (error instanceof ChannelClosedError) assert.equal(error.value, value);
                else assert.equal(error, signal.reason);
                rejected.add(value);
              }
              assert.ok(rx.length <= capacity, "the buffer stays within capacity");
            }
            tx.close();
          });
        });
        base.close();
        a.spawn("receiver", async () => {
          for (let i = 0;; i++) {
            await a.turn(`recv ${i}`);
            const signal = a.signal(recvAborts[i], `abort recv ${i}`);
            let result;
            try {
              result = await rx.recv({ signal });
            } catch (error) {
              assert.equal(error, signal.reason);
              continue;
            }
            if (result.done) return;
            received.push(result.value);
          }
        });
        if (closeReceiver) {
          a.spawn("closer", async () => {
            await a.turn("close the receiver");
            rx.close();
            receiverClosed = true;
          });
        }
        await a.settle();
        // The model: every fulfilled send is received once, nothing else is,
        // and each producer's messages keep their order.
        assert.equal(new Set(received).size, received.length, "no duplicates");
        assert.deepEqual(new Set(received), fulfilled);
        for (const value of received) assert.ok(!rejected.has(value), `${value} was rejected`);
        for (let id = 0; id < senderScripts.length; id++) {
          const mine = received.filter((v) => v.startsWith(`${id}:`)).map((v) =>
            Number(v.slice(2))
          );
          assert.deepEqual(mine, [...mine].sort((x, y) => x - y), `sender ${id} in order`);
        }
      },
    ),
    { numRuns: RUNS },
  );
});

Deno.test("broadcast under random interleavings of receives and aborts accounts for every message: read or reported lagged", async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.scheduler(),
      fc.integer({ min: 1, max: 4 }),
      fc.integer({ min: 0, max: 12 }),
      fc.array(fc.array(fc.boolean(), { maxLength: 16 }), { minLength: 1, maxLength: 3 }),
      async (s, capacity, count, receiverAborts) => {
        const a = actors(s);
        const [tx, first] = broadcast<number>(capacity);
        const receivers = receiverAborts.map((_, i) => (i === 0 ? first : tx.subscribe()));
        const logs = receivers.map(() => ({ values: [] as number[], skipped: [] as number[] }));
        a.spawn("sender", async () => {
          for (let i = 0; i < count; i++) {
            await a.turn(`send ${i}`);
            tx.send(i);
          }
          tx.close();
        });
        receivers.forEach((rx, r) => {
          a.spawn(`receiver ${r}`, async () => {
            let expectNext = 0;
            for (let i = 0;; i++) {
              await a.turn(`receiver ${r} recv ${i}`);
              const signal = a.signal(receiverAborts[r]![i], `abort ${r}/${i}`);
              let result;
              try {
                result = await rx.recv({ signal });
              } catch (error) {
                if (error instanceof LaggedError) {
                  logs[r]!.skipped.push(error.skipped);
                  expectNext += error.skipped;
                  continue;
                }
                assert.equal(error, signal.reason);
                continue;
              }
              if (result.done) return;
              // The model: the next value is the one after the last read,
              // moved on by exactly what was reported skipped.
              assert.equal(result.value, expectNext, `receiver ${r}`);
              expectNext++;
              logs[r]!.values.push(result.value);
            }
          });
        });
        await a.settle();
        for (const { values, skipped } of logs) {
          assert.equal(values.length + skipped.reduce((x, y) => x + y, 0), count);
        }
      },
    ),
    { numRuns: RUNS },
  );
});

Deno.test("watch under random interleavings of sends and aborted changed() never goes back and always reaches the last value", async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.scheduler(),
      fc.integer({ min: 0, max: 8 }),
      fc.array(fc.array(fc.boolean(), { maxLength: 12 }), { minLength: 1, maxLength: 3 }),
      async (s, count, receiverAborts) => {
        const a = actors(s);
        const [tx, first] = watch(0);
        const receivers = receiverAborts.map((_, i) => (i === 0 ? first : tx.subscribe()));
        a.spawn("sender", async () => {
          for (let v = 1; v <= count; v++) {
            await a.turn(`send ${v}`);
            tx.send(v);
          }
          tx.close();
        });
        receivers.forEach((rx, r) => {
          a.spawn(`receiver ${r}`, async () => {
            let seen = 0;
            for (let i = 0;; i++) {
              await a.turn(`receiver ${r} changed ${i}`);
              const signal = a.signal(receiverAborts[r]![i], `abort ${r}/${i}`);
              try {
                await rx.changed({ signal });
              } catch (error) {
                if (error instanceof ChannelClosedError) break;
                assert.equal(error, signal.reason);
                continue;
              }
              const value = rx.borrow();
              assert.ok(value >= seen, `receiver ${r} went back from ${seen} to ${value}`);
              seen = value;
            }
            // The model: a closed channel is reported only once the last
            // value was seen through changed().
            assert.equal(seen, count, `receiver ${r} missed the last value`);
          });
        });
        await a.settle();
      },
    ),
    { numRuns: RUNS },
  );
});

interface Wait {
  readonly ahead: Wait[];
  granted: number | undefined;
  gone: boolean;
}

Deno.test("Semaphore under random interleavings of acquires, aborts and close conserves permits and grants in FIFO order", async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.scheduler(),
      fc.integer({ min: 1, max: 4 }),
      fc.array(
        fc.array(fc.tuple(fc.integer({ min: 1, max: 4 }), fc.boolean()), {
          minLength: 1,
          maxLength: 3,
        }),
        { minLength: 2, maxLength: 4 },
      ),
      fc.boolean(),
      async (s, total, scripts, closeIt) => {
        const a = actors(s);
        const sem = new Semaphore(total);
        let held = 0;
        let grants = 0;
        /** Every acquire, in call order: its grant number, and who was waiting when it was called. */
        const waits: Wait[] = [];
        scripts.forEach((script, id) => {
          a.spawn(`actor ${id}`, async () => {
            for (const [k, [want, abort]] of script.entries()) {
              const n = Math.min(want, total);
              await a.turn(`actor ${id} acquires ${n} (${k})`);
              const signal = a.signal(abort, `abort ${id}/${k}`);
              const ahead = waits.filter((w) => w.granted === undefined && !w.gone);
              const me: Wait = { ahead, granted: undefined, gone: false };
              waits.push(me);
              const acquiring = sem.acquire(n, { signal });
              acquiring.then(() => me.granted = grants++, () => me.gone = true);
              let permit;
              try {
                permit = await acquiring;
              } catch (error) {
                if (error instanceof SemaphoreClosedError) return;
                assert.equal(error, signal.reason);
                continue;
              }
              held += n;
              assert.ok(held <= total, `${held} permits held of ${total}`);
              await a.turn(`actor ${id} holds ${n}`);
              held -= n;
              permit.release();
            }
          });
        });
        if (closeIt) {
          a.spawn("closer", async () => {
            await a.turn("close");
            sem.close();
          });
        }
        await a.settle();
        // The model: FIFO, so everyone waiting ahead of a granted acquire
        // was served before it, or gave up.
        for (const me of waits) {
          if (me.granted === undefined) continue;
          for (const w of me.ahead) {
            assert.ok(w.gone || (w.granted !== undefined && w.granted < me.granted), "FIFO");
          }
        }
        assert.equal(held, 0);
        assert.equal(sem.waiting, 0);
        assert.equal(sem.available, total, "every permit came back");
      },
    ),
    { numRuns: RUNS },
  );
});

Deno.test("RwLock under random interleavings of reads, writes, downgrades and aborts keeps exclusion and loses no update", async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.scheduler(),
      fc.integer({ min: 1, max: 3 }),
      fc.array(
        fc.array(fc.tuple(fc.constantFrom("read", "write", "downgrade"), fc.boolean()), {
          minLength: 1,
          maxLength: 3,
        }),
        { minLength: 2, maxLength: 4 },
      ),
      async (s, maxReaders, scripts) => {
        const a = actors(s);
        const lock = new RwLock({ n: 0 }, { maxReaders });
        let readers = 0;
        let writers = 0;
        let writes = 0;
        const enterRead = () => {
          readers++;
          assert.equal(writers, 0, "no reader while a writer holds the lock");
          assert.ok(readers <= maxReaders, `${readers} readers > maxReaders ${maxReaders}`);
        };
        scripts.forEach((script, id) => {
          a.spawn(`actor ${id}`, async () => {
            for (const [k, [op, abort]] of script.entries()) {
              await a.turn(`actor ${id} ${op} (${k})`);
              const signal = a.signal(abort, `abort ${id}/${k}`);
              try {
                if (op === "read") {
                  using guard = await lock.read({ signal });
                  enterRead();
                  const before = guard.value.n;
                  await a.turn(`actor ${id} reads`);
                  assert.equal(guard.value.n, before, "no write under a read guard");
                  readers--;
                } else {
                  const guard = await lock.write({ signal });
                  writers++;
                  assert.equal(writers, 1, "one writer at a time");
                  assert.equal(readers, 0, "no writer while readers hold the lock");
                  const before = guard.value.n;
                  await a.turn(`actor ${id} writes`);
                  guard.value = { n: before + 1 };
                  writes++;
                  writers--;
                  if (op === "downgrade") {
                    using read = guard.downgrade();
                    enterRead();
                    await a.turn(`actor ${id} reads after downgrade`);
                    assert.equal(read.value.n, before + 1, "the downgraded guard sees its write");
                    readers--;
                  } else guard.release();
                }
              } catch (error) {
                assert.equal(error, signal.reason);
              }
            }
          });
        });
        await a.settle();
        assert.equal(readers + writers, 0);
        const last = lock.tryWrite();
        assert.ok(last, "the lock is free at the end");
        assert.equal(last.value.n, writes, "no lost update");
        last.release();
      },
    ),
    { numRuns: RUNS },
  );
});

Deno.test("select over two mpsc channels under random interleavings and aborts delivers every message once, in order per channel", async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.scheduler(),
      fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 2, maxLength: 2 }),
      fc.array(fc.boolean(), { maxLength: 16 }),
      fc.boolean(),
      async (s, counts, selectAborts, biased) => {
        const a = actors(s);
        const channels = counts.map(() => mpsc<string>(2));
        const fulfilled = new Set<string>();
        channels.forEach(([tx], c) => {
          a.spawn(`sender ${c}`, async () => {
            for (let i = 0; i < counts[c]!; i++) {
              await a.turn(`sender ${c} sends ${i}`);
              await tx.send(`${c}:${i}`);
              fulfilled.add(`${c}:${i}`);
            }
            tx.close();
          });
        });
        const received: string[] = [];
        a.spawn("selector", async () => {
          const open = channels.map(() => true);
          for (let i = 0; open.includes(true); i++) {
            await a.turn(`select ${i}`);
            const signal = a.signal(selectAborts[i], `abort select ${i}`);
            const branches = channels.map(([, rx], c) =>
              open[c] && ((branch: AbortSignal) => rx.recv({ signal: branch }))
            );
            let chosen;
            try {
              chosen = await select(branches, { signal, biased });
            } catch (error) {
              assert.equal(error, signal.reason);
              continue;
            }
            if (chosen.value.done) open[chosen.index] = false;
            else received.push(chosen.value.value);
          }
        });
        await a.settle();
        // The model: two FIFO queues read by one consumer.
        assert.equal(new Set(received).size, received.length, "no duplicates");
        assert.deepEqual(new Set(received), fulfilled, "every message delivered");
        for (let c = 0; c < channels.length; c++) {
          const mine = received.filter((v) => v.startsWith(`${c}:`));
          assert.deepEqual(mine, mine.map((_, i) => `${c}:${i}`), `channel ${c} in order`);
        }
      },
    ),
    { numRuns: RUNS },
  );
});
