// Not weir: the floor of weir's framed loop shapes on Deno, for comparison
// with bench/servers/framed_*.ts in the loopback harness. A minimal
// hand-written length-delimited framer: `next()` resolves a view of a
// buffered frame; `feed` copies the reply into one buffer, written (and
// awaited) when the reader must wait for the socket; `send` writes each
// reply at once and awaits that write.
//
// It has no size limit, error types, half-close, `serve` (shutdown, limits,
// stats) or `Connection` counters, so it shows what the loop shape itself
// costs on Deno, not a usable alternative. With `freshReads: false` it also
// reuses its read buffer while frame views handed out may still be alive (a
// caller keeping a frame would see it overwritten), which weir must not do;
// `freshReads: true` never writes over bytes already read (reads go on
// after them, and fresh memory is taken when the room left is short), as
// weir does.

/** How replies go out, and whether read memory is reused unsafely. */
export interface FloorOptions {
  /** `feed`: one write per read batch; `send`: one awaited write per reply. */
  reply: "feed" | "send";
  /** Never overwrite a frame handed out: reads go on after it, then into fresh memory. */
  freshReads: boolean;
}

const BUFFER_SIZE = 65536;
/** With fresh reads: less room than this left after the buffered bytes takes fresh memory. */
const MIN_ROOM = 16384;
const resolved = Promise.resolve();

class FloorFramer {
  #buf = new Uint8Array(BUFFER_SIZE);
  #start = 0;
  #end = 0;
  #out = new Uint8Array(BUFFER_SIZE);
  #outLength = 0;
  readonly #conn: Deno.Conn;
  readonly #freshReads: boolean;

  constructor(conn: Deno.Conn, freshReads: boolean) {
    this.#conn = conn;
    this.#freshReads = freshReads;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  next(): Promise<IteratorResult<Uint8Array, undefined>> {
    const frame = this.#take();
    if (frame !== undefined) return Promise.resolve({ value: frame, done: false });
    return this.#wait();
  }

  feed(frame: Uint8Array): Promise<void> {
    this.#outLength = encode(this.#out, this.#outLength, frame);
    return resolved;
  }

  async send(frame: Uint8Array): Promise<void> {
    const out = new Uint8Array(4 + frame.length);
    encode(out, 0, frame);
    await this.#writeAll(out);
  }

  #take(): Uint8Array | undefined {
    const buffered = this.#end - this.#start;
    if (buffered < 4) return undefined;
    const b = this.#buf;
    const s = this.#start;
    const n = ((b[s]! << 24) | (b[s + 1]! << 16) | (b[s + 2]! << 8) | b[s + 3]!) >>> 0;
    if (buffered < 4 + n) return undefined;
    this.#start = s + 4 + n;
    return new Uint8Array(b.buffer, s + 4, n);
  }

  async #writeAll(out: Uint8Array): Promise<void> {
    for (let off = 0; off < out.length;) off += await this.#conn.write(out.subarray(off));
  }

  async #wait(): Promise<IteratorResult<Uint8Array, undefined>> {
    for (;;) {
      if (this.#outLength > 0) {
        const out = this.#out.subarray(0, this.#outLength);
        this.#outLength = 0;
        await this.#writeAll(out);
      }
      if (!this.#freshReads) {
        // The unsafe part: the unread tail moves to the front, over frames
        // already handed out.
        this.#buf.copyWithin(0, this.#start, this.#end);
        this.#end -= this.#start;
        this.#start = 0;
      } else if (BUFFER_SIZE - this.#end < MIN_ROOM) {
        // Frames handed out point into this memory: reads go on after
        // them, and the unread tail moves to fresh memory once the room
        // left is short.
        const fresh = new Uint8Array(BUFFER_SIZE);
        fresh.set(this.#buf.subarray(this.#start, this.#end));
        this.#buf = fresh;
        this.#end -= this.#start;
        this.#start = 0;
      }
      const n = await this.#conn.read(this.#buf.subarray(this.#end));
      if (n === null) return { value: undefined, done: true };
      this.#end += n;
      const frame = this.#take();
      if (frame !== undefined) return { value: frame, done: false };
    }
  }
}

/** Writes a length-delimited `frame` into `out` at `at`; returns where it ends. */
function encode(out: Uint8Array, at: number, frame: Uint8Array): number {
  const n = frame.length;
  out[at] = n >>> 24;
  out[at + 1] = n >>> 16;
  out[at + 2] = n >>> 8;
  out[at + 3] = n;
  out.set(frame, at + 4);
  return at + 4 + n;
}

/** Serves the echo loop on the port given as the first argument; prints `listening PORT`. */
export async function serveFloor(options: FloorOptions): Promise<void> {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: Number(Deno.args[0]) });
  console.log(`listening ${listener.addr.port}`);
  for await (const conn of listener) {
    (conn as Deno.TcpConn).setNoDelay(true);
    (async () => {
      try {
        const framer = new FloorFramer(conn, options.freshReads);
        if (options.reply === "feed") {
          for await (const frame of framer) await framer.feed(frame);
        } else {
          for await (const frame of framer) await framer.send(frame);
        }
      } catch {
        // a reset peer: nothing to do but close
      } finally {
        try {
          conn.close();
        } catch { /* already closed */ }
      }
    })();
  }
}
