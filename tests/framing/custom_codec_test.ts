import assert from "node:assert/strict";
import fc from "fast-check";
import { ByteBuffer } from "@weir/weir/io";
import { cuts, decodeChunks, encodeAll, split, text } from "./_codec_util.ts";
import { TaggedCodec } from "./_tagged_codec.ts";

Deno.test("a custom Decoder leaves partial frames untouched and decodes several from one chunk", () => {
  const codec = new TaggedCodec();
  const buf = new ByteBuffer();
  buf.append(new Uint8Array([1]));
  assert.equal(codec.decode(buf), undefined);
  buf.append(new Uint8Array([3, 0x61]));
  assert.equal(codec.decode(buf), undefined);
  assert.equal(buf.length, 3);
  buf.append(new Uint8Array([0x62, 0x63, 2, 0]));
  assert.deepEqual(codec.decode(buf), { type: 1, payload: text("abc") });
  assert.deepEqual(codec.decode(buf), { type: 2, payload: new Uint8Array(0) });
  assert.equal(codec.decode(buf), undefined);
});

Deno.test("a custom Encoder writes the seed's wire format and its errors leave the buffer alone", () => {
  const codec = new TaggedCodec();
  assert.deepEqual([...encodeAll(codec, [{ type: 1, payload: text("Hello, Server!") }])], [
    1,
    14,
    ...text("Hello, Server!"),
  ]);
  const out = new ByteBuffer();
  assert.throws(
    () => codec.encode({ type: 1, payload: new Uint8Array(256) }, out),
    /Payload too large/,
  );
  assert.equal(out.length, 0);
});

Deno.test("a custom codec round-trips under any chunking", () => {
  const item = fc.record({
    type: fc.integer({ min: 0, max: 255 }),
    payload: fc.uint8Array({ maxLength: 255 }),
  }).map((r) => ({ ...r }));
  fc.assert(
    fc.property(fc.array(item, { maxLength: 8 }), cuts, (items, at) => {
      const wire = encodeAll(new TaggedCodec(), items);
      assert.deepEqual(decodeChunks(new TaggedCodec(), split(wire, at)), items);
    }),
    { numRuns: 1000 },
  );
});
