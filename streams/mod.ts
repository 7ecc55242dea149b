/**
 * Combinators over `AsyncIterable` and `ReadableStream` with bounded
 * concurrency, timeouts on a testable clock, and cleanup on early exit.
 *
 * ```ts
 * import * as streams from "@weir/weir/streams";
 *
 * console.log(typeof streams);
 * ```
 *
 * @module
 */
export {};
