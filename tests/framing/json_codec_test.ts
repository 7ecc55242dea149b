import assert from "node:assert/strict";
import fc from "fast-check";
import { JsonCodec, jsonCodec, LengthDelimitedCodec, VarintLengthCodec } from "@weir/weir/framing";
import { ByteBuffer, InvalidUtf8Error, LineTooLongError } from "@weir/weir/io";
import { cuts, decodeChunks, encodeAll, split, text } from "./_codec_util.ts";

Deno.test("JsonCodec writes one value per line and reads them back", () => {
  const codec = new JsonCodec();
  const wire = encodeAll(codec, [{ a: 1 }, "x\ny", [null, true]]);
  assert.equal(new TextDecoder().decode(wire), '{"a":1}\n"x\\ny"\n[null,true]\n');
  assert.deepEqual(decodeChunks(new JsonCodec(), [wire, text("3")]), [{ a: 1 }, "x\ny", [
    null,
    true,
  ], 3]);
});

Deno.test("JsonCodec throws SyntaxError for a bad line and continues with the next", () => {
  const codec = new JsonCodec();
  const buf = new ByteBuffer();
  buf.append(text("{oops\r\n42\n"));
  assert.throws(() => codec.decode(buf), SyntaxError);
  assert.equal(codec.decode(buf), 42);
});

Deno.test("JsonCodec applies the line limit and rejects values without JSON", () => {
  const codec = new JsonCodec({ maxLineLength: 4 });
  const buf = new ByteBuffer();
  buf.append(text("1234\n12345\n"));
  assert.equal(codec.decode(buf), 1234);
  assert.throws(() => codec.decode(buf), LineTooLongError);
  assert.throws(() => codec.encode(undefined, new ByteBuffer()), /Cannot encode undefined as JSON/);
  assert.throws(() => codec.encode(1n, new ByteBuffer()), TypeError);
});

Deno.test("jsonCodec frames JSON with any byte codec", () => {
  const ld = jsonCodec<{ n: number }>(new LengthDelimitedCodec());
  const wire = encodeAll(ld, [{ n: 1 }]);
  assert.deepEqual([...wire], [0, 0, 0, 7, ...text('{"n":1}')]);
  assert.deepEqual(decodeChunks(ld, [wire.subarray(0, 5), wire.subarray(5)]), [{ n: 1 }]);
  const bad = new ByteBuffer();
  bad.append(new Uint8Array([1, 0xff]));
  assert.throws(() => jsonCodec(new VarintLengthCodec()).decode(bad), InvalidUtf8Error);
  const partial = new ByteBuffer();
  partial.append(new Uint8Array([0, 0, 0, 9, 0x31]));
  assert.throws(
    () => jsonCodec(new LengthDelimitedCodec()).decodeEof!(partial),
    /expected 13 bytes/,
  );
});

Deno.test("JsonCodec and jsonCodec round-trip any JSON values under any chunking", () => {
  const value = fc.jsonValue().map((v) => JSON.parse(JSON.stringify(v)));
  fc.assert(
    fc.property(fc.array(value, { maxLength: 6 }), cuts, fc.boolean(), (values, at, lines) => {
      const make = () => lines ? new JsonCodec() : jsonCodec(new VarintLengthCodec());
      const wire = encodeAll(make(), values);
      assert.deepEqual(decodeChunks(make(), split(wire, at)), values);
    }),
    { numRuns: 1000 },
  );
});
