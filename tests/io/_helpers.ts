import assert from "node:assert/strict";
import fc from "fast-check";
import type { Reader, Writer } from "@weir/weir/io";

export const encoder = new TextEncoder();

/** Cuts `bytes` at the given offsets (sorted, deduplicated) into chunks. */
export function split(bytes: Uint8Array, cuts: number[]): Uint8Array[] {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const chunks: Uint8Array[] = [];
  let from = 0;
  for (const at of [...points, bytes.length]) {
    if (at > from) chunks.push(bytes.slice(from, at));
    from = at;
  }
  return chunks;
}

/** Arbitrary cut offsets for {@linkcode split}. */
export const cutsArb: fc.Arbitrary<number[]> = fc.array(fc.nat(10_000), { maxLength: 12 });

/** A Reader that hands out `chunks` one read at a time, as a socket would. */
export function chunkReader(chunks: Uint8Array[]): Reader & { reads: number } {
  let i = 0;
  let rest: Uint8Array | undefined;
  const reader = {
    reads: 0,
    read(p: Uint8Array): Promise<number | null> {
      reader.reads++;
      if (p.length === 0) return Promise.resolve(0);
      rest ??= chunks[i++];
      if (rest === undefined) return Promise.resolve(null);
      const n = Math.min(p.length, rest.length);
      p.set(rest.subarray(0, n));
      rest = n === rest.length ? undefined : rest.subarray(n);
      return Promise.resolve(n);
    },
  };
  return reader;
}

/** A byte stream (`type: "bytes"`) or a default stream yielding `chunks`. */
export function chunkStream(
  chunks: Uint8Array[],
  type: "bytes" | "default",
): ReadableStream<Uint8Array> {
  if (type === "default") return ReadableStream.from(chunks.map((c) => c.slice()));
  let i = 0;
  return new ReadableStream({
    type: "bytes",
    pull(controller) {
      let chunk = chunks[i++];
      while (chunk?.length === 0) chunk = chunks[i++]; // a byte stream refuses empty chunks
      if (chunk !== undefined) return controller.enqueue(chunk.slice());
      controller.close();
      // A byte stream must answer a pending BYOB read after closing.
      controller.byobRequest?.respond(0);
    },
  });
}

/** A Writer accepting at most `limits[k]` bytes on its k-th call (cycling). */
export function shortWriter(limits: number[] = [Infinity]): Writer & {
  bytes: number[];
  calls: number[];
} {
  const writer = {
    bytes: [] as number[],
    calls: [] as number[],
    write(p: Uint8Array): Promise<number> {
      const limit = limits[writer.calls.length % limits.length] ?? Infinity;
      const n = Math.min(p.length, limit);
      writer.calls.push(p.length);
      for (const byte of p.subarray(0, n)) writer.bytes.push(byte);
      return Promise.resolve(n);
    },
  };
  return writer;
}

/** A promise and its resolvers. */
export function deferred<T = void>(): PromiseWithResolvers<T> {
  return Promise.withResolvers<T>();
}

/** Lets queued microtasks and one macrotask run. */
export function tick(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/** Reads `reader` to its end with `read(p)` calls of `size` bytes, checking each count. */
export async function drain(reader: Reader, size: number): Promise<number[]> {
  const out: number[] = [];
  const p = new Uint8Array(size);
  for (let n = await reader.read(p); n !== null; n = await reader.read(p)) {
    assert.ok(n > 0 && n <= size, `read returned ${n} for ${size}`);
    for (const byte of p.subarray(0, n)) out.push(byte);
  }
  return out;
}

/** The three kinds of byte source every consumer accepts. */
export const sourceKinds = ["reader", "bytes", "default"] as const;

/** `chunks` from a Reader, a byte stream or a default stream. */
export function chunkSource(
  chunks: Uint8Array[],
  kind: typeof sourceKinds[number],
): Reader | ReadableStream<Uint8Array> {
  return kind === "reader" ? chunkReader(chunks) : chunkStream(chunks, kind);
}
