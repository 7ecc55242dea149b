// Run: deno bench -A bench/framed_idioms_bench.ts
// The four framed echo idioms of bench/servers/ (and the headline example's
// loop) in process, over a transport whose peer keeps DEPTH frames in flight
// as the loopback load generator does: each reply the server writes lets the
// peer send one more frame, and each read takes everything sent so far.
// Reads and writes cost nothing here, so the figures are the framing work per
// frame, next to a raw read/write echo of the same bytes.
import { Framed, LengthDelimitedCodec } from "@weir/weir/framing";
import { FramedDriver } from "@weir/weir/net";

const FRAMES = 16_000;
const codec = new LengthDelimitedCodec();

/** A connection whose peer keeps `depth` frames of `size` bytes in flight. */
class ClosedLoop {
  readonly #frame: Uint8Array;
  readonly #total: number;
  readonly #frames: Uint8Array;
  readonly #inbound: Uint8Array[] = [];
  #sent = 0;
  #echoed = 0;
  #parked: { p: Uint8Array; resolve: (n: number | null) => void } | undefined;

  constructor(size: number, depth: number, frames: number) {
    this.#frame = new Uint8Array(4 + size).fill(0x61);
    new DataView(this.#frame.buffer).setUint32(0, size);
    this.#total = frames;
    this.#frames = new Uint8Array(depth * this.#frame.length);
    for (let i = 0; i < depth; i++) this.#frames.set(this.#frame, i * this.#frame.length);
    this.#send(depth);
  }

  /** Every byte came back. */
  check(): void {
    if (this.#echoed !== this.#total * this.#frame.length) {
      throw new Error(`echoed ${this.#echoed} of ${this.#total * this.#frame.length} bytes`);
    }
  }

  read(p: Uint8Array): Promise<number | null> {
    if (this.#inbound.length > 0) return Promise.resolve(this.#fill(p));
    if (this.#sent === this.#total && this.#echoed === this.#total * this.#frame.length) {
      return Promise.resolve(null);
    }
    return new Promise((resolve) => this.#parked = { p, resolve });
  }

  write(p: Uint8Array): Promise<number> {
    const size = this.#frame.length;
    const before = Math.floor(this.#echoed / size);
    this.#echoed += p.length;
    this.#send(Math.floor(this.#echoed / size) - before);
    const parked = this.#parked;
    if (parked !== undefined && this.#echoed === this.#total * size) {
      this.#parked = undefined;
      parked.resolve(null);
    }
    return Promise.resolve(p.length);
  }

  closeWrite(): Promise<void> {
    return Promise.resolve();
  }

  close(): void {}

  #send(count: number): void {
    const n = Math.min(count, this.#total - this.#sent);
    if (n <= 0) return;
    // Every frame is the same: the peer's bytes are views of one prepared
    // run of frames, so the peer allocates nothing per write.
    this.#sent += n;
    this.#inbound.push(this.#frames.subarray(0, n * this.#frame.length));
    const parked = this.#parked;
    if (parked !== undefined) {
      this.#parked = undefined;
      parked.resolve(this.#fill(parked.p));
    }
  }

  #fill(p: Uint8Array): number {
    let n = 0;
    while (n < p.length && this.#inbound.length > 0) {
      const chunk = this.#inbound[0]!;
      const m = Math.min(chunk.length, p.length - n);
      p.set(chunk.subarray(0, m), n);
      n += m;
      if (m === chunk.length) this.#inbound.shift();
      else this.#inbound[0] = chunk.subarray(m);
    }
    return n;
  }
}

const idioms: Record<string, (conn: ClosedLoop) => Promise<void>> = {
  "raw read/write echo (no framing)": async (conn) => {
    const buf = new Uint8Array(65536);
    for (let n = await conn.read(buf); n !== null; n = await conn.read(buf)) {
      await conn.write(buf.subarray(0, n));
    }
  },
  "Framed, for await + feed": async (conn) => {
    const framed = new Framed(conn, codec);
    for await (const frame of framed) await framed.feed(frame);
    await framed.close();
  },
  "Framed, for await + tryFeed (the headline example's loop)": async (conn) => {
    const framed = new Framed(conn, codec, { minReadSize: 512 });
    for await (const frame of framed) if (!framed.tryFeed(frame)) await framed.feed(frame);
    await framed.close();
  },
  "Framed, for await + send": async (conn) => {
    const framed = new Framed(conn, codec);
    for await (const frame of framed) await framed.send(frame);
    await framed.close();
  },
  "Framed, readable.pipeTo(writable)": async (conn) => {
    const framed = new Framed(conn, codec);
    await framed.readable.pipeTo(framed.writable);
  },
  "FramedDriver, for await + send": async (conn) => {
    const driver = new FramedDriver(conn, codec);
    for await (const frame of driver) await driver.send(frame);
    await driver.close();
    await driver.closed;
  },
};

for (const [size, depth] of [[64, 16], [64, 1], [16384, 16]] as const) {
  const frames = size === 64 ? FRAMES : FRAMES / 8;
  const group = `${size} B x${depth}: echo ${frames} frames`;
  for (const [name, echo] of Object.entries(idioms)) {
    Deno.bench({
      group,
      name,
      baseline: name.startsWith("raw"),
      async fn() {
        const conn = new ClosedLoop(size, depth, frames);
        await echo(conn);
        conn.check();
      },
    });
  }
}
