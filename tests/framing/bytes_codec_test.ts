import assert from "node:assert/strict";
import fc from "fast-check";
import { BytesCodec } from "@weir/weir/framing";
import { ByteBuffer } from "@weir/weir/io";
import { cuts, decodeChunks, encodeAll, split } from "./_codec_util.ts";

const concat = (chunks: Uint8Array[]) => new Uint8Array(chunks.flatMap((c) => [...c]));

Deno.test("BytesCodec hands out everything buffered, and nothing at end of stream", () => {
  const codec = new BytesCodec();
  const buf = new ByteBuffer();
  assert.equal(codec.decode(buf), undefined);
  buf.append(new Uint8Array([1, 2, 3]));
  const frame = codec.decode(buf);
  buf.append(new Uint8Array([4]));
  assert.deepEqual(frame, new Uint8Array([1, 2, 3]));
  assert.deepEqual(codec.decodeEof(buf), new Uint8Array([4]));
  assert.equal(codec.decodeEof(buf), undefined);
});

Deno.test("BytesCodec round-trips any bytes under any chunking", () => {
  fc.assert(
    fc.property(fc.array(fc.uint8Array({ maxLength: 50 }), { maxLength: 8 }), cuts, (items, at) => {
      const wire = encodeAll(new BytesCodec(), items);
      assert.deepEqual(wire, concat(items));
      const frames = decodeChunks(new BytesCodec(), split(wire, at));
      assert.deepEqual(concat(frames), wire);
      assert.ok(frames.every((f) => f.length > 0));
    }),
    { numRuns: 1000 },
  );
});
