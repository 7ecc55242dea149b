import assert from "node:assert/strict";
import fc from "fast-check";
import * as lp from "it-length-prefixed";
import { FrameTooLargeError, InvalidFrameError, VarintLengthCodec } from "@weir/weir/framing";
import { ByteBuffer, UnexpectedEofError } from "@weir/weir/io";
import { cuts, decodeChunks, encodeAll, split } from "./_codec_util.ts";

const buffered = (...b: number[]) => {
  const buf = new ByteBuffer();
  buf.append(new Uint8Array(b));
  return buf;
};

Deno.test("VarintLengthCodec writes LEB128 prefixes", () => {
  const codec = new VarintLengthCodec();
  const prefix = (
    n: number,
  ) => [...encodeAll(codec, [new Uint8Array(n)]).subarray(0, -n || undefined)];
  assert.deepEqual(prefix(0), [0]);
  assert.deepEqual(prefix(127), [0x7f]);
  assert.deepEqual(prefix(128), [0x80, 0x01]);
  assert.deepEqual(prefix(300), [0xac, 0x02]);
  assert.deepEqual(prefix(16384), [0x80, 0x80, 0x01]);
});

Deno.test("VarintLengthCodec is wire-compatible with it-length-prefixed both ways", async () => {
  const frames = [
    new Uint8Array(0),
    new Uint8Array([1, 2, 3]),
    new Uint8Array(300).fill(7),
    new Uint8Array(70000),
  ];
  const ours = encodeAll(new VarintLengthCodec(), frames);
  const theirs: Uint8Array[] = [];
  for await (
    const frame of lp.decode((async function* () {
      yield ours;
    })())
  ) theirs.push(frame.subarray());
  assert.deepEqual(theirs, frames);
  const wire = [...lp.encode(frames)];
  assert.deepEqual(decodeChunks(new VarintLengthCodec(), wire), frames);
  assert.deepEqual(new Uint8Array(wire.flatMap((c) => [...c])), ours);
});

Deno.test("VarintLengthCodec accepts exactly maxFrameLength in both directions and rejects one more", () => {
  const codec = new VarintLengthCodec({ maxFrameLength: 300 });
  assert.equal(codec.decode(buffered(0xac, 0x02, ...new Uint8Array(300)))?.length, 300);
  assert.throws(() => codec.decode(buffered(0xad, 0x02)), (error) => {
    assert.ok(error instanceof FrameTooLargeError);
    assert.equal(error.message, "Frame of 301 bytes exceeds maxFrameLength 300");
    return true;
  });
  assert.equal(encodeAll(codec, [new Uint8Array(300)]).length, 302);
  assert.throws(() => codec.encode(new Uint8Array(301), new ByteBuffer()), FrameTooLargeError);
  const def = new VarintLengthCodec();
  assert.equal(def.maxFrameLength, 8 * 1024 * 1024);
  assert.throws(() => def.decode(buffered(0x81, 0x80, 0x80, 0x04)), /Frame of 8388609 bytes/);
});

Deno.test("VarintLengthCodec fails early on a prefix already over the limit", () => {
  const codec = new VarintLengthCodec({ maxFrameLength: 100 });
  assert.throws(
    () => codec.decode(buffered(0xff)),
    FrameTooLargeError,
    "continuation pending, 127 > 100",
  );
});

Deno.test("VarintLengthCodec rejects prefixes longer than 8 bytes and bad options", () => {
  const codec = new VarintLengthCodec();
  assert.equal(codec.decode(buffered(0x80, 0x80, 0x80)), undefined);
  assert.throws(
    () => codec.decode(buffered(0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00)),
    (error: Error) =>
      error instanceof InvalidFrameError && /longer than 8 bytes/.test(error.message),
  );
  assert.throws(() => new VarintLengthCodec({ maxFrameLength: -1 }), /'maxFrameLength'/);
});

Deno.test("VarintLengthCodec.decodeEof throws UnexpectedEofError for a partial frame", () => {
  const codec = new VarintLengthCodec();
  assert.throws(() => codec.decodeEof(buffered(0x80)), /1 bytes remaining on stream/);
  assert.throws(() => codec.decodeEof(buffered(0x05, 1, 2)), (error) => {
    assert.ok(error instanceof UnexpectedEofError);
    assert.equal(error.expected, 6);
    assert.equal(error.received, 3);
    return true;
  });
  assert.equal(codec.decodeEof(new ByteBuffer()), undefined);
});

Deno.test("VarintLengthCodec round-trips any frames under any chunking", () => {
  fc.assert(
    fc.property(
      fc.array(fc.uint8Array({ maxLength: 400 }), { maxLength: 10 }),
      cuts,
      (frames, at) => {
        const codec = new VarintLengthCodec();
        assert.deepEqual(decodeChunks(codec, split(encodeAll(codec, frames), at)), frames);
      },
    ),
    { numRuns: 1000 },
  );
});
