import assert from "node:assert/strict";
import { duplex, readAll, toWritable } from "@weir/weir/io";
import { shortWriter } from "./_helpers.ts";

Deno.test("toWritable writes each chunk whole through short writes", async () => {
  const sink = shortWriter([1, 2]);
  await ReadableStream.from([new Uint8Array([1, 2, 3]), new Uint8Array([4, 5])]).pipeTo(
    toWritable(sink),
  );
  assert.deepEqual(sink.bytes, [1, 2, 3, 4, 5]);
});

Deno.test("toWritable close half-closes, abort closes, and errors surface", async () => {
  const [a, b] = duplex(4);
  const writable = toWritable(a);
  const writer = writable.getWriter();
  await writer.write(new Uint8Array([1, 2]));
  await writer.close();
  assert.deepEqual(await readAll(b), new Uint8Array([1, 2]));
  await b.write(new Uint8Array([3]));
  assert.equal(await a.read(new Uint8Array(1)), 1);
  await toWritable(b).abort("gone");
  await assert.rejects(b.read(new Uint8Array(1)), Deno.errors.BadResource);
  await assert.rejects(
    toWritable(a).getWriter().write(new Uint8Array(1)),
    Deno.errors.BrokenPipe,
  );
  a.close();
  let closed = 0;
  const plain = { write: (p: Uint8Array) => Promise.resolve(p.length), close: () => void closed++ };
  await toWritable(plain).close();
  await toWritable(plain).abort();
  assert.equal(closed, 2);
});
