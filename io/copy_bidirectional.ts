import { closeWrite } from "./close_write.ts";
import { copy, type CopyOptions } from "./copy.ts";
import { toReader } from "./to_reader.ts";
import { toWriter } from "./to_writer.ts";
import type { Reader, Writer } from "./types.ts";

/**
 * One side of {@linkcode copyBidirectional}: a connection-like object with
 * `read` and `write` (`Deno.Conn`, a {@linkcode DuplexStream}), or a pair of
 * `readable` and `writable` streams.
 *
 * @example Usage
 * ```ts
 * import type { CopyEndpoint } from "@weir/weir/io";
 *
 * const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>();
 * const endpoint: CopyEndpoint = { readable, writable };
 * await endpoint.writable.close();
 * ```
 */
export type CopyEndpoint =
  | (Reader & Writer)
  | {
    readonly readable: ReadableStream<Uint8Array>;
    readonly writable: WritableStream<Uint8Array>;
  };

function open(endpoint: CopyEndpoint): [Reader, Writer, () => void] {
  if ("read" in endpoint && typeof endpoint.read === "function") {
    return [endpoint, endpoint as Writer, () => {}];
  }
  const { readable, writable } = endpoint as Exclude<CopyEndpoint, Reader>;
  const reader = toReader(readable);
  const writer = toWriter(writable);
  return [reader, writer, () => {
    reader.releaseLock();
    writer.releaseLock();
  }];
}

/**
 * Copies `a` to `b` and `b` to `a` at the same time, and resolves
 * `[aToB, bToA]`, the bytes copied each way (Tokio's
 * `copy_bidirectional`): the proxy loop.
 *
 * When one side's reader ends, the copy flushes and then ends the other
 * side's write direction (`closeWrite()`, as on `Deno.TcpConn` and a
 * {@linkcode DuplexStream}; closing a `writable`), and the other direction
 * goes on: a client that half-closes still receives its response. It
 * resolves when both directions have ended. Writers without `closeWrite`
 * are left open. Any error in either direction stops both and rejects.
 *
 * A peer that never ends its side keeps this waiting; combine with an idle
 * timeout or a `signal`.
 *
 * **Cancellation:** not cancel safe: on abort, bytes in flight are lost.
 *
 * @param a One side.
 * @param b The other side.
 * @param options Buffer size (per direction) and cancellation.
 * @returns Bytes copied from `a` to `b` and from `b` to `a`.
 *
 * @example Usage
 * ```ts
 * import { copyBidirectional, duplex, readAll, writeAll } from "@weir/weir/io";
 * import assert from "node:assert/strict";
 *
 * const [client, proxyIn] = duplex(64);
 * const [proxyOut, server] = duplex(64);
 * const proxy = copyBidirectional(proxyIn, proxyOut);
 *
 * await writeAll(client, new TextEncoder().encode("ping"));
 * await client.closeWrite();
 * assert.equal(new TextDecoder().decode(await readAll(server)), "ping");
 * await writeAll(server, new TextEncoder().encode("pong!"));
 * await server.closeWrite();
 * assert.equal(new TextDecoder().decode(await readAll(client)), "pong!");
 *
 * assert.deepEqual(await proxy, [4, 5]);
 * for (const end of [client, proxyIn, proxyOut, server]) end.close();
 * ```
 */
export async function copyBidirectional(
  a: CopyEndpoint,
  b: CopyEndpoint,
  options: CopyOptions = {},
): Promise<[number, number]> {
  const { signal, bufferSize } = options;
  signal?.throwIfAborted();
  const controller = new AbortController();
  const onAbort = () => controller.abort(signal!.reason);
  signal?.addEventListener("abort", onAbort, { once: true });
  const copyOptions: CopyOptions = { signal: controller.signal };
  if (bufferSize !== undefined) copyOptions.bufferSize = bufferSize;
  const [readA, writeA, releaseA] = open(a);
  const [readB, writeB, releaseB] = open(b);
  const direction = async (reader: Reader, writer: Writer): Promise<number> => {
    const n = await copy(reader, writer, copyOptions);
    await closeWrite(writer);
    return n;
  };
  try {
    return await Promise.all([direction(readA, writeB), direction(readB, writeA)]);
  } catch (error) {
    controller.abort(error);
    throw error;
  } finally {
    signal?.removeEventListener("abort", onAbort);
    releaseA();
    releaseB();
  }
}
