import assert from "node:assert/strict";
import fc from "fast-check";
import { type Reader, toReader } from "@weir/weir/io";
import { chunkStream, drain } from "./_helpers.ts";

const byteStream = (chunks: Uint8Array[]) => chunkStream(chunks, "bytes");
const defaultStream = (chunks: Uint8Array[]) => chunkStream(chunks, "default");

Deno.test("toReader returns a Reader unchanged", () => {
  const reader: Reader = { read: () => Promise.resolve(null) };
  assert.equal(toReader(reader), reader);
});

Deno.test("toReader of byte and default streams yields every byte for any chunking and read size", async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.uint8Array({ minLength: 0, maxLength: 40 }), { maxLength: 8 }),
      fc.integer({ min: 1, max: 50 }),
      async (chunks, size) => {
        const expected = chunks.flatMap((c) => [...c]);
        assert.deepEqual(await drain(toReader(byteStream(chunks)), size), expected);
        assert.deepEqual(await drain(toReader(defaultStream(chunks)), size), expected);
      },
    ),
    { numRuns: 300 },
  );
});

Deno.test("toReader never detaches the caller's buffer on a byte stream", async () => {
  const reader = toReader(byteStream([new Uint8Array([1, 2, 3])]));
  const p = new Uint8Array(8);
  assert.equal(await reader.read(p), 3);
  assert.equal(p.byteLength, 8);
  assert.deepEqual([...p.subarray(0, 3)], [1, 2, 3]);
  assert.equal(await reader.read(p), null);
});

Deno.test("toReader read of an empty buffer resolves 0 without reading", async () => {
  let pulls = 0;
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      pulls++;
      controller.enqueue(new Uint8Array([1]));
    },
  }, { highWaterMark: 0 });
  const reader = toReader(stream);
  assert.equal(await reader.read(new Uint8Array(0)), 0);
  assert.equal(pulls, 0);
  await reader.cancel();
});

Deno.test("toReader releaseLock hands back the unread rest of a chunk and unlocks", async () => {
  const stream = defaultStream([new Uint8Array([1, 2, 3, 4]), new Uint8Array([5])]);
  const reader = toReader(stream);
  assert.equal(await reader.read(new Uint8Array(1)), 1);
  assert.deepEqual([...reader.releaseLock()], [2, 3, 4]);
  assert.equal(stream.locked, false);
  const rest = await Array.fromAsync(stream);
  assert.deepEqual(rest, [new Uint8Array([5])]);
  const byob = byteStream([new Uint8Array([1, 2, 3]), new Uint8Array([4])]);
  const byobReader = toReader(byob);
  assert.equal(await byobReader.read(new Uint8Array(1)), 1);
  assert.deepEqual([...byobReader.releaseLock()], [2, 3]);
  assert.equal(byob.locked, false);
  assert.deepEqual(await Array.fromAsync(byob), [new Uint8Array([4])]);
});

Deno.test("toReader cancel cancels the stream with the reason", async () => {
  for (const type of ["bytes", undefined] as const) {
    let reason: unknown;
    const stream = new ReadableStream<Uint8Array>({
      type,
      pull(controller) {
        controller.enqueue(new Uint8Array(10));
      },
      cancel(r) {
        reason = r;
      },
    } as UnderlyingDefaultSource<Uint8Array>);
    const reader = toReader(stream);
    assert.equal(await reader.read(new Uint8Array(4)), 4);
    await reader.cancel("stop");
    assert.equal(reason, "stop");
  }
});

Deno.test("toReader propagates stream errors and refuses a locked stream", async () => {
  const boom = new Error("boom");
  const failing = new ReadableStream<Uint8Array>({
    pull(controller) {
      controller.error(boom);
    },
  });
  await assert.rejects(toReader(failing).read(new Uint8Array(1)), (e) => e === boom);
  const locked = byteStream([]);
  const held = locked.getReader();
  assert.throws(() => toReader(locked), TypeError);
  held.releaseLock();
  const lockedDefault = defaultStream([]);
  lockedDefault.getReader();
  assert.throws(() => toReader(lockedDefault), TypeError);
});

Deno.test("toReader reads a Deno file's readable byte stream to the end", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/data.bin`;
    const data = new Uint8Array(200_000).map((_, i) => i * 7);
    await Deno.writeFile(path, data);
    const file = await Deno.open(path);
    const reader = toReader(file.readable);
    assert.deepEqual(new Uint8Array(await drain(reader, 70_000)), data);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
