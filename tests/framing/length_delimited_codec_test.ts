import assert from "node:assert/strict";
import fc from "fast-check";
import {
  FramedRead,
  FrameTooLargeError,
  InvalidFrameError,
  LengthDelimitedCodec,
} from "@weir/weir/framing";
import { ByteBuffer, UnexpectedEofError } from "@weir/weir/io";
import { cuts, decodeChunks, encodeAll, split, text } from "./_codec_util.ts";

const HELLO = text("Hello world");
const bytes = (...parts: (number[] | Uint8Array)[]) => new Uint8Array(parts.flatMap((p) => [...p]));
const decodeOne = (codec: LengthDelimitedCodec, input: Uint8Array) => {
  const buf = new ByteBuffer();
  buf.append(input);
  const frame = codec.decode(buf);
  assert.equal(buf.length, 0, "the frame's bytes are consumed");
  return frame;
};

Deno.test("LengthDelimitedCodec pins the B5s wire bytes", () => {
  const codec = new LengthDelimitedCodec();
  const wire = encodeAll(codec, [text("message from server: 1\n")]);
  assert.deepEqual(wire, bytes([0x00, 0x00, 0x00, 0x17], text("message from server: 1\n")));
  assert.equal(wire.length, 27);
  assert.deepEqual(
    encodeAll(codec, [text("message from server: 10\n")]).subarray(0, 4),
    bytes([0, 0, 0, 0x18]),
  );
  assert.deepEqual(decodeChunks(codec, [wire]), [text("message from server: 1\n")]);
});

Deno.test("LengthDelimitedCodec matches tokio-util's doc examples 1-7", () => {
  // 1. 2-byte field, defaults otherwise.
  assert.deepEqual(
    decodeOne(new LengthDelimitedCodec({ lengthFieldLength: 2 }), bytes([0, 0x0b], HELLO)),
    HELLO,
  );
  // 2. Keep the header: adjustment +2, numSkip 0.
  const two = bytes([0, 0x0b], HELLO);
  assert.deepEqual(
    decodeOne(
      new LengthDelimitedCodec({ lengthFieldLength: 2, lengthAdjustment: 2, numSkip: 0 }),
      two,
    ),
    two,
  );
  // 3. The length counts the header: adjustment -2.
  assert.deepEqual(
    decodeOne(
      new LengthDelimitedCodec({ lengthFieldLength: 2, lengthAdjustment: -2 }),
      bytes([0, 0x0d], HELLO),
    ),
    HELLO,
  );
  // 4. 3-byte field, 2 more header bytes after it, whole frame kept.
  const four = bytes([0, 0, 0x0b, 0xca, 0xfe], HELLO);
  assert.deepEqual(
    decodeOne(
      new LengthDelimitedCodec({ lengthFieldLength: 3, lengthAdjustment: 5, numSkip: 0 }),
      four,
    ),
    four,
  );
  // 5. A byte before the field and one after it; skip through the field.
  const opts5 = { lengthFieldOffset: 1, lengthFieldLength: 2, lengthAdjustment: 1, numSkip: 3 };
  assert.deepEqual(
    decodeOne(new LengthDelimitedCodec(opts5), bytes([0xca, 0, 0x0b, 0xfe], HELLO)),
    bytes([0xfe], HELLO),
  );
  // 6. Same layout, the length counting the whole message.
  const opts6 = { lengthFieldOffset: 1, lengthFieldLength: 2, lengthAdjustment: -3, numSkip: 3 };
  assert.deepEqual(
    decodeOne(new LengthDelimitedCodec(opts6), bytes([0xca, 0, 0x0f, 0xfe], HELLO)),
    bytes([0xfe], HELLO),
  );
  // 7. 3-byte field followed by a byte that is skipped.
  assert.deepEqual(
    decodeOne(
      new LengthDelimitedCodec({ lengthFieldLength: 3, numSkip: 4 }),
      bytes([0, 0, 0x0b, 0xff], HELLO),
    ),
    HELLO,
  );
});

Deno.test("LengthDelimitedCodec encodes like tokio-util for each option", () => {
  const hello = text("hello world");
  assert.deepEqual(
    encodeAll(new LengthDelimitedCodec({ lengthFieldLength: 2 }), [hello]),
    bytes([0, 0x0b], hello),
  );
  assert.deepEqual(encodeAll(new LengthDelimitedCodec(), [hello]), bytes([0, 0, 0, 0x0b], hello));
  assert.deepEqual(
    encodeAll(new LengthDelimitedCodec({ lengthFieldLength: 2, littleEndian: true }), [hello]),
    bytes([0x0b, 0], hello),
  );
  assert.deepEqual(
    encodeAll(new LengthDelimitedCodec({ lengthFieldLength: 3 }), [hello]),
    bytes([0, 0, 0x0b], hello),
  );
  assert.deepEqual(
    encodeAll(new LengthDelimitedCodec({ lengthFieldLength: 8 }), [hello]),
    bytes([0, 0, 0, 0, 0, 0, 0, 0x0b], hello),
  );
  assert.deepEqual(
    encodeAll(new LengthDelimitedCodec({ lengthFieldLength: 8, littleEndian: true }), [hello]),
    bytes([0x0b, 0, 0, 0, 0, 0, 0, 0], hello),
  );
  assert.deepEqual(
    encodeAll(new LengthDelimitedCodec({ lengthFieldLength: 4, littleEndian: true }), [
      new Uint8Array(0x0102),
    ]),
    bytes([0x02, 0x01, 0, 0], new Uint8Array(0x0102)),
  );
  // lengthAdjustment is subtracted; offset and numSkip write no padding.
  assert.deepEqual(
    encodeAll(new LengthDelimitedCodec({ lengthFieldLength: 2, lengthAdjustment: -2 }), [hello]),
    bytes([0, 0x0d], hello),
  );
  assert.deepEqual(
    encodeAll(
      new LengthDelimitedCodec({ lengthFieldOffset: 3, numSkip: 9, lengthFieldLength: 1 }),
      [hello],
    ),
    bytes([0x0b], hello),
  );
  assert.deepEqual(encodeAll(new LengthDelimitedCodec(), [new Uint8Array(0)]), bytes([0, 0, 0, 0]));
});

Deno.test("LengthDelimitedCodec accepts exactly maxFrameLength in both directions and rejects one more", () => {
  const max = 8 * 1024 * 1024;
  const codec = new LengthDelimitedCodec();
  assert.equal(codec.maxFrameLength, max);
  const exact = encodeAll(codec, [new Uint8Array(max)]);
  assert.deepEqual(exact.subarray(0, 4), bytes([0, 0x80, 0, 0]));
  assert.equal(decodeOne(codec, exact)?.length, max);
  const over = new ByteBuffer();
  over.append(bytes([0, 0x80, 0, 1]));
  assert.throws(() => codec.decode(over), (error) => {
    assert.ok(error instanceof FrameTooLargeError);
    assert.equal(error.name, "FrameTooLargeError");
    assert.equal(error.size, max + 1);
    assert.equal(error.limit, max);
    assert.equal(error.message, "Frame of 8388609 bytes exceeds maxFrameLength 8388608");
    return true;
  });
  const out = new ByteBuffer();
  assert.throws(
    () => codec.encode(new Uint8Array(max + 1), out),
    /Frame of 8388609 bytes exceeds maxFrameLength 8388608/,
  );
  assert.equal(out.length, 0, "a rejected item leaves the buffer untouched");

  const small = new LengthDelimitedCodec({ maxFrameLength: 5 });
  assert.deepEqual(decodeOne(small, bytes([0, 0, 0, 5], [1, 2, 3, 4, 5])), bytes([1, 2, 3, 4, 5]));
  const big = new ByteBuffer();
  big.append(bytes([0, 0, 0, 9]));
  assert.throws(() => small.decode(big), FrameTooLargeError, "fails on the header alone");
  assert.throws(() => small.encode(new Uint8Array(6), new ByteBuffer()), FrameTooLargeError);
});

Deno.test("LengthDelimitedCodec checks the raw length field against the limit, before adjustment", () => {
  const codec = new LengthDelimitedCodec({
    lengthFieldLength: 2,
    lengthAdjustment: 2,
    numSkip: 0,
    maxFrameLength: 11,
  });
  assert.equal(decodeOne(codec, bytes([0, 11], HELLO))?.length, 13);
  const buf = new ByteBuffer();
  buf.append(bytes([0, 12]));
  assert.throws(() => codec.decode(buf), /Frame of 12 bytes exceeds maxFrameLength 11/);
});

Deno.test("LengthDelimitedCodec clamps maxFrameLength to the field width plus adjustment", () => {
  const max = (o: ConstructorParameters<typeof LengthDelimitedCodec>[0]) =>
    new LengthDelimitedCodec(o).maxFrameLength;
  assert.equal(max({ lengthFieldLength: 1, maxFrameLength: 256 }), 255);
  assert.equal(max({ lengthFieldLength: 1, maxFrameLength: 256, lengthAdjustment: -1 }), 254);
  assert.equal(max({ lengthFieldLength: 1, maxFrameLength: 256, lengthAdjustment: 1 }), 256);
  assert.equal(max({ lengthFieldLength: 1, lengthAdjustment: -300 }), 0);
  assert.equal(max({ lengthFieldLength: 2 }), 65535);
  assert.equal(max({ lengthFieldLength: 8 }), 8 * 1024 * 1024);
  assert.equal(
    max({ lengthFieldLength: 8, maxFrameLength: Number.MAX_SAFE_INTEGER }),
    Number.MAX_SAFE_INTEGER,
  );
});

Deno.test("LengthDelimitedCodec rejects bad options, naming them", () => {
  for (const n of [0, 9, 2.5]) {
    assert.throws(() => new LengthDelimitedCodec({ lengthFieldLength: n }), /'lengthFieldLength'/);
  }
  assert.throws(() => new LengthDelimitedCodec({ lengthFieldOffset: -1 }), /'lengthFieldOffset'/);
  assert.throws(() => new LengthDelimitedCodec({ numSkip: -1 }), /'numSkip'/);
  assert.throws(() => new LengthDelimitedCodec({ lengthAdjustment: 0.5 }), /'lengthAdjustment'/);
  assert.throws(() => new LengthDelimitedCodec({ maxFrameLength: -1 }), /'maxFrameLength'/);
});

Deno.test("LengthDelimitedCodec rejects lengths that adjustment makes impossible", () => {
  const codec = new LengthDelimitedCodec({ lengthFieldLength: 2, lengthAdjustment: -5 });
  const buf = new ByteBuffer();
  buf.append(bytes([0, 2]));
  assert.throws(() => codec.decode(buf), InvalidFrameError);
  assert.throws(() => codec.decode(buf), /negative frame length/);
  const plus = new LengthDelimitedCodec({ lengthFieldLength: 2, lengthAdjustment: 5 });
  assert.throws(() => plus.encode(new Uint8Array(2), new ByteBuffer()), RangeError);
  const tiny = new LengthDelimitedCodec({ lengthFieldLength: 1, lengthAdjustment: -300 });
  assert.throws(
    () => tiny.encode(new Uint8Array(0), new ByteBuffer()),
    /does not fit a 1-byte length field/,
  );
});

Deno.test("LengthDelimitedCodec waits for the header and payload in pieces", () => {
  const codec = new LengthDelimitedCodec();
  const buf = new ByteBuffer();
  for (const b of [0, 0, 0, 3, 7, 8]) {
    buf.appendByte(b);
    assert.equal(codec.decode(buf), undefined);
  }
  assert.equal(buf.length, 6, "nothing consumed before the frame is complete");
  buf.appendByte(9);
  assert.deepEqual(codec.decode(buf), bytes([7, 8, 9]));
});

Deno.test("LengthDelimitedCodec does not allocate what a header announces", () => {
  const codec = new LengthDelimitedCodec();
  const buf = new ByteBuffer(64);
  buf.append(bytes([0, 0x80, 0, 0], [1, 2, 3]));
  assert.equal(codec.decode(buf), undefined);
  assert.ok(buf.capacity < 1024);
});

Deno.test("LengthDelimitedCodec.decodeEof throws UnexpectedEofError for any partial frame", () => {
  const codec = new LengthDelimitedCodec();
  const eof = (input: Uint8Array) => {
    const buf = new ByteBuffer();
    buf.append(input);
    return codec.decodeEof(buf);
  };
  assert.equal(eof(new Uint8Array(0)), undefined);
  assert.deepEqual(eof(bytes([0, 0, 0, 1, 5])), bytes([5]));
  assert.throws(() => eof(bytes([0, 0])), (error) => {
    assert.ok(error instanceof UnexpectedEofError);
    assert.equal(error.expected, undefined);
    assert.equal(error.received, 2);
    assert.match(error.message, /bytes remaining on stream/);
    return true;
  });
  // tokio-util ends silently here (header consumed, no payload): weir does not.
  assert.throws(() => eof(bytes([0, 0, 0, 23])), (error) => {
    assert.ok(error instanceof UnexpectedEofError);
    assert.equal(error.expected, 27);
    assert.equal(error.received, 4);
    return true;
  });
  assert.throws(() => eof(bytes([0, 0, 0, 3, 1])), /expected 7 bytes, received 5/);
});

Deno.test("LengthDelimitedCodec decoded frames survive later reads into the same buffer", () => {
  const codec = new LengthDelimitedCodec();
  const buf = new ByteBuffer(32);
  const frames: Uint8Array[] = [];
  for (let i = 0; i < 50; i++) {
    buf.append(bytes([0, 0, 0, 3, i, i, i]));
    frames.push(codec.decode(buf)!);
  }
  frames.forEach((f, i) => assert.deepEqual(f, bytes([i, i, i])));
});

const layout = fc.record({
  lengthFieldLength: fc.integer({ min: 1, max: 8 }),
  littleEndian: fc.boolean(),
  lengthAdjustment: fc.integer({ min: -4, max: 0 }),
});
const someFrames = fc.array(fc.uint8Array({ maxLength: 200 }), { maxLength: 10 });

Deno.test("LengthDelimitedCodec round-trips any frames under any chunking and layout", () => {
  fc.assert(
    fc.property(layout, someFrames, cuts, (options, frames, at) => {
      const codec = new LengthDelimitedCodec(options);
      const wire = encodeAll(codec, frames);
      assert.deepEqual(decodeChunks(codec, split(wire, at)), frames);
    }),
    { numRuns: 1000 },
  );
});

Deno.test("LengthDelimitedCodec with numSkip 0 rejects a frame that would consume no bytes", async () => {
  const codec = new LengthDelimitedCodec({ lengthFieldLength: 2, numSkip: 0 });
  const buf = new ByteBuffer();
  buf.append(bytes([0, 0]));
  assert.throws(() => codec.decode(buf), InvalidFrameError);
  assert.throws(() => codec.decode(buf), /numSkip 0 gives a frame of 0 bytes/);
  // Through a FramedRead the stream fails once instead of yielding empty frames forever.
  const frames = new FramedRead(ReadableStream.from([bytes([0, 0])]), codec);
  let yielded = 0;
  await assert.rejects(async () => {
    for await (const _ of frames) assert.ok(++yielded < 10);
  }, InvalidFrameError);
  assert.equal(yielded, 0);
  // A non-empty header-only frame is still fine: it consumes its header.
  const kept = new LengthDelimitedCodec({ lengthFieldLength: 2, numSkip: 0, lengthAdjustment: 2 });
  const headerOnly = new ByteBuffer();
  headerOnly.append(bytes([0, 0]));
  assert.deepEqual([...kept.decode(headerOnly)!], [0, 0]);
});
