import assert from "node:assert/strict";
import fc from "fast-check";
import {
  arbitrateSignal,
  claimSignal,
  mpsc,
  select,
  type SelectBranch,
  Waiter,
  WaitQueue,
} from "@weir/weir/sync";
import { FakeClock, RateLimiter, timeout } from "@weir/weir/time";
import { flush, seeded } from "./_task_util.ts";

/** A third-party source built on the public contract: a LIFO of items with waiting takers. */
class Stack<T> {
  readonly items: T[] = [];
  readonly #takers = new WaitQueue<Waiter<T>>();

  push(item: T): void {
    for (let taker = this.#takers.shift(); taker; taker = this.#takers.shift()) {
      if (taker.claim()) return taker.resolve(item);
    }
    this.items.push(item);
  }

  pop(options: { signal?: AbortSignal } = {}): Promise<T> {
    const { signal } = options;
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (this.items.length !== 0) {
      if (!claimSignal(signal)) return Promise.reject(signal!.reason);
      return Promise.resolve(this.items.pop()!);
    }
    const taker = new Waiter<T>(signal);
    this.#takers.push(taker);
    return taker.promise;
  }

  get waiting(): number {
    return this.#takers.size;
  }
}

Deno.test("claimSignal: no signal and unarbitrated signals are granted, aborted ones refused", () => {
  assert.equal(claimSignal(undefined), true);
  assert.equal(claimSignal(new AbortController().signal), true);
  assert.equal(claimSignal(AbortSignal.abort()), false);
});

Deno.test("arbitrateSignal: the arbiter decides every claim; a later registration replaces it", () => {
  const controller = new AbortController();
  const calls: string[] = [];
  arbitrateSignal(controller.signal, () => (calls.push("first"), true));
  assert.equal(claimSignal(controller.signal), true);
  arbitrateSignal(controller.signal, () => {
    calls.push("second");
    controller.abort(new Error("refused"));
    return false;
  });
  assert.equal(claimSignal(controller.signal), false);
  assert.equal(controller.signal.aborted, true);
  // an aborted signal is refused without asking the arbiter again
  assert.equal(claimSignal(controller.signal), false);
  assert.deepEqual(calls, ["first", "second"]);
});

Deno.test("a user source on the contract never loses an item to a losing select branch", async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.integer({ min: 0, max: 3 }),
      fc.integer({ min: 0, max: 3 }),
      fc.integer(),
      fc.boolean(),
      async (inA, inB, seed, waitFirst) => {
        const a = new Stack<string>();
        const b = new Stack<string>();
        if (!waitFirst) {
          for (let i = 0; i < inA; i++) a.push(`a${i}`);
          for (let i = 0; i < inB; i++) b.push(`b${i}`);
        }
        const total = inA + inB;
        const branches: (SelectBranch | false)[] = [
          (signal) => a.pop({ signal }),
          (signal) => b.pop({ signal }),
          total === 0 ? (() => Promise.resolve("idle")) : false,
        ];
        const race = select(branches, { random: seeded(seed) });
        if (waitFirst) {
          // both branches wait; the pushes arrive in one turn
          for (let i = 0; i < inA; i++) a.push(`a${i}`);
          for (let i = 0; i < inB; i++) b.push(`b${i}`);
        }
        const won = await race;
        await flush();
        const taken = won.value === "idle" ? 0 : 1;
        assert.equal(a.items.length + b.items.length, total - taken);
        assert.equal(a.waiting + b.waiting, 0, "a losing waiter left its line");
      },
    ),
    { numRuns: 200 },
  );
});

Deno.test("time takes part without importing sync: timeout and RateLimiter inside select", async () => {
  const clock = new FakeClock();
  const [tx, rx] = mpsc<number>(2);
  tx.trySend(1);
  const limiter = new RateLimiter({ rate: 1, burst: 1, clock });
  // the timeout's work takes the message first: it wins, the limiter keeps its token
  const won = await select([
    (signal) => timeout(100, (inner) => rx.recv({ signal: inner }), { signal, clock }),
    (signal) => limiter.acquire(1, { signal }),
  ], { biased: true });
  assert.deepEqual(won, { index: 0, value: { done: false, value: 1 } });
  assert.equal(limiter.available, 1);
});
