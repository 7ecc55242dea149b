import assert from "node:assert/strict";
import fc from "fast-check";
import { decoderStream, LengthDelimitedCodec, LinesCodec } from "@weir/weir/framing";
import { LineTooLongError, UnexpectedEofError } from "@weir/weir/io";
import { cuts, encodeAll, split, text } from "./_codec_util.ts";
import { TaggedCodec } from "./_tagged_codec.ts";

Deno.test("decoderStream decodes frames across chunks and drains at the end", async () => {
  const lines = ReadableStream.from([text("a\r\nb"), text("\nc")]).pipeThrough(
    decoderStream(new LinesCodec()),
  );
  assert.deepEqual(await Array.fromAsync(lines), ["a", "b", "c"]);
});

Deno.test("decoderStream errors on a partial frame at the end and on decoder errors", async () => {
  const partial = ReadableStream.from([new Uint8Array([0, 0, 0, 3, 1])])
    .pipeThrough(decoderStream(new LengthDelimitedCodec()));
  await assert.rejects(Array.fromAsync(partial), UnexpectedEofError);
  const tagged = ReadableStream.from([new Uint8Array([1, 4, 0])]).pipeThrough(
    decoderStream(new TaggedCodec()),
  );
  await assert.rejects(Array.fromAsync(tagged), /bytes remaining on stream/);
  const long = ReadableStream.from([text("toolong\n")]).pipeThrough(
    decoderStream(new LinesCodec({ maxLineLength: 3 })),
  );
  await assert.rejects(Array.fromAsync(long), LineTooLongError);
});

Deno.test("decoderStream gives the same frames for any chunking", async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.uint8Array({ maxLength: 64 }), { maxLength: 8 }),
      cuts,
      async (frames, at) => {
        const codec = new LengthDelimitedCodec();
        const stream = ReadableStream.from(split(encodeAll(codec, frames), at)).pipeThrough(
          decoderStream(codec),
        );
        assert.deepEqual(await Array.fromAsync(stream), frames);
      },
    ),
    { numRuns: 1000 },
  );
});
