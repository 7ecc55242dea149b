import type { Reader, Writer } from "@weir/weir/io";

/** A reader serving `chunks` one per read (split when `p` is smaller), then end of stream. */
export class ChunkReader implements Reader {
  reads = 0;
  #chunks: Uint8Array[];

  constructor(chunks: Iterable<Uint8Array>) {
    this.#chunks = [...chunks].filter((c) => c.length > 0);
  }

  read(p: Uint8Array): Promise<number | null> {
    this.reads++;
    const chunk = this.#chunks.shift();
    if (chunk === undefined) return Promise.resolve(null);
    const n = Math.min(p.length, chunk.length);
    p.set(chunk.subarray(0, n));
    if (n < chunk.length) this.#chunks.unshift(chunk.subarray(n));
    return Promise.resolve(n);
  }
}

/** A reader whose reads wait until the test pushes bytes (or ends it). */
export class ManualReader implements Reader {
  #pending: { p: Uint8Array; resolve: (n: number | null) => void; reject: (e: unknown) => void }[] =
    [];
  reads = 0;

  read(p: Uint8Array): Promise<number | null> {
    this.reads++;
    return new Promise((resolve, reject) => this.#pending.push({ p, resolve, reject }));
  }

  get waiting(): number {
    return this.#pending.length;
  }

  push(bytes: Uint8Array | null): void {
    const read = this.#pending.shift();
    if (read === undefined) throw new Error("no read is waiting");
    if (bytes === null) return read.resolve(null);
    read.p.set(bytes);
    read.resolve(bytes.length);
  }

  fail(error: unknown): void {
    this.#pending.shift()?.reject(error);
  }
}

/** A writer recording each write; `limit` caps the bytes accepted per call. */
export class RecordingWriter implements Writer {
  writes: Uint8Array[] = [];
  closedWrite = false;

  constructor(readonly limit = Infinity) {}

  write(p: Uint8Array): Promise<number> {
    const n = Math.min(p.length, this.limit);
    this.writes.push(p.slice(0, n));
    return Promise.resolve(n);
  }

  closeWrite(): Promise<void> {
    this.closedWrite = true;
    return Promise.resolve();
  }

  get bytes(): Uint8Array {
    return new Uint8Array(this.writes.flatMap((w) => [...w]));
  }
}

/** A writer whose writes wait until the test releases them. */
export class GatedWriter implements Writer {
  writes: Uint8Array[] = [];
  #gates: (() => void)[] = [];

  write(p: Uint8Array): Promise<number> {
    this.writes.push(p.slice());
    return new Promise((resolve) => this.#gates.push(() => resolve(p.length)));
  }

  get waiting(): number {
    return this.#gates.length;
  }

  release(): void {
    this.#gates.shift()?.();
  }
}

/** Lets pending promise callbacks run. */
export async function settle(rounds = 10): Promise<void> {
  for (let i = 0; i < rounds; i++) await Promise.resolve();
}
