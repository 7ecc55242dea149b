import assert from "node:assert/strict";
import fc from "fast-check";
import { BufWriter, copy, duplex, readAll, type Reader, writeAll } from "@weir/weir/io";
import {
  chunkReader,
  chunkSource,
  cutsArb,
  deferred,
  shortWriter,
  sourceKinds,
  split,
  tick,
} from "./_helpers.ts";

Deno.test("copy moves every byte for any split, source kind, short writes and buffer size", async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.uint8Array({ maxLength: 300 }),
      cutsArb,
      fc.constantFrom(...sourceKinds),
      fc.array(fc.integer({ min: 1, max: 20 }), { minLength: 1, maxLength: 4 }),
      fc.integer({ min: 1, max: 64 }),
      async (bytes, cuts, kind, limits, bufferSize) => {
        const chunks = split(bytes, cuts);
        const src = chunkSource(chunks, kind);
        const dst = shortWriter(limits);
        assert.equal(await copy(src, dst, { bufferSize }), bytes.length);
        assert.deepEqual(dst.bytes, [...bytes]);
        if (src instanceof ReadableStream) assert.equal(src.locked, false);
      },
    ),
    { numRuns: 300 },
  );
});

Deno.test("copy to a WritableStream releases it without closing it", async () => {
  const chunks: Uint8Array[] = [];
  let closed = false;
  const dst = new WritableStream<Uint8Array>({
    write: (c) => void chunks.push(c),
    close: () => void (closed = true),
  });
  assert.equal(await copy(chunkReader([new Uint8Array([1, 2])]), dst), 2);
  assert.equal(dst.locked, false);
  assert.equal(closed, false);
  assert.deepEqual(chunks, [new Uint8Array([1, 2])]);
  await dst.close();
});

Deno.test("copy rejects a bad buffer size and a sink that accepts zero bytes", async () => {
  await assert.rejects(copy(chunkReader([]), shortWriter(), { bufferSize: 0 }), /'bufferSize'/);
  await assert.rejects(
    copy(chunkReader([new Uint8Array(1)]), { write: () => Promise.resolve(0) }),
    Deno.errors.WriteZero,
  );
});

Deno.test("copy flushes a buffered writer before waiting for more input, and at the end", async () => {
  const [a, b] = duplex(64);
  const [c, d] = duplex(64);
  const dst = new BufWriter(c);
  const copying = copy(b, dst);
  await writeAll(a, new Uint8Array([1, 2, 3]));
  // The copy now waits on `b`: the bytes must have reached `d` anyway.
  const p = new Uint8Array(8);
  assert.equal(await d.read(p), 3);
  await writeAll(a, new Uint8Array([4]));
  a.close();
  assert.equal(await copying, 4);
  assert.equal(await d.read(p), 1);
  for (const end of [b, c, d]) end.close();
});

Deno.test("copy propagates read and write errors", async () => {
  const boom = new Error("read");
  const failing: Reader = { read: () => Promise.reject(boom) };
  await assert.rejects(copy(failing, shortWriter()), (e) => e === boom);
  const writeError = new Error("write");
  await assert.rejects(
    copy(chunkReader([new Uint8Array(1)]), { write: () => Promise.reject(writeError) }),
    (e) => e === writeError,
  );
});

Deno.test("copy aborts while waiting to read, to write and to flush", async () => {
  // Waiting to read.
  const [a, b] = duplex(4);
  const controller = new AbortController();
  const reading = copy(b, shortWriter(), { signal: controller.signal });
  await tick();
  controller.abort("read wait");
  await assert.rejects(reading, (e) => e === "read wait");
  await assert.rejects(
    copy(b, shortWriter(), { signal: AbortSignal.abort("pre") }),
    (e) => e === "pre",
  );

  // Waiting to write: the destination is full.
  const [c, d] = duplex(2);
  await writeAll(a, new Uint8Array(4));
  const controller2 = new AbortController();
  const writing = copy(b, c, { signal: controller2.signal });
  await tick();
  assert.equal(d.buffered, 2);
  controller2.abort("write wait");
  await assert.rejects(writing, (e) => e === "write wait");

  // Waiting to flush.
  const gate = deferred<number>();
  const slowSink = { write: () => gate.promise };
  const controller3 = new AbortController();
  const flushing = copy(b, new BufWriter(slowSink), { signal: controller3.signal });
  await writeAll(a, new Uint8Array(1));
  await tick();
  controller3.abort("flush wait");
  await assert.rejects(flushing, (e) => e === "flush wait");
  gate.resolve(1);
  for (const end of [a, b, c, d]) end.close();
});

Deno.test("copy between files keeps the content", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const data = new Uint8Array(300_000).map((_, i) => (i * 31) & 0xff);
    await Deno.writeFile(`${dir}/in`, data);
    {
      using src = await Deno.open(`${dir}/in`);
      using dst = await Deno.open(`${dir}/out`, { write: true, create: true });
      assert.equal(await copy(src, dst), data.length);
    }
    assert.deepEqual(await Deno.readFile(`${dir}/out`), data);
    // A file's readable closes the file at its end.
    const viaStreams = await Deno.open(`${dir}/in`);
    const out = await Deno.open(`${dir}/out2`, { write: true, create: true });
    assert.equal(await copy(viaStreams.readable, out.writable), data.length);
    // Deno's file writable holds written bytes until it is closed (closing the file).
    await out.writable.close();
    const check = await Deno.open(`${dir}/out2`);
    assert.deepEqual(await readAll(check.readable), data);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
