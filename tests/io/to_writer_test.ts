import assert from "node:assert/strict";
import { toWriter, type Writer } from "@weir/weir/io";

Deno.test("toWriter returns a Writer unchanged", () => {
  const writer: Writer = { write: (p) => Promise.resolve(p.length) };
  assert.equal(toWriter(writer), writer);
});

Deno.test("toWriter copies each chunk so the caller may reuse its buffer", async () => {
  const chunks: Uint8Array[] = [];
  const writer = toWriter(new WritableStream<Uint8Array>({ write: (c) => void chunks.push(c) }));
  const p = new Uint8Array([1, 2, 3]);
  assert.equal(await writer.write(p), 3);
  p.fill(9);
  assert.equal(await writer.write(p.subarray(0, 1)), 1);
  assert.equal(await writer.write(new Uint8Array(0)), 0);
  await writer.closeWrite();
  assert.deepEqual(chunks, [new Uint8Array([1, 2, 3]), new Uint8Array([9])]);
});

Deno.test("toWriter waits for the stream to accept each chunk", async () => {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => release = resolve);
  const writer = toWriter(new WritableStream<Uint8Array>({ write: () => gate }));
  let settled = false;
  const pending = writer.write(new Uint8Array(1)).then((n) => {
    settled = true;
    return n;
  });
  await Promise.resolve();
  await Promise.resolve();
  assert.equal(settled, false);
  release();
  assert.equal(await pending, 1);
  await writer.close();
});

Deno.test("toWriter abort, releaseLock and stream errors", async () => {
  let reason: unknown;
  const stream = new WritableStream<Uint8Array>({ abort: (r) => void (reason = r) });
  const writer = toWriter(stream);
  writer.releaseLock();
  assert.equal(stream.locked, false);
  await toWriter(stream).abort("gone");
  assert.equal(reason, "gone");
  const boom = new Error("boom");
  const failing = toWriter(
    new WritableStream<Uint8Array>({
      write() {
        throw boom;
      },
    }),
  );
  await assert.rejects(failing.write(new Uint8Array(1)), (e) => e === boom);
});
