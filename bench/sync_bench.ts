// Run: deno bench -A bench/sync_bench.ts
// weir's sync primitives next to the hand-written Deno equivalent and the
// npm peers, same run, same work per iteration.
import { mpsc, Mutex, Semaphore, unboundedMpsc } from "@weir/weir/sync";
import { Mutex as AsyncMutex, Semaphore as AsyncMutexSemaphore } from "async-mutex";
import { Sema } from "async-sema";
import pLimit from "p-limit";
import { FixedBuffer, Repeater } from "@repeaterjs/repeater";
import { pushable, pushableV } from "it-pushable";

const OPS = 1_000;
const TASKS = 100;
const ROUNDS = 10;
const MESSAGES = 10_000;
const CAPACITY = 64;

function noop(): void {}

// -- uncontended acquire/release ---------------------------------------------

Deno.bench({
  group: "lock uncontended",
  name: "weir Mutex lock/release",
  baseline: true,
  async fn() {
    const mutex = new Mutex(0);
    for (let i = 0; i < OPS; i++) (await mutex.lock()).release();
  },
});

Deno.bench({
  group: "lock uncontended",
  name: "weir Semaphore(1) acquire/release",
  async fn() {
    const semaphore = new Semaphore(1);
    for (let i = 0; i < OPS; i++) (await semaphore.acquire()).release();
  },
});

Deno.bench({
  group: "lock uncontended",
  name: "async-mutex Mutex acquire/release",
  async fn() {
    const mutex = new AsyncMutex();
    for (let i = 0; i < OPS; i++) (await mutex.acquire())();
  },
});

Deno.bench({
  group: "lock uncontended",
  name: "async-sema Sema(1) acquire/release",
  async fn() {
    const sema = new Sema(1);
    for (let i = 0; i < OPS; i++) {
      await sema.acquire();
      sema.release();
    }
  },
});

Deno.bench({
  group: "lock uncontended",
  name: "p-limit(1) run",
  async fn() {
    const limit = pLimit(1);
    for (let i = 0; i < OPS; i++) await limit(noop);
  },
});

Deno.bench({
  group: "lock uncontended",
  name: "floor: await Promise.resolve(token), no lock at all",
  async fn() {
    const token = {};
    for (let i = 0; i < OPS; i++) await Promise.resolve(token);
  },
});

Deno.bench({
  group: "lock uncontended",
  name: "weir Mutex tryLock/release (sync)",
  fn() {
    const mutex = new Mutex(0);
    for (let i = 0; i < OPS; i++) mutex.tryLock()!.release();
  },
});

Deno.bench({
  group: "lock uncontended",
  name: "async-sema Sema(1) tryAcquire/release (sync)",
  fn() {
    const sema = new Sema(1);
    for (let i = 0; i < OPS; i++) {
      sema.tryAcquire();
      sema.release();
    }
  },
});

// -- contended: TASKS tasks, each locking ROUNDS times ------------------------

async function contend(lockOnce: () => Promise<void>): Promise<void> {
  const tasks = [];
  for (let t = 0; t < TASKS; t++) {
    tasks.push((async () => {
      for (let r = 0; r < ROUNDS; r++) await lockOnce();
    })());
  }
  await Promise.all(tasks);
}

Deno.bench({
  group: "lock contended",
  name: "weir Mutex",
  baseline: true,
  async fn() {
    const mutex = new Mutex(0);
    await contend(async () => (await mutex.lock()).release());
  },
});

Deno.bench({
  group: "lock contended",
  name: "async-mutex Mutex",
  async fn() {
    const mutex = new AsyncMutex();
    await contend(async () => (await mutex.acquire())());
  },
});

Deno.bench({
  group: "lock contended",
  name: "async-sema Sema(1)",
  async fn() {
    const sema = new Sema(1);
    await contend(async () => {
      await sema.acquire();
      sema.release();
    });
  },
});

Deno.bench({
  group: "lock contended",
  name: "p-limit(1)",
  async fn() {
    const limit = pLimit(1);
    await contend(() => limit(noop));
  },
});

Deno.bench({
  group: "semaphore(4) contended",
  name: "weir Semaphore",
  baseline: true,
  async fn() {
    const semaphore = new Semaphore(4);
    await contend(async () => (await semaphore.acquire()).release());
  },
});

Deno.bench({
  group: "semaphore(4) contended",
  name: "async-mutex Semaphore",
  async fn() {
    const semaphore = new AsyncMutexSemaphore(4);
    await contend(async () => (await semaphore.acquire())[1]());
  },
});

Deno.bench({
  group: "semaphore(4) contended",
  name: "async-sema Sema(4)",
  async fn() {
    const sema = new Sema(4);
    await contend(async () => {
      await sema.acquire();
      sema.release();
    });
  },
});

Deno.bench({
  group: "semaphore(4) contended",
  name: "p-limit(4)",
  async fn() {
    const limit = pLimit(4);
    await contend(() => limit(noop));
  },
});

// -- mpsc throughput: one producer, one consumer, MESSAGES messages ---------

/** The hand-written channel a Deno user writes (the @std/async Channel style). */
class ArrayChannel<T> {
  #buffer: T[] = [];
  #senders: { value: T; resolve: () => void }[] = [];
  #receivers: ((result: IteratorResult<T, undefined>) => void)[] = [];
  #closed = false;

  constructor(readonly capacity: number) {}

  async send(value: T): Promise<void> {
    if (this.#closed) throw new Error("closed");
    const receiver = this.#receivers.shift();
    if (receiver) return receiver({ done: false, value });
    if (this.#buffer.length < this.capacity) {
      this.#buffer.push(value);
      return;
    }
    await new Promise<void>((resolve) => this.#senders.push({ value, resolve }));
  }

  async receive(): Promise<IteratorResult<T, undefined>> {
    if (this.#buffer.length > 0) {
      const value = this.#buffer.shift()!;
      const sender = this.#senders.shift();
      if (sender) {
        this.#buffer.push(sender.value);
        sender.resolve();
      }
      return { done: false, value };
    }
    if (this.#closed) return { done: true, value: undefined };
    return await new Promise((resolve) => this.#receivers.push(resolve));
  }

  close(): void {
    this.#closed = true;
    for (const receiver of this.#receivers.splice(0)) receiver({ done: true, value: undefined });
  }
}

let sink = 0;

Deno.bench({
  group: "mpsc throughput",
  name: "weir mpsc(64) send/recv",
  baseline: true,
  async fn() {
    const [tx, rx] = mpsc<number>(CAPACITY);
    const producer = (async () => {
      for (let i = 0; i < MESSAGES; i++) await tx.send(i);
      tx.close();
    })();
    for (let r = await rx.recv(); !r.done; r = await rx.recv()) sink += r.value;
    await producer;
  },
});

Deno.bench({
  group: "mpsc throughput",
  name: "weir mpsc(64) send / for await",
  async fn() {
    const [tx, rx] = mpsc<number>(CAPACITY);
    const producer = (async () => {
      for (let i = 0; i < MESSAGES; i++) await tx.send(i);
      tx.close();
    })();
    for await (const v of rx) sink += v;
    await producer;
  },
});

Deno.bench({
  group: "mpsc throughput",
  name: "hand-written array channel(64)",
  async fn() {
    const channel = new ArrayChannel<number>(CAPACITY);
    const producer = (async () => {
      for (let i = 0; i < MESSAGES; i++) await channel.send(i);
      channel.close();
    })();
    for (let r = await channel.receive(); !r.done; r = await channel.receive()) sink += r.value;
    await producer;
  },
});

Deno.bench({
  group: "mpsc throughput",
  name: "@repeaterjs/repeater FixedBuffer(64)",
  async fn() {
    const repeater = new Repeater<number>(async (push, stop) => {
      for (let i = 0; i < MESSAGES; i++) await push(i);
      stop();
    }, new FixedBuffer(CAPACITY));
    for await (const v of repeater) sink += v;
  },
});

// -- unbounded push (the producer never waits; it yields every 64) --------

/** Pushes MESSAGES values synchronously, yielding to the consumer every 64. */
async function produce(push: (value: number) => void, end: () => void): Promise<void> {
  for (let i = 0; i < MESSAGES; i++) {
    push(i);
    if ((i & 63) === 63) await null;
  }
  end();
}

Deno.bench({
  group: "unbounded push",
  name: "weir unboundedMpsc trySend / for await",
  baseline: true,
  async fn() {
    const [tx, rx] = unboundedMpsc<number>();
    const producer = produce((v) => tx.trySend(v), () => tx.close());
    for await (const v of rx) sink += v;
    await producer;
  },
});

Deno.bench({
  group: "unbounded push",
  name: "it-pushable push / for await",
  async fn() {
    const source = pushable<number>({ objectMode: true });
    const producer = produce((v) => source.push(v), () => source.end());
    for await (const v of source) sink += v;
    await producer;
  },
});

Deno.bench({
  group: "unbounded push",
  name: "weir unboundedMpsc trySend / recvMany(64)",
  async fn() {
    const [tx, rx] = unboundedMpsc<number>();
    const producer = produce((v) => tx.trySend(v), () => tx.close());
    for (let batch = await rx.recvMany(64); batch.length > 0; batch = await rx.recvMany(64)) {
      for (const v of batch) sink += v;
    }
    await producer;
  },
});

Deno.bench({
  group: "unbounded push",
  name: "it-pushable pushableV push / for await (batches)",
  async fn() {
    const source = pushableV<number>({ objectMode: true });
    const producer = produce((v) => source.push(v), () => source.end());
    for await (const batch of source) for (const v of batch) sink += v;
    await producer;
  },
});

// -- reserving a batch of slots ----------------------------------------------
// A producer that must place BATCH messages together (a frame split in parts)
// reserves their slots, then sends through the permits; the consumer drains
// with recvMany. One reserveMany against BATCH awaited reserves.

const BATCH = 16;

async function drainBatches(rx: ReturnType<typeof mpsc<number>>[1]): Promise<void> {
  for (
    let batch = await rx.recvMany(CAPACITY);
    batch.length > 0;
    batch = await rx.recvMany(CAPACITY)
  ) {
    for (const v of batch) sink += v;
  }
}

Deno.bench({
  group: "mpsc reserve batch",
  name: "weir reserveMany(16) then permit.send",
  baseline: true,
  async fn() {
    const [tx, rx] = mpsc<number>(CAPACITY);
    const producer = (async () => {
      for (let i = 0; i < MESSAGES; i += BATCH) {
        const permits = await tx.reserveMany(BATCH);
        for (let k = 0; k < BATCH; k++) permits[k]!.send(i + k);
      }
      tx.close();
    })();
    await drainBatches(rx);
    await producer;
  },
});

Deno.bench({
  group: "mpsc reserve batch",
  name: "weir 16 x (await reserve()).send",
  async fn() {
    const [tx, rx] = mpsc<number>(CAPACITY);
    const producer = (async () => {
      for (let i = 0; i < MESSAGES; i += BATCH) {
        for (let k = 0; k < BATCH; k++) (await tx.reserve()).send(i + k);
      }
      tx.close();
    })();
    await drainBatches(rx);
    await producer;
  },
});
