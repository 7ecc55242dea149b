import assert from "node:assert/strict";
import { duplex, type Reader, toReadable, writeAll } from "@weir/weir/io";
import { chunkReader } from "./_helpers.ts";

Deno.test("toReadable rejects a bad chunk size", () => {
  assert.throws(() => toReadable(chunkReader([]), { readSize: 0 }), /'readSize'/);
});

Deno.test("toReadable serves default readers in readSize chunks and BYOB readers in place", async () => {
  const data = new Uint8Array(10).map((_, i) => i);
  const chunks = await Array.fromAsync(toReadable(chunkReader([data]), { readSize: 4 }));
  assert.deepEqual(chunks.map((c) => c.length), [4, 4, 2]);
  assert.deepEqual(new Uint8Array(chunks.flatMap((c) => [...c])), data);

  const sizes: number[] = [];
  const reader: Reader = {
    read(p) {
      sizes.push(p.length);
      p.set([1, 2, 3]);
      return Promise.resolve(3);
    },
  };
  const byob = toReadable(reader).getReader({ mode: "byob" });
  const { value } = await byob.read(new Uint8Array(8), { min: 6 });
  assert.deepEqual([...value!], [1, 2, 3, 1, 2, 3]);
  assert.deepEqual(sizes, [8, 5]); // straight into the caller's buffer
  await byob.cancel();
});

Deno.test("toReadable errors the stream when the reader fails", async () => {
  const boom = new Error("boom");
  const stream = toReadable({ read: () => Promise.reject(boom) });
  await assert.rejects(Array.fromAsync(stream), (e) => e === boom);
});

Deno.test("toReadable cancel cancels or closes the reader", async () => {
  let reason: unknown;
  const cancellable = {
    read: () => Promise.resolve(null),
    cancel: (r: unknown) => (reason = r, Promise.resolve()),
  };
  await toReadable(cancellable).cancel("why");
  assert.equal(reason, "why");
  const [a, b] = duplex(8);
  await writeAll(a, new Uint8Array(1));
  await toReadable(b).cancel();
  await assert.rejects(b.read(new Uint8Array(1)), Deno.errors.BadResource);
  a.close();
  // A reader with neither is left alone.
  await toReadable(chunkReader([])).cancel();
});
