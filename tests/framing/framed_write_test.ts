import assert from "node:assert/strict";
import fc from "fast-check";
import {
  FramedWrite,
  FrameTooLargeError,
  LengthDelimitedCodec,
  LinesCodec,
} from "@weir/weir/framing";
import type { Writer } from "@weir/weir/io";
import { text } from "./_codec_util.ts";
import { GatedWriter, RecordingWriter, settle } from "./_io_util.ts";

const str = (b: Uint8Array) => new TextDecoder().decode(b);

Deno.test("FramedWrite.feed() only encodes; many fed frames go out in one write", async () => {
  const sink = new RecordingWriter();
  const framed = new FramedWrite(sink, new LinesCodec());
  for (let i = 0; i < 100; i++) await framed.feed(`line ${i}`);
  assert.equal(sink.writes.length, 0);
  assert.equal(framed.buffered, 790);
  await framed.flush();
  assert.equal(sink.writes.length, 1);
  assert.equal(str(sink.writes[0]!).split("\n").length, 101);
  assert.equal(framed.buffered, 0);
  await framed.flush();
  assert.equal(sink.writes.length, 1, "nothing to flush writes nothing");
});

Deno.test("FramedWrite.send() writes each item", async () => {
  const sink = new RecordingWriter();
  const framed = new FramedWrite(sink, new LengthDelimitedCodec());
  await framed.send(text("message from server: 1\n"));
  await framed.send(new Uint8Array(0));
  assert.deepEqual(sink.writes, [
    new Uint8Array([0, 0, 0, 0x17, ...text("message from server: 1\n")]),
    new Uint8Array([0, 0, 0, 0]),
  ]);
});

Deno.test("FramedWrite flushes when buffered reaches the backpressure boundary, not before", async () => {
  const sink = new RecordingWriter();
  const framed = new FramedWrite(sink, new LengthDelimitedCodec(), { highWaterMark: 20 });
  await framed.feed(new Uint8Array(6)); // 10 bytes
  await framed.feed(new Uint8Array(5)); // 19 bytes: still below
  assert.equal(sink.writes.length, 0);
  await framed.feed(new Uint8Array(2)); // 19 < 20: encoded, now 25
  assert.equal(sink.writes.length, 0);
  assert.equal(framed.buffered, 25, "the buffer exceeds the boundary by at most one item");
  await framed.feed(new Uint8Array(1)); // 25 >= 20: flush first
  assert.equal(sink.writes.length, 1);
  assert.equal(sink.writes[0]!.length, 25);
  assert.equal(framed.buffered, 5);
  const exact = new FramedWrite(new RecordingWriter(), new LinesCodec(), {
    highWaterMark: 4,
  });
  await exact.feed("abc"); // exactly 4 bytes
  await exact.feed("d");
  assert.equal(exact.buffered, 2, "buffered == boundary flushes");
  assert.equal(new FramedWrite(sink, new LinesCodec()).buffered, 0);
});

Deno.test("FramedWrite loops over short writes", async () => {
  const sink = new RecordingWriter(3);
  const framed = new FramedWrite(sink, new LinesCodec());
  await framed.feed("hello");
  await framed.send("world");
  assert.equal(str(sink.bytes), "hello\nworld\n");
  assert.deepEqual(sink.writes.map((w) => w.length), [3, 3, 3, 3]);
});

Deno.test("FramedWrite fails with WriteZero and keeps failing with the same error", async () => {
  const framed = new FramedWrite({ write: () => Promise.resolve(0) }, new LinesCodec());
  await assert.rejects(framed.send("x"), Deno.errors.WriteZero);
  await assert.rejects(framed.feed("y"), Deno.errors.WriteZero);
  await assert.rejects(framed.flush(), Deno.errors.WriteZero);
  await assert.rejects(framed.close(), Deno.errors.WriteZero);
});

Deno.test("FramedWrite rejects an item the encoder refuses and goes on", async () => {
  const sink = new RecordingWriter();
  const framed = new FramedWrite(sink, new LengthDelimitedCodec({ maxFrameLength: 4 }));
  await framed.feed(new Uint8Array([1, 2, 3, 4]));
  await assert.rejects(framed.feed(new Uint8Array(5)), (error) => {
    assert.ok(error instanceof FrameTooLargeError);
    assert.equal(error.message, "Frame of 5 bytes exceeds maxFrameLength 4");
    return true;
  });
  await framed.send(new Uint8Array([9]));
  assert.deepEqual([...sink.bytes], [0, 0, 0, 4, 1, 2, 3, 4, 0, 0, 0, 1, 9]);
});

Deno.test("FramedWrite.close() flushes, shuts the write side down once and refuses more items", async () => {
  const sink = new RecordingWriter();
  const framed = new FramedWrite(sink, new LinesCodec());
  await framed.feed("last");
  const closing = framed.close();
  assert.equal(framed.close(), closing);
  await assert.rejects(framed.feed("late"), TypeError);
  await closing;
  assert.equal(str(sink.bytes), "last\n");
  assert.ok(sink.closedWrite);
  await assert.rejects(framed.send("later"), /closed FramedWrite/);
});

Deno.test("FramedWrite encodes while a write is in flight and coalesces it into the next write", async () => {
  const sink = new GatedWriter();
  const framed = new FramedWrite(sink, new LinesCodec());
  const first = framed.send("a");
  await settle();
  assert.equal(sink.waiting, 1);
  await framed.feed("b");
  await framed.feed("c");
  const second = framed.flush();
  sink.release();
  await first;
  await settle();
  sink.release();
  await second;
  assert.deepEqual(sink.writes.map(str), ["a\n", "b\nc\n"]);
});

Deno.test("FramedWrite.feed() aborted while waiting for room encodes nothing", async () => {
  const sink = new GatedWriter();
  const framed = new FramedWrite(sink, new LinesCodec(), { highWaterMark: 2 });
  await framed.feed("ab");
  const controller = new AbortController();
  const blocked = framed.feed("dropped", { signal: controller.signal });
  const queued = framed.feed("kept");
  await settle();
  assert.equal(sink.waiting, 1);
  controller.abort(new Error("cancel"));
  await assert.rejects(blocked, /cancel/);
  sink.release();
  await queued;
  const flushed = framed.flush();
  await settle();
  sink.release();
  await flushed;
  assert.deepEqual(sink.writes.map(str), ["ab\n", "kept\n"]);
  await assert.rejects(framed.send("x", { signal: AbortSignal.abort(new Error("pre")) }), /pre/);
});

Deno.test("FramedWrite.flush() aborted stops waiting while the bytes still go out", async () => {
  const sink = new GatedWriter();
  const framed = new FramedWrite(sink, new LinesCodec());
  await framed.feed("z");
  const controller = new AbortController();
  const flushing = framed.flush({ signal: controller.signal });
  controller.abort(new Error("later"));
  await assert.rejects(flushing, /later/);
  sink.release();
  await framed.flush();
  assert.deepEqual(sink.writes.map(str), ["z\n"]);
});

Deno.test("FramedWrite.writable coalesces items and makes a producer wait for a slow writer", async () => {
  const sink = new GatedWriter();
  const framed = new FramedWrite(sink, new LengthDelimitedCodec(), { highWaterMark: 1024 });
  let pulled = 0;
  const producer = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (pulled === 1000) return controller.close();
      pulled++;
      controller.enqueue(new Uint8Array(96));
    },
  }, { highWaterMark: 1 });
  const piping = producer.pipeTo(framed.writable);
  for (let i = 0; i < 50; i++) await settle();
  assert.equal(sink.waiting, 1, "one write in flight");
  assert.ok(pulled < 20, `the producer waits while the writer is stuck (pulled ${pulled})`);
  for (let i = 0; i < 1000 && sink.waiting > 0; i++) {
    sink.release();
    for (let j = 0; j < 5; j++) await settle();
  }
  await piping;
  assert.equal(pulled, 1000);
  const total = sink.writes.reduce((n, w) => n + w.length, 0);
  assert.equal(total, 100 * 1000);
  assert.ok(sink.writes.length < 200, `items were coalesced (${sink.writes.length} writes)`);
});

Deno.test("FramedWrite over a WritableStream; aborting the writable aborts the sink", async () => {
  const chunks: string[] = [];
  let aborted: unknown;
  const sink = new WritableStream<Uint8Array>({
    write: (c) => void chunks.push(str(c)),
    abort: (reason) => void (aborted = reason),
  });
  const framed = new FramedWrite(sink, new LinesCodec());
  const writer = framed.writable.getWriter();
  await writer.write("one");
  await settle();
  await writer.abort(new Error("boom"));
  assert.deepEqual(chunks, ["one\n"]);
  assert.match(String(aborted), /boom/);
  await assert.rejects(framed.feed("two"), /boom/);
});

Deno.test("FramedWrite is AsyncDisposable and rejects bad options", async () => {
  const sink = new RecordingWriter();
  {
    await using framed = new FramedWrite(sink, new LinesCodec());
    await framed.feed("bye");
  }
  assert.equal(str(sink.bytes), "bye\n");
  assert.ok(sink.closedWrite);
  const writer: Writer = sink;
  assert.throws(
    () => new FramedWrite(writer, new LinesCodec(), { highWaterMark: -1 }),
    /'highWaterMark'/,
  );
});

Deno.test("FramedWrite writes every item once, in order, whatever the sizes and the timing of writes (property)", async () => {
  // Items from tiny to past the size up to which write buffers go back to
  // the shared pool (8 KiB), fed and sent while writes are in flight, short
  // and slow: the bytes on the wire are the items' encodings, in call order.
  const step = fc.record({
    size: fc.oneof(fc.integer({ min: 0, max: 64 }), fc.integer({ min: 4000, max: 12000 })),
    op: fc.constantFrom("feed", "send", "tryFeed", "flush"),
    pause: fc.boolean(),
  });
  await fc.assert(
    fc.asyncProperty(
      fc.array(step, { minLength: 1, maxLength: 16 }),
      fc.integer({ min: 256, max: 9000 }),
      async (steps, limit) => {
        // A macrotask every fifth write, so items arrive while one is in flight.
        let writes = 0;
        const { sink, wire } = shortWriteSink(
          limit,
          () => ++writes % 5 === 0 ? new Promise((resolve) => setTimeout(resolve, 0)) : undefined,
        );
        const codec = new LengthDelimitedCodec({ maxFrameLength: 1 << 20 });
        const framed = new FramedWrite(sink, codec, { highWaterMark: 16384 });
        const expected = new WireLog();
        const pending: Promise<void>[] = [];
        for (const [i, { size, op, pause }] of steps.entries()) {
          const item = new Uint8Array(size).fill(i % 251);
          if (op === "tryFeed") {
            if (!framed.tryFeed(item)) pending.push(framed.feed(item));
          } else if (op === "flush") {
            pending.push(framed.flush());
            continue;
          } else pending.push(op === "send" ? framed.send(item) : framed.feed(item));
          expected.push(item);
          if (pause) await settle();
        }
        await Promise.all(pending);
        await framed.close();
        assert.deepEqual(wire(), expected.bytes());
      },
    ),
    { numRuns: 25 },
  );
});

/**
 * A sink taking at most `limit` bytes a write, after `pause` (when it
 * returns a promise); `wire()` is everything it took, in order.
 */
function shortWriteSink(
  limit: number,
  pause: () => Promise<unknown> | undefined,
): { sink: Writer; wire(): Uint8Array } {
  const written: Uint8Array[] = [];
  const sink: Writer = {
    write: async (p) => {
      const n = Math.min(p.length, limit);
      written.push(p.slice(0, n));
      await pause();
      return n;
    },
  };
  return { sink, wire: () => concat(written) };
}

/** The expected wire bytes: each item behind a 4-byte big-endian length. */
class WireLog {
  #parts: Uint8Array[] = [];
  push(item: Uint8Array): void {
    const head = new Uint8Array(4);
    new DataView(head.buffer).setUint32(0, item.length);
    this.#parts.push(head, item);
  }
  bytes(): Uint8Array {
    return concat(this.#parts);
  }
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

Deno.test("FramedWrite: many framers writing at once never mix their bytes (shared write buffers, property)", async () => {
  // Write buffers of up to 8 KiB go back to a pool shared by every framer
  // once written: a buffer taken by two framers at once, or handed back
  // while its write is in flight, would put one framer's bytes on another's
  // wire. Some sinks fail midway: their framer stops, the others go on.
  const plan = fc.array(
    fc.record({
      sizes: fc.array(fc.integer({ min: 0, max: 3000 }), { minLength: 1, maxLength: 12 }),
      failAfter: fc.option(fc.integer({ min: 1, max: 6 }), { nil: undefined }),
      slow: fc.boolean(),
    }),
    { minLength: 2, maxLength: 8 },
  );
  await fc.assert(
    fc.asyncProperty(plan, async (framers) => {
      const runs = framers.map(async ({ sizes, failAfter, slow }, f) => {
        const written: Uint8Array[] = [];
        let writes = 0;
        const sink: Writer = {
          write: async (p) => {
            if (failAfter !== undefined && ++writes > failAfter) throw new Error(`sink ${f} broke`);
            // The bytes are read when the write completes, as a socket
            // may: a buffer reused while in flight would show here.
            if (slow) await new Promise((resolve) => setTimeout(resolve, 0));
            else await Promise.resolve();
            written.push(p.slice());
            return p.length;
          },
        };
        const framed = new FramedWrite(sink, new LengthDelimitedCodec());
        const expected = new WireLog();
        let failed = false;
        for (const [i, size] of sizes.entries()) {
          // Each framer's bytes carry its own mark: any foreign byte shows.
          const item = new Uint8Array(size).fill((f * 31 + i) % 251);
          try {
            if (i % 3 === 2) await framed.send(item);
            else await framed.feed(item);
          } catch {
            failed = true;
            break;
          }
          expected.push(item);
        }
        if (!failed) await framed.close().catch(() => failed = true);
        const wire = concat(written);
        const want = expected.bytes();
        // A failed framer wrote a prefix of its items; a healthy one all of them.
        if (failed) assert.deepEqual(wire, want.subarray(0, wire.length));
        else assert.deepEqual(wire, want);
      });
      await Promise.all(runs);
    }),
    { numRuns: 30 },
  );
});

Deno.test("FramedWrite.send() whose write is in flight when the writer is aborted rejects with the abort's reason", async () => {
  const sink = new GatedWriter();
  const framed = new FramedWrite(sink, new LinesCodec());
  const sending = framed.send("a");
  await settle();
  assert.equal(sink.waiting, 1);
  const reason = new Error("stop");
  await framed.writable.abort(reason);
  sink.release(); // the write itself succeeds, but the writer was aborted meanwhile
  await assert.rejects(sending, (error) => error === reason);
  await assert.rejects(framed.send("b"), (error) => error === reason);
  assert.deepEqual(sink.writes.map(str), ["a\n"]);
});

Deno.test("FramedWrite.send() rejects with the writer's error, and so does every later call", async () => {
  const failure = new Error("socket gone");
  let writes = 0;
  const framed = new FramedWrite({
    write: () => {
      writes++;
      return Promise.reject(failure);
    },
  }, new LinesCodec());
  await assert.rejects(framed.send("a"), (error) => error === failure);
  await assert.rejects(framed.send("b"), (error) => error === failure);
  await assert.rejects(framed.flush(), (error) => error === failure);
  assert.equal(writes, 1);
});

Deno.test("FramedWrite: concurrent feeds, some aborted at any moment, put exactly the fed items on the wire, in call order (property)", async () => {
  // A feed resolves once its item is encoded and rejects (encoding
  // nothing) when its signal aborts first; calls behind an aborted one
  // keep their order. The wire must be the items whose feed resolved.
  const call = fc.record({
    size: fc.integer({ min: 1, max: 40 }),
    abortAfter: fc.option(fc.integer({ min: 0, max: 6 }), { nil: undefined }),
  });
  await fc.assert(
    fc.asyncProperty(
      fc.array(call, { minLength: 1, maxLength: 14 }),
      fc.integer({ min: 8, max: 64 }),
      async (calls, highWaterMark) => {
        const { sink, wire } = shortWriteSink(17, settle);
        const framed = new FramedWrite(sink, new LengthDelimitedCodec(), { highWaterMark });
        const controllers = calls.map(() => new AbortController());
        const items = calls.map(({ size }, i) => new Uint8Array(size).fill(i + 1));
        const outcomes = calls.map(({ abortAfter }, i) =>
          framed.feed(
            items[i]!,
            abortAfter === undefined ? undefined : { signal: controllers[i]!.signal },
          )
            .then(() => true, (error: Error) => {
              assert.equal(error.message, `abort ${i}`);
              return false;
            })
        );
        // Aborts land after 0..6 turns of the writes.
        for (let turn = 0; turn <= 6; turn++) {
          calls.forEach(({ abortAfter }, i) => {
            if (abortAfter === turn) controllers[i]!.abort(new Error(`abort ${i}`));
          });
          await settle();
        }
        const fed = await Promise.all(outcomes);
        await framed.close();
        const expected = new WireLog();
        items.forEach((item, i) => fed[i] && expected.push(item));
        assert.deepEqual(wire(), expected.bytes());
      },
    ),
    { numRuns: 150 },
  );
});
