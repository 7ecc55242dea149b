import assert from "node:assert/strict";
import fc from "fast-check";
import { Pool, PoolDrainedError, type PoolLease, type PoolOptions } from "@weir/weir/sync";
import { FakeClock } from "@weir/weir/time";
import { flush, isSettled } from "./_task_util.ts";

interface Conn {
  readonly id: number;
  healthy: boolean;
}

/** A factory of numbered connections that records what it made and destroyed. */
function conns() {
  let made = 0;
  const destroyed: number[] = [];
  return {
    destroyed,
    get made() {
      return made;
    },
    create: (): Conn => ({ id: ++made, healthy: true }),
    destroy: (conn: Conn) => {
      destroyed.push(conn.id);
    },
  };
}

function stats<T>(pool: Pool<T>) {
  return { size: pool.size, idle: pool.idle, borrowed: pool.borrowed, pending: pool.pending };
}

Deno.test("Pool rejects bad options, naming them", () => {
  const create = () => 1;
  const bad: [Partial<PoolOptions<number>>, RegExp][] = [
    [{ max: 0 }, /'max'/],
    [{ max: 1.5 }, /'max'/],
    [{ max: NaN }, /'max'/],
    [{ min: -1 }, /'min'/],
    [{ min: 3, max: 2 }, /'min' must be an integer from 0 to 2: received 3/],
    [{ acquireTimeout: -1 }, /'acquireTimeout'/],
    [{ idleTimeout: NaN }, /'idleTimeout'/],
    [{ maxLifetime: -5 }, /'maxLifetime'/],
  ];
  for (const [options, message] of bad) {
    assert.throws(() => new Pool({ create, ...options }), { name: "RangeError", message });
  }
  assert.throws(
    () => new Pool({ create: "nope" } as unknown as PoolOptions<number>),
    { name: "TypeError", message: /'create'/ },
  );
});

Deno.test("Pool creates min resources at construction", async () => {
  const factory = conns();
  const pool = new Pool({ ...factory, min: 2, max: 4 });
  assert.deepEqual(stats(pool), { size: 2, idle: 0, borrowed: 0, pending: 0 });
  await flush();
  assert.deepEqual(stats(pool), { size: 2, idle: 2, borrowed: 0, pending: 0 });
  assert.equal(factory.made, 2);
  await pool.drain();
  assert.deepEqual(factory.destroyed.sort(), [1, 2]);
});

Deno.test("Pool never holds more than max resources; extra borrowers wait", async () => {
  const factory = conns();
  const pool = new Pool({ ...factory, max: 2 });
  const a = await pool.acquire();
  const b = await pool.acquire();
  const c = pool.acquire();
  assert.equal(await isSettled(c), false);
  assert.deepEqual(stats(pool), { size: 2, idle: 0, borrowed: 2, pending: 1 });
  assert.equal(factory.made, 2);
  a.release();
  assert.equal((await c).value.id, a.value.id);
  b.release();
  (await c).release();
  await pool.drain();
});

Deno.test("Pool serves waiting borrowers first come, first served", async () => {
  const pool = new Pool({ create: () => "conn", max: 1 });
  const held = await pool.acquire();
  const order: string[] = [];
  const waiters = ["a", "b", "c"].map((name) =>
    pool.acquire().then((lease) => {
      order.push(name);
      return lease;
    })
  );
  held.release();
  for (const waiter of waiters) (await waiter).release();
  assert.deepEqual(order, ["a", "b", "c"]);
  await pool.drain();
});

Deno.test("Pool lease.release() is synchronous and hands the resource straight to a waiter", async () => {
  const pool = new Pool({ create: () => "conn", max: 1 });
  const held = await pool.acquire();
  const next = pool.acquire();
  held.release();
  assert.deepEqual(stats(pool), { size: 1, idle: 0, borrowed: 1, pending: 0 });
  (await next).release();
  assert.deepEqual(stats(pool), { size: 1, idle: 1, borrowed: 0, pending: 0 });
  await pool.drain();
});

Deno.test("Pool reuses the most recently returned idle resource", async () => {
  const pool = new Pool(conns());
  const one = await pool.acquire();
  const two = await pool.acquire();
  two.release();
  one.release();
  const again = await pool.acquire();
  assert.equal(again.value.id, one.value.id);
  again.release();
  await pool.drain();
});

Deno.test("Pool lease ends once: extra release() and discard() calls do nothing", async () => {
  const factory = conns();
  const pool = new Pool(factory);
  const lease = await pool.acquire();
  lease.release();
  lease.release();
  await lease.discard();
  await lease[Symbol.asyncDispose]();
  assert.deepEqual(stats(pool), { size: 1, idle: 1, borrowed: 0, pending: 0 });
  assert.deepEqual(factory.destroyed, []);
  const other = await pool.acquire();
  await other.discard();
  other.release();
  assert.deepEqual(stats(pool), { size: 0, idle: 0, borrowed: 0, pending: 0 });
  await pool.drain();
});

Deno.test("Pool validates idle resources on borrow and replaces unhealthy ones", async () => {
  const factory = conns();
  const checked: number[] = [];
  const pool = new Pool({
    ...factory,
    validate: (conn) => {
      checked.push(conn.id);
      return conn.healthy;
    },
  });
  const first = await pool.acquire();
  assert.deepEqual(checked, [], "a new resource is not checked");
  first.value.healthy = false;
  first.release();
  const second = await pool.acquire();
  assert.deepEqual(checked, [1]);
  assert.equal(second.value.id, 2);
  assert.deepEqual(factory.destroyed, [1]);
  second.release();
  const third = await pool.acquire();
  assert.equal(third.value.id, 2, "a healthy resource is reused");
  assert.deepEqual(checked, [1, 2]);
  third.release();
  await pool.drain();
});

Deno.test("Pool treats a validate rejection as unhealthy, and waits for async checks", async () => {
  const factory = conns();
  const verdicts = [Promise.reject(new Error("ping failed")), Promise.resolve(true)];
  verdicts[0]!.catch(() => {});
  const pool = new Pool({ ...factory, validate: () => verdicts.shift()! });
  const a = await pool.acquire();
  const b = await pool.acquire();
  a.release();
  b.release();
  // b is tried first (most recent) and its check rejects; a passes.
  const lease = await pool.acquire();
  assert.equal(lease.value.id, 1);
  assert.deepEqual(factory.destroyed, [2]);
  lease.release();
  await pool.drain();
});

Deno.test("Pool gives a resource that passed its check to the first borrower still waiting", async () => {
  const gate = Promise.withResolvers<boolean>();
  const pool = new Pool({ create: () => "conn", max: 1, validate: () => gate.promise });
  (await pool.acquire()).release();
  const stop = new AbortController();
  const first = pool.acquire({ signal: stop.signal });
  const second = pool.acquire();
  assert.equal(pool.size, 1);
  stop.abort(new Error("gave up"));
  await assert.rejects(first, { message: "gave up" });
  gate.resolve(true);
  const lease = await second;
  assert.equal(lease.value, "conn");
  lease.release();
  await pool.drain();
});

Deno.test("Pool destroys resources idle for idleTimeout", async () => {
  const clock = new FakeClock();
  const factory = conns();
  const pool = new Pool({ ...factory, idleTimeout: 1_000, clock });
  (await pool.acquire()).release();
  await clock.tick(999);
  assert.equal(pool.idle, 1);
  await clock.tick(1);
  assert.deepEqual(stats(pool), { size: 0, idle: 0, borrowed: 0, pending: 0 });
  assert.deepEqual(factory.destroyed, [1]);
  assert.equal(clock.pending, 0, "no timer while nothing is idle");
  await pool.drain();
});

Deno.test("Pool idleTimeout counts from the last return, evicting the longest idle first", async () => {
  const clock = new FakeClock();
  const factory = conns();
  const pool = new Pool({ ...factory, idleTimeout: 1_000, clock });
  const a = await pool.acquire();
  const b = await pool.acquire();
  a.release();
  await clock.tick(600);
  b.release();
  await clock.tick(400);
  assert.deepEqual(factory.destroyed, [1]);
  const again = await pool.acquire();
  assert.equal(again.value.id, 2);
  await clock.tick(1_000);
  again.release();
  await clock.tick(999);
  assert.equal(pool.idle, 1);
  await clock.tick(1);
  assert.deepEqual(factory.destroyed, [1, 2]);
  await pool.drain();
});

Deno.test("Pool idleTimeout never shrinks the pool below min", async () => {
  const clock = new FakeClock();
  const factory = conns();
  const pool = new Pool({ ...factory, min: 1, idleTimeout: 100, clock });
  const leases = await Promise.all([pool.acquire(), pool.acquire(), pool.acquire()]);
  for (const lease of leases) lease.release();
  await clock.tick(100);
  assert.equal(pool.size, 1);
  assert.equal(factory.destroyed.length, 2);
  await clock.tick(10_000);
  assert.equal(pool.size, 1);
  assert.equal(clock.pending, 0, "a resource kept for min arms no timer");
  await pool.drain();
});

Deno.test("Pool destroys an idle resource at maxLifetime and tops up to min", async () => {
  const clock = new FakeClock();
  const factory = conns();
  const pool = new Pool({ ...factory, min: 1, maxLifetime: 5_000, clock });
  await flush();
  assert.equal(pool.idle, 1);
  await clock.tick(4_000);
  (await pool.acquire()).release();
  await clock.tick(999);
  assert.deepEqual(factory.destroyed, []);
  await clock.tick(1);
  assert.deepEqual(factory.destroyed, [1]);
  assert.deepEqual(stats(pool), { size: 1, idle: 1, borrowed: 0, pending: 0 });
  assert.equal(factory.made, 2);
  await pool.drain();
});

Deno.test("Pool destroys a borrowed resource returned past maxLifetime, never lending it", async () => {
  const clock = new FakeClock();
  const factory = conns();
  const pool = new Pool({ ...factory, maxLifetime: 1_000, clock });
  const lease = await pool.acquire();
  await clock.tick(1_500);
  lease.release();
  assert.deepEqual(factory.destroyed, [1]);
  assert.equal(pool.idle, 0);
  const fresh = await pool.acquire();
  assert.equal(fresh.value.id, 2);
  fresh.release();
  await pool.drain();
});

Deno.test("Pool.acquire() rejects with a TimeoutError after acquireTimeout and holds nothing", async () => {
  const clock = new FakeClock();
  const pool = new Pool({ create: () => "conn", max: 1, acquireTimeout: 250, clock });
  const held = await pool.acquire();
  const waiting = pool.acquire();
  await clock.tick(249);
  assert.equal(await isSettled(waiting), false);
  await clock.tick(1);
  await assert.rejects(waiting, (error) => {
    assert.ok(error instanceof DOMException);
    assert.equal(error.name, "TimeoutError");
    assert.match(error.message, /250 ms/);
    return true;
  });
  assert.equal(pool.pending, 0);
  held.release();
  assert.deepEqual(stats(pool), { size: 1, idle: 1, borrowed: 0, pending: 0 });
  await pool.drain();
});

Deno.test("Pool.acquire() served in time cancels its timeout timer", async () => {
  const clock = new FakeClock();
  const pool = new Pool({ create: () => "conn", max: 1, acquireTimeout: 250, clock });
  const held = await pool.acquire();
  assert.equal(clock.pending, 0, "no timer when nothing waits");
  const waiting = pool.acquire();
  assert.equal(clock.pending, 1);
  held.release();
  (await waiting).release();
  assert.equal(clock.pending, 0);
  await pool.drain();
});

Deno.test("Pool.acquire() aborted while waiting rejects with the reason and holds nothing", async () => {
  const pool = new Pool({ create: () => "conn", max: 1 });
  const held = await pool.acquire();
  const stop = new AbortController();
  const waiting = pool.acquire({ signal: stop.signal });
  const later = pool.acquire();
  stop.abort(new Error("client left"));
  await assert.rejects(waiting, { message: "client left" });
  assert.equal(pool.pending, 1);
  held.release();
  (await later).release();
  assert.deepEqual(stats(pool), { size: 1, idle: 1, borrowed: 0, pending: 0 });
  await pool.drain();
});

Deno.test("Pool.acquire() with an aborted signal rejects without creating anything", async () => {
  const factory = conns();
  const pool = new Pool(factory);
  const reason = new Error("already");
  await assert.rejects(pool.acquire({ signal: AbortSignal.abort(reason) }), (e) => e === reason);
  assert.equal(factory.made, 0);
  assert.equal(pool.size, 0);
  await pool.drain();
});

Deno.test("Pool keeps a resource created for an acquire that was aborted meanwhile", async () => {
  const created = Promise.withResolvers<string>();
  const pool = new Pool({ create: () => created.promise });
  const stop = new AbortController();
  const waiting = pool.acquire({ signal: stop.signal });
  assert.equal(pool.size, 1);
  stop.abort(new Error("gone"));
  await assert.rejects(waiting, { message: "gone" });
  created.resolve("conn");
  await flush();
  assert.deepEqual(stats(pool), { size: 1, idle: 1, borrowed: 0, pending: 0 });
  await pool.drain();
});

Deno.test("Pool hands a failed create's error to the waiting acquirer", async () => {
  let attempts = 0;
  const pool = new Pool({
    create: () => {
      if (++attempts === 1) throw new Error("connection refused");
      return Promise.resolve(`conn ${attempts}`);
    },
  });
  await assert.rejects(pool.acquire(), { message: "connection refused" });
  assert.equal(pool.size, 0);
  const lease = await pool.acquire();
  assert.equal(lease.value, "conn 2");
  lease.release();
  await pool.drain();
});

Deno.test("Pool rejects only the longest waiter per failed create", async () => {
  const results = [Promise.withResolvers<string>(), Promise.withResolvers<string>()];
  let i = 0;
  const pool = new Pool({ create: () => results[i++]!.promise, max: 2 });
  const first = pool.acquire();
  const second = pool.acquire();
  results[1]!.reject(new Error("second create failed"));
  await assert.rejects(first, { message: "second create failed" });
  assert.equal(await isSettled(second), false);
  results[0]!.resolve("conn");
  const lease = await second;
  assert.equal(lease.value, "conn");
  lease.release();
  await pool.drain();
});

Deno.test("Pool does not retry failed background creations for min", async () => {
  let attempts = 0;
  const pool = new Pool({
    create: () => {
      attempts++;
      return Promise.reject(new Error("down"));
    },
    min: 2,
  });
  await flush();
  assert.equal(attempts, 2);
  assert.equal(pool.size, 0);
  await assert.rejects(pool.acquire(), { message: "down" });
  assert.equal(attempts, 3);
  await pool.drain();
});

Deno.test("Pool.drain() rejects waiters, destroys idle ones, then each lease when returned", async () => {
  const clock = new FakeClock();
  const factory = conns();
  const pool = new Pool({ ...factory, max: 2, idleTimeout: 1_000, acquireTimeout: 5_000, clock });
  const a = await pool.acquire();
  const b = await pool.acquire();
  b.release();
  const waiting = pool.acquire();
  assert.equal(pool.pending, 0, "b went to idle before anyone waited, then to this waiter");
  const held = await waiting;
  const queued = pool.acquire();
  const drained = pool.drain();
  await assert.rejects(queued, PoolDrainedError);
  await assert.rejects(pool.acquire(), PoolDrainedError);
  assert.equal(await isSettled(drained), false);
  a.release();
  assert.deepEqual(factory.destroyed, [1]);
  assert.equal(await isSettled(drained), false);
  held.release();
  await drained;
  assert.deepEqual(factory.destroyed, [1, 2]);
  assert.deepEqual(stats(pool), { size: 0, idle: 0, borrowed: 0, pending: 0 });
  assert.equal(clock.pending, 0);
  await pool.drain();
});

Deno.test("Pool.drain() destroys idle resources and waits for async destroy", async () => {
  const closing = Promise.withResolvers<void>();
  const pool = new Pool({ create: () => "conn", destroy: () => closing.promise, min: 1 });
  await flush();
  const drained = pool.drain();
  assert.equal(pool.size, 0);
  assert.equal(await isSettled(drained), false);
  closing.resolve();
  await drained;
});

Deno.test("Pool.drain() aborts creations in flight and destroys what they still return", async () => {
  const destroyed: string[] = [];
  let createSignal: AbortSignal | undefined;
  const created = Promise.withResolvers<string>();
  const pool = new Pool({
    create: (signal) => {
      createSignal = signal;
      return created.promise;
    },
    destroy: (conn) => void destroyed.push(conn),
  });
  const waiting = pool.acquire();
  const drained = pool.drain();
  await assert.rejects(waiting, PoolDrainedError);
  assert.equal(createSignal!.aborted, true);
  assert.ok(createSignal!.reason instanceof PoolDrainedError);
  created.resolve("ignored the signal");
  await drained;
  assert.deepEqual(destroyed, ["ignored the signal"]);
});

Deno.test("Pool.drain({ signal }) stops waiting but the pool keeps draining", async () => {
  const factory = conns();
  const pool = new Pool(factory);
  const lease = await pool.acquire();
  const stop = new AbortController();
  const waiting = pool.drain({ signal: stop.signal });
  stop.abort(new Error("not waiting"));
  await assert.rejects(waiting, { message: "not waiting" });
  await assert.rejects(pool.acquire(), PoolDrainedError);
  lease.release();
  await pool.drain();
  assert.deepEqual(factory.destroyed, [1]);
});

Deno.test("Pool lease.discard() destroys the resource, frees its slot and reports destroy errors", async () => {
  let made = 0;
  const pool = new Pool({
    create: () => ++made,
    destroy: (n) => {
      if (n === 1) throw new Error("close failed");
    },
    max: 1,
  });
  const lease = await pool.acquire();
  const waiting = pool.acquire();
  await assert.rejects(lease.discard(), { message: "close failed" });
  const next = await waiting;
  assert.equal(next.value, 2);
  next.release();
  await pool.drain();
});

Deno.test("Pool ignores destroy errors outside discard()", async () => {
  const pool = new Pool({
    create: () => "conn",
    destroy: () => Promise.reject(new Error("close failed")),
    min: 1,
  });
  await flush();
  await pool.drain();
});

Deno.test("Pool.use() releases the resource however the callback ends", async () => {
  const pool = new Pool({ create: () => ({ queries: 0 }), max: 1 });
  assert.equal(await pool.use((conn) => ++conn.queries), 1);
  await assert.rejects(
    pool.use(() => Promise.reject(new Error("query failed"))),
    { message: "query failed" },
  );
  assert.deepEqual(stats(pool), { size: 1, idle: 1, borrowed: 0, pending: 0 });
  assert.equal(await pool.use((conn) => conn.queries), 1);
  await assert.rejects(pool.use(() => 1, { signal: AbortSignal.abort(new Error("no")) }), {
    message: "no",
  });
  await pool.drain();
});

Deno.test("Pool lease and pool work with await using", async () => {
  const factory = conns();
  {
    await using pool = new Pool(factory);
    {
      await using lease = await pool.acquire();
      assert.equal(pool.borrowed, 1);
      assert.equal(lease.value.id, 1);
    }
    assert.equal(pool.idle, 1);
  }
  assert.deepEqual(factory.destroyed, [1]);
});

Deno.test("Pool under random concurrent load keeps its invariants", async () => {
  const op = fc.record({
    work: fc.nat(3),
    outcome: fc.constantFrom("release", "discard", "abort", "break"),
  });
  await fc.assert(
    fc.asyncProperty(
      fc.integer({ min: 1, max: 4 }),
      fc.integer({ min: 0, max: 2 }),
      fc.array(fc.array(op, { maxLength: 6 }), { minLength: 1, maxLength: 6 }),
      async (max, min, workers) => {
        min = Math.min(min, max);
        let made = 0;
        const live = new Set<number>();
        const lent = new Set<number>();
        const pool = new Pool<{ id: number; broken: boolean }>({
          create: async () => {
            await Promise.resolve();
            const id = ++made;
            live.add(id);
            return { id, broken: false };
          },
          destroy: ({ id }) => {
            assert.ok(live.delete(id), `resource ${id} destroyed twice or never made`);
            assert.ok(!lent.has(id), `resource ${id} destroyed while lent`);
          },
          validate: ({ broken }) => Promise.resolve(!broken),
          min,
          max,
        });
        const run = async (ops: { work: number; outcome: string }[]) => {
          for (const { work, outcome } of ops) {
            const stop = new AbortController();
            if (outcome === "abort") queueMicrotask(() => stop.abort(new Error("abort")));
            let lease: PoolLease<{ id: number; broken: boolean }>;
            try {
              lease = await pool.acquire({ signal: stop.signal });
            } catch (error) {
              assert.equal((error as Error).message, "abort");
              continue;
            }
            assert.ok(!lent.has(lease.value.id), `resource ${lease.value.id} lent twice`);
            assert.ok(!lease.value.broken, "a broken resource was lent");
            lent.add(lease.value.id);
            assert.ok(pool.size <= max, `size ${pool.size} > max ${max}`);
            for (let i = 0; i < work; i++) await Promise.resolve();
            lent.delete(lease.value.id);
            if (outcome === "discard") await lease.discard();
            else {
              lease.value.broken = outcome === "break";
              lease.release();
            }
          }
        };
        await Promise.all(workers.map(run));
        assert.equal(pool.borrowed, 0);
        assert.equal(pool.pending, 0);
        await pool.drain();
        assert.equal(live.size, 0, "every resource made was destroyed");
      },
    ),
    { numRuns: 300 },
  );
});

Deno.test("Pool with timeouts and expiry under random load never lends an expired resource", async () => {
  const config = fc.record({
    max: fc.integer({ min: 1, max: 3 }),
    min: fc.integer({ min: 0, max: 3 }),
    idleTimeout: fc.integer({ min: 1, max: 20 }),
    maxLifetime: fc.integer({ min: 5, max: 50 }),
    acquireTimeout: fc.integer({ min: 0, max: 30 }),
  });
  const op = fc.record({ pause: fc.nat(10), hold: fc.nat(10), discard: fc.boolean() });
  await fc.assert(
    fc.asyncProperty(
      config,
      fc.array(fc.array(op, { maxLength: 5 }), { minLength: 1, maxLength: 5 }),
      async ({ min, ...options }, workers) => {
        const clock = new FakeClock();
        const sleep = (ms: number) => new Promise<void>((resolve) => clock.setTimer(resolve, ms));
        let made = 0;
        const live = new Set<number>();
        const pool = new Pool({
          ...options,
          min: Math.min(min, options.max),
          clock,
          create: () => {
            const id = ++made;
            live.add(id);
            return { id, created: clock.now() };
          },
          destroy: ({ id }) => assert.ok(live.delete(id), `resource ${id} destroyed twice`),
        });
        const run = async (ops: { pause: number; hold: number; discard: boolean }[]) => {
          for (const { pause, hold, discard } of ops) {
            await sleep(pause);
            let lease: PoolLease<{ id: number; created: number }>;
            try {
              lease = await pool.acquire();
            } catch (error) {
              assert.equal((error as DOMException).name, "TimeoutError");
              continue;
            }
            assert.ok(clock.now() - lease.value.created < options.maxLifetime, "lent expired");
            assert.ok(pool.size <= options.max);
            await sleep(hold);
            if (discard) await lease.discard();
            else lease.release();
          }
        };
        let finished = false;
        const done = Promise.all(workers.map(run)).then(() => finished = true);
        for (let i = 0; i < 1_000 && !finished; i++) await clock.tick(1);
        await done;
        await pool.drain();
        assert.equal(live.size, 0, "every resource made was destroyed");
        assert.equal(clock.pending, 0, "no timer left armed");
      },
    ),
    { numRuns: 100 },
  );
});
