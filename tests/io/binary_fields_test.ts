import assert from "node:assert/strict";
import fc from "fast-check";
import { BufReader, ByteBuffer, InvalidUtf8Error, UnexpectedEofError } from "@weir/weir/io";
import { chunkReader, cutsArb, split } from "./_helpers.ts";

/** One binary field type: its size, a value generator and DataView's own writer. */
interface FieldType<T> {
  name: string;
  size: number;
  arb: fc.Arbitrary<T>;
  /** What reading back gives (float32 rounds). */
  expected(value: T): T;
  reference(view: DataView, value: T, littleEndian: boolean): void;
  put(buf: ByteBuffer, value: T, littleEndian: boolean): void;
  get(buf: ByteBuffer, littleEndian: boolean): T;
  read(reader: BufReader, littleEndian: boolean): Promise<T>;
}

const same = <T>(v: T) => v;
const types: FieldType<number | bigint>[] = [
  {
    name: "Uint8",
    size: 1,
    arb: fc.integer({ min: 0, max: 0xff }),
    expected: same,
    reference: (v, x) => v.setUint8(0, x as number),
    put: (b, x) => b.putUint8(x as number),
    get: (b) => b.getUint8(),
    read: (r) => r.readUint8(),
  },
  {
    name: "Int8",
    size: 1,
    arb: fc.integer({ min: -0x80, max: 0x7f }),
    expected: same,
    reference: (v, x) => v.setInt8(0, x as number),
    put: (b, x) => b.putInt8(x as number),
    get: (b) => b.getInt8(),
    read: (r) => r.readInt8(),
  },
  {
    name: "Uint16",
    size: 2,
    arb: fc.integer({ min: 0, max: 0xffff }),
    expected: same,
    reference: (v, x, le) => v.setUint16(0, x as number, le),
    put: (b, x, le) => b.putUint16(x as number, le),
    get: (b, le) => b.getUint16(le),
    read: (r, le) => r.readUint16(le),
  },
  {
    name: "Int16",
    size: 2,
    arb: fc.integer({ min: -0x8000, max: 0x7fff }),
    expected: same,
    reference: (v, x, le) => v.setInt16(0, x as number, le),
    put: (b, x, le) => b.putInt16(x as number, le),
    get: (b, le) => b.getInt16(le),
    read: (r, le) => r.readInt16(le),
  },
  {
    name: "Uint32",
    size: 4,
    arb: fc.integer({ min: 0, max: 0xffffffff }),
    expected: same,
    reference: (v, x, le) => v.setUint32(0, x as number, le),
    put: (b, x, le) => b.putUint32(x as number, le),
    get: (b, le) => b.getUint32(le),
    read: (r, le) => r.readUint32(le),
  },
  {
    name: "Int32",
    size: 4,
    arb: fc.integer({ min: -0x80000000, max: 0x7fffffff }),
    expected: same,
    reference: (v, x, le) => v.setInt32(0, x as number, le),
    put: (b, x, le) => b.putInt32(x as number, le),
    get: (b, le) => b.getInt32(le),
    read: (r, le) => r.readInt32(le),
  },
  {
    name: "BigUint64",
    size: 8,
    arb: fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
    expected: same,
    reference: (v, x, le) => v.setBigUint64(0, x as bigint, le),
    put: (b, x, le) => b.putBigUint64(x as bigint, le),
    get: (b, le) => b.getBigUint64(le),
    read: (r, le) => r.readBigUint64(le),
  },
  {
    name: "BigInt64",
    size: 8,
    arb: fc.bigInt({ min: -(1n << 63n), max: (1n << 63n) - 1n }),
    expected: same,
    reference: (v, x, le) => v.setBigInt64(0, x as bigint, le),
    put: (b, x, le) => b.putBigInt64(x as bigint, le),
    get: (b, le) => b.getBigInt64(le),
    read: (r, le) => r.readBigInt64(le),
  },
  {
    name: "Float32",
    size: 4,
    arb: fc.double(),
    expected: (x) => Math.fround(x as number),
    reference: (v, x, le) => v.setFloat32(0, x as number, le),
    put: (b, x, le) => b.putFloat32(x as number, le),
    get: (b, le) => b.getFloat32(le),
    read: (r, le) => r.readFloat32(le),
  },
  {
    name: "Float64",
    size: 8,
    arb: fc.double(),
    expected: same,
    reference: (v, x, le) => v.setFloat64(0, x as number, le),
    put: (b, x, le) => b.putFloat64(x as number, le),
    get: (b, le) => b.getFloat64(le),
    read: (r, le) => r.readFloat64(le),
  },
];

function referenceBytes<T>(type: FieldType<T>, value: T, littleEndian: boolean): Uint8Array {
  const bytes = new Uint8Array(type.size);
  type.reference(new DataView(bytes.buffer), value, littleEndian);
  return bytes;
}

for (const type of types) {
  Deno.test(`ByteBuffer: put${type.name}/get${type.name} round-trip at every offset, both byte orders`, () => {
    fc.assert(
      fc.property(
        type.arb,
        fc.boolean(),
        fc.nat(16), // bytes already consumed (the read cursor's offset)
        fc.nat(16), // bytes buffered before the field
        fc.nat(4), // initial capacity (small ones grow during the put)
        (value, le, consumed, before, capacity) => {
          const buf = new ByteBuffer(capacity);
          buf.append(new Uint8Array(consumed + before).fill(0xaa));
          buf.consume(consumed);
          type.put(buf, value, le);
          assert.equal(buf.length, before + type.size);
          assert.deepEqual(buf.bytes().subarray(before), referenceBytes(type, value, le));
          buf.consume(before);
          assert.ok(Object.is(type.get(buf, le), type.expected(value)));
          assert.equal(buf.length, 0);
        },
      ),
    );
  });

  Deno.test(`ByteBuffer: get${type.name} with too few bytes throws UnexpectedEofError, consuming nothing`, () => {
    for (let have = 0; have < type.size; have++) {
      const buf = new ByteBuffer();
      buf.append(new Uint8Array(have).fill(1));
      assert.throws(() => type.get(buf, false), (error) => {
        assert.ok(error instanceof UnexpectedEofError);
        assert.equal(error.expected, type.size);
        assert.equal(error.received, have);
        return true;
      });
      assert.equal(buf.length, have);
    }
  });

  Deno.test(`BufReader: read${type.name} across any chunking, both byte orders`, async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(type.arb, fc.boolean()), { minLength: 1, maxLength: 8 }),
        cutsArb,
        fc.integer({ min: 1, max: 16 }),
        async (fields, cuts, bufferSize) => {
          const wire = new ByteBuffer();
          for (const [value, le] of fields) wire.append(referenceBytes(type, value, le));
          const reader = new BufReader(chunkReader(split(wire.bytes().slice(), cuts)), {
            bufferSize: bufferSize,
          });
          for (const [value, le] of fields) {
            assert.ok(Object.is(await type.read(reader, le), type.expected(value)));
          }
          await assert.rejects(type.read(reader, false), UnexpectedEofError);
        },
      ),
      { numRuns: 50 },
    );
  });
}

Deno.test("ByteBuffer: put* refuses values out of range with a RangeError naming them", () => {
  const buf = new ByteBuffer();
  assert.throws(() => buf.putUint8(256), /'value' must be an integer in 0\.\.255: received 256/);
  assert.throws(() => buf.putInt8(-129), RangeError);
  assert.throws(() => buf.putUint16(-1), RangeError);
  assert.throws(() => buf.putInt16(0x8000), RangeError);
  assert.throws(() => buf.putUint32(2 ** 32), RangeError);
  assert.throws(() => buf.putInt32(1.5), RangeError);
  assert.throws(() => buf.putBigUint64(-1n), RangeError);
  assert.throws(() => buf.putBigInt64(1n << 63n), RangeError);
  assert.throws(() => buf.putBigInt64(1 as unknown as bigint), RangeError);
  assert.equal(buf.length, 0);
});

Deno.test("ByteBuffer: putString and putCString/getCString round-trip any text", () => {
  fc.assert(
    fc.property(fc.string({ unit: "grapheme" }), fc.nat(8), (text, consumed) => {
      const buf = new ByteBuffer(0);
      buf.append(new Uint8Array(consumed));
      buf.consume(consumed);
      const expected = new TextEncoder().encode(text);
      assert.equal(buf.putString(text), expected.length);
      assert.deepEqual(buf.bytes(), expected);
      buf.clear();
      if (text.includes("\0")) {
        assert.throws(() => buf.putCString(text), TypeError);
        assert.equal(buf.length, 0);
        return;
      }
      assert.equal(buf.putCString(text), expected.length + 1);
      buf.putCString("next");
      assert.equal(buf.getCString(), text);
      assert.equal(buf.getCString(), "next");
      assert.equal(buf.length, 0);
    }),
  );
});

Deno.test("ByteBuffer: putString of long non-ASCII text grows the buffer as it goes", () => {
  const text = "é".repeat(10_000) + "a".repeat(5000) + "😀".repeat(3000);
  const buf = new ByteBuffer(16);
  assert.equal(buf.putString(text), 20_000 + 5000 + 12_000);
  assert.equal(new TextDecoder().decode(buf.bytes()), text);
});

Deno.test("ByteBuffer: getCString without a NUL throws UnexpectedEofError; invalid UTF-8 throws InvalidUtf8Error and is consumed", () => {
  const buf = new ByteBuffer();
  buf.append(new Uint8Array([0x61, 0x62]));
  assert.throws(() => buf.getCString(), UnexpectedEofError);
  assert.equal(buf.length, 2);
  buf.clear();
  buf.append(new Uint8Array([0xff, 0, 0x61, 0]));
  assert.throws(() => buf.getCString(), InvalidUtf8Error);
  assert.equal(buf.getCString(), "a");
});

Deno.test("BufReader: readCString across any chunking, its limit, and a stream that ends early", async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.string().filter((s) => !s.includes("\0")), { maxLength: 6 }),
      cutsArb,
      async (texts, cuts) => {
        const wire = new ByteBuffer();
        for (const text of texts) wire.putCString(text);
        const reader = new BufReader(chunkReader(split(wire.bytes().slice(), cuts)), {
          bufferSize: 3,
        });
        for (const text of texts) assert.equal(await reader.readCString(), text);
        await assert.rejects(reader.readCString(), UnexpectedEofError);
      },
    ),
    { numRuns: 100 },
  );
  const long = new BufReader(ReadableStream.from([new TextEncoder().encode("abcdef\0")]));
  await assert.rejects(long.readCString({ maxLength: 5 }), { name: "LineTooLongError", limit: 5 });
  assert.equal(await long.readCString({ maxLength: 6 }), "abcdef");
  const cut = new BufReader(ReadableStream.from([new TextEncoder().encode("abc")]));
  await assert.rejects(cut.readCString(), { name: "UnexpectedEofError", received: 3 });
  assert.equal(cut.buffered, 0);
});

Deno.test("BufReader: an aborted field read consumes nothing", async () => {
  const reader = new BufReader(chunkReader([new Uint8Array([1]), new Uint8Array([2, 3, 4])]));
  await reader.fill();
  await assert.rejects(
    reader.readUint32(false, { signal: AbortSignal.abort(new Error("stop")) }),
    { message: "stop" },
  );
  assert.equal(await reader.readUint32(), 0x01020304);
});
