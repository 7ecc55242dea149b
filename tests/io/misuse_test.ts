// Hostile readers and careless callers, in process: a source that never
// waits, calls made while another one is in flight, writes after close.
import assert from "node:assert/strict";
import {
  BufReader,
  BufWriter,
  copy,
  duplex,
  readAll,
  type Reader,
  readExact,
  toReader,
  toWriter,
  type Writer,
} from "@weir/weir/io";
import { encoder } from "./_helpers.ts";

/**
 * A source whose reads resolve at once, forever: one byte `fill` each. It
 * gives up after `limit` reads so a consumer that never lets the event loop
 * turn fails with "spun" instead of hanging the test.
 */
function endless(fill: number, limit = 2_000_000): Reader & { reads: number } {
  const reader = {
    reads: 0,
    read(p: Uint8Array): Promise<number | null> {
      if (++reader.reads > limit) return Promise.reject(new Error("spun"));
      p[0] = fill;
      return Promise.resolve(1);
    },
  };
  return reader;
}

/** A source whose reads wait until the test hands them bytes with `push`. */
function gated(): Reader & { push(bytes: Uint8Array | null): void; waiting: number } {
  const waiters: ((bytes: Uint8Array | null) => void)[] = [];
  return {
    get waiting() {
      return waiters.length;
    },
    read(p) {
      return new Promise((resolve) => {
        waiters.push((bytes) => {
          if (bytes === null) return resolve(null);
          p.set(bytes);
          resolve(bytes.length);
        });
      });
    },
    push(bytes) {
      waiters.shift()!(bytes);
    },
  };
}

const sink: Writer = { write: (p) => Promise.resolve(p.length) };

const loops: [string, (r: Reader, signal: AbortSignal) => Promise<unknown>][] = [
  ["copy", (r, signal) => copy(r, sink, { signal })],
  ["readAll", (r, signal) => readAll(r, { signal })],
  ["readExact", (r, signal) => readExact(r, 1e9, { signal })],
  [
    "BufReader.readLine",
    (r, signal) => new BufReader(r, { bufferSize: 1, maxLineLength: 1e9 }).readLine({ signal }),
  ],
  [
    "BufReader.readExact",
    (r, signal) => new BufReader(r, { bufferSize: 1 }).readExact(1e8, { signal }),
  ],
  ["BufReader.readToEnd", (r, signal) => new BufReader(r, { bufferSize: 1 }).readToEnd({ signal })],
  [
    "BufReader.lines",
    (r, signal) => Array.fromAsync(new BufReader(r, { bufferSize: 2 }).lines({ signal })),
  ],
];

for (const [name, run] of loops) {
  Deno.test(`${name}: a source that never waits still lets a timer abort the loop`, async () => {
    // "\n" for the lines loop: an endless run of empty lines.
    const reader = endless(name.endsWith("lines") ? 0x0a : 0x61);
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(new Error("stop")), 0);
    try {
      await assert.rejects(run(reader, controller.signal), { message: "stop" });
    } finally {
      clearTimeout(timer);
    }
    assert.ok(reader.reads < 2_000_000);
  });
}

Deno.test("BufReader: a second readLine while one waits is refused with Busy; no line is fabricated", async () => {
  const source = gated();
  const reader = new BufReader(source);
  const first = reader.readLine();
  await Promise.resolve();
  for (
    const call of [
      () => reader.readLine(),
      () => reader.read(new Uint8Array(4)),
      () => reader.readExact(1),
      () => reader.readUntil(0),
      () => reader.fill(),
      () => reader.peek(1),
      () => reader.readToEnd(),
      () => reader.lines().next(),
    ]
  ) {
    await assert.rejects(call(), Deno.errors.Busy);
  }
  assert.throws(() => reader.consume(0), Deno.errors.Busy);
  source.push(encoder.encode("one\ntwo\n"));
  assert.equal(await first, "one");
  assert.equal(await reader.readLine(), "two");
  const third = reader.readLine();
  await Promise.resolve();
  source.push(null);
  assert.equal(await third, null);
});

Deno.test("BufReader: a readLine whose signal aborted frees the reader at once; the next call gets the bytes", async () => {
  const source = gated();
  const reader = new BufReader(source);
  const controller = new AbortController();
  const first = reader.readLine({ signal: controller.signal });
  controller.abort(new Error("gone"));
  // At once, as a select loop does after another branch won.
  const second = reader.readLine();
  await assert.rejects(first, { message: "gone" });
  source.push(encoder.encode("kept\n"));
  assert.equal(await second, "kept");
  const third = reader.readLine();
  await Promise.resolve();
  await assert.rejects(reader.readLine(), Deno.errors.Busy);
  source.push(encoder.encode("more\n"));
  assert.equal(await third, "more");
});

Deno.test("StreamReader: a read while another waits is refused with Busy", async () => {
  let push!: (chunk: Uint8Array) => void;
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      push = (chunk) => controller.enqueue(chunk);
    },
  });
  const reader = toReader(stream);
  const p = new Uint8Array(2);
  const first = reader.read(p);
  await assert.rejects(reader.read(new Uint8Array(2)), Deno.errors.Busy);
  push(new Uint8Array([1, 2, 3]));
  assert.equal(await first, 2);
  assert.equal(await reader.read(p), 1);
  await reader.cancel();
});

Deno.test("duplex: a second waiting read or write on one end is refused with Busy", async () => {
  using pair = duplex(2);
  const [a, b] = pair;
  const read = b.read(new Uint8Array(4));
  await assert.rejects(b.read(new Uint8Array(4)), Deno.errors.Busy);
  assert.equal(await a.write(new Uint8Array([1, 2, 3])), 2);
  assert.equal(await read, 2);
  assert.equal(await a.write(new Uint8Array([3, 4])), 2);
  const write = a.write(new Uint8Array([5]));
  await assert.rejects(a.write(new Uint8Array([6])), Deno.errors.Busy);
  const p = new Uint8Array(4);
  assert.equal(await b.read(p), 2);
  assert.deepEqual([...p.subarray(0, 2)], [3, 4]);
  assert.equal(await write, 1);
  assert.equal(await b.read(p), 1);
  assert.equal(p[0], 5);
});

/** A sink whose writes wait until the test lets them through. */
function slowSink(): Writer & { written: number[]; release(): void } {
  const gates: (() => void)[] = [];
  const written: number[] = [];
  return {
    written,
    write(p) {
      return new Promise((resolve) => {
        gates.push(() => {
          written.push(...p);
          resolve(p.length);
        });
      });
    },
    release() {
      gates.shift()!();
    },
  };
}

Deno.test("BufWriter: a call while a write waits on the sink is refused with Busy; bytes keep their order", async () => {
  const sink = slowSink();
  const writer = new BufWriter(sink, { bufferSize: 4 });
  const first = writer.write(new Uint8Array([1, 2, 3, 4, 5]));
  await Promise.resolve();
  await assert.rejects(writer.write(new Uint8Array([6])), Deno.errors.Busy);
  await assert.rejects(writer.writeAll(new Uint8Array([6])), Deno.errors.Busy);
  await assert.rejects(writer.flush(), Deno.errors.Busy);
  await assert.rejects(writer.close(), Deno.errors.Busy);
  sink.release();
  assert.equal(await first, 5);
  await writer.write(new Uint8Array([6]));
  const flushed = writer.flush();
  await Promise.resolve();
  sink.release();
  await flushed;
  assert.deepEqual(sink.written, [1, 2, 3, 4, 5, 6]);
});

Deno.test("BufWriter: write after close() throws BadResource at once; after closeWrite(), BrokenPipe", async () => {
  const chunks: number[] = [];
  const writer = new BufWriter({
    write(p) {
      chunks.push(...p);
      return Promise.resolve(p.length);
    },
  });
  await writer.write(new Uint8Array([1]));
  await writer.closeWrite();
  await writer.closeWrite(); // idempotent
  await assert.rejects(writer.write(new Uint8Array([2])), Deno.errors.BrokenPipe);
  await assert.rejects(writer.writeAll(new Uint8Array([2])), Deno.errors.BrokenPipe);
  await writer.close();
  await writer.close(); // idempotent
  await assert.rejects(writer.write(new Uint8Array([3])), Deno.errors.BadResource);
  await assert.rejects(writer.writeAll(new Uint8Array([3])), Deno.errors.BadResource);
  await assert.rejects(writer.flush(), Deno.errors.BadResource);
  await assert.rejects(writer.closeWrite(), Deno.errors.BadResource);
  assert.equal(writer.buffered, 0);
  assert.deepEqual(chunks, [1]);
});

Deno.test("BufWriter: close() after a failed flush still closes, and later writes throw BadResource", async () => {
  let closed = false;
  const writer = new BufWriter(
    {
      write: () => Promise.reject(new Deno.errors.ConnectionReset("reset")),
      close: () => void (closed = true),
    } as Writer & { close(): void },
  );
  await writer.write(new Uint8Array([1]));
  await assert.rejects(writer.close(), Deno.errors.ConnectionReset);
  assert.ok(closed);
  await assert.rejects(writer.write(new Uint8Array([2])), Deno.errors.BadResource);
});

Deno.test("StreamWriter: concurrent writes queue in call order", async () => {
  const chunks: number[][] = [];
  let release!: () => void;
  const gate = new Promise<void>((resolve) => release = resolve);
  const writer = toWriter(
    new WritableStream<Uint8Array>({
      async write(chunk) {
        await gate;
        chunks.push([...chunk]);
      },
    }),
  );
  const writes = [1, 2, 3].map((n) => writer.write(new Uint8Array([n, n])));
  release();
  assert.deepEqual(await Promise.all(writes), [2, 2, 2]);
  assert.deepEqual(chunks, [[1, 1], [2, 2], [3, 3]]);
  await writer.close();
});
