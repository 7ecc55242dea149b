import assert from "node:assert/strict";
import fc from "fast-check";
import {
  BytesCodec,
  type Decoder,
  FramedRead,
  type FramedReadOptions,
  FrameTooLargeError,
  LengthDelimitedCodec,
  LinesCodec,
} from "@weir/weir/framing";
import { type ByteBuffer, LineTooLongError, toReadable, UnexpectedEofError } from "@weir/weir/io";
import { arbitrateSignal } from "@weir/weir/sync";
import { cuts, encodeAll, split, text } from "./_codec_util.ts";
import { ChunkReader, ManualReader, settle } from "./_io_util.ts";
import { TaggedCodec } from "./_tagged_codec.ts";

const ld = new LengthDelimitedCodec();
const wire = (...frames: Uint8Array[]) => encodeAll(ld, frames);

Deno.test("FramedRead decodes a frame split across 1-byte reads", async () => {
  const bytes = wire(text("hello"), text("world"));
  const reader = new ChunkReader(split(bytes, [...bytes.keys()]));
  assert.deepEqual(await Array.fromAsync(new FramedRead(reader, ld)), [
    text("hello"),
    text("world"),
  ]);
  assert.equal(reader.reads, bytes.length + 1);
});

Deno.test("FramedRead yields every frame of one read without reading again", async () => {
  const frames = Array.from({ length: 100 }, (_, i) => new Uint8Array([i]));
  const reader = new ChunkReader([wire(...frames)]);
  const framed = new FramedRead(reader, ld);
  for (const expected of frames) assert.deepEqual((await framed.next()).value, expected);
  assert.equal(reader.reads, 1);
  assert.equal((await framed.next()).done, true);
  assert.equal(reader.reads, 2);
});

Deno.test("FramedRead frames are never overwritten by later reads", async () => {
  const frames = Array.from({ length: 300 }, (_, i) => new Uint8Array(i % 50).fill(i));
  const bytes = wire(...frames);
  const reader = new ChunkReader(split(bytes, Array.from({ length: 60 }, (_, i) => i * 97)));
  assert.deepEqual(
    await Array.fromAsync(new FramedRead(reader, ld, { minReadSize: 64, maxReadSize: 64 })),
    frames,
  );
});

Deno.test("FramedRead throws UnexpectedEofError once for a partial frame at end of stream, then is done", async () => {
  const framed = new FramedRead(
    new ChunkReader([wire(text("ok")), new Uint8Array([0, 0, 0, 5, 1])]),
    ld,
  );
  assert.deepEqual((await framed.next()).value, text("ok"));
  await assert.rejects(framed.next(), (error) => {
    assert.ok(error instanceof UnexpectedEofError);
    assert.equal(error.expected, 9);
    assert.equal(error.received, 5);
    return true;
  });
  assert.equal((await framed.next()).done, true);
  assert.equal((await framed.next()).done, true);
});

Deno.test("FramedRead applies the default decodeEof to a decoder without one", async () => {
  const framed = new FramedRead(
    new ChunkReader([new Uint8Array([1, 1, 7, 2, 5])]),
    new TaggedCodec(),
  );
  assert.deepEqual((await framed.next()).value, { type: 1, payload: new Uint8Array([7]) });
  await assert.rejects(framed.next(), /2 bytes remaining on stream/);
  assert.equal((await framed.next()).done, true);
});

Deno.test("FramedRead throws a decoder error once, then is done, and cancels a stream source", async () => {
  let cancelled: unknown;
  const source = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(text("fine\nthis line is far too long\nnever\n"));
    },
    cancel(reason) {
      cancelled = reason;
    },
  });
  const framed = new FramedRead(source, new LinesCodec({ maxLineLength: 8 }));
  assert.equal((await framed.next()).value, "fine");
  await assert.rejects(framed.next(), LineTooLongError);
  assert.equal((await framed.next()).done, true);
  assert.ok(cancelled instanceof LineTooLongError);
});

Deno.test("FramedRead throws a read error once, then is done", async () => {
  const reader = new ManualReader();
  const framed = new FramedRead(reader, ld);
  const next = framed.next();
  await settle();
  reader.fail(new Deno.errors.ConnectionReset("reset"));
  await assert.rejects(next, Deno.errors.ConnectionReset);
  assert.equal((await framed.next()).done, true);
  assert.equal(reader.waiting, 0);
});

Deno.test("FramedRead calls decodeEof until it returns undefined, for closing frames", async () => {
  let closing = 3;
  const decoder: Decoder<string> = {
    decode: (buf: ByteBuffer) => buf.length > 0 ? String(buf.take(1)[0]) : undefined,
    decodeEof: () => closing > 0 ? `bye ${closing--}` : undefined,
  };
  const frames = await Array.fromAsync(
    new FramedRead(new ChunkReader([new Uint8Array([1, 2])]), decoder),
  );
  assert.deepEqual(frames, ["1", "2", "bye 3", "bye 2", "bye 1"]);
});

Deno.test("FramedRead reads Web Streams, byte streams included", async () => {
  const bytes = wire(text("a"), new Uint8Array(70000), text("b"));
  const chunks = split(bytes, [3, 5000, 60000, 70003]);
  const plain = ReadableStream.from(chunks);
  assert.equal((await Array.fromAsync(new FramedRead(plain, ld))).length, 3);
  const byteStream = toReadable(new ChunkReader(chunks));
  const frames = await Array.fromAsync(new FramedRead(byteStream, ld));
  assert.deepEqual(frames.map((f) => f.length), [1, 70000, 1]);
});

Deno.test("FramedRead gives the same frames for any chunking of the input", async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.uint8Array({ maxLength: 100 }), { maxLength: 8 }),
      cuts,
      async (frames, at) => {
        const reader = new ChunkReader(split(wire(...frames), at));
        assert.deepEqual(
          await Array.fromAsync(new FramedRead(reader, ld, { minReadSize: 16, maxReadSize: 16 })),
          frames,
        );
      },
    ),
    { numRuns: 1000 },
  );
});

Deno.test("FramedRead serves concurrent next() calls in call order", async () => {
  const reader = new ManualReader();
  const framed = new FramedRead(reader, new LinesCodec());
  const calls = [framed.next(), framed.next(), framed.next()];
  await settle();
  assert.equal(reader.waiting, 1, "one read at a time");
  reader.push(text("one\ntwo\n"));
  await settle();
  reader.push(text("three\n"));
  assert.deepEqual((await Promise.all(calls)).map((r) => r.value), ["one", "two", "three"]);
});

Deno.test("FramedRead.next() aborted while reading rejects and loses no bytes", async () => {
  const reader = new ManualReader();
  const framed = new FramedRead(reader, new LinesCodec());
  const controller = new AbortController();
  const pending = framed.next({ signal: controller.signal });
  await settle();
  controller.abort(new Error("stop"));
  await assert.rejects(pending, /stop/);
  reader.push(text("kept\n"));
  assert.equal((await framed.next()).value, "kept");
  assert.equal(reader.reads, 1, "the read in flight was reused");
  await assert.rejects(framed.next({ signal: AbortSignal.abort(new Error("early")) }), /early/);
});

Deno.test("FramedRead.next() aborted while queued rejects at once and keeps the order", async () => {
  const reader = new ManualReader();
  const framed = new FramedRead(reader, new LinesCodec());
  const controller = new AbortController();
  const first = framed.next();
  const second = framed.next({ signal: controller.signal });
  const third = framed.next();
  controller.abort(new Error("gone"));
  await assert.rejects(second, /gone/);
  await settle();
  reader.push(text("a\nb\n"));
  assert.equal((await first).value, "a");
  assert.equal((await third).value, "b");
});

Deno.test("FramedRead: concurrent next() calls, some aborted at any point or refused when served, get every frame once and in order", async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.constantFrom("plain", "abort-at-once", "abort-after-first-read", "refused"), {
        minLength: 1,
        maxLength: 12,
      }),
      fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 6 }),
      async (calls, pushes) => {
        // Bytes pushed while no read waits are kept for the next read.
        const queued: Uint8Array[] = [];
        const manual = new ManualReader();
        const reader = {
          read: (p: Uint8Array) => {
            const next = queued.shift();
            if (next === undefined) return manual.read(p);
            p.set(next);
            return Promise.resolve(next.length);
          },
          push: (bytes: Uint8Array) => manual.waiting > 0 ? manual.push(bytes) : queued.push(bytes),
        };
        const framed = new FramedRead(reader, new LinesCodec());
        const controllers = calls.map(() => new AbortController());
        // A refused call's `select` lost just as its frame was decoded: the
        // arbiter aborts its signal and refuses the claim, so the frame is
        // held for the next call.
        calls.forEach((kind, i) => {
          if (kind !== "refused") return;
          const controller = controllers[i]!;
          arbitrateSignal(controller.signal, () => {
            controller.abort(new Error(`abort ${i}`));
            return false;
          });
        });
        const outcomes = calls.map((kind, i) =>
          framed.next(kind === "plain" ? undefined : { signal: controllers[i]!.signal }).then(
            (result) => ({ value: result.value }),
            (error: Error) => ({ reason: error.message }),
          )
        );
        const abort = (when: string) =>
          calls.forEach((kind, i) => {
            if (kind === when) controllers[i]!.abort(new Error(`abort ${i}`));
          });
        abort("abort-at-once");
        // Enough frames for every call, whatever was aborted.
        const counts = [...pushes, calls.length];
        let sent = 0;
        for (const count of counts) {
          await settle();
          reader.push(text(Array.from({ length: count }, (_, k) => `f${sent + k}\n`).join("")));
          sent += count;
          if (count === counts[0]) abort("abort-after-first-read");
        }
        const settled = await Promise.all(outcomes);
        const taken: string[] = [];
        settled.forEach((outcome, i) => {
          if ("reason" in outcome) assert.equal(outcome.reason, `abort ${i}`);
          else taken.push(outcome.value!);
        });
        while (taken.length < sent) taken.push((await framed.next()).value!);
        // Calls got frames in call order, and what aborted calls left is still there, in order.
        assert.deepEqual(taken, Array.from({ length: sent }, (_, k) => `f${k}`));
      },
    ),
    { numRuns: 200 },
  );
});

Deno.test("FramedRead: calls waiting when the read fails get the frames before it, then the error once, then the end", async () => {
  const reader = new ManualReader();
  const framed = new FramedRead(reader, new LinesCodec());
  const calls = Array.from({ length: 5 }, () =>
    framed.next().then(
      (result) => result.done ? "done" : result.value,
      (error: Error) => `error: ${error.message}`,
    ));
  await settle();
  reader.push(text("a\nb\npart"));
  await settle();
  reader.fail(new Error("reset"));
  assert.deepEqual(await Promise.all(calls), ["a", "b", "error: reset", "done", "done"]);
  await assert.rejects(framed.closed, /reset/);
});

Deno.test("FramedRead: calls waiting at end of stream with a partial frame get UnexpectedEofError once", async () => {
  const reader = new ManualReader();
  const framed = new FramedRead(reader, new LengthDelimitedCodec());
  const calls = [framed.next(), framed.next(), framed.next()].map((call) =>
    call.then((result) => result.done ? "done" : "frame", (error) => error.constructor.name)
  );
  await settle();
  reader.push(new Uint8Array([0, 0, 0, 9, 1, 2]));
  await settle();
  reader.push(null);
  assert.deepEqual(await Promise.all(calls), ["UnexpectedEofError", "done", "done"]);
});

Deno.test("FramedRead.return() ends the iteration and cancels a stream source", async () => {
  let cancelled = false;
  const source = new ReadableStream<Uint8Array>({
    pull(controller) {
      controller.enqueue(text("x\n"));
    },
    cancel() {
      cancelled = true;
    },
  });
  const framed = new FramedRead(source, new LinesCodec());
  for await (const line of framed) {
    assert.equal(line, "x");
    break;
  }
  assert.ok(cancelled);
  assert.equal((await framed.next()).done, true);
});

Deno.test("FramedRead.readable streams the frames and cancels through", async () => {
  const framed = new FramedRead(new ChunkReader([text("a\nb\nc")]), new LinesCodec());
  assert.deepEqual(await Array.fromAsync(framed.readable), ["a", "b", "c"]);
  const reader = new ManualReader();
  const other = new FramedRead(reader, new BytesCodec());
  await other.readable.cancel();
  assert.equal((await other.next()).done, true);
  assert.equal(reader.reads, 0);
});

Deno.test("FramedRead rejects bad read sizes, read-ahead and frame timeout, naming them", () => {
  const make = (options: FramedReadOptions) => () =>
    new FramedRead(new ChunkReader([]), ld, options);
  assert.throws(make({ minReadSize: 0 }), /'minReadSize'/);
  assert.throws(make({ maxReadSize: 1.5 }), /'maxReadSize'/);
  assert.throws(make({ minReadSize: 1024, maxReadSize: 512 }), /'maxReadSize' must be at least/);
  assert.throws(make({ inboundHighWaterMark: -1 }), /'inboundHighWaterMark'/);
  assert.throws(make({ frameTimeout: 0 }), /'frameTimeout'/);
  assert.throws(make({ frameTimeout: NaN }), /'frameTimeout'/);
});

Deno.test("FramedRead.readable delivers every frame a read brought before that read's decode error", async () => {
  const limited = new LengthDelimitedCodec({ maxFrameLength: 10 });
  const good = encodeAll(limited, [7, 8, 9, 10].map((b) => new Uint8Array([b])));
  const oneRead = new Uint8Array([...good, 0xff, 0xff, 0xff, 0xff]); // then a header over the limit
  const framed = new FramedRead(new ChunkReader([oneRead]), limited);
  const got: number[] = [];
  await assert.rejects(async () => {
    for await (const frame of framed.readable) got.push(frame[0]!);
  }, FrameTooLargeError);
  assert.deepEqual(got, [7, 8, 9, 10]);
});

Deno.test("FramedRead: a waiting next() refused its frame while served (its select lost) leaves the calls behind it queued", async () => {
  // The refusing arbiter aborts the first call's signal in the middle of
  // serving it: that call rejects and its frame is held back; the calls
  // behind it must still get frames, in order.
  const source = new ManualReader();
  const framed = new FramedRead(source, new LinesCodec());
  const controller = new AbortController();
  arbitrateSignal(controller.signal, () => {
    controller.abort(new Error("another branch won"));
    return false;
  });
  const first = framed.next({ signal: controller.signal });
  const second = framed.next();
  const third = framed.next();
  await settle();
  source.push(new TextEncoder().encode("a\nb\n"));
  await assert.rejects(first, /another branch won/);
  assert.deepEqual(await second, { value: "a", done: false });
  assert.deepEqual(await third, { value: "b", done: false });
});
