import { callAsync } from "./_task_call.ts";

/**
 * The values of {@linkcode join} and {@linkcode tryJoin}: one per function,
 * in argument order, each typed from that function's return.
 *
 * @typeParam F The tuple of functions passed in.
 */
export type JoinResult<F extends readonly ((signal: AbortSignal) => unknown)[]> = {
  -readonly [K in keyof F]: F[K] extends (signal: AbortSignal) => infer R ? Awaited<R> : never;
};

/**
 * Runs every function at once and waits for **all** of them, as Tokio's
 * `join!`: it resolves the array of values, in argument order, once all have
 * fulfilled. If any rejects, `join` still waits for the rest to settle, then
 * rejects with the first error that occurred, so nothing it started is left
 * running when it settles (unlike `Promise.all`). To stop at the first
 * error, use {@linkcode tryJoin}.
 *
 * @typeParam F The tuple of functions, inferred from the call.
 * @param fns The functions to run; each is called at once, and a
 * synchronous throw counts as a rejection.
 * @returns The values, in argument order.
 *
 * @example Usage
 * ```ts
 * import { join } from "@weir/weir/sync";
 * import assert from "node:assert/strict";
 *
 * const [n, s] = await join(async () => 1, async () => "two");
 * assert.equal(n + 1, 2);
 * assert.equal(s, "two");
 *
 * let slowFinished = false;
 * await assert.rejects(
 *   join(
 *     () => Promise.reject(new Error("fast failure")),
 *     async () => {
 *       await new Promise((resolve) => setTimeout(resolve, 1));
 *       slowFinished = true;
 *     },
 *   ),
 *   { message: "fast failure" },
 * );
 * assert.equal(slowFinished, true);
 * ```
 */
export function join<const F extends readonly (() => unknown)[]>(
  ...fns: F
): Promise<JoinResult<F>> {
  return new Promise<JoinResult<F>>((resolve, reject) => {
    const values = new Array<unknown>(fns.length);
    let left = fns.length;
    let failure: { error: unknown } | undefined;
    const settled = () => {
      if (--left > 0) return;
      if (failure === undefined) resolve(values as JoinResult<F>);
      else reject(failure.error);
    };
    if (left === 0) resolve(values as JoinResult<F>);
    fns.forEach((fn, i) => {
      callAsync(fn, undefined).then(
        (value) => {
          values[i] = value;
          settled();
        },
        (error) => {
          failure ??= { error };
          settled();
        },
      );
    });
  });
}

/**
 * Runs every function at once, each with a shared `AbortSignal`, and
 * resolves the array of values once all have fulfilled, as Tokio's
 * `try_join!`. The first rejection settles the call at once: the signal is
 * aborted (with an `AbortError`), telling every sibling to stop, and
 * `tryJoin` rejects with that error without waiting for them. Their later
 * results and errors are ignored, never reported as unhandled rejections.
 *
 * Seed 000's split client runs its reader and writer halves this way: when
 * one fails, the other is stopped and the error surfaces.
 *
 * @typeParam F The tuple of functions, inferred from the call.
 * @param fns The functions to run; each is called at once with the shared
 * signal, and a synchronous throw counts as a rejection.
 * @returns The values, in argument order.
 *
 * @example Usage
 * ```ts
 * import { tryJoin } from "@weir/weir/sync";
 * import assert from "node:assert/strict";
 *
 * let readerStopped = false;
 * await assert.rejects(
 *   tryJoin(
 *     (signal) =>
 *       new Promise<void>((_, reject) => {
 *         signal.addEventListener("abort", () => {
 *           readerStopped = true;
 *           reject(signal.reason);
 *         });
 *       }),
 *     async () => {
 *       throw new Error("write failed");
 *     },
 *   ),
 *   { message: "write failed" },
 * );
 * assert.equal(readerStopped, true);
 * assert.deepEqual(await tryJoin(async () => 1, async () => 2), [1, 2]);
 * ```
 */
export function tryJoin<const F extends readonly ((signal: AbortSignal) => unknown)[]>(
  ...fns: F
): Promise<JoinResult<F>> {
  return new Promise<JoinResult<F>>((resolve, reject) => {
    const controller = new AbortController();
    const values = new Array<unknown>(fns.length);
    let left = fns.length;
    if (left === 0) resolve(values as JoinResult<F>);
    for (let i = 0; i < fns.length; i++) {
      callAsync(fns[i]!, controller.signal).then(
        (value) => {
          values[i] = value;
          if (--left === 0) resolve(values as JoinResult<F>);
        },
        (error) => {
          if (controller.signal.aborted) return;
          controller.abort(new DOMException(`tryJoin function ${i} rejected`, "AbortError"));
          reject(error);
        },
      );
    }
  });
}
