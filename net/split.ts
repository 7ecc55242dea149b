import type { HalfCloseWriter, Reader } from "../io/types.ts";
import type { Connection, ConnectionWriteOptions } from "./connection.ts";
import { ReuniteError } from "./reunite_error.ts";

/** The read direction of a connection, from {@linkcode split}. */
export interface ReadHalf extends Reader {
  /** The read direction as a byte stream (its end leaves the socket open). */
  readonly readable: ReadableStream<Uint8Array>;
}

/** The write direction of a connection, from {@linkcode split}. */
export interface WriteHalf extends HalfCloseWriter {
  /** Writes every byte of `p`, looping over short writes (not cancel safe). */
  writeAll(p: Uint8Array, options?: ConnectionWriteOptions): Promise<void>;
  /** The write direction as a stream; `close()` half-closes. */
  readonly writable: WritableStream<Uint8Array>;
}

/**
 * Borrowed halves of `conn`: a reader and a writer that can run at the same
 * time (in two loops, `tryJoin`ed, ...) without a lock. A write blocked on a
 * peer that does not read never stops the reader.
 *
 * Like Tokio's `TcpStream::split`, the halves own nothing: dropping them
 * does not shut anything down, and `conn` stays the owner (close it when
 * done). `writer.closeWrite()` still half-closes when called.
 *
 * @param conn The connection to split.
 * @returns The two halves, `[reader, writer]`.
 *
 * @example Reader and writer loops on one connection
 * ```ts
 * import { connect, serve, split } from "@weir/weir/net";
 * import assert from "node:assert/strict";
 *
 * await using server = serve({ hostname: "127.0.0.1", port: 0 }, async (conn) => {
 *   await conn.readable.pipeTo(conn.writable); // echo, then half-close
 * });
 * await using conn = await connect(server.addr);
 * const [reader, writer] = split(conn);
 * const [, echoed] = await Promise.all([
 *   (async () => {
 *     for (let i = 0; i < 3; i++) await writer.writeAll(new TextEncoder().encode(`${i}`));
 *     await writer.closeWrite();
 *   })(),
 *   new Response(reader.readable).text(),
 * ]);
 * assert.equal(echoed, "012");
 * ```
 */
export function split(conn: Connection): [reader: ReadHalf, writer: WriteHalf] {
  return [
    {
      read: (p) => conn.read(p),
      get readable() {
        return conn.readable;
      },
    },
    {
      write: (p) => conn.write(p),
      writeAll: (p, options) => conn.writeAll(p, options),
      closeWrite: () => conn.closeWrite(),
      get writable() {
        return conn.writable;
      },
    },
  ];
}

/**
 * The owned read half of a connection, from {@linkcode intoSplit}.
 * Closing it releases the read direction; the socket closes once both
 * halves are closed. `reunite` gives the connection back.
 *
 * @example Usage
 * ```ts
 * import { connect, intoSplit, serve } from "@weir/weir/net";
 * import assert from "node:assert/strict";
 *
 * await using server = serve({ hostname: "127.0.0.1", port: 0 }, async (conn) => {
 *   await conn.writeAll(new TextEncoder().encode("data"));
 * });
 * const [reader, writer] = intoSplit(await connect(server.addr));
 * await using _w = writer;
 * await using r = reader;
 * assert.equal(await new Response(r.readable).text(), "data");
 * ```
 */
export interface OwnedReadHalf extends ReadHalf, AsyncDisposable {
  /**
   * Puts the connection back together with its write half.
   *
   * @throws {ReuniteError} When `writer` comes from another connection, or
   * either half was already closed.
   */
  reunite(writer: OwnedWriteHalf): Connection;
  /**
   * Releases the read half; the socket closes once the write half is
   * closed too. Idempotent. `[Symbol.asyncDispose]` does the same.
   */
  close(): Promise<void>;
}

/**
 * The owned write half of a connection, from {@linkcode intoSplit}. As
 * Tokio's `OwnedWriteHalf`: closing or disposing it half-closes the
 * connection (FIN) while the read half keeps reading; the socket closes
 * once both halves are closed.
 *
 * @example Usage
 * ```ts
 * import { connect, intoSplit, serve } from "@weir/weir/net";
 * import assert from "node:assert/strict";
 *
 * await using server = serve({ hostname: "127.0.0.1", port: 0 }, async (conn) => {
 *   const text = await new Response(conn.readable).text();
 *   await conn.writeAll(new TextEncoder().encode(`${text.length}`));
 * });
 * const [reader, writer] = intoSplit(await connect(server.addr));
 * await using r = reader;
 * {
 *   await using w = writer;
 *   await w.writeAll(new TextEncoder().encode("four"));
 * } // FIN here
 * assert.equal(await new Response(r.readable).text(), "4");
 * ```
 */
export interface OwnedWriteHalf extends WriteHalf, AsyncDisposable {
  /**
   * Half-closes (FIN) and releases the write half; the socket closes once
   * the read half is closed too. Idempotent. `[Symbol.asyncDispose]` does
   * the same.
   */
  close(): Promise<void>;
}

/** What both owned halves of one connection share. */
class Pair {
  readonly conn: Connection;
  readReleased = false;
  writeReleased = false;

  constructor(conn: Connection) {
    this.conn = conn;
  }

  /** Closes the socket once neither half is in use, as Tokio drops it. */
  closeIfUnused(): void {
    if (this.readReleased && this.writeReleased) this.conn.close();
  }
}

/** The pair behind each write half handed out, for `reunite`'s check. */
const writerPairs = new WeakMap<OwnedWriteHalf, Pair>();

class OwnedReader implements OwnedReadHalf {
  #pair: Pair;

  constructor(pair: Pair) {
    this.#pair = pair;
  }

  read(p: Uint8Array): Promise<number | null> {
    return this.#pair.conn.read(p);
  }

  get readable(): ReadableStream<Uint8Array> {
    return this.#pair.conn.readable;
  }

  reunite(writer: OwnedWriteHalf): Connection {
    const pair = this.#pair;
    if (writerPairs.get(writer) !== pair || pair.readReleased || pair.writeReleased) {
      throw new ReuniteError();
    }
    pair.readReleased = pair.writeReleased = true;
    return pair.conn;
  }

  close(): Promise<void> {
    const pair = this.#pair;
    if (!pair.readReleased) {
      pair.readReleased = true;
      pair.closeIfUnused();
    }
    return Promise.resolve();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}

class OwnedWriter implements OwnedWriteHalf {
  #pair: Pair;

  constructor(pair: Pair) {
    this.#pair = pair;
    writerPairs.set(this, pair);
  }

  write(p: Uint8Array): Promise<number> {
    return this.#pair.conn.write(p);
  }

  writeAll(p: Uint8Array, options?: ConnectionWriteOptions): Promise<void> {
    return this.#pair.conn.writeAll(p, options);
  }

  closeWrite(): Promise<void> {
    return this.#pair.conn.closeWrite();
  }

  get writable(): WritableStream<Uint8Array> {
    return this.#pair.conn.writable;
  }

  async close(): Promise<void> {
    const pair = this.#pair;
    if (pair.writeReleased) return;
    pair.writeReleased = true;
    // The read half is gone too: close the socket. A FIN first would wait
    // for a write stuck on a peer that does not read, for good.
    if (pair.readReleased) return pair.closeIfUnused();
    try {
      await pair.conn.closeWrite();
    } finally {
      pair.closeIfUnused();
    }
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}

/**
 * Owned halves of `conn` (Tokio's `into_split`): each half can live in its
 * own task. Closing or disposing the writer half-closes (FIN) while the
 * reader keeps reading; the socket closes when both halves are closed;
 * `reader.reunite(writer)` hands the connection back. Do not use `conn`
 * itself while it is split.
 *
 * @param conn The connection to split; the halves own it now.
 * @returns The two owned halves, `[reader, writer]`.
 *
 * @example Usage
 * ```ts
 * import { connect, intoSplit, serve } from "@weir/weir/net";
 * import assert from "node:assert/strict";
 *
 * await using server = serve({ hostname: "127.0.0.1", port: 0 }, async (conn) => {
 *   await conn.readable.pipeTo(conn.writable);
 * });
 * const [reader, writer] = intoSplit(await connect(server.addr));
 * const sending = (async () => {
 *   await using w = writer;
 *   await w.writeAll(new TextEncoder().encode("ping"));
 * })();
 * const receiving = (async () => {
 *   await using r = reader;
 *   return await new Response(r.readable).text();
 * })();
 * await sending;
 * assert.equal(await receiving, "ping");
 * ```
 */
export function intoSplit(
  conn: Connection,
): [reader: OwnedReadHalf, writer: OwnedWriteHalf] {
  const pair = new Pair(conn);
  return [new OwnedReader(pair), new OwnedWriter(pair)];
}
