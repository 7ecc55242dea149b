import assert from "node:assert/strict";
import fc from "fast-check";
import { duplex, readExact, UnexpectedEofError, writeAll } from "@weir/weir/io";
import { chunkReader, cutsArb, split, tick } from "./_helpers.ts";

Deno.test("readExact assembles exact sizes for any split, never reading past them", async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.uint8Array({ minLength: 1, maxLength: 200 }),
      cutsArb,
      fc.integer({ min: 1, max: 50 }),
      async (bytes, cuts, size) => {
        const reader = chunkReader(split(bytes, cuts));
        const out: number[] = [];
        while (bytes.length - out.length >= size) out.push(...await readExact(reader, size));
        const rest = bytes.length - out.length;
        out.push(...await readExact(reader, new Uint8Array(rest)));
        assert.deepEqual(out, [...bytes]);
        assert.equal(await reader.read(new Uint8Array(1)), null);
      },
    ),
    { numRuns: 300 },
  );
});

Deno.test("readExact throws UnexpectedEofError with wanted and received counts", async () => {
  const reader = chunkReader([new Uint8Array(2), new Uint8Array(1)]);
  await assert.rejects(readExact(reader, 5), (e) => {
    assert.ok(e instanceof UnexpectedEofError);
    assert.deepEqual([e.expected, e.received], [5, 3]);
    return true;
  });
  await assert.rejects(readExact(reader, -1), RangeError);
  assert.deepEqual(await readExact(reader, 0), new Uint8Array(0));
});

Deno.test("readExact aborts while waiting, leaving later bytes unread", async () => {
  const [a, b] = duplex(8);
  const controller = new AbortController();
  const pending = readExact(b, 4, { signal: controller.signal });
  await writeAll(a, new Uint8Array(2));
  await tick();
  controller.abort("stop");
  await assert.rejects(pending, (e) => e === "stop");
  await writeAll(a, new Uint8Array([9]));
  assert.equal(b.buffered, 1);
  await assert.rejects(readExact(b, 1, { signal: AbortSignal.abort("pre") }), (e) => e === "pre");
  a.close();
  b.close();
});
