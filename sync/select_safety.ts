// The select-safety contract. `select` aborts its losing branches, but a
// branch that already took a message cannot give it back, so a source that
// takes something claims the signal it was given, synchronously, right
// before taking. The arbiter of that signal (a `select` branch, a `timeout`
// work) decides: the first claim commits the select to its branch and
// aborts the others before anything is handed to them.
//
// The arbiter is stored on the signal object under a registered symbol
// rather than in a module-level map, so that code which cannot import sync/
// takes part with no import: time/ is a leaf below sync/ and implements the
// same few lines for `timeout`, `retry` and `RateLimiter` (time/_claim.ts),
// and a second copy of weir in one program shares the registry.

/**
 * Decides a claim made with the signal it was registered on: returns whether
 * the claim is granted. Refusing, it must leave that signal aborted (so the
 * claimer rejects with `signal.reason`).
 */
export type SignalArbiter = () => boolean;

/** The registered symbol under which an arbitrated signal carries its arbiter. */
const ARBITER: unique symbol = Symbol.for("@weir/weir/select-arbiter") as never;

type Arbitrated = AbortSignal & { [ARBITER]?: SignalArbiter };

/**
 * Claims `signal` right before taking something (a message, permits, a lock,
 * buffered bytes): the step every select-safe source performs, so that
 * {@linkcode select} never loses an item to a losing branch.
 *
 * A source is **select-safe** when every operation that can take something
 * calls `claimSignal(signal)` synchronously, right before it takes, on its
 * fast path and again when a waiting call is handed the item, and takes
 * nothing when the claim is refused. `false` means `signal` is aborted now
 * (it was, or its select chose another branch): take nothing and reject
 * with `signal.reason`. A claim may run abort listeners of other branches,
 * so read your state again after it. Without `signal`, or with a signal
 * nobody arbitrates, a claim is granted unless the signal is aborted.
 *
 * Only the signal a branch receives is arbitrated; a signal derived from it
 * (`AbortSignal.any`) is not. The arbiter is kept on the signal under
 * `Symbol.for("@weir/weir/select-arbiter")`, so a library that cannot import
 * weir takes part by calling the function stored there.
 *
 * @param signal The signal the operation was given, if any.
 * @returns Whether the operation may take now.
 *
 * @example A select-safe source of your own
 * ```ts
 * import { claimSignal, select } from "@weir/weir/sync";
 * import assert from "node:assert/strict";
 *
 * class Stack<T> {
 *   readonly items: T[] = [];
 *   // Takes an item only if its branch may win: nothing is lost to select.
 *   pop(options: { signal?: AbortSignal } = {}): Promise<T> {
 *     const { signal } = options;
 *     if (this.items.length === 0) return new Promise<never>(() => {});
 *     if (!claimSignal(signal)) return Promise.reject(signal!.reason);
 *     return Promise.resolve(this.items.pop()!);
 *   }
 * }
 * const a = new Stack<string>();
 * const b = new Stack<string>();
 * a.items.push("a");
 * b.items.push("b");
 * const won = await select([
 *   (signal) => a.pop({ signal }),
 *   (signal) => b.pop({ signal }),
 * ], { biased: true });
 * assert.deepEqual(won, { index: 0, value: "a" });
 * assert.deepEqual(b.items, ["b"]); // the losing branch took nothing
 * ```
 */
export function claimSignal(signal: AbortSignal | undefined): boolean {
  if (signal === undefined) return true;
  if (signal.aborted) return false;
  const arbiter = (signal as Arbitrated)[ARBITER];
  return arbiter === undefined || arbiter();
}

/**
 * Makes `arbiter` decide every {@linkcode claimSignal} made with `signal`:
 * the hook for a combinator that, like {@linkcode select}, hands operations
 * a signal of its own and must learn the moment one of them takes
 * something. Register before handing `signal` out; a later registration
 * replaces an earlier one.
 *
 * @param signal A signal the caller created (its controller's signal).
 * @param arbiter Returns whether a claim is granted; refusing, it aborts
 * `signal`.
 *
 * @example Learn when work took something
 * ```ts
 * import { arbitrateSignal, mpsc } from "@weir/weir/sync";
 * import assert from "node:assert/strict";
 *
 * const [tx, rx] = mpsc<number>(1);
 * tx.trySend(1);
 * const controller = new AbortController();
 * let took = false;
 * arbitrateSignal(controller.signal, () => (took = true));
 * assert.deepEqual(await rx.recv({ signal: controller.signal }), { done: false, value: 1 });
 * assert.equal(took, true);
 * ```
 */
export function arbitrateSignal(signal: AbortSignal, arbiter: SignalArbiter): void {
  Object.defineProperty(signal, ARBITER, { value: arbiter, configurable: true, writable: true });
}
