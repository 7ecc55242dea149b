/**
 * Combinators over `AsyncIterable` and `ReadableStream`, after
 * tokio-stream and futures' `StreamExt`: plain functions that take the
 * source first and return a {@linkcode StreamIterator}, so they nest and
 * `for await` over any of them.
 *
 * - per item: {@linkcode map}, {@linkcode filter}, {@linkcode filterMap},
 *   {@linkcode inspect}, {@linkcode scan}, {@linkcode enumerate};
 * - slicing: {@linkcode take}, {@linkcode skip}, {@linkcode takeWhile},
 *   {@linkcode skipWhile}, {@linkcode takeUntil};
 * - shape: {@linkcode flatten}, {@linkcode chunks},
 *   {@linkcode chunksTimeout};
 * - bounded concurrency: {@linkcode buffered} (source order) and
 *   {@linkcode bufferUnordered} (completion order);
 * - several sources: {@linkcode merge}, {@linkcode zip},
 *   {@linkcode StreamMap};
 * - time, on a `Clock` (a `FakeClock` in tests): {@linkcode throttle},
 *   {@linkcode debounce}, {@linkcode timeoutEach},
 *   {@linkcode intervalStream};
 * - channels: {@linkcode fromChannel} (with `onLag: "skip"`, a lagging
 *   `broadcast` receiver skips what it missed and counts it),
 *   {@linkcode intoChannel};
 * - consuming: {@linkcode collect}, {@linkcode reduce},
 *   {@linkcode forEach}, {@linkcode pipeToSink}.
 *
 * Every combinator starts on the first `next()`, reads nothing ahead beyond
 * what it documents, takes a trailing `{ signal }`, and on early exit
 * (`break`, an error, an abort) cancels its sources and aborts the signal
 * handed to its callbacks and inner tasks: nothing keeps running after the
 * consumer left. Counts below 1 (0 for `take` and `skip`) throw a
 * `RangeError`.
 *
 * ```ts
 * import { bufferUnordered, collect, filter, map, take } from "@weir/weir/streams";
 * import assert from "node:assert/strict";
 *
 * const ids = ReadableStream.from([1, 2, 3, 4, 5, 6]);
 * const fetched = bufferUnordered(ids, 3, async (id, signal) => {
 *   signal.throwIfAborted();
 *   return { id, size: id * 100 };
 * });
 * const big = filter(map(fetched, (r) => r.size), (size) => size >= 300);
 * const firstTwo = await collect(take(big, 2));
 * assert.equal(firstTwo.length, 2);
 * assert.ok(firstTwo.every((size) => size >= 300));
 * ```
 *
 * @module
 */
export * from "./buffer_unordered.ts";
export * from "./buffered.ts";
export * from "./chunks.ts";
export * from "./chunks_timeout.ts";
export * from "./collect.ts";
export * from "./debounce.ts";
export * from "./enumerate.ts";
export * from "./filter.ts";
export * from "./filter_map.ts";
export * from "./flatten.ts";
export * from "./for_each.ts";
export * from "./from_channel.ts";
export * from "./inspect.ts";
export * from "./interval_stream.ts";
export * from "./into_channel.ts";
export * from "./map.ts";
export * from "./merge.ts";
export * from "./pipe_to_sink.ts";
export * from "./reduce.ts";
export * from "./scan.ts";
export * from "./skip.ts";
export * from "./skip_while.ts";
export * from "./stream_map.ts";
export * from "./take.ts";
export * from "./take_until.ts";
export * from "./take_while.ts";
export * from "./throttle.ts";
export * from "./timeout_each.ts";
export * from "./types.ts";
export * from "./zip.ts";
