import { checkSource } from "./_validate.ts";
import type { StreamOptions, StreamSource } from "./types.ts";

/**
 * Writes every item of `source` into `writable` and closes it at the end,
 * respecting its backpressure (`ReadableStream.prototype.pipeTo`, for any
 * source): a `ReadableStream` is piped directly, an `AsyncIterable` through
 * `ReadableStream.from`, which pulls it only as the sink asks.
 *
 * If the source throws, `writable` is aborted with the error; if the sink
 * fails, the source is cancelled; either way the call rejects with the
 * error. Aborting `signal` rejects with `signal.reason`, cancels the source
 * and aborts `writable`.
 *
 * @typeParam T The item type.
 * @param source The items.
 * @param writable The sink.
 * @param options The abort signal.
 * @returns A promise that resolves once every item was written and the
 * sink closed.
 * @throws {TypeError} (as a rejection) If `source` or `writable` has the
 * wrong type, or `writable` is locked.
 *
 * @example Usage
 * ```ts
 * import { map, pipeToSink } from "@weir/weir/streams";
 * import assert from "node:assert/strict";
 *
 * const written: string[] = [];
 * const sink = new WritableStream<string>({ write: (s) => void written.push(s) });
 * await pipeToSink(map(ReadableStream.from([1, 2]), String), sink);
 * assert.deepEqual(written, ["1", "2"]);
 * ```
 */
export async function pipeToSink<T>(
  source: StreamSource<T>,
  writable: WritableStream<T>,
  options: StreamOptions = {},
): Promise<void> {
  checkSource("source", source);
  if (!(writable instanceof WritableStream)) {
    throw new TypeError(`'writable' must be a WritableStream: received ${typeof writable}`);
  }
  const readable = source instanceof ReadableStream ? source : ReadableStream.from(source);
  await readable.pipeTo(writable, options.signal === undefined ? {} : { signal: options.signal });
}
