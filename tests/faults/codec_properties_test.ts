// Fuzzed codecs: for every codec (several option sets) and FramedRead,
// fast-check properties over well-formed frames mixed with hostile bytes
// (random bytes, stray delimiters, invalid UTF-8, huge length headers,
// over-long varints, long runs): round-trip, chunk-split invariance,
// only documented errors, bounded work (no hang) and bounded buffering.
import assert from "node:assert/strict";
import fc from "fast-check";
import {
  AnyDelimiterCodec,
  BytesCodec,
  type Codec,
  FramedRead,
  FrameTooLargeError,
  InvalidFrameError,
  JsonCodec,
  jsonCodec,
  LengthDelimitedCodec,
  type LengthDelimitedCodecOptions,
  LinesCodec,
  VarintLengthCodec,
} from "@weir/weir/framing";
import {
  ByteBuffer,
  InvalidUtf8Error,
  LineTooLongError,
  type Reader,
  UnexpectedEofError,
} from "@weir/weir/io";
import { cuts, split } from "../framing/_codec_util.ts";

const RUNS = 1000;
const encoder = new TextEncoder();

type ErrorClass = abstract new (...args: never[]) => Error;

/** One codec configuration under test. */
interface Spec {
  readonly name: string;
  make(): Codec<unknown, unknown>;
  /** Items to encode, and what decoding them yields; absent for decode-only layouts. */
  readonly items?: fc.Arbitrary<{ item: unknown; frame: unknown }>;
  /** Byte pieces that garbage is assembled from, besides the generic ones. */
  readonly hostile: Uint8Array[];
  /** Every error decoding may throw (documented for this codec). */
  readonly errors: readonly ErrorClass[];
  /** Whether decoding goes on after this error (the codec dropped the bad frame). */
  recovers(error: unknown): boolean;
  /** Most bytes left buffered when the codec asks for more. */
  readonly bound: number;
  /** BytesCodec frames follow read sizes: compare their concatenation. */
  readonly concat?: boolean;
}

const bytesOf = (...values: number[]) => new Uint8Array(values);
const INVALID_UTF8 = [
  bytesOf(0xff),
  bytesOf(0xc3),
  bytesOf(0xc3, 0x28),
  bytesOf(0xed, 0xa0, 0x80), // a UTF-16 surrogate
  bytesOf(0xf4, 0x90, 0x80, 0x80), // past U+10FFFF
  bytesOf(0xe2, 0x82),
];
const line = fc.string({ unit: "grapheme", maxLength: 20 }).map((s) => s.replace(/[\r\n]/g, ""));
const json = fc.jsonValue({ maxDepth: 2 }).map((v) => JSON.parse(JSON.stringify(v)) as unknown);

function lengthDelimited(
  name: string,
  options: LengthDelimitedCodecOptions,
  hostile: Uint8Array[],
  roundTrip = true,
): Spec {
  const probe = new LengthDelimitedCodec(options);
  const max = probe.maxFrameLength;
  const head = Math.max(
    (options.lengthFieldOffset ?? 0) + (options.lengthFieldLength ?? 4),
    options.numSkip ?? 0,
  );
  const adjustment = options.lengthAdjustment ?? 0;
  const payload = fc.uint8Array({
    minLength: Math.max(0, adjustment),
    maxLength: Math.min(max, 48),
  });
  return {
    name: `LengthDelimitedCodec ${name}`,
    make: () => new LengthDelimitedCodec(options) as Codec<unknown, unknown>,
    ...(roundTrip ? { items: payload.map((p) => ({ item: p, frame: p })) } : {}),
    hostile,
    errors: adjustment < 0 || (options.numSkip ?? head) < head
      ? [FrameTooLargeError, UnexpectedEofError, InvalidFrameError]
      : [FrameTooLargeError, UnexpectedEofError],
    recovers: () => false,
    bound: head + max + Math.max(0, adjustment),
  };
}

const SPECS: Spec[] = [
  {
    name: "LinesCodec maxLength 32",
    make: () => new LinesCodec({ maxLineLength: 32 }) as Codec<unknown, unknown>,
    items: line.filter((s) => encoder.encode(s).length <= 32).map((s) => ({ item: s, frame: s })),
    hostile: [bytesOf(0x0a), bytesOf(0x0d), bytesOf(0x0d, 0x0a), ...INVALID_UTF8],
    errors: [LineTooLongError, InvalidUtf8Error],
    recovers: () => true,
    bound: 32,
  },
  {
    name: "AnyDelimiterCodec ',;' maxLength 32",
    make: () =>
      new AnyDelimiterCodec({ seekDelimiters: ",;", sequenceWriter: ";", maxLength: 32 }) as Codec<
        unknown,
        unknown
      >,
    items: fc.uint8Array({ maxLength: 32 })
      .map((p) => p.map((b) => (b === 0x2c || b === 0x3b ? 0x20 : b)))
      .map((p) => ({ item: p, frame: p })),
    hostile: [bytesOf(0x2c), bytesOf(0x3b), bytesOf(0x0a)],
    errors: [FrameTooLargeError],
    recovers: () => true,
    bound: 32,
  },
  lengthDelimited("default layout, maxFrameLength 64", { maxFrameLength: 64 }, [
    bytesOf(0xff, 0xff, 0xff, 0xff),
    bytesOf(0, 0, 0, 65),
    bytesOf(0, 0, 0, 64),
    bytesOf(0x7f, 0, 0, 0),
  ]),
  lengthDelimited("1-byte field", { lengthFieldLength: 1 }, [bytesOf(0xff), bytesOf(0)]),
  lengthDelimited(
    "2-byte little-endian field counting itself (adjustment -2)",
    { lengthFieldLength: 2, littleEndian: true, lengthAdjustment: -2, maxFrameLength: 80 },
    [bytesOf(0, 0), bytesOf(1, 0), bytesOf(0xff, 0xff), bytesOf(81, 0)],
  ),
  lengthDelimited("8-byte field", { lengthFieldLength: 8, maxFrameLength: 100 }, [
    bytesOf(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff),
    bytesOf(0, 0, 0, 0, 0, 0, 0, 101),
    bytesOf(0, 0x20, 0, 0, 0, 0, 0, 0),
  ]),
  lengthDelimited(
    "offset 1, header kept (numSkip 0, adjustment 3)",
    {
      lengthFieldOffset: 1,
      lengthFieldLength: 2,
      lengthAdjustment: 3,
      numSkip: 0,
      maxFrameLength: 60,
    },
    [bytesOf(0xca, 0, 0), bytesOf(0xca, 0xff, 0xff), bytesOf(0, 0, 61)],
    false,
  ),
  lengthDelimited(
    "header kept, no adjustment (numSkip 0): a zero length field is corrupt, not an endless empty frame",
    { lengthFieldLength: 2, numSkip: 0, maxFrameLength: 60 },
    [bytesOf(0, 0), bytesOf(0, 1), bytesOf(0, 61)],
    false,
  ),
  {
    name: "VarintLengthCodec maxFrameLength 100",
    make: () => new VarintLengthCodec({ maxFrameLength: 100 }) as Codec<unknown, unknown>,
    items: fc.uint8Array({ maxLength: 100 }).map((p) => ({ item: p, frame: p })),
    hostile: [
      bytesOf(0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00), // 9-byte prefix
      bytesOf(0xe5, 0x00), // 101, over the limit
      bytesOf(0xe4, 0x00), // exactly 100
      bytesOf(0xff, 0xff, 0xff, 0x7f),
      bytesOf(0x80),
    ],
    errors: [FrameTooLargeError, UnexpectedEofError, InvalidFrameError],
    recovers: () => false,
    bound: 8 + 100,
  },
  {
    name: "BytesCodec",
    make: () => new BytesCodec() as Codec<unknown, unknown>,
    items: fc.uint8Array({ minLength: 1, maxLength: 40 }).map((p) => ({ item: p, frame: p })),
    hostile: [],
    errors: [],
    recovers: () => false,
    bound: 0,
    concat: true,
  },
  {
    name: "JsonCodec maxLength 256",
    make: () => new JsonCodec({ maxLineLength: 256 }) as Codec<unknown, unknown>,
    items: json.filter((v) => JSON.stringify(v).length <= 256).map((v) => ({ item: v, frame: v })),
    hostile: [bytesOf(0x0a), encoder.encode('{"a":'), encoder.encode("]"), ...INVALID_UTF8],
    errors: [LineTooLongError, InvalidUtf8Error, SyntaxError],
    recovers: () => true,
    bound: 256,
  },
  {
    name: "jsonCodec over LengthDelimitedCodec maxFrameLength 200",
    make: () => jsonCodec(new LengthDelimitedCodec({ maxFrameLength: 200 })),
    items: json.filter((v) => encoder.encode(JSON.stringify(v)).length <= 200)
      .map((v) => ({ item: v, frame: v })),
    hostile: [bytesOf(0, 0, 0, 2, 0x7b, 0x7d), bytesOf(0, 0, 0, 1, 0xff), bytesOf(0, 0, 0, 201)],
    errors: [FrameTooLargeError, UnexpectedEofError, InvalidUtf8Error, SyntaxError],
    recovers: (error) => error instanceof SyntaxError || error instanceof InvalidUtf8Error,
    bound: 4 + 200,
  },
];

/** Thrown when decoding does more work than the input can justify. */
class Hang extends Error {}

interface Decoded {
  frames: unknown[];
  errors: string[];
}

/** Encodes `items` back to back with a fresh codec. */
function encodeItems(spec: Spec, items: unknown[]): Uint8Array {
  const codec = spec.make();
  const out = new ByteBuffer(16);
  for (const item of items) codec.encode(item, out);
  return out.bytes().slice();
}

/**
 * Feeds `chunks` to a fresh codec as a framer would, then drains at end of
 * stream. Every call counts against a budget proportional to the input, so
 * a codec that makes no progress fails instead of hanging; after every
 * "need more" the buffer must be within the spec's bound. Errors end the
 * stream unless the codec recovers from them (or `stopAtError`).
 */
function decodeAll(spec: Spec, chunks: Uint8Array[], stopAtError = false): Decoded {
  const codec = spec.make();
  const buf = new ByteBuffer(16);
  const total = chunks.reduce((n, c) => n + c.length, 0);
  let budget = 2 * total + chunks.length + 8;
  const out: Decoded = { frames: [], errors: [] };
  const step = (eof: boolean): boolean => {
    if (--budget < 0) throw new Hang(`${spec.name}: more decode calls than the input justifies`);
    let frame: unknown;
    try {
      frame = eof ? codec.decodeEof!(buf) : codec.decode(buf);
    } catch (error) {
      if (!spec.errors.some((type) => error instanceof type)) throw error;
      out.errors.push((error as Error).name);
      if (stopAtError || !spec.recovers(error)) throw new StopDecoding();
      return true;
    }
    if (frame === undefined) {
      if (!eof) assert.ok(buf.length <= spec.bound, `${buf.length} bytes buffered > ${spec.bound}`);
      return false;
    }
    out.frames.push(frame);
    return true;
  };
  try {
    for (const chunk of chunks) {
      buf.append(chunk);
      while (step(false));
    }
    while (step(true));
  } catch (error) {
    if (!(error instanceof StopDecoding)) throw error;
  }
  return out;
}

class StopDecoding extends Error {}

/** Frames comparable across chunkings (BytesCodec: one concatenation). */
function comparable(spec: Spec, decoded: Decoded): Decoded {
  if (!spec.concat) return decoded;
  const joined = new ByteBuffer();
  for (const f of decoded.frames) joined.append(f as Uint8Array);
  return { frames: [joined.bytes().slice()], errors: decoded.errors };
}

/** Well-formed frames and hostile pieces, concatenated. */
function garbage(spec: Spec): fc.Arbitrary<Uint8Array> {
  const pieces: fc.Arbitrary<Uint8Array>[] = [
    fc.uint8Array({ maxLength: 24 }),
    fc.constantFrom(...INVALID_UTF8),
    fc.tuple(fc.nat({ max: 3 * Math.max(spec.bound, 16) }), fc.integer({ min: 0, max: 255 }))
      .map(([n, byte]) => new Uint8Array(n).fill(byte)),
  ];
  if (spec.hostile.length > 0) pieces.push(fc.constantFrom(...spec.hostile));
  if (spec.items) {
    pieces.push(
      fc.array(spec.items, { maxLength: 3 }).map((xs) => encodeItems(spec, xs.map((x) => x.item))),
    );
  }
  return fc.array(fc.oneof(...pieces), { maxLength: 10 }).map((parts) => {
    const all = new ByteBuffer();
    for (const p of parts) all.append(p);
    return all.bytes().slice();
  });
}

/** A `read(p)` reader over `chunks` that counts the bytes it handed out. */
function chunkReader(chunks: Uint8Array[]): Reader & { delivered: number } {
  const queue = chunks.filter((c) => c.length > 0);
  const reader = {
    delivered: 0,
    read(p: Uint8Array): Promise<number | null> {
      const chunk = queue[0];
      if (chunk === undefined) return Promise.resolve(null);
      const n = Math.min(p.length, chunk.length);
      p.set(chunk.subarray(0, n));
      if (n === chunk.length) queue.shift();
      else queue[0] = chunk.subarray(n);
      reader.delivered += n;
      return Promise.resolve(n);
    },
  };
  return reader;
}

for (const spec of SPECS) {
  if (spec.items) {
    const items = spec.items;
    Deno.test(`${spec.name} round-trips any items, under any chunking`, () => {
      fc.assert(
        fc.property(fc.array(items, { maxLength: 8 }), cuts, (xs, cutPoints) => {
          const wire = encodeItems(spec, xs.map((x) => x.item));
          const expected = { frames: xs.map((x) => x.frame), errors: [] };
          assert.deepEqual(comparable(spec, decodeAll(spec, [wire])), comparable(spec, expected));
          const chunked = decodeAll(spec, split(wire, cutPoints));
          assert.deepEqual(comparable(spec, chunked), comparable(spec, expected));
        }),
        { numRuns: RUNS },
      );
    });
  }

  Deno.test(`${spec.name} decodes hostile bytes the same under any chunking, with only its documented errors, bounded`, () => {
    fc.assert(
      fc.property(garbage(spec), cuts, (input, cutPoints) => {
        const whole = decodeAll(spec, [input]);
        const chunked = decodeAll(spec, split(input, cutPoints));
        assert.deepEqual(comparable(spec, chunked), comparable(spec, whole));
        const byteWise = decodeAll(spec, split(input, [...input.keys()]));
        assert.deepEqual(comparable(spec, byteWise), comparable(spec, whole));
      }),
      { numRuns: RUNS },
    );
  });

  Deno.test(`FramedRead over ${spec.name} yields what the codec does, buffering no more than the bytes that came`, async () => {
    const readCapacity = 16;
    // Every read gets a whole read's room.
    const minRead = readCapacity;
    await fc.assert(
      fc.asyncProperty(garbage(spec), cuts, async (input, cutPoints) => {
        const chunks = split(input, cutPoints);
        const expected = comparable(spec, decodeAll(spec, chunks, true));
        const reader = chunkReader(chunks);
        const inner = spec.make();
        let peak = 0;
        const watched: Codec<unknown, unknown> = {
          decode(buf) {
            // Memory follows what arrived (never what a header announces) and the limit.
            const allowed = Math.max(
              readCapacity,
              2 * (Math.min(spec.bound, reader.delivered) + minRead),
            );
            assert.ok(buf.capacity <= allowed, `capacity ${buf.capacity} > ${allowed}`);
            peak = Math.max(peak, buf.capacity);
            return inner.decode(buf);
          },
          decodeEof: (buf) => inner.decodeEof!(buf),
          encode: (item, out) => inner.encode(item, out),
        };
        const frames = new FramedRead(reader, watched, {
          minReadSize: readCapacity,
          maxReadSize: readCapacity,
        });
        const got: Decoded = { frames: [], errors: [] };
        for (let calls = 0;; calls++) {
          if (calls > input.length + 2) throw new Hang(`${spec.name}: FramedRead keeps yielding`);
          try {
            const r = await frames.next();
            if (r.done) break;
            got.frames.push(r.value);
          } catch (error) {
            assert.ok(spec.errors.some((type) => error instanceof type), String(error));
            got.errors.push((error as Error).name);
          }
        }
        assert.deepEqual(comparable(spec, got), expected);
        assert.ok(peak <= Math.max(readCapacity, 2 * (spec.bound + minRead)));
      }),
      { numRuns: RUNS },
    );
  });
}

Deno.test("codec limits default to 64 KiB lines and 8 MiB frames, and hold", () => {
  assert.equal(new LinesCodec().maxLineLength, 65536);
  assert.equal(new AnyDelimiterCodec().maxLength, 65536);
  assert.equal(new LengthDelimitedCodec().maxFrameLength, 8 * 1024 * 1024);
  assert.equal(new VarintLengthCodec().maxFrameLength, 8 * 1024 * 1024);
  const lines = new LinesCodec();
  const buf = new ByteBuffer();
  buf.append(new Uint8Array(65537).fill(0x61));
  assert.throws(() => lines.decode(buf), LineTooLongError);
  const json = new JsonCodec();
  const jsonBuf = new ByteBuffer();
  jsonBuf.append(new Uint8Array(65537).fill(0x20));
  assert.throws(() => json.decode(jsonBuf), LineTooLongError);
  const header = new ByteBuffer(8);
  header.append(bytesOf(0x00, 0x80, 0x00, 0x01)); // 8 MiB + 1
  assert.throws(() => new LengthDelimitedCodec().decode(header), FrameTooLargeError);
  assert.equal(header.capacity, 8, "nothing allocated for the announced size");
  const varint = new ByteBuffer(8);
  varint.append(bytesOf(0x81, 0x80, 0x80, 0x04)); // 8 MiB + 1
  assert.throws(() => new VarintLengthCodec().decode(varint), FrameTooLargeError);
});
