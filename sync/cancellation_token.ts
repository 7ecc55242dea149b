import { abortableWait, noop, onAbort } from "./_task_abort.ts";
import { callAsync } from "./_task_call.ts";
import type { SyncWaitOptions } from "./wait_options.ts";

/**
 * A cancellation flag that can be shared and arranged in a tree, as
 * tokio-util's `CancellationToken`: cancelling a token cancels every
 * descendant made with {@linkcode CancellationToken.prototype.child | child()},
 * never its parent. Each token wraps an `AbortController` and exposes its
 * {@linkcode CancellationToken.prototype.signal | signal}, so it plugs into
 * anything that takes an `AbortSignal` (`fetch`, `Deno.connect`, every
 * waiting call in weir).
 *
 * Disposing a token (`using token = parent.child()`) detaches it from its
 * parent without cancelling anything, so a long-lived parent does not
 * accumulate one listener per short-lived child.
 *
 * @example Graceful shutdown of a worker tree
 * ```ts
 * import { CancellationToken } from "@weir/weir/sync";
 * import assert from "node:assert/strict";
 *
 * const shutdown = new CancellationToken();
 * const worker = shutdown.child();
 * const stopped = worker.cancelled().then(() => "stopped");
 *
 * worker.cancel();
 * assert.equal(shutdown.isCancelled, false);
 *
 * const other = shutdown.child();
 * shutdown.cancel(new Error("bye"));
 * assert.equal(other.isCancelled, true);
 * assert.equal((other.signal.reason as Error).message, "bye");
 * assert.equal(await stopped, "stopped");
 * ```
 */
export class CancellationToken implements Disposable {
  #controller = new AbortController();
  #detach: () => void = noop;
  #cancelled: Promise<void> | undefined;

  /**
   * The signal that aborts when this token is cancelled; its `reason` is the
   * reason given to {@linkcode CancellationToken.prototype.cancel | cancel()}.
   *
   * @example Usage
   * ```ts
   * import { CancellationToken } from "@weir/weir/sync";
   * import assert from "node:assert/strict";
   *
   * const token = new CancellationToken();
   * token.cancel();
   * assert.equal(token.signal.aborted, true);
   * assert.equal((token.signal.reason as DOMException).name, "AbortError");
   * ```
   */
  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  /**
   * Whether this token (or an ancestor it is still attached to) was cancelled.
   *
   * @example Usage
   * ```ts
   * import { CancellationToken } from "@weir/weir/sync";
   * import assert from "node:assert/strict";
   *
   * const token = new CancellationToken();
   * assert.equal(token.isCancelled, false);
   * token.cancel();
   * assert.equal(token.isCancelled, true);
   * ```
   */
  get isCancelled(): boolean {
    return this.#controller.signal.aborted;
  }

  /**
   * Cancels this token and, synchronously, every attached descendant. Only
   * the first call has an effect.
   *
   * @param reason The signal's `reason`; an `AbortError` `DOMException` when
   * omitted, as with `AbortController.abort()`.
   *
   * @example Usage
   * ```ts
   * import { CancellationToken } from "@weir/weir/sync";
   * import assert from "node:assert/strict";
   *
   * const token = new CancellationToken();
   * const child = token.child();
   * token.cancel("first");
   * token.cancel("second");
   * assert.equal(child.signal.reason, "first");
   * ```
   */
  cancel(reason?: unknown): void {
    this.#detach();
    this.#detach = noop;
    this.#controller.abort(reason);
  }

  /**
   * Resolves once the token is cancelled (at once if it already is).
   *
   * Cancel safety: aborting `options.signal` only stops this wait; calling
   * `cancelled()` again later observes the same state. Without a signal every
   * call returns the same promise, so calling it on each turn of a loop does
   * not pile up listeners.
   *
   * Select safety: select-safe; it takes nothing, so losing a `select`
   * loses nothing.
   *
   * @param options Optional `signal` to stop waiting.
   * @returns A promise that resolves when the token is cancelled, or rejects
   * with `options.signal.reason`.
   *
   * @example Usage
   * ```ts
   * import { CancellationToken } from "@weir/weir/sync";
   * import assert from "node:assert/strict";
   *
   * const token = new CancellationToken();
   * const stopper = new AbortController();
   * const waiting = token.cancelled({ signal: stopper.signal });
   * stopper.abort(new Error("gave up"));
   * await assert.rejects(waiting, { message: "gave up" });
   * token.cancel();
   * await token.cancelled();
   * ```
   */
  cancelled(options: SyncWaitOptions = {}): Promise<void> {
    const { signal } = options;
    return signal === undefined ? this.#cancelled ??= this.#wait(undefined) : this.#wait(signal);
  }

  /**
   * Runs `work` with this token's signal and settles like it, unless the
   * token is cancelled first: then it resolves `undefined` at once and the
   * work, told through its signal, is left to stop (its late result or error
   * is dropped). A token already cancelled does not start the work, as
   * Tokio's `run_until_cancelled` never polls it. When the work's own value
   * may be `undefined`, check `isCancelled` to tell the two apart.
   *
   * @typeParam T What the work resolves.
   * @param work A function called with the token's signal, or a promise
   * already running.
   * @returns The work's value, or `undefined` once cancelled.
   *
   * @example Stop a loop on shutdown
   * ```ts
   * import { CancellationToken } from "@weir/weir/sync";
   * import assert from "node:assert/strict";
   *
   * const shutdown = new CancellationToken();
   * const done = await shutdown.runUntilCancelled(async () => "finished");
   * assert.equal(done, "finished");
   * const forever = shutdown.runUntilCancelled((signal) =>
   *   new Promise<string>((_, reject) => signal.addEventListener("abort", () => reject(signal.reason)))
   * );
   * shutdown.cancel();
   * assert.equal(await forever, undefined);
   * ```
   */
  runUntilCancelled<T>(
    work: PromiseLike<T> | ((signal: AbortSignal) => T | PromiseLike<T>),
  ): Promise<T | undefined> {
    const signal = this.signal;
    const running = typeof work === "function"
      ? (signal.aborted ? undefined : callAsync(work, signal))
      : Promise.resolve(work);
    if (signal.aborted) {
      running?.catch(noop);
      return Promise.resolve(undefined);
    }
    return new Promise<T | undefined>((resolve, reject) => {
      const detach = onAbort(signal, () => {
        running!.catch(noop);
        resolve(undefined);
      });
      running!.then((value) => {
        detach();
        resolve(value);
      }, (error) => {
        detach();
        reject(error);
      });
    });
  }

  /**
   * Makes a token that is cancelled when this one is (with the same reason),
   * but whose own cancellation does not reach this one. The child of an
   * already cancelled token starts cancelled.
   *
   * @returns The new child token.
   *
   * @example Usage
   * ```ts
   * import { CancellationToken } from "@weir/weir/sync";
   * import assert from "node:assert/strict";
   *
   * const parent = new CancellationToken();
   * const child = parent.child();
   * const grandchild = child.child();
   * child.cancel();
   * assert.equal(grandchild.isCancelled, true);
   * assert.equal(parent.isCancelled, false);
   * parent.cancel();
   * assert.equal(parent.child().isCancelled, true);
   * ```
   */
  child(): CancellationToken {
    const child = new CancellationToken();
    if (this.isCancelled) child.cancel(this.signal.reason);
    else child.#detach = onAbort(this.signal, (reason) => child.cancel(reason));
    return child;
  }

  /**
   * Detaches this token from its parent without cancelling anything: it and
   * its own descendants no longer follow the parent. A token made with `new`
   * has no parent, so this does nothing for it.
   *
   * @example Usage
   * ```ts
   * import { CancellationToken } from "@weir/weir/sync";
   * import assert from "node:assert/strict";
   *
   * const server = new CancellationToken();
   * {
   *   using request = server.child();
   *   assert.equal(request.isCancelled, false);
   * }
   * const detached = server.child();
   * detached[Symbol.dispose]();
   * server.cancel();
   * assert.equal(detached.isCancelled, false);
   * ```
   */
  [Symbol.dispose](): void {
    this.#detach();
    this.#detach = noop;
  }

  #wait(signal: AbortSignal | undefined): Promise<void> {
    return abortableWait<void>(signal, (resolve) => {
      if (this.isCancelled) {
        resolve();
        return noop;
      }
      return onAbort(this.signal, () => resolve());
    });
  }
}
