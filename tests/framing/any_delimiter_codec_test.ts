import assert from "node:assert/strict";
import fc from "fast-check";
import { AnyDelimiterCodec, FrameTooLargeError } from "@weir/weir/framing";
import { ByteBuffer } from "@weir/weir/io";
import { cuts, decodeChunks, encodeAll, split, text } from "./_codec_util.ts";

const str = (chunks: Uint8Array[]) => chunks.map((c) => new TextDecoder().decode(c));

Deno.test("AnyDelimiterCodec splits at any default delimiter, each one ending a chunk", () => {
  assert.deepEqual(str(decodeChunks(new AnyDelimiterCodec(), [text("a\r\nb")])), ["a", "", "b"]);
  assert.deepEqual(str(decodeChunks(new AnyDelimiterCodec(), [text("x,y;z\n")])), ["x", "y", "z"]);
  assert.deepEqual(
    str(decodeChunks(new AnyDelimiterCodec(), [text("\r")])),
    [""],
    "no \\r special case",
  );
});

Deno.test("AnyDelimiterCodec writes the whole sequenceWriter and custom delimiters", () => {
  const codec = new AnyDelimiterCodec({
    seekDelimiters: new Uint8Array([0]),
    sequenceWriter: "\r\n",
  });
  assert.equal(new TextDecoder().decode(encodeAll(codec, ["a", text("b")])), "a\r\nb\r\n");
  assert.equal(new TextDecoder().decode(encodeAll(new AnyDelimiterCodec(), ["a", "b"])), "a,b,");
  assert.deepEqual(str(decodeChunks(codec, [text("p\0q\0")])), ["p", "q"]);
});

Deno.test("AnyDelimiterCodec accepts exactly maxLength and discards an over-long chunk after one error", () => {
  const codec = new AnyDelimiterCodec({ maxLength: 3 });
  assert.equal(codec.maxLength, 3);
  const buf = new ByteBuffer();
  buf.append(text("abc,abcd,ok;"));
  assert.deepEqual(codec.decode(buf), text("abc"));
  assert.throws(() => codec.decode(buf), (error) => {
    assert.ok(error instanceof FrameTooLargeError);
    assert.equal(error.name, "FrameTooLargeError");
    assert.equal(error.limit, 3);
    assert.equal(error.message, `Chunk of at least ${error.size} bytes exceeds maxLength 3`);
    return true;
  });
  assert.deepEqual(codec.decode(buf), text("ok"));
  assert.equal(new AnyDelimiterCodec().maxLength, 65536);
});

Deno.test("AnyDelimiterCodec rejects bad options", () => {
  assert.throws(() => new AnyDelimiterCodec({ seekDelimiters: "" }), /'seekDelimiters'/);
  assert.throws(() => new AnyDelimiterCodec({ maxLength: -2 }), /'maxLength'/);
});

Deno.test("AnyDelimiterCodec round-trips any chunks under any chunking, with one or many delimiters", () => {
  const chunk = fc.uint8Array({ maxLength: 30 }).map((b) =>
    b.filter((x) => x !== 0x2c && x !== 0x3b)
  );
  fc.assert(
    fc.property(
      fc.array(chunk, { minLength: 1, maxLength: 10 }),
      cuts,
      fc.boolean(),
      (chunks, at, many) => {
        const options = many
          ? { seekDelimiters: ",;" }
          : { seekDelimiters: ",", sequenceWriter: "," };
        const wire = encodeAll(new AnyDelimiterCodec(options), chunks);
        assert.deepEqual(decodeChunks(new AnyDelimiterCodec(options), split(wire, at)), chunks);
      },
    ),
    { numRuns: 1000 },
  );
});
