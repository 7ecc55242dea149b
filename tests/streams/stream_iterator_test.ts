import assert from "node:assert/strict";
import { collect, map, take } from "@weir/weir/streams";
import { count, from, ProbeIterable, settle } from "./_probe.ts";

Deno.test("StreamIterator starts on the first next()", async () => {
  const source = new ProbeIterable(count());
  const stream = ReadableStream.from([1]);
  const it = map(source, (n) => n);
  map(stream, (n) => n);
  await settle();
  assert.equal(source.nexts, 0);
  assert.equal(stream.locked, false);
  await it.return();
});

Deno.test("StreamIterator is its own iterator and single-use", async () => {
  const it = take(from([1, 2, 3]), 2);
  assert.equal(it[Symbol.asyncIterator](), it);
  assert.deepEqual(await collect(it), [1, 2]);
  assert.deepEqual(await collect(it), []);
});

Deno.test("StreamIterator return() is idempotent and ends later calls", async () => {
  const source = new ProbeIterable(count());
  const it = map(source, (n) => n);
  await it.next();
  assert.deepEqual(await it.return(), { done: true, value: undefined });
  assert.deepEqual(await it.return(), { done: true, value: undefined });
  assert.deepEqual(await it.next(), { done: true, value: undefined });
  assert.equal(source.returns, 1);
});

Deno.test("StreamIterator closes on await using", async () => {
  const source = new ProbeIterable(count());
  {
    await using it = map(source, (n) => n + 1);
    assert.deepEqual(await it.next(), { done: false, value: 1 });
  }
  assert.equal(source.returns, 1);
});

Deno.test("StreamIterator rejects return() with the source's return error", async () => {
  const source: AsyncIterableIterator<number> = {
    next: () => Promise.resolve({ done: false, value: 1 }),
    return: () => Promise.reject(new Error("cannot close")),
    [Symbol.asyncIterator]() {
      return this;
    },
  };
  const it = map(source, (n) => n);
  await it.next();
  await assert.rejects(it.return(), { message: "cannot close" });
});

Deno.test("StreamIterator return() while a next() is pending does not wait for the source", async () => {
  const source = new ProbeIterable<number>([], { hang: true });
  const it = map(source, (n) => n);
  const pending = it.next();
  await settle();
  assert.deepEqual(await it.return(), { done: true, value: undefined });
  assert.deepEqual(await pending, { done: true, value: undefined });
  assert.equal(source.returns, 1);
});

Deno.test("StreamIterator over a locked ReadableStream rejects the first next()", async () => {
  const stream = ReadableStream.from([1]);
  const reader = stream.getReader();
  await assert.rejects(map(stream, (n) => n).next(), TypeError);
  reader.releaseLock();
});

Deno.test("StreamIterator can be read as a ReadableStream", async () => {
  const source = new ProbeIterable(count());
  const readable = ReadableStream.from(map(source, (n) => n * 2));
  const reader = readable.getReader();
  assert.deepEqual(await reader.read(), { done: false, value: 0 });
  await reader.cancel();
  assert.equal(source.returns, 1);
});
