import assert from "node:assert/strict";
import fc from "fast-check";
import { BufferFullError, duplex, readAll, writeAll } from "@weir/weir/io";
import {
  chunkReader,
  chunkSource,
  chunkStream,
  cutsArb,
  sourceKinds,
  split,
  tick,
} from "./_helpers.ts";

Deno.test("readAll returns every byte for any split and source kind", async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.uint8Array({ maxLength: 50_000 }),
      cutsArb,
      fc.constantFrom(...sourceKinds),
      async (bytes, cuts, kind) => {
        const chunks = split(bytes, cuts.map((c) => c * 5));
        const src = chunkSource(chunks, kind);
        assert.deepEqual(await readAll(src), bytes);
        if (src instanceof ReadableStream) assert.equal(src.locked, false);
      },
    ),
    { numRuns: 100 },
  );
});

Deno.test("readAll honours maxLength", async () => {
  const data = new Uint8Array(1000);
  assert.equal((await readAll(chunkReader([data]), { maxLength: 1000 })).length, 1000);
  await assert.rejects(readAll(chunkReader([data]), { maxLength: 999 }), (e) => {
    assert.ok(e instanceof BufferFullError);
    assert.equal(e.limit, 999);
    return true;
  });
  const stream = chunkStream([data], "bytes");
  await assert.rejects(readAll(stream, { maxLength: 10 }), BufferFullError);
  assert.equal(stream.locked, false);
  await stream.cancel();
});

Deno.test("readAll aborts while waiting and releases a stream", async () => {
  const [a, b] = duplex(8);
  const controller = new AbortController();
  const pending = readAll(b, { signal: controller.signal });
  await writeAll(a, new Uint8Array(3));
  await tick();
  controller.abort("stop");
  await assert.rejects(pending, (e) => e === "stop");
  await assert.rejects(readAll(b, { signal: AbortSignal.abort("pre") }), (e) => e === "pre");
  const stream = new ReadableStream<Uint8Array>();
  const controller2 = new AbortController();
  const pendingStream = readAll(stream, { signal: controller2.signal });
  controller2.abort("stop stream");
  await assert.rejects(pendingStream, (e) => e === "stop stream");
  assert.equal(stream.locked, false);
  a.close();
  b.close();
});
