import assert from "node:assert/strict";
import fc from "fast-check";
import {
  Framed,
  FramedRead,
  FramedWrite,
  LengthDelimitedCodec,
  LinesCodec,
} from "@weir/weir/framing";
import { duplex } from "@weir/weir/io";

const encoder = new TextEncoder();

Deno.test("FramedRead.framesRead counts frames decoded, whatever the chunking; inboundBuffered holds the partial frame", async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.string({ unit: fc.constantFrom("a", "b", "\n") }), { maxLength: 20 }),
      async (parts) => {
        const text = parts.join("");
        const framed = new FramedRead(
          ReadableStream.from(parts.map((p) => encoder.encode(p))),
          new LinesCodec(),
        );
        const lines = await Array.fromAsync(framed);
        assert.equal(framed.framesRead, lines.length);
        assert.equal(framed.inboundBuffered, 0, "all decoded at the end");
        // A line per newline, and the unterminated rest as one more at the end.
        const newlines = text.split("\n").length - 1;
        assert.equal(lines.length, newlines + (text.endsWith("\n") || text === "" ? 0 : 1));
      },
    ),
  );
});

Deno.test("FramedRead.inboundBuffered is the undecoded tail; a decode error counts no frame", async () => {
  const bytes = new Uint8Array([0, 0, 0, 2, 7, 7, 0, 0, 0, 9, 1]);
  const framed = new FramedRead(
    ReadableStream.from([bytes]),
    new LengthDelimitedCodec({ maxFrameLength: 4 }),
  );
  assert.deepEqual([...(await framed.next()).value!], [7, 7]);
  assert.equal(framed.framesRead, 1);
  assert.equal(framed.inboundBuffered, 5, "the next header and a byte, not yet decoded");
  await assert.rejects(framed.next(), { name: "FrameTooLargeError" });
  assert.equal(framed.framesRead, 1);
});

Deno.test("FramedWrite.framesWritten counts items encoded; one the encoder refuses is not counted", async () => {
  const chunks: Uint8Array[] = [];
  const framed = new FramedWrite(
    { write: (p: Uint8Array) => (chunks.push(p.slice()), Promise.resolve(p.length)) },
    new LengthDelimitedCodec({ maxFrameLength: 2 }),
  );
  await framed.feed(new Uint8Array(1));
  await framed.feed(new Uint8Array(2));
  await assert.rejects(framed.feed(new Uint8Array(3)), { name: "FrameTooLargeError" });
  assert.equal(framed.framesWritten, 2);
  assert.equal(framed.buffered, 4 + 1 + 4 + 2);
  await framed.flush();
  assert.equal(framed.buffered, 0);
  assert.equal(framed.framesWritten, 2);
});

Deno.test("Framed counts both ways over a duplex pair", async () => {
  using pair = duplex();
  const a = new Framed(pair[0], new LinesCodec());
  const b = new Framed(pair[1], new LinesCodec());
  for (const line of ["one", "two", "three"]) await a.send(line);
  for (let i = 0; i < 3; i++) await b.next();
  await b.send("back");
  await a.next();
  assert.deepEqual([a.framesWritten, a.framesRead, b.framesWritten, b.framesRead], [3, 1, 1, 3]);
  await a.close();
  await b.close();
});
