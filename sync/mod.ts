/**
 * Coordination for async code: `Mutex`, `RwLock`, `Semaphore`, `Barrier`,
 * `Notify`; the channels `mpsc`, `oneshot`, `broadcast` and `watch`; and
 * task structure: `CancellationToken`, `JoinSet`, `TaskTracker`, `select`,
 * `join`/`tryJoin` and a resource `Pool`. Every wait takes an `AbortSignal`
 * and leaves no trace when aborted; guards and permits work with `using`.
 * `select` never loses an item to a losing branch: every source that takes
 * something claims its signal first ({@linkcode claimSignal}), a contract
 * your own sources can keep too. The OpenTelemetry bridge every weir module
 * shares lives here too: meter and tracer types shaped like OpenTelemetry's
 * (`OtelMeter`, `OtelTracer`; nothing imported), `otelMeter()` /
 * `otelTracer()` for the global API Deno registers under `OTEL_DENO=true`,
 * and `OtelCensus`, which reports many objects' plain counters when the
 * meter collects.
 *
 * ```ts
 * import { mpsc, Semaphore } from "@weir/weir/sync";
 * import assert from "node:assert/strict";
 *
 * const limit = new Semaphore(2);
 * const [tx, rx] = mpsc<number>(16); // bounded: send waits when full
 * await Promise.all([1, 2, 3].map(async (n) => {
 *   using _permit = await limit.acquire();
 *   await tx.send(n * n);
 * }));
 * tx.close();
 * const squares: number[] = [];
 * for await (const n of rx) squares.push(n);
 * assert.deepEqual(squares.sort(), [1, 4, 9]);
 * ```
 *
 * @module
 */
// -- the select-safety contract and its building blocks --
export * from "./abortable.ts";
export * from "./select_safety.ts";
export * from "./wait_queue.ts";
// -- primitives and channels --
export * from "./wait_options.ts";
export * from "./mutex.ts";
export * from "./rw_lock.ts";
export * from "./semaphore.ts";
export * from "./semaphore_closed_error.ts";
export * from "./barrier.ts";
export * from "./notify.ts";
export * from "./recv_result.ts";
export * from "./channel_errors.ts";
export * from "./mpsc.ts";
export * from "./oneshot.ts";
export * from "./broadcast.ts";
export * from "./watch.ts";
// -- task structure --
export * from "./cancellation_token.ts";
export * from "./join_set.ts";
export * from "./join_map.ts";
export * from "./task_tracker.ts";
export * from "./select.ts";
export * from "./join.ts";
export * from "./pool.ts";
export * from "./pool_drained_error.ts";
// -- telemetry bridge --
export * from "./otel.ts";
export * from "./otel_census.ts";
