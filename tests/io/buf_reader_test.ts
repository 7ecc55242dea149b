import assert from "node:assert/strict";
import fc from "fast-check";
import {
  BufferFullError,
  BufReader,
  duplex,
  InvalidUtf8Error,
  LineTooLongError,
  type Reader,
  UnexpectedEofError,
  writeAll,
} from "@weir/weir/io";
import {
  chunkReader,
  chunkSource,
  cutsArb,
  encoder,
  sourceKinds,
  split,
  tick,
} from "./_helpers.ts";

const source = chunkSource;

function referenceLines(text: string): string[] {
  const parts = text.split("\n");
  const last = parts.pop()!;
  const lines = parts.map((line) => line.endsWith("\r") ? line.slice(0, -1) : line);
  if (last !== "") lines.push(last);
  return lines;
}

const textArb = fc.array(fc.constantFrom("a", "bc", "\n", "\r", "\r\n", "é", "😀", "line"), {
  maxLength: 60,
}).map((parts) => parts.join(""));

Deno.test("BufReader rejects bad options and arguments", async () => {
  const src = chunkReader([]);
  assert.throws(() => new BufReader(src, { bufferSize: 0 }), /'bufferSize'/);
  assert.throws(() => new BufReader(src, { maxLineLength: -1 }), /'maxLineLength'/);
  const reader = new BufReader(src);
  assert.throws(() => reader.consume(-1), RangeError);
  await assert.rejects(reader.peek(-1), RangeError);
  await assert.rejects(reader.readExact(1.5), /'n'/);
});

Deno.test("BufReader lines are the same for any split of the input, source kind and capacity", async () => {
  await fc.assert(
    fc.asyncProperty(
      textArb,
      cutsArb,
      fc.constantFrom(...sourceKinds),
      fc.integer({ min: 1, max: 16 }),
      async (text, cuts, kind, capacity) => {
        const chunks = split(encoder.encode(text), cuts);
        const reader = new BufReader(source(chunks, kind), { bufferSize: capacity });
        assert.deepEqual(await Array.fromAsync(reader.lines()), referenceLines(text));
        assert.equal(await reader.readLine(), null);
      },
    ),
    { numRuns: 1000 },
  );
});

Deno.test("BufReader lines of arbitrary bytes: valid lines decode, each invalid one errors alone", async () => {
  const strict = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
  const byteArb = fc.constantFrom(0x0a, 0x0d, 0x61, 0xc3, 0xa9, 0xef, 0xbb, 0xbf, 0xbd, 0xff);
  await fc.assert(
    fc.asyncProperty(
      fc.array(byteArb, { maxLength: 80 }).map((a) => new Uint8Array(a)),
      cutsArb,
      fc.integer({ min: 1, max: 16 }),
      async (bytes, cuts, capacity) => {
        const expected: string[] = [];
        let start = 0;
        while (start < bytes.length) {
          const nl = bytes.indexOf(0x0a, start);
          const end = nl === -1 ? bytes.length : nl;
          const stop = nl !== -1 && end > start && bytes[end - 1] === 0x0d ? end - 1 : end;
          try {
            expected.push(strict.decode(bytes.subarray(start, stop)));
          } catch {
            expected.push("<invalid>");
          }
          start = end + 1;
        }
        const reader = new BufReader(chunkReader(split(bytes, cuts)), { bufferSize: capacity });
        const got: string[] = [];
        while (true) {
          try {
            const line = await reader.readLine();
            if (line === null) break;
            got.push(line);
          } catch (error) {
            assert.ok(error instanceof InvalidUtf8Error);
            got.push("<invalid>");
          }
        }
        assert.deepEqual(got, expected);
      },
    ),
    { numRuns: 1000 },
  );
});

Deno.test("BufReader readUntil segments are the same for any split of the input", async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.uint8Array({ maxLength: 120, max: 4 }),
      cutsArb,
      fc.constantFrom(...sourceKinds),
      async (bytes, cuts, kind) => {
        const reader = new BufReader(source(split(bytes, cuts), kind), { bufferSize: 8 });
        const segments: number[][] = [];
        for (let s = await reader.readUntil(0); s !== null; s = await reader.readUntil(0)) {
          segments.push([...s]);
        }
        const expected: number[][] = [];
        let current: number[] = [];
        for (const byte of bytes) {
          current.push(byte);
          if (byte === 0) {
            expected.push(current);
            current = [];
          }
        }
        if (current.length > 0) expected.push(current);
        assert.deepEqual(segments, expected);
      },
    ),
    { numRuns: 500 },
  );
});

Deno.test("BufReader readExact and read return every byte in order for any split and sizes", async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.uint8Array({ maxLength: 200 }),
      cutsArb,
      fc.constantFrom(...sourceKinds),
      fc.array(fc.integer({ min: 0, max: 40 }), { minLength: 1, maxLength: 8 }),
      fc.integer({ min: 1, max: 32 }),
      async (bytes, cuts, kind, sizes, capacity) => {
        const reader = new BufReader(source(split(bytes, cuts), kind), { bufferSize: capacity });
        const out: number[] = [];
        for (let i = 0; out.length < bytes.length; i++) {
          const size = sizes[i % sizes.length]!;
          const left = bytes.length - out.length;
          if (i % 2 === 0 && size <= left) {
            out.push(...await reader.readExact(i % 4 === 0 ? size : new Uint8Array(size)));
          } else {
            const p = new Uint8Array(size || 1);
            const n = await reader.read(p);
            assert.notEqual(n, null);
            out.push(...p.subarray(0, n!));
          }
        }
        assert.deepEqual(out, [...bytes]);
        assert.equal(await reader.read(new Uint8Array(1)), null);
      },
    ),
    { numRuns: 500 },
  );
});

Deno.test("BufReader readLine throws InvalidUtf8Error for a bad line and goes on with the next", async () => {
  const bytes = new Uint8Array([0x61, 0x0a, 0xff, 0xfe, 0x0d, 0x0a, 0x62, 0x0a]);
  const reader = new BufReader(chunkReader(split(bytes, [3])));
  assert.equal(await reader.readLine(), "a");
  await assert.rejects(reader.readLine(), (e) => {
    assert.ok(e instanceof InvalidUtf8Error);
    assert.equal(e.byteLength, 2);
    return true;
  });
  assert.equal(await reader.readLine(), "b");
  assert.equal(await reader.readLine(), null);
  const truncated = new BufReader(chunkReader([new Uint8Array([0x61, 0xe2, 0x82])]));
  await assert.rejects(truncated.readLine(), InvalidUtf8Error);
});

Deno.test("BufReader lines() reports an invalid line and goes on", async () => {
  const bytes = new Uint8Array([0x61, 0x0a, 0xc3, 0x0a, 0x62, 0x0a, 0x63]);
  const lines = new BufReader(chunkReader([bytes])).lines();
  assert.equal(lines[Symbol.asyncIterator](), lines);
  assert.deepEqual(await lines.next(), { value: "a", done: false });
  await assert.rejects(lines.next(), InvalidUtf8Error);
  assert.deepEqual(await lines.next(), { value: "b", done: false });
  assert.deepEqual(await lines.next(), { value: "c", done: false });
  assert.deepEqual(await lines.next(), { value: undefined, done: true });
});

Deno.test("BufReader keeps real U+FFFD characters and byte order marks in lines", async () => {
  const text = "\uFEFFbom\nreplacement \uFFFD char\n\uFEFFlast";
  for (const cuts of [[], [1], [4, 9]]) {
    const reader = new BufReader(chunkReader(split(encoder.encode(text), cuts)));
    assert.deepEqual(await Array.fromAsync(reader.lines()), text.split("\n"));
  }
});

Deno.test("BufReader keeps a lone trailing carriage return at end of stream", async () => {
  const reader = new BufReader(chunkReader([encoder.encode("x\r")]));
  assert.equal(await reader.readLine(), "x\r");
});

Deno.test("BufReader maxLineLength: a line of maxLineLength bytes passes, one more throws LineTooLongError", async () => {
  for (const kind of sourceKinds) {
    const ok = new BufReader(source([encoder.encode("abcd\nxy")], kind), {
      maxLineLength: 4,
      bufferSize: 2,
    });
    assert.equal(await ok.readLine(), "abcd");
    assert.equal(await ok.readLine(), "xy");
    const long = new BufReader(source(split(encoder.encode("abcde\n"), [1, 3]), kind), {
      maxLineLength: 4,
      bufferSize: 2,
    });
    await assert.rejects(long.readLine(), (e) => {
      assert.ok(e instanceof LineTooLongError);
      assert.equal(e.limit, 4);
      assert.match(e.message, /maxLineLength 4/);
      return true;
    });
    // The bytes stay buffered: skipping them lets the caller resync.
    assert.ok(long.buffered >= 5);
    long.consume(5);
    assert.equal(await long.readLine(), "");
    const noDelimiter = new BufReader(source([new Uint8Array(10)], kind), { maxLineLength: 4 });
    await assert.rejects(noDelimiter.readUntil(1), LineTooLongError);
  }
});

Deno.test("BufReader buffers at most about maxLineLength bytes when no line ends", async () => {
  let produced = 0;
  const endless: Reader = {
    read(p) {
      p.fill(0x61);
      produced += p.length;
      return Promise.resolve(p.length);
    },
  };
  const reader = new BufReader(endless, { bufferSize: 64, maxLineLength: 1000 });
  await assert.rejects(reader.readLine(), LineTooLongError);
  assert.ok(reader.buffered <= 1000 + 64 * 2, `buffered ${reader.buffered}`);
  assert.ok(produced < 4000);
});

Deno.test("BufReader fill reads only when empty; peek and consume", async () => {
  const src = chunkReader([new Uint8Array([1, 2]), new Uint8Array([3, 4]), new Uint8Array([5])]);
  const reader = new BufReader(src);
  assert.deepEqual([...await reader.fill()], [1, 2]);
  assert.deepEqual([...await reader.fill()], [1, 2]);
  assert.equal(src.reads, 1);
  assert.deepEqual([...await reader.peek(3)], [1, 2, 3]);
  reader.consume(1);
  assert.deepEqual([...await reader.peek(1)], [2]);
  reader.consume(100);
  assert.equal(reader.buffered, 0);
  assert.deepEqual([...await reader.peek(10)], [5]);
  reader.consume(1);
  assert.equal((await reader.fill()).length, 0);
});

Deno.test("BufReader read bypasses the buffer for reads of at least capacity when empty", async () => {
  const seen: Uint8Array[] = [];
  const src: Reader = {
    read(p) {
      seen.push(p);
      p.fill(7);
      return Promise.resolve(p.length);
    },
  };
  const reader = new BufReader(src, { bufferSize: 4 });
  const big = new Uint8Array(8);
  assert.equal(await reader.read(big), 8);
  assert.equal(seen[0], big);
  assert.equal(reader.buffered, 0);
  const small = new Uint8Array(2);
  assert.equal(await reader.read(small), 2);
  assert.notEqual(seen[1], small);
  assert.equal(reader.buffered, 2);
  // With a signal it always goes through the buffer (cancel safety).
  const viaBuffer = new Uint8Array(8);
  assert.equal(await reader.read(viaBuffer, { signal: new AbortController().signal }), 2);
});

Deno.test("BufReader readExact throws UnexpectedEofError with the counts, on both paths", async () => {
  const small = new BufReader(chunkReader([new Uint8Array([1, 2]), new Uint8Array([3])]));
  await assert.rejects(small.readExact(5), (e) => {
    assert.ok(e instanceof UnexpectedEofError);
    assert.equal(e.expected, 5);
    assert.equal(e.received, 3);
    return true;
  });
  assert.equal(small.buffered, 0);
  const large = new BufReader(chunkReader([new Uint8Array(10), new Uint8Array(20)]), {
    bufferSize: 4,
  });
  await large.peek(2);
  await assert.rejects(large.readExact(new Uint8Array(100)), (e) => {
    assert.ok(e instanceof UnexpectedEofError);
    assert.deepEqual([e.expected, e.received], [100, 30]);
    return true;
  });
  const data = new Uint8Array(50).map((_, i) => i);
  const exact = new BufReader(chunkReader(split(data, [3, 17])), { bufferSize: 4 });
  assert.deepEqual(await exact.readExact(50), data);
  assert.deepEqual(await exact.readExact(0), new Uint8Array(0));
});

Deno.test("BufReader readToEnd returns the rest and honours maxLength", async () => {
  const data = new Uint8Array(5000).map((_, i) => i);
  const reader = new BufReader(chunkReader(split(data, [1, 1000, 3000])), { bufferSize: 256 });
  assert.deepEqual(await reader.readExact(2), data.subarray(0, 2));
  assert.deepEqual(await reader.readToEnd(), data.subarray(2));
  assert.deepEqual(await reader.readToEnd(), new Uint8Array(0));
  const limited = new BufReader(chunkReader([data]), { bufferSize: 256 });
  await assert.rejects(limited.readToEnd({ maxLength: 4999 }), (e) => {
    assert.ok(e instanceof BufferFullError);
    assert.equal(e.limit, 4999);
    assert.match(e.message, /maxLength 4999/);
    return true;
  });
  assert.deepEqual(
    await new BufReader(chunkReader([data])).readToEnd({ maxLength: 5000 }),
    data,
  );
});

Deno.test("BufReader propagates source errors and recovers on the next call", async () => {
  const boom = new Error("boom");
  let fail = true;
  const src: Reader = {
    read(p) {
      if (fail) {
        fail = false;
        return Promise.reject(boom);
      }
      p[0] = 10;
      return Promise.resolve(1);
    },
  };
  const reader = new BufReader(src);
  await assert.rejects(reader.readLine(), (e) => e === boom);
  assert.equal(await reader.readLine(), "");
});

Deno.test("BufReader aborts during every wait and loses no bytes", async () => {
  type Call = (reader: BufReader, signal: AbortSignal) => Promise<unknown>;
  const calls: [string, Call, unknown][] = [
    ["fill", async (r, signal) => [...await r.fill({ signal })], [97, 98, 10, 99]],
    ["peek", async (r, signal) => [...await r.peek(4, { signal })], [97, 98, 10, 99]],
    ["read", (r, signal) => r.read(new Uint8Array(16), { signal }), 4],
    ["readExact", async (r, signal) => [...await r.readExact(3, { signal })], [97, 98, 10]],
    ["readUntil", async (r, signal) => [...(await r.readUntil(10, { signal }))!], [97, 98, 10]],
    ["readLine", (r, signal) => r.readLine({ signal }), "ab"],
    ["lines", async (r, signal) => (await r.lines({ signal }).next()).value, "ab"],
    ["readToEnd", async (r, signal) => [...await r.readToEnd({ signal })], [97, 98, 10, 99]],
  ];
  for (const [name, call, expected] of calls) {
    const [a, b] = duplex(64);
    const reader = new BufReader(b);
    const controller = new AbortController();
    const pending = call(reader, controller.signal);
    await tick();
    controller.abort(name);
    await assert.rejects(pending, (e) => e === name, name);
    await assert.rejects(call(reader, AbortSignal.abort("again")), (e) => e === "again");
    await writeAll(a, encoder.encode("ab\nc"));
    a.close();
    assert.deepEqual(await call(reader, new AbortController().signal), expected, name);
    b.close();
  }
});

Deno.test("BufReader keeps bytes of a read in flight when the caller consumed meanwhile", async () => {
  const [a, b] = duplex(64);
  const reader = new BufReader(b, { bufferSize: 8 });
  await writeAll(a, encoder.encode("xyz"));
  assert.deepEqual([...await reader.peek(3)], [120, 121, 122]);
  const controller = new AbortController();
  const pending = reader.readLine({ signal: controller.signal });
  await tick();
  controller.abort("stop");
  await assert.rejects(pending, (e) => e === "stop");
  reader.consume(3); // the buffer empties and restarts while the read is in flight
  await writeAll(a, encoder.encode("ok\nnext"));
  a.close();
  assert.equal(await reader.readLine(), "ok");
  assert.equal(await reader.readLine(), "next");
  b.close();
});

Deno.test("BufReader close and asyncDispose close the source; readable streams the rest", async () => {
  const [a, b] = duplex(64);
  {
    await using reader = new BufReader(b);
    await writeAll(a, encoder.encode("head\nbody"));
    await a.closeWrite();
    assert.equal(await reader.readLine(), "head");
    assert.equal(reader.readable, reader.readable);
    assert.equal(await new Response(reader.readable).text(), "body");
  }
  await assert.rejects(b.read(new Uint8Array(1)), Deno.errors.BadResource);
  await assert.rejects(a.write(new Uint8Array(1)), Deno.errors.BrokenPipe);
  a.close();
  let cancelled = false;
  const stream = new ReadableStream<Uint8Array>({ cancel: () => void (cancelled = true) });
  const reader = new BufReader(stream);
  await reader.readable.cancel("enough");
  assert.ok(cancelled);
});

Deno.test("BufReader mixes readLine with byte reads for any split: lines decoded ahead are not lost", async () => {
  type Op = { kind: "line" } | { kind: "exact" | "read" | "peek"; n: number } | {
    kind: "buffered";
  };
  const opArb: fc.Arbitrary<Op> = fc.oneof(
    fc.constant({ kind: "line" as const }),
    fc.constant({ kind: "buffered" as const }),
    fc.record({
      kind: fc.constantFrom("exact" as const, "read" as const, "peek" as const),
      n: fc.integer({ min: 1, max: 12 }),
    }),
  );
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.constantFrom("ab", "c", "\n", "\r\n", "é"), { maxLength: 50 }).map((p) =>
        p.join("")
      ),
      cutsArb,
      fc.array(opArb, { maxLength: 40 }),
      fc.integer({ min: 1, max: 16 }),
      async (text, cuts, ops, capacity) => {
        const bytes = encoder.encode(text);
        const reader = new BufReader(chunkReader(split(bytes, cuts)), { bufferSize: capacity });
        let at = 0; // the model: a cursor into `bytes`
        for (const op of ops) {
          if (op.kind === "line") {
            const nl = bytes.indexOf(0x0a, at);
            const end = nl === -1 ? bytes.length : nl + 1;
            let stop = nl === -1 ? end : nl;
            if (nl !== -1 && stop > at && bytes[stop - 1] === 0x0d) stop--;
            const expected = at === bytes.length
              ? null
              : new TextDecoder().decode(bytes.subarray(at, stop));
            at = end;
            let got: string | null;
            try {
              got = await reader.readLine();
            } catch (error) {
              assert.ok(error instanceof InvalidUtf8Error); // a split "é" is fine: only whole lines decode
              continue;
            }
            assert.equal(got, expected);
          } else if (op.kind === "buffered") {
            assert.ok(reader.buffered <= bytes.length - at);
          } else if (op.kind === "peek") {
            const view = await reader.peek(op.n);
            assert.deepEqual([...view], [...bytes.subarray(at, at + op.n)]);
          } else if (op.kind === "exact") {
            if (bytes.length - at < op.n) continue;
            assert.deepEqual([...await reader.readExact(op.n)], [...bytes.subarray(at, at + op.n)]);
            at += op.n;
          } else {
            const p = new Uint8Array(op.n);
            const n = await reader.read(p);
            if (at === bytes.length) {
              assert.equal(n, null);
              continue;
            }
            assert.ok(n !== null && n > 0);
            assert.deepEqual([...p.subarray(0, n)], [...bytes.subarray(at, at + n)]);
            at += n;
          }
        }
        const rest = await reader.readToEnd();
        assert.deepEqual([...rest], [...bytes.subarray(at)]);
      },
    ),
    { numRuns: 1000 },
  );
});
