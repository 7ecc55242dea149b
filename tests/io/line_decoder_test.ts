import assert from "node:assert/strict";
import fc from "fast-check";
import { ByteBuffer, InvalidUtf8Error, LineDecoder, LineTooLongError } from "@weir/weir/io";
import { cutsArb, encoder, split } from "./_helpers.ts";

/** The complete lines of `text`, each without its `\n` and one `\r` before it. */
function referenceLines(text: string): string[] {
  const parts = text.split("\n");
  parts.pop(); // the unterminated rest
  return parts.map((line) => line.endsWith("\r") ? line.slice(0, -1) : line);
}

const textArb = fc.array(fc.constantFrom("a", "bc", "\n", "\r", "\r\n", "é", "😀", "line"), {
  maxLength: 60,
}).map((parts) => parts.join(""));

Deno.test("LineDecoder: the same lines for any chunking of the input", () => {
  fc.assert(
    fc.property(textArb, cutsArb, (text, cuts) => {
      const lines = new LineDecoder();
      const buf = new ByteBuffer(4);
      const seen: string[] = [];
      for (const chunk of split(encoder.encode(text), cuts)) {
        buf.append(chunk);
        for (let line = lines.decode(buf); line !== undefined; line = lines.decode(buf)) {
          seen.push(line);
        }
      }
      assert.deepEqual(seen, referenceLines(text));
      const rest = text.slice(text.lastIndexOf("\n") + 1);
      assert.equal(lines.decodeText(buf.bytes()), rest);
    }),
  );
});

Deno.test("LineDecoder: an over-long line throws LineTooLongError and stays; discardLine skips it", () => {
  const lines = new LineDecoder({ maxLineLength: 3 });
  const buf = new ByteBuffer();
  buf.append(encoder.encode("abcd"));
  assert.throws(() => lines.ready(buf), (error) => {
    assert.ok(error instanceof LineTooLongError);
    assert.equal(error.size, 4);
    assert.equal(error.limit, 3);
    return true;
  });
  assert.equal(buf.length, 4);
  assert.equal(lines.discardLine(buf), false);
  buf.append(encoder.encode("efg\nok\nabcdef\nyes\n"));
  assert.equal(lines.discardLine(buf), true);
  assert.equal(lines.decode(buf), "ok");
  // Over-long inside a batch of complete lines: thrown when its turn comes.
  assert.throws(() => lines.decode(buf), { name: "LineTooLongError", size: 6 });
  assert.equal(lines.discardLine(buf), true);
  assert.equal(lines.decode(buf), "yes");
  assert.throws(() => new LineDecoder({ maxLineLength: -1 }), /'maxLineLength'/);
});

Deno.test("LineDecoder: invalid UTF-8 throws InvalidUtf8Error for that line only", () => {
  const lines = new LineDecoder();
  const buf = new ByteBuffer();
  buf.append(new Uint8Array([0x61, 0x0a, 0xff, 0x0a, 0x62, 0x0d, 0x0a]));
  assert.equal(lines.decode(buf), "a");
  assert.throws(() => lines.decode(buf), InvalidUtf8Error);
  assert.equal(lines.decode(buf), "b");
  assert.equal(buf.length, 0);
});

Deno.test("LineDecoder: a long line arriving a byte at a time is searched once, not from the start each time", () => {
  const lines = new LineDecoder({ maxLineLength: Infinity });
  const buf = new ByteBuffer();
  let searched = 0;
  const indexOf = buf.indexOf.bind(buf);
  buf.indexOf = (byte: number, from = 0, to?: number) => {
    searched += Math.min(to ?? buf.length, buf.length) - from;
    return indexOf(byte, from, to);
  };
  for (let i = 0; i < 2000; i++) {
    buf.append(new Uint8Array([0x61]));
    assert.equal(lines.decode(buf), undefined);
  }
  buf.append(new Uint8Array([0x0a]));
  assert.equal(lines.decode(buf)?.length, 2000);
  assert.ok(searched < 10_000, `searched ${searched} bytes`);
});
