import assert from "node:assert/strict";
import fc from "fast-check";
import {
  decoderStream,
  encoderStream,
  FrameTooLargeError,
  JsonCodec,
  LengthDelimitedCodec,
} from "@weir/weir/framing";

Deno.test("encoderStream emits one chunk per item", async () => {
  const chunks = await Array.fromAsync(
    ReadableStream.from([new Uint8Array([1]), new Uint8Array([2, 3])])
      .pipeThrough(encoderStream(new LengthDelimitedCodec({ lengthFieldLength: 1 }))),
  );
  assert.deepEqual(chunks, [new Uint8Array([1, 1]), new Uint8Array([2, 2, 3])]);
});

Deno.test("encoderStream errors when the encoder refuses an item", async () => {
  const stream = ReadableStream.from([new Uint8Array(3)])
    .pipeThrough(encoderStream(new LengthDelimitedCodec({ maxFrameLength: 2 })));
  await assert.rejects(Array.fromAsync(stream), FrameTooLargeError);
});

Deno.test("encoderStream and decoderStream round-trip any values", async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.jsonValue().map((v) => JSON.parse(JSON.stringify(v))), { maxLength: 6 }),
      async (values) => {
        const out = ReadableStream.from(values)
          .pipeThrough(encoderStream(new JsonCodec()))
          .pipeThrough(decoderStream(new JsonCodec()));
        assert.deepEqual(await Array.fromAsync(out), values);
      },
    ),
    { numRuns: 1000 },
  );
});
