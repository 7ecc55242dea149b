// The framed engine under Framed, FramedRead and FramedWrite: the flush
// policy, byte ownership, read validation, the frame timeout and handover.
import assert from "node:assert/strict";
import fc from "fast-check";
import {
  type Decoder,
  Framed,
  FramedRead,
  FramedWrite,
  LengthDelimitedCodec,
  LinesCodec,
} from "@weir/weir/framing";
import { ByteBuffer, duplex, type DuplexStream, InvalidReadError } from "@weir/weir/io";
import { FakeClock } from "@weir/weir/time";
import { encodeAll, split, text } from "./_codec_util.ts";
import { ChunkReader, ManualReader, settle } from "./_io_util.ts";

const ld = new LengthDelimitedCodec();

/** Cut offsets from consecutive chunk sizes, up to `length`. */
function cutPoints(sizes: number[], length: number): number[] {
  const cuts: number[] = [];
  let at = 0;
  for (const size of sizes) {
    if (at >= length) break;
    cuts.push(at += size);
  }
  return cuts;
}

/** A duplex end whose writes are recorded (each as written). */
function recorded(end: DuplexStream): DuplexStream & { writes: Uint8Array[] } {
  const writes: Uint8Array[] = [];
  return Object.assign(Object.create(end) as DuplexStream, {
    writes,
    read: (p: Uint8Array) => end.read(p),
    write: async (p: Uint8Array) => {
      const n = await end.write(p);
      writes.push(p.slice(0, n));
      return n;
    },
    closeWrite: () => end.closeWrite(),
    close: () => end.close(),
  });
}

/** Writes `count` frames of `size` bytes in one write: one read's worth for the server. */
function batch(count: number, size: number, first: number): Uint8Array {
  return encodeAll(
    ld,
    Array.from({ length: count }, (_, i) => new Uint8Array(size).fill(first + i)),
  );
}

async function readFrames(peer: Framed<Uint8Array>, count: number): Promise<Uint8Array[]> {
  const frames: Uint8Array[] = [];
  while (frames.length < count) {
    const next = await peer.next();
    assert.equal(next.done, false);
    frames.push(next.value!);
  }
  return frames;
}

for (const idiom of ["feed", "pipeTo"] as const) {
  Deno.test(`Framed ${idiom}: a read that brings N frames gives exactly one write of N replies`, async () => {
    using pair = duplex(1 << 20);
    const [client, serverEnd] = pair;
    const server = recorded(serverEnd);
    const framed = new Framed(server, ld);
    const serving = idiom === "feed"
      ? (async () => {
        for await (const frame of framed) await framed.feed(frame.map((b) => b + 1));
        await framed.close();
      })()
      : framed.readable
        .pipeThrough(new TransformStream({ transform: (f, c) => c.enqueue(f.map((b) => b + 1)) }))
        .pipeTo(framed.writable);
    const peer = new Framed(client, ld);
    let first = 0;
    for (const n of [1, 5, 16, 3]) {
      await client.write(batch(n, 10, first));
      const replies = await readFrames(peer, n);
      assert.deepEqual(
        replies.map((r) => r[0]),
        Array.from({ length: n }, (_, i) => first + i + 1),
      );
      first += n;
    }
    assert.deepEqual(server.writes.map((w) => w.length), [1, 5, 16, 3].map((n) => n * 14));
    await client.closeWrite();
    await serving;
    assert.equal((await peer.next()).done, true);
  });
}

Deno.test("Framed send: concurrent sends coalesce into the write after the one in flight", async () => {
  using pair = duplex(1 << 20);
  const server = recorded(pair[1]);
  const framed = new Framed(server, ld);
  await Promise.all(Array.from({ length: 10 }, (_, i) => framed.send(new Uint8Array([i]))));
  assert.deepEqual(server.writes.map((w) => w.length), [5, 45]);
  await framed.close();
});

Deno.test("Framed feed outside a read loop is written by the end of the microtask turn", async () => {
  using pair = duplex();
  const server = recorded(pair[1]);
  const framed = new Framed(server, ld);
  for (let i = 0; i < 5; i++) framed.tryFeed(new Uint8Array([i]));
  assert.equal(server.writes.length, 0, "nothing written synchronously");
  await settle();
  assert.deepEqual(server.writes.map((w) => w.length), [25]);
  await framed.close();
});

Deno.test("Framed feed while frames are still buffered is written within a macrotask even if nobody reads on", async () => {
  using pair = duplex();
  const server = recorded(pair[1]);
  const framed = new Framed(server, ld);
  await pair[0].write(batch(3, 1, 0));
  assert.equal((await framed.next()).done, false); // two more frames wait in the buffer
  await framed.feed(new Uint8Array([9]));
  assert.equal(server.writes.length, 0);
  await new Promise((resolve) => setTimeout(resolve, 5));
  assert.deepEqual(server.writes.map((w) => [...w]), [[0, 0, 0, 1, 9]]);
  await framed.close();
});

Deno.test("Framed feed while frames are still buffered is written, within the microtask turn, once the reader must wait", async () => {
  using pair = duplex();
  const server = recorded(pair[1]);
  const framed = new Framed(server, ld);
  await pair[0].write(batch(2, 1, 0));
  assert.equal((await framed.next()).value![0], 0);
  await framed.feed(new Uint8Array([9])); // a frame still waits in the buffer: not written yet
  assert.equal((await framed.next()).value![0], 1);
  assert.equal(server.writes.length, 0);
  const waiting = framed.next(); // the buffer is empty: this call reads, so the reply goes out
  await settle(); // microtasks only: no timer fired
  assert.deepEqual(server.writes.map((w) => [...w]), [[0, 0, 0, 1, 9]]);
  await pair[0].write(batch(1, 1, 5));
  assert.equal((await waiting).value![0], 5);
  await framed.close();
});

Deno.test("FramedRead frames kept across many reads are never overwritten (any chunking, any read sizes)", async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.uint8Array({ minLength: 0, maxLength: 300 }), { maxLength: 40 }),
      fc.array(fc.integer({ min: 1, max: 200 }), { maxLength: 60 }),
      fc.integer({ min: 1, max: 64 }),
      fc.integer({ min: 0, max: 512 }),
      async (frames, cutSizes, minReadSize, inboundHighWaterMark) => {
        const bytes = encodeAll(ld, frames);
        const cuts = cutPoints(cutSizes, bytes.length);
        const reader = new ChunkReader(split(bytes, cuts));
        const framed = new FramedRead(reader, ld, {
          minReadSize,
          maxReadSize: minReadSize * 4,
          inboundHighWaterMark,
        });
        const kept: Uint8Array[] = [];
        for await (const frame of framed) kept.push(frame); // views, not copies
        assert.deepEqual(kept, frames);
      },
    ),
    { numRuns: 200 },
  );
});

Deno.test("FramedRead a large frame is read into a buffer of its length, not a doubled one", async () => {
  const size = 1 << 20;
  const bytes = encodeAll(ld, [new Uint8Array(size).fill(7)]);
  let largest = 0;
  const watched: Decoder<Uint8Array> = {
    decode(buf: ByteBuffer) {
      largest = Math.max(largest, buf.capacity);
      return ld.decode(buf);
    },
    decodeEof: (buf) => ld.decodeEof(buf),
  };
  const reader = new ChunkReader(
    split(bytes, Array.from({ length: 64 }, (_, i) => (i + 1) * 16384)),
  );
  const frames = await Array.fromAsync(new FramedRead(reader, watched, { maxReadSize: 16384 }));
  assert.equal(frames[0]!.length, size);
  assert.ok(
    largest <= size + 4 + 16384,
    `the buffer grew to ${largest} bytes for a ${size}-byte frame`,
  );
});

for (
  const [what, returned] of [
    ["0 for a non-empty buffer", 0],
    ["NaN", NaN],
    ["undefined", undefined],
    ["more than it was given room for", 1 << 30],
    ["a fraction", 1.5],
    ["a negative count", -1],
  ] as const
) {
  Deno.test(`FramedRead: a reader returning ${what} is an InvalidReadError, once`, async () => {
    const reader = { read: () => Promise.resolve(returned as unknown as number) };
    const framed = new FramedRead(reader, new LinesCodec());
    await assert.rejects(framed.next(), (error) => {
      assert.ok(error instanceof InvalidReadError);
      assert.equal(error.name, "InvalidReadError");
      assert.ok(error.message.includes(String(returned)), error.message);
      return true;
    });
    assert.equal((await framed.next()).done, true);
  });
}

Deno.test("FramedRead frames before an invalid read are delivered first", async () => {
  const reader = new ManualReader();
  const framed = new FramedRead(reader, new LinesCodec(), { inboundHighWaterMark: 1024 });
  await settle();
  reader.push(text("a\nb\n"));
  await settle(); // the read lands
  await new Promise((resolve) => setTimeout(resolve, 0)); // the read-ahead starts from the next macrotask
  reader.push(new Uint8Array(0)); // resolves 0 for a non-empty buffer
  assert.equal((await framed.next()).value, "a");
  assert.equal((await framed.next()).value, "b");
  await assert.rejects(framed.next(), InvalidReadError);
});

Deno.test("FramedRead frameTimeout ends a frame trickled byte by byte (FakeClock)", async () => {
  const clock = new FakeClock();
  const reader = new ManualReader();
  const framed = new FramedRead(reader, new LinesCodec(), { frameTimeout: 1000, clock });
  const next = framed.next();
  await settle();
  reader.push(text("ok\nsl"));
  assert.equal((await next).value, "ok");
  const slow = framed.next();
  await clock.tick(600);
  reader.push(text("o"));
  await clock.tick(399);
  await settle();
  assert.equal(reader.waiting, 1, "still within the limit");
  await clock.tick(1);
  await assert.rejects(slow, (error) => {
    assert.ok(error instanceof DOMException);
    assert.equal(error.name, "TimeoutError");
    assert.match(error.message, /frameTimeout \(1000 ms\)/);
    return true;
  });
  assert.equal((await framed.next()).done, true);
  assert.equal(clock.pending, 0, "no timer left behind");
});

Deno.test("FramedRead frameTimeout restarts with each frame and leaves whole frames alone", async () => {
  const clock = new FakeClock();
  const reader = new ManualReader();
  const framed = new FramedRead(reader, new LinesCodec(), { frameTimeout: 100, clock });
  const lines: string[] = [];
  const reading = (async () => {
    for await (const line of framed) lines.push(line);
  })();
  for (let i = 0; i < 5; i++) {
    await settle();
    reader.push(text(`${i}-a`));
    await clock.tick(90);
    await settle();
    reader.push(text(`b\n`));
    await clock.tick(90);
  }
  await settle();
  await clock.tick(10_000); // idle between frames: no limit applies
  await settle();
  reader.push(null);
  await reading;
  assert.deepEqual(lines, ["0-ab", "1-ab", "2-ab", "3-ab", "4-ab"]);
  assert.equal(clock.pending, 0);
});

Deno.test("Framed intoParts/fromParts hand over every buffered byte in both directions", async () => {
  using pair = duplex();
  const [a, b] = pair;
  await b.write(text("first\nsecond\nthi"));
  const framed = new Framed(a, new LinesCodec());
  assert.equal((await framed.next()).value, "first");
  await framed.feed("reply"); // fed, not yet written
  await framed.flush();
  framed.tryFeed("queued");
  const parts = framed.intoParts();
  assert.equal(parts.transport, a);
  assert.equal(new TextDecoder().decode(parts.readBuffer.bytes()), "second\nthi");
  assert.equal(new TextDecoder().decode(parts.writeBuffer.bytes()), "queued\n");
  await assert.rejects(framed.feed("late"), TypeError);
  assert.equal((await framed.next()).done, true);
  const resumed = Framed.fromParts(parts);
  await b.write(text("rd\n"));
  assert.equal((await resumed.next()).value, "second");
  assert.equal((await resumed.next()).value, "third");
  await resumed.close();
  const peer = new Framed(b, new LinesCodec());
  assert.deepEqual(await Array.fromAsync(peer), ["reply", "queued"]);
});

Deno.test("Framed.fromParts: the handed-over write buffer is written, then never lent to another framer", async () => {
  // Small write buffers are shared between framers once written; one a
  // caller handed over stays out of that sharing (the caller may hold it).
  using pair = duplex();
  const writeBuffer = new ByteBuffer(64);
  writeBuffer.append(text("held\n"));
  const framed = Framed.fromParts({
    transport: pair[0],
    codec: new LinesCodec(),
    readBuffer: new ByteBuffer(0),
    writeBuffer,
  });
  await framed.flush();
  const peer = new Framed(pair[1], new LinesCodec());
  assert.equal((await peer.next()).value, "held");
  // Other framers write while holding their buffers in flight: none of
  // them may be the handed-over one.
  const writes: Uint8Array[] = [];
  const sinks = Array.from({ length: 4 }, () =>
    new FramedWrite({
      write: async (p) => {
        assert.equal(writeBuffer.length, 0, "another framer encoded into the handed-over buffer");
        await settle();
        writes.push(p.slice());
        return p.length;
      },
    }, new LinesCodec()));
  await Promise.all(sinks.map((sink, i) => sink.send(`from ${i}`)));
  assert.equal(writes.length, 4);
  await framed.close();
});

Deno.test("Framed intoParts refuses while a read is in flight", async () => {
  using pair = duplex();
  const framed = new Framed(pair[0], new LinesCodec());
  const pending = framed.next();
  await settle();
  assert.throws(() => framed.intoParts(), TypeError);
  await pair[1].write(text("x\n"));
  assert.equal((await pending).value, "x");
  assert.equal(framed.intoParts().readBuffer.length, 0);
});

Deno.test("Framed mapCodec switches framing mid-stream keeping buffered bytes", async () => {
  using pair = duplex();
  const [a, b] = pair;
  await b.write(
    new Uint8Array([...text("BINARY\n"), ...encodeAll(ld, [text("one"), text("two")])]),
  );
  const lines = new Framed(a, new LinesCodec());
  assert.equal((await lines.next()).value, "BINARY");
  const frames = lines.mapCodec(() => new LengthDelimitedCodec());
  assert.ok(frames.codec instanceof LengthDelimitedCodec);
  assert.deepEqual((await frames.next()).value, text("one"));
  assert.deepEqual((await frames.next()).value, text("two"));
  const pending = frames.next();
  await settle();
  assert.throws(() => frames.mapCodec(() => new LinesCodec()), TypeError);
  await b.closeWrite();
  assert.equal((await pending).done, true);
});

Deno.test("Framed frames({ signal }) stops a loop on abort and loses no frame", async () => {
  using pair = duplex();
  const framed = new Framed(pair[0], new LinesCodec());
  const controller = new AbortController();
  const seen: string[] = [];
  const loop = (async () => {
    for await (const line of framed.frames({ signal: controller.signal })) seen.push(line);
  })();
  await pair[1].write(text("a\n"));
  await settle();
  controller.abort(new Error("shutdown"));
  await assert.rejects(loop, /shutdown/);
  await pair[1].write(text("b\n"));
  assert.equal((await framed.next()).value, "b");
  assert.deepEqual(seen, ["a"]);
});

Deno.test("FramedRead with read-ahead yields the same lines for any chunking (a codec that consumes what it decoded)", async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.stringMatching(/^[a-z]{0,20}$/), { maxLength: 30 }),
      fc.array(fc.integer({ min: 1, max: 50 }), { maxLength: 40 }),
      fc.integer({ min: 1, max: 256 }),
      async (lines, cutSizes, inboundHighWaterMark) => {
        const bytes = text(lines.map((line) => `${line}\n`).join(""));
        const cuts = cutPoints(cutSizes, bytes.length);
        const reader = new ManualReader();
        const framed = new FramedRead(reader, new LinesCodec(), { inboundHighWaterMark });
        const got: string[] = [];
        const reading = (async () => {
          for await (const line of framed) got.push(line);
        })();
        const arrive = async (chunk: Uint8Array | null) => {
          for (let i = 0; i < 100 && reader.waiting === 0; i++) await settle(1);
          reader.push(chunk);
        };
        for (const chunk of split(bytes, cuts)) if (chunk.length > 0) await arrive(chunk);
        await arrive(null);
        await reading;
        assert.deepEqual(got, lines);
      },
    ),
    { numRuns: 100 },
  );
});
