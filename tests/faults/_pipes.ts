// Helpers for fault tests over in-memory duplex pipes: reads that never wait
// for the call under test, and bounded reads to the end.
import type { DuplexStream } from "@weir/weir/io";
import { soon, stillPending } from "../_util/abort_injection.ts";

/**
 * Reads what `end` has within a few microtask turns, without waiting for
 * more (duplex reads are cancel safe, so nothing is lost): a scenario's drive
 * must not depend on the call under test.
 */
export async function readSome(end: DuplexStream, size: number): Promise<Uint8Array> {
  const controller = new AbortController();
  const p = new Uint8Array(size);
  const read = end.read(p, { signal: controller.signal });
  const pending = await stillPending(read, 20);
  controller.abort();
  const n = await read.catch(() => null);
  return pending || n === null ? new Uint8Array(0) : p.subarray(0, n);
}

/** Reads `end` to its end of stream (bounded: its writer must have finished). */
export async function readRest(
  end: { read(p: Uint8Array): Promise<number | null> },
): Promise<Uint8Array> {
  const chunks: number[] = [];
  const p = new Uint8Array(256);
  for (let i = 0; i < 10_000; i++) {
    const n = await soon(end.read(p), "a read of the rest");
    if (n === null) return new Uint8Array(chunks);
    chunks.push(...p.subarray(0, n));
  }
  throw new Error("The stream did not end");
}
