import assert from "node:assert/strict";
import fc from "fast-check";
import { Semaphore, SemaphoreClosedError, type SemaphorePermit } from "@weir/weir/sync";
import { flush, type Probe, probe, track } from "./_probe.ts";

Deno.test("Semaphore grants waiters in FIFO order", async () => {
  const semaphore = new Semaphore(1);
  const first = await semaphore.acquire();
  const log: string[] = [];
  const waits = ["a", "b", "c"].map((name) =>
    semaphore.acquire().then((permit) => {
      log.push(name);
      permit.release();
    })
  );
  assert.equal(semaphore.waiting, 3);
  first.release();
  await Promise.all(waits);
  assert.deepEqual(log, ["a", "b", "c"]);
  assert.equal(semaphore.available, 1);
});

Deno.test("Semaphore lets a big waiter at the head block later small ones", async () => {
  const semaphore = new Semaphore(2);
  const big = probe(semaphore.acquire(3));
  const small = probe(semaphore.acquire(1));
  await flush();
  assert.equal(big.outcome.state, "pending");
  assert.equal(small.outcome.state, "pending");
  assert.equal(semaphore.available, 0, "the big waiter holds the 2 free permits");
  assert.equal(semaphore.tryAcquire(1), undefined, "tryAcquire cannot overtake the queue");
  semaphore.addPermits(1);
  await flush();
  assert.equal(big.outcome.state, "fulfilled");
  assert.equal(small.outcome.state, "pending");
  (await big.promise).release();
  await flush();
  assert.equal(small.outcome.state, "fulfilled");
  (await small.promise).release();
  assert.equal(semaphore.available, 3);
});

Deno.test("Semaphore hands an aborted head waiter's collected permits to the next", async () => {
  const semaphore = new Semaphore(2);
  const controller = new AbortController();
  const big = probe(semaphore.acquire(3, { signal: controller.signal }));
  const small = probe(semaphore.acquire(1));
  await flush();
  assert.equal(small.outcome.state, "pending");
  const reason = new Error("no longer needed");
  controller.abort(reason);
  await flush();
  assert.deepEqual(big.outcome, { state: "rejected", reason });
  assert.equal(small.outcome.state, "fulfilled");
  assert.equal(semaphore.available, 1);
  assert.equal(semaphore.waiting, 0);
});

Deno.test("Semaphore aborted acquire in the middle of the queue holds nothing", async () => {
  const semaphore = new Semaphore(0);
  const controller = new AbortController();
  const log: string[] = [];
  const a = track(log, "a", semaphore.acquire());
  const b = probe(semaphore.acquire(1, { signal: controller.signal }));
  const c = track(log, "c", semaphore.acquire());
  controller.abort(new DOMException("stop", "AbortError"));
  await assert.rejects(b.promise, { name: "AbortError" });
  assert.equal(semaphore.waiting, 2);
  semaphore.addPermits(2);
  await Promise.all([a, c]);
  assert.deepEqual(log, ["a", "c"]);
  assert.equal(semaphore.available, 0);
});

Deno.test("Semaphore acquire with an already aborted signal rejects even with free permits", async () => {
  const semaphore = new Semaphore(1);
  const reason = new Error("already");
  await assert.rejects(semaphore.acquire(1, { signal: AbortSignal.abort(reason) }), (err) => {
    assert.equal(err, reason);
    return true;
  });
  assert.equal(semaphore.available, 1);
});

Deno.test("Semaphore acquire(0) resolves at once even while others wait", async () => {
  const semaphore = new Semaphore(0);
  const waiting = probe(semaphore.acquire());
  const zero = await semaphore.acquire(0);
  assert.equal(zero.permits, 0);
  zero.release();
  await flush();
  assert.equal(waiting.outcome.state, "pending");
  semaphore.close();
  await assert.rejects(waiting.promise, SemaphoreClosedError);
});

Deno.test("Semaphore addPermits serves waiters in order and keeps the rest", async () => {
  const semaphore = new Semaphore(0);
  const a = probe(semaphore.acquire(2));
  const b = probe(semaphore.acquire(2));
  semaphore.addPermits(3);
  await flush();
  assert.equal(a.outcome.state, "fulfilled");
  assert.equal(b.outcome.state, "pending");
  assert.equal(semaphore.available, 0);
  semaphore.addPermits(3);
  await flush();
  assert.equal(b.outcome.state, "fulfilled");
  assert.equal(semaphore.available, 2);
});

Deno.test("Semaphore close rejects waiters; held permits stay valid and still return", async () => {
  const semaphore = new Semaphore(2);
  const held = await semaphore.acquire(1);
  const waiter = probe(semaphore.acquire(3));
  semaphore.close();
  semaphore.close();
  assert.equal(semaphore.isClosed, true);
  await assert.rejects(waiter.promise, (err) => {
    assert.ok(err instanceof SemaphoreClosedError);
    assert.equal(err.name, "SemaphoreClosedError");
    assert.equal(err.message, "Semaphore is closed");
    return true;
  });
  assert.equal(semaphore.available, 1, "the waiter's collected permit went back");
  held.release();
  assert.equal(semaphore.available, 2);
  await assert.rejects(semaphore.acquire(), SemaphoreClosedError);
  assert.throws(() => semaphore.tryAcquire(), SemaphoreClosedError);
});

Deno.test("Semaphore permits release once, forget for good, and dispose", async () => {
  const semaphore = new Semaphore(3);
  const permit = await semaphore.acquire(2);
  assert.equal(permit.permits, 2);
  permit.release();
  permit.release();
  permit[Symbol.dispose]();
  assert.equal(permit.permits, 0);
  assert.equal(semaphore.available, 3);
  const forgotten = semaphore.tryAcquire(2);
  assert.ok(forgotten);
  forgotten.forget();
  forgotten.release();
  assert.equal(semaphore.available, 1);
  {
    using _permit = await semaphore.acquire();
    assert.equal(semaphore.available, 0);
  }
  assert.equal(semaphore.available, 1);
});

Deno.test("Semaphore rejects bad arguments with RangeError naming them", async () => {
  for (const bad of [-1, 1.5, NaN, Infinity, Number.MAX_SAFE_INTEGER + 1]) {
    assert.throws(() => new Semaphore(bad), { name: "RangeError", message: /'permits'/ });
  }
  const semaphore = new Semaphore(1);
  for (const bad of [-1, 0.5, NaN]) {
    await assert.rejects(semaphore.acquire(bad), { name: "RangeError", message: /'n'/ });
    assert.throws(() => semaphore.tryAcquire(bad), { name: "RangeError", message: /'n'/ });
    assert.throws(() => semaphore.addPermits(bad), { name: "RangeError", message: /'n'/ });
  }
  assert.throws(() => semaphore.addPermits(Number.MAX_SAFE_INTEGER), RangeError);
  assert.equal(semaphore.available, 1);
  semaphore.addPermits(Number.MAX_SAFE_INTEGER - 1);
  assert.equal(semaphore.available, Number.MAX_SAFE_INTEGER);
});

Deno.test("Semaphore limits concurrency to its permits", async () => {
  const semaphore = new Semaphore(3);
  let running = 0;
  let peak = 0;
  await Promise.all(Array.from({ length: 20 }, async (_, i) => {
    using _permit = await semaphore.acquire();
    peak = Math.max(peak, ++running);
    for (let k = 0; k < i % 4; k++) await Promise.resolve();
    running--;
  }));
  assert.equal(peak, 3);
  assert.equal(semaphore.available, 3);
});

// ---------------------------------------------------------------------------
// Model-based: random operation sequences against a plain reference model.

type Expect = "pending" | "granted" | "closed" | "aborted";

interface Model {
  nextId: number;
  /** Free permits, counting those a waiting head has already collected. */
  free: number;
  closed: boolean;
  queue: { id: number; n: number }[];
  expect: Map<number, Expect>;
  held: Map<number, number>;
}

interface Real {
  semaphore: Semaphore;
  probes: Map<number, Probe<SemaphorePermit>>;
  controllers: Map<number, AbortController>;
  permits: Map<number, SemaphorePermit>;
}

function pump(m: Model): void {
  while (m.queue.length > 0 && m.free >= m.queue[0]!.n) {
    const { id, n } = m.queue.shift()!;
    m.free -= n;
    m.expect.set(id, "granted");
    m.held.set(id, n);
  }
}

async function verify(m: Model, r: Real): Promise<void> {
  await flush();
  for (const [id, expected] of m.expect) {
    const outcome = r.probes.get(id)!.outcome;
    if (expected === "pending") assert.equal(outcome.state, "pending", `acquire #${id}`);
    else if (expected === "granted") {
      assert.equal(outcome.state, "fulfilled", `acquire #${id}`);
      if (outcome.state === "fulfilled") {
        assert.equal(outcome.value.permits, m.held.get(id) ?? 0);
        if (!r.permits.has(id) && m.held.has(id)) r.permits.set(id, outcome.value);
      }
    } else {
      assert.equal(outcome.state, "rejected", `acquire #${id}`);
      if (outcome.state === "rejected") {
        if (expected === "closed") assert.ok(outcome.reason instanceof SemaphoreClosedError);
        else assert.equal(outcome.reason, `abort #${id}`);
      }
    }
  }
  assert.equal(r.semaphore.waiting, m.queue.length);
  assert.equal(r.semaphore.available, m.queue.length > 0 ? 0 : m.free);
}

class Acquire implements fc.AsyncCommand<Model, Real> {
  constructor(readonly n: number) {}
  check(): boolean {
    return true;
  }
  async run(m: Model, r: Real): Promise<void> {
    const id = m.nextId++;
    const controller = new AbortController();
    r.controllers.set(id, controller);
    r.probes.set(id, probe(r.semaphore.acquire(this.n, { signal: controller.signal })));
    if (m.closed) m.expect.set(id, "closed");
    else if (this.n === 0 || (m.queue.length === 0 && m.free >= this.n)) {
      m.free -= this.n;
      m.expect.set(id, "granted");
      if (this.n > 0) m.held.set(id, this.n);
    } else {
      m.expect.set(id, "pending");
      m.queue.push({ id, n: this.n });
    }
    await verify(m, r);
  }
  toString(): string {
    return `acquire(${this.n})`;
  }
}

class TryAcquire implements fc.AsyncCommand<Model, Real> {
  constructor(readonly n: number) {}
  check(): boolean {
    return true;
  }
  async run(m: Model, r: Real): Promise<void> {
    if (m.closed) {
      assert.throws(() => r.semaphore.tryAcquire(this.n), SemaphoreClosedError);
    } else if (this.n === 0 || (m.queue.length === 0 && m.free >= this.n)) {
      const permit = r.semaphore.tryAcquire(this.n);
      assert.ok(permit);
      const id = m.nextId++;
      m.free -= this.n;
      m.expect.set(id, "granted");
      m.held.set(id, this.n);
      r.probes.set(id, probe(Promise.resolve(permit)));
    } else {
      assert.equal(r.semaphore.tryAcquire(this.n), undefined);
    }
    await verify(m, r);
  }
  toString(): string {
    return `tryAcquire(${this.n})`;
  }
}

class Release implements fc.AsyncCommand<Model, Real> {
  constructor(readonly pick: number, readonly forget: boolean) {}
  check(m: Readonly<Model>): boolean {
    return m.held.size > 0;
  }
  async run(m: Model, r: Real): Promise<void> {
    const ids = [...m.held.keys()];
    const id = ids[this.pick % ids.length]!;
    const permit = r.permits.get(id)!;
    if (this.forget) permit.forget();
    else {
      permit.release();
      m.free += m.held.get(id)!;
    }
    m.held.delete(id);
    pump(m);
    await verify(m, r);
  }
  toString(): string {
    return `${this.forget ? "forget" : "release"}(held[${this.pick}])`;
  }
}

class Abort implements fc.AsyncCommand<Model, Real> {
  constructor(readonly pick: number) {}
  check(m: Readonly<Model>): boolean {
    return m.queue.length > 0;
  }
  async run(m: Model, r: Real): Promise<void> {
    const { id } = m.queue.splice(this.pick % m.queue.length, 1)[0]!;
    r.controllers.get(id)!.abort(`abort #${id}`);
    m.expect.set(id, "aborted");
    pump(m);
    await verify(m, r);
  }
  toString(): string {
    return `abort(queue[${this.pick}])`;
  }
}

class AddPermits implements fc.AsyncCommand<Model, Real> {
  constructor(readonly n: number) {}
  check(): boolean {
    return true;
  }
  async run(m: Model, r: Real): Promise<void> {
    r.semaphore.addPermits(this.n);
    m.free += this.n;
    pump(m);
    await verify(m, r);
  }
  toString(): string {
    return `addPermits(${this.n})`;
  }
}

class Close implements fc.AsyncCommand<Model, Real> {
  check(): boolean {
    return true;
  }
  async run(m: Model, r: Real): Promise<void> {
    r.semaphore.close();
    m.closed = true;
    for (const { id } of m.queue) m.expect.set(id, "closed");
    m.queue = [];
    await verify(m, r);
  }
  toString(): string {
    return "close()";
  }
}

Deno.test("Semaphore matches a reference model over random operation sequences", async () => {
  const count = fc.integer({ min: 0, max: 4 });
  const command: fc.Arbitrary<fc.AsyncCommand<Model, Real>> = fc.oneof(
    { weight: 6, arbitrary: count.map((n) => new Acquire(n)) },
    { weight: 2, arbitrary: count.map((n) => new TryAcquire(n)) },
    {
      weight: 5,
      arbitrary: fc.tuple(fc.nat(), fc.boolean()).map(([pick, forget]) =>
        new Release(pick, forget)
      ),
    },
    { weight: 3, arbitrary: fc.nat().map((pick) => new Abort(pick)) },
    { weight: 2, arbitrary: count.map((n) => new AddPermits(n)) },
    { weight: 1, arbitrary: fc.constant(new Close()) },
  );
  const commands = fc.commands([command], { maxCommands: 40 });
  await fc.assert(
    fc.asyncProperty(count, commands, async (initial, cmds) => {
      await fc.asyncModelRun(() => ({
        model: {
          nextId: 0,
          free: initial,
          closed: false,
          queue: [],
          expect: new Map(),
          held: new Map(),
        },
        real: {
          semaphore: new Semaphore(initial),
          probes: new Map(),
          controllers: new Map(),
          permits: new Map(),
        },
      }), cmds);
    }),
    { numRuns: 500 },
  );
});

Deno.test("Semaphore forgetPermits removes only free permits and reports how many", async () => {
  const semaphore = new Semaphore(4);
  assert.equal(semaphore.forgetPermits(0), 0);
  assert.equal(semaphore.forgetPermits(1), 1);
  const held = await semaphore.acquire(2);
  assert.equal(semaphore.forgetPermits(10), 1);
  assert.equal(semaphore.available, 0);
  // a waiter that collected some permits keeps them
  const waiting = probe(semaphore.acquire(3));
  held.release();
  await flush();
  assert.equal(semaphore.forgetPermits(10), 0);
  assert.equal(waiting.outcome.state, "pending");
  semaphore.addPermits(1);
  await flush();
  assert.equal(waiting.outcome.state, "fulfilled");
  for (const bad of [-1, 0.5, NaN]) assert.throws(() => semaphore.forgetPermits(bad), RangeError);
});

Deno.test("SemaphorePermit merge and split move permits without returning any", async () => {
  const semaphore = new Semaphore(5);
  const a = await semaphore.acquire(2);
  const b = await semaphore.acquire(3);
  a.merge(b);
  assert.equal(a.permits, 5);
  assert.equal(b.permits, 0);
  b.release(); // holds nothing now
  assert.equal(semaphore.available, 0);
  const part = a.split(2)!;
  assert.equal(part.permits, 2);
  assert.equal(a.permits, 3);
  assert.equal(a.split(4), undefined);
  assert.equal(a.permits, 3);
  assert.equal(a.split(0)?.permits, 0);
  part.release();
  assert.equal(semaphore.available, 2);
  a.release();
  assert.equal(semaphore.available, 5);
  assert.throws(() => a.split(-1), RangeError);
});

Deno.test("SemaphorePermit merge refuses another semaphore's permit and itself", async () => {
  const one = new Semaphore(1);
  const two = new Semaphore(1);
  const a = await one.acquire();
  const b = await two.acquire();
  assert.throws(() => a.merge(b), {
    name: "TypeError",
    message: "Cannot merge a SemaphorePermit of another Semaphore",
  });
  assert.throws(() => a.merge(a), TypeError);
  assert.equal(a.permits, 1);
  assert.equal(b.permits, 1);
  a.release();
  b.release();
});
