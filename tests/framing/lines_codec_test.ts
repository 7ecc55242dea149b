import assert from "node:assert/strict";
import fc from "fast-check";
import { LinesCodec } from "@weir/weir/framing";
import { ByteBuffer, InvalidUtf8Error, LineTooLongError } from "@weir/weir/io";
import { cuts, decodeChunks, encodeAll, split, text } from "./_codec_util.ts";

function bufferOf(s: string): ByteBuffer {
  const buf = new ByteBuffer();
  buf.append(text(s));
  return buf;
}

Deno.test("LinesCodec decodes tokio-util's line vector", () => {
  const codec = new LinesCodec();
  const buf = bufferOf("line 1\nline 2\r\nline 3\n\r\n\r");
  assert.equal(codec.decode(buf), "line 1");
  assert.equal(codec.decode(buf), "line 2");
  assert.equal(codec.decode(buf), "line 3");
  assert.equal(codec.decode(buf), "");
  assert.equal(codec.decode(buf), undefined);
  assert.equal(codec.decodeEof(buf), undefined);
  assert.equal(buf.length, 1, "a lone \\r at end of stream stays unread");
});

Deno.test("LinesCodec reports an over-long line once and resumes after its newline", () => {
  const codec = new LinesCodec({ maxLineLength: 6 });
  const buf = bufferOf("line 1 is too long\nline 2\nline 3\r\nline 4\n\r\n\r");
  assert.throws(() => codec.decode(buf), LineTooLongError);
  assert.equal(codec.decode(buf), "line 2");
  assert.throws(() => codec.decode(buf), LineTooLongError, "\\r counts toward maxLineLength");
  assert.equal(codec.decode(buf), "line 4");
  assert.equal(codec.decode(buf), "");
  assert.equal(codec.decode(buf), undefined);
  assert.equal(codec.decodeEof(buf), undefined);
});

Deno.test("LinesCodec keeps discarding across calls without repeating the error", () => {
  const codec = new LinesCodec({ maxLineLength: 1 });
  const buf = bufferOf("aa");
  assert.throws(() => codec.decode(buf), LineTooLongError);
  buf.append(text("a"));
  assert.equal(codec.decode(buf), undefined);
  buf.append(text("aaa\nb\n"));
  assert.equal(codec.decode(buf), "b");
});

Deno.test("LinesCodec finds the limit across partial reads", () => {
  const codec = new LinesCodec({ maxLineLength: 10 });
  const buf = new ByteBuffer();
  buf.append(text("line "));
  assert.equal(codec.decode(buf), undefined);
  buf.append(text("too l"));
  assert.equal(codec.decode(buf), undefined);
  buf.append(text("ong\n"));
  assert.throws(() => codec.decode(buf), LineTooLongError);
});

Deno.test("LinesCodec accepts exactly maxLineLength bytes and rejects one more", () => {
  const exact = new LinesCodec({ maxLineLength: 5 });
  assert.equal(exact.decode(bufferOf("12345\n")), "12345");
  const over = new LinesCodec({ maxLineLength: 5 });
  try {
    over.decode(bufferOf("123456\n"));
    assert.fail("no error");
  } catch (error) {
    assert.ok(error instanceof LineTooLongError);
    assert.equal(error.name, "LineTooLongError");
    assert.equal(error.limit, 5);
    assert.equal(error.size, 7);
    assert.equal(error.message, "Line of at least 7 bytes exceeds maxLineLength 5");
  }
  const big = new LinesCodec();
  assert.equal(big.maxLineLength, 65536);
  assert.equal(big.decode(bufferOf("x".repeat(65536) + "\n"))?.length, 65536);
  assert.throws(() => new LinesCodec().decode(bufferOf("x".repeat(65537))), LineTooLongError);
  assert.equal(
    new LinesCodec({ maxLineLength: Infinity }).decode(bufferOf("x".repeat(100000) + "\n"))?.length,
    100000,
  );
});

Deno.test("LinesCodec rejects bad options", () => {
  assert.throws(() => new LinesCodec({ maxLineLength: -1 }), /'maxLineLength'/);
  assert.throws(() => new LinesCodec({ maxLineLength: 1.5 }), RangeError);
});

Deno.test("LinesCodec throws InvalidUtf8Error, drops the bad line and continues", () => {
  const codec = new LinesCodec();
  const buf = new ByteBuffer();
  buf.append(new Uint8Array([0x61, 0xff, 0x62, 0x0a]));
  buf.append(text("fine\n"));
  assert.throws(() => codec.decode(buf), (error) => {
    assert.ok(error instanceof InvalidUtf8Error);
    assert.equal(error.byteLength, 3);
    return true;
  });
  assert.equal(codec.decode(buf), "fine");
  buf.append(new Uint8Array([0xc3]));
  assert.throws(() => codec.decodeEof(buf), InvalidUtf8Error);
  assert.equal(buf.length, 0);
});

Deno.test("LinesCodec.decodeEof strips one trailing \\r and keeps a leading one", () => {
  const codec = new LinesCodec();
  assert.equal(codec.decodeEof(bufferOf("\rk")), "\rk");
  assert.equal(codec.decodeEof(bufferOf("k\r\r")), "k\r");
  assert.equal(codec.decodeEof(bufferOf("")), undefined);
  assert.equal(codec.decodeEof(bufferOf("\uFEFFbom")), "\uFEFFbom");
});

Deno.test("LinesCodec.encode appends one \\n and multi-byte UTF-8", () => {
  assert.equal(
    new TextDecoder().decode(encodeAll(new LinesCodec(), ["a", "", "é✓😀"])),
    "a\n\né✓😀\n",
  );
});

Deno.test("LinesCodec round-trips any lines under any chunking", () => {
  const line = fc.string({ unit: "grapheme" }).map((s) => s.replace(/[\r\n]/g, ""));
  fc.assert(
    fc.property(fc.array(line, { maxLength: 20 }), cuts, (lines, at) => {
      const bytes = encodeAll(new LinesCodec(), lines);
      assert.deepEqual(decodeChunks(new LinesCodec(), split(bytes, at)), lines);
    }),
    { numRuns: 1000 },
  );
});

Deno.test("LinesCodec gives the same frames and errors for any chunking of any bytes", () => {
  const alphabet = fc.constantFrom(0x61, 0x0a, 0x0d, 0xc3, 0xa9, 0xff);
  const outcome = (codec: LinesCodec, chunks: Uint8Array[]) => {
    const out: string[] = [];
    const buf = new ByteBuffer();
    const step = (f: (b: ByteBuffer) => string | undefined) => {
      for (let i = 0; i < 100; i++) {
        try {
          const line = f(buf);
          if (line === undefined) return;
          out.push(`ok:${line}`);
        } catch (error) {
          out.push(`err:${(error as Error).name}`);
        }
      }
    };
    for (const chunk of chunks) {
      buf.append(chunk);
      step((b) => codec.decode(b));
    }
    step((b) => codec.decodeEof(b));
    return out;
  };
  fc.assert(
    fc.property(fc.array(alphabet, { maxLength: 40 }), cuts, (bytes, at) => {
      const input = new Uint8Array(bytes);
      const whole = outcome(new LinesCodec({ maxLineLength: 4 }), [input]);
      assert.deepEqual(outcome(new LinesCodec({ maxLineLength: 4 }), split(input, at)), whole);
    }),
    { numRuns: 1000 },
  );
});

Deno.test("LinesCodec decodes many buffered lines at once, ASCII or not, with the same results", () => {
  for (const input of ["a\nbb\r\nccc\n", "é\n✓✓\r\n😀\nz\n", "\uFEFFbom\nx\n"]) {
    const codec = new LinesCodec();
    const buf = bufferOf(input + "rest");
    const lines: string[] = [];
    for (let line = codec.decode(buf); line !== undefined; line = codec.decode(buf)) {
      lines.push(line);
    }
    assert.deepEqual(lines, input.split("\n").slice(0, -1).map((l) => l.replace(/\r$/, "")));
    assert.equal(new TextDecoder().decode(buf.bytes()), "rest");
  }
});

Deno.test("LinesCodec reports an over-long line inside a batch and an invalid one, then goes on", () => {
  const codec = new LinesCodec({ maxLineLength: 3 });
  const buf = bufferOf("ok\ntoo long\nabc\n");
  assert.equal(codec.decode(buf), "ok");
  assert.throws(() => codec.decode(buf), (error) => {
    assert.ok(error instanceof LineTooLongError);
    assert.equal(error.size, 8);
    return true;
  });
  assert.equal(codec.decode(buf), "abc");
  const lines = new LinesCodec();
  const bad = bufferOf("a\n");
  bad.append(new Uint8Array([0xff, 0x0a]));
  bad.append(text("b\nc\n"));
  assert.equal(lines.decode(bad), "a");
  assert.throws(() => lines.decode(bad), InvalidUtf8Error);
  assert.equal(lines.decode(bad), "b");
  assert.equal(lines.decode(bad), "c");
  assert.equal(lines.decode(bad), undefined);
});

Deno.test("LinesCodec drops its decoded batch when its buffer lost bytes behind its back", () => {
  const codec = new LinesCodec();
  const buf = bufferOf("one\ntwo\nthree\n");
  assert.equal(codec.decode(buf), "one");
  buf.consume(4); // "two\n" taken behind the codec's back
  assert.equal(codec.decode(buf), "three");
});

Deno.test("LinesCodec: one codec per connection, each with its own buffer, interleaved", () => {
  const [a, b] = [new LinesCodec(), new LinesCodec()];
  const bufA = bufferOf("a1\na2\na3\n");
  const bufB = bufferOf("b1\nb2\n");
  assert.equal(a.decode(bufA), "a1");
  assert.equal(b.decode(bufB), "b1");
  bufB.append(new TextEncoder().encode("b3\n"));
  assert.equal(a.decode(bufA), "a2");
  assert.equal(b.decode(bufB), "b2");
  assert.equal(b.decode(bufB), "b3");
  assert.equal(a.decode(bufA), "a3");
  assert.equal(a.decode(bufA), undefined);
});
