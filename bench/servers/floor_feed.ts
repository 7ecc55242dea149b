// Not weir: the floor of the `for await` + `await feed` loop shape on Deno,
// for comparison with framed_feed.ts in the loopback harness. A minimal
// hand-written length-delimited framer: `next()` resolves a view of a
// buffered frame, `feed` copies the reply into one buffer, written (and
// awaited) when the reader must wait for the socket.
//
// It cuts corners weir cannot: it reuses its read buffer while frame views
// handed out may still be alive (a caller keeping a frame would see it
// overwritten), it has no size limit, error types, half-close, `serve`
// (shutdown, limits, stats) or `Connection` counters. So it shows what the
// loop shape itself costs, not a safe alternative.
// usage: deno run --allow-net=127.0.0.1 bench/servers/floor_feed.ts PORT
const listener = Deno.listen({ hostname: "127.0.0.1", port: Number(Deno.args[0]) });
console.log(`listening ${listener.addr.port}`);

const resolved = Promise.resolve();

class FloorFramer {
  #buf = new Uint8Array(65536);
  #start = 0;
  #end = 0;
  #out = new Uint8Array(65536);
  #outLength = 0;
  readonly #conn: Deno.Conn;

  constructor(conn: Deno.Conn) {
    this.#conn = conn;
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
    const out = this.#out;
    const at = this.#outLength;
    const n = frame.length;
    out[at] = n >>> 24;
    out[at + 1] = n >>> 16;
    out[at + 2] = n >>> 8;
    out[at + 3] = n;
    out.set(frame, at + 4);
    this.#outLength = at + 4 + n;
    return resolved;
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

  async #wait(): Promise<IteratorResult<Uint8Array, undefined>> {
    for (;;) {
      if (this.#outLength > 0) {
        const out = this.#out.subarray(0, this.#outLength);
        this.#outLength = 0;
        for (let off = 0; off < out.length;) off += await this.#conn.write(out.subarray(off));
      }
      // The unsafe part: the unread tail moves to the front, over frames
      // already handed out.
      this.#buf.copyWithin(0, this.#start, this.#end);
      this.#end -= this.#start;
      this.#start = 0;
      const n = await this.#conn.read(this.#buf.subarray(this.#end));
      if (n === null) return { value: undefined, done: true };
      this.#end += n;
      const frame = this.#take();
      if (frame !== undefined) return { value: frame, done: false };
    }
  }
}

for await (const conn of listener) {
  (conn as Deno.TcpConn).setNoDelay(true);
  (async () => {
    try {
      const framer = new FloorFramer(conn);
      for await (const frame of framer) await framer.feed(frame);
    } catch {
      // a reset peer: nothing to do but close
    } finally {
      try {
        conn.close();
      } catch { /* already closed */ }
    }
  })();
}
