import { arbitrateSignal, claimSignal } from "./select_safety.ts";
import { onAbort } from "./_task_abort.ts";
import { callAsync } from "./_task_call.ts";

/**
 * One branch of {@linkcode select}: starts an operation that must stop when
 * its `signal` aborts. `false`, `null` and `undefined` in the branch list
 * disable a branch for that call (Tokio's `, if condition` precondition),
 * keeping the other branches' indexes stable.
 */
export type SelectBranch = (signal: AbortSignal) => unknown;

/**
 * What {@linkcode select} resolves to: the index of the winning branch and
 * its value, typed per branch, so checking `index` narrows `value`.
 *
 * @typeParam B The tuple of branches passed to `select`.
 */
export type SelectResult<B extends readonly (SelectBranch | false | null | undefined)[]> = {
  [I in keyof B]: [Extract<B[I], SelectBranch>] extends [never] ? never : {
    /** The winning branch's position in the branch list. */
    readonly index: I extends `${infer N extends number}` ? N : number;
    /** What the winning branch's promise resolved to. */
    readonly value: Awaited<ReturnType<Extract<B[I], SelectBranch>>>;
  };
}[number];

/** Options for {@linkcode select}. */
export interface SelectOptions {
  /**
   * Starts the branches in list order instead of from a random one, so
   * among branches that settle in the same turn the first listed wins (put
   * shutdown first). Unbiased selection is fairer: an always-ready branch
   * cannot starve the others.
   *
   * @default {false}
   */
  biased?: boolean;
  /**
   * Aborts every branch (with `signal.reason`) and rejects the call with
   * `signal.reason`; but once a branch has taken something (see "Cancel
   * safety" on {@linkcode select}), the call still settles like that branch.
   *
   * @default {undefined}
   */
  signal?: AbortSignal | undefined;
  /**
   * The source of randomness for the starting branch when not `biased`: a
   * function returning a number in `[0, 1)`, as `Math.random` does (inject a
   * seeded one for reproducible tests).
   *
   * @default {Math.random}
   */
  random?: () => number;
}

/**
 * Races branches and settles like the first one to settle, as Tokio's
 * `select!`, except that a branch that takes something wins (see below).
 * Each branch is a function called with its own `AbortSignal`; once a
 * branch wins, every other branch's signal is aborted (with an
 * `AbortError`) **before** `select` settles, so the losers are already told
 * to stop when the caller resumes. A branch that fulfils gives
 * `{ index, value }`; one that rejects makes `select` reject with its error.
 *
 * Branches start in list order with `biased: true`; otherwise from a random
 * branch (then round the list), so that among branches that settle in the
 * same turn, which one is first started, and therefore wins, is fair.
 *
 * ## Cancel safety
 *
 * weir's own waiting operations never lose an item to a losing branch.
 * Given the branch's `signal`, each one claims it at the moment it takes
 * something, and the first claim decides the call: the other branches are
 * aborted at once, before anything can be handed to them, and branches not
 * yet started are not started (Tokio's losing branches are never polled
 * again either). When two channels both hold a message, one is received
 * and the other stays in its channel. Covered: `mpsc` `recv`, `recvMany`,
 * `send`, `reserve` and `reserveMany`; `broadcast` and `oneshot` `recv`;
 * `watch` `changed` and `waitFor`; `Semaphore.acquire`; `Mutex.lock`;
 * `RwLock` `read` and `write`; `Notify.notified`; `Pool.acquire`; `JoinSet`
 * and `JoinMap` `joinNext`; `RateLimiter.acquire`, `Interval.tick`,
 * `DelayQueue` `next` and `insert`; `BufReader` reads, `duplex` and
 * `simplex` reads and writes, and `next` on `FramedRead`, `Framed` and
 * `DatagramFramed`;
 * each method's docs say whether it is select-safe. Pass them the branch's
 * signal itself: a signal derived from it (`AbortSignal.any`) is not
 * arbitrated. A `select` nested in a branch, given that branch's signal as
 * its `signal`, claims it for its own winner, and so does `timeout` for its
 * work. A source of your own takes part by calling
 * {@linkcode claimSignal} right before it takes (or by serving its waiters
 * through a {@linkcode WaitQueue}).
 *
 * A branch is decided by its first take, even if it goes on waiting: one
 * that sends a request and then awaits the reply wins once the request is
 * in the channel, however long the reply takes, so a timer branch can no
 * longer end the wait. To bound such an exchange, send first, then race
 * only the reply against the timer.
 *
 * Any other promise can lose data: aborting a losing branch stops it; it
 * does not undo what it already did, and a plain promise that has consumed
 * something cannot give it back. In a `select` that runs in a loop, use
 * only branches whose operation is cancel safe, meaning that aborting it and
 * starting it again loses nothing: the operations above, `sleep`,
 * `CancellationToken.cancelled`. A raw `conn.read(p)` is not: it cannot be
 * aborted and puts bytes into `p` after its branch lost (read through a
 * `BufReader`, which keeps them for the next call).
 *
 * The classic way to lose data is Tokio's `read_exact` in a `select!` loop.
 * Say one branch reads a 10-byte header with repeated `conn.read()` calls and
 * a timer branch keeps the loop alive. The header branch has read 4 bytes
 * when the timer wins: it is aborted, and those 4 bytes, already taken off
 * the socket, are gone. The next turn starts a fresh 10-byte read in the
 * middle of the stream. The fix is to start such an operation once, outside
 * the loop, and race the same promise on every turn (`() => header`): losing
 * a turn then cancels nothing. Operations that take a lock or a permit
 * (`Mutex.lock`, `Semaphore.acquire`) are safe but lose their queue place.
 *
 * A handler, the code that runs after `select` resolves, is never aborted by
 * the losing branches: they are already stopped.
 *
 * @typeParam B The tuple of branches, inferred from the call.
 * @param branches The branches; `false`, `null` or `undefined` disables one.
 * @param options `biased`, `signal` and `random`.
 * @returns The winning branch's index and value.
 * @throws {TypeError} If no branch is enabled (Tokio's "all branches are
 * disabled and there is no else branch").
 * @throws {RangeError} If `random` returns a number outside `[0, 1)`.
 *
 * @example Race a result against a timeout
 * ```ts
 * import { select } from "@weir/weir/sync";
 * import assert from "node:assert/strict";
 *
 * let lostAborted = false;
 * const result = await select([
 *   (signal) =>
 *     new Promise<never>((_, reject) => {
 *       signal.addEventListener("abort", () => {
 *         lostAborted = true;
 *         reject(signal.reason);
 *       });
 *     }),
 *   async () => "ready" as const,
 * ]);
 * assert.deepEqual(result, { index: 1, value: "ready" });
 * assert.equal(lostAborted, true);
 * ```
 *
 * @example Two channels ready at once: the loser keeps its message
 * ```ts
 * import { mpsc, select } from "@weir/weir/sync";
 * import assert from "node:assert/strict";
 *
 * const [tx1, rx1] = mpsc<string>(4);
 * const [tx2, rx2] = mpsc<string>(4);
 * tx1.trySend("a");
 * tx2.trySend("b");
 * const won = await select([
 *   (signal) => rx1.recv({ signal }),
 *   (signal) => rx2.recv({ signal }),
 * ], { biased: true });
 * assert.deepEqual(won, { index: 0, value: { done: false, value: "a" } });
 * assert.equal(rx2.tryRecv()?.value, "b"); // not lost
 * ```
 *
 * @example A cancel-safe loop: the long read is started once
 * ```ts
 * import { select } from "@weir/weir/sync";
 * import assert from "node:assert/strict";
 *
 * // Stands for a 10-byte header read that needs several turns of the loop.
 * const { promise: header, resolve: finishHeader } = Promise.withResolvers<string>();
 * let ticks = 0;
 * for (;;) {
 *   const won = await select([
 *     () => header, // the same promise every turn: losing a turn loses nothing
 *     async () => "tick" as const,
 *   ], { biased: true });
 *   if (won.index === 0) {
 *     assert.equal(won.value, "HEADER....");
 *     break;
 *   }
 *   if (++ticks === 3) finishHeader("HEADER....");
 * }
 * assert.equal(ticks, 3);
 * ```
 */
export function select<const B extends readonly (SelectBranch | false | null | undefined)[]>(
  branches: B,
  options: SelectOptions = {},
): Promise<SelectResult<B>> {
  const { biased = false, signal, random = Math.random } = options;
  if (signal?.aborted) return Promise.reject(signal.reason);
  const enabled: number[] = [];
  for (let i = 0; i < branches.length; i++) if (branches[i]) enabled.push(i);
  if (enabled.length === 0) {
    return Promise.reject(
      new TypeError(`'branches' has no enabled branch: all ${branches.length} are disabled`),
    );
  }
  const roll = biased ? 0 : random();
  if (!(roll >= 0 && roll < 1)) {
    return Promise.reject(
      new RangeError(`'random' must return a number in [0, 1): received ${roll}`),
    );
  }
  return new Promise<SelectResult<B>>((resolve, reject) => {
    const controllers = new Map<number, AbortController>();
    // The branch this call settles with: the first to claim (see
    // `sync/select_safety.ts`), else the first to settle; ABORTED once `signal`
    // aborted before any branch claimed.
    let winner = NONE;
    let lost: DOMException | undefined;
    const abortAll = (reason: unknown, except: number) => {
      for (const [index, controller] of controllers) {
        if (index !== except) controller.abort(reason);
      }
    };
    const choose = (index: number) => {
      winner = index;
      lost = new DOMException(`Select chose branch ${index}`, "AbortError");
      abortAll(lost, index);
    };
    const detach = onAbort(signal, (reason) => {
      // A branch that claimed has taken something: it still settles the call.
      const claimed = winner !== NONE;
      if (!claimed) winner = ABORTED;
      abortAll(reason, -1);
      if (!claimed) reject(reason);
    });
    const arbiter = (index: number, controller: AbortController) => (): boolean => {
      if (winner === index) return true;
      // Nested in another select's branch, claim that branch too.
      if (winner === NONE && claimSignal(signal)) {
        choose(index);
        return true;
      }
      controller.abort(lost ?? signal?.reason);
      return false;
    };
    const finish = (index: number, settle: () => void) => {
      if (winner === NONE) choose(index);
      else if (winner !== index) return;
      detach();
      settle();
    };
    const first = Math.floor(roll * enabled.length);
    for (let k = 0; k < enabled.length && winner === NONE; k++) {
      const index = enabled[(first + k) % enabled.length]!;
      const branch = branches[index] as SelectBranch;
      const controller = new AbortController();
      controllers.set(index, controller);
      arbitrateSignal(controller.signal, arbiter(index, controller));
      callAsync(branch, controller.signal).then(
        (value) => finish(index, () => resolve({ index, value } as SelectResult<B>)),
        (error) => finish(index, () => reject(error)),
      );
    }
  });
}

/** `winner` before any branch is chosen. */
const NONE = -1;
/** `winner` once the call's own signal aborted first. */
const ABORTED = -2;
