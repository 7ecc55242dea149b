import assert from "node:assert/strict";
import fc from "fast-check";
import { readAll, simplex } from "@weir/weir/io";
import { select } from "@weir/weir/sync";

Deno.test("simplex carries bytes in order through a small buffer, then ends", async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.integer({ min: 1, max: 8 }),
      fc.array(fc.uint8Array({ minLength: 0, maxLength: 20 }), { maxLength: 10 }),
      async (bufferSize, chunks) => {
        const [reader, writer] = simplex(bufferSize);
        const producer = (async () => {
          for (let chunk of chunks) {
            while (chunk.length > 0) {
              const n = await writer.write(chunk);
              assert.ok(n >= 1 && n <= bufferSize);
              chunk = chunk.subarray(n);
            }
          }
          writer.close();
        })();
        const got = await readAll(reader);
        await producer;
        const expected = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
        let offset = 0;
        for (const c of chunks) expected.set(c, (offset += c.length) - c.length);
        assert.deepEqual(got, expected);
      },
    ),
    { numRuns: 100 },
  );
});

Deno.test("simplex closed ends: a closed reader breaks the pipe, a closed writer refuses writes", async () => {
  const [reader, writer] = simplex(4);
  await writer.write(new Uint8Array([1, 2]));
  reader.close();
  await assert.rejects(writer.write(new Uint8Array([3])), Deno.errors.BrokenPipe);
  await assert.rejects(reader.read(new Uint8Array(4)), Deno.errors.BadResource);
  const [reader2, writer2] = simplex(4);
  writer2.close();
  await assert.rejects(writer2.write(new Uint8Array([1])), Deno.errors.BadResource);
  assert.equal(await reader2.read(new Uint8Array(1)), null);
  assert.throws(() => simplex(0), {
    name: "RangeError",
    message: "'bufferSize' must be an integer from 1: received 0",
  });
  assert.throws(() => simplex(1.5), RangeError);
});

Deno.test("simplex waits: a full buffer holds writes, an empty one holds reads; aborts leave no trace", async () => {
  const [reader, writer] = simplex(2);
  assert.equal(await writer.write(new Uint8Array([1, 2, 3])), 2);
  const controller = new AbortController();
  const blocked = writer.write(new Uint8Array([9]), { signal: controller.signal });
  controller.abort(new Error("write gave up"));
  await assert.rejects(blocked, { message: "write gave up" });
  assert.equal(reader.buffered, 2);
  const p = new Uint8Array(4);
  assert.equal(await reader.read(p), 2);
  const readAbort = new AbortController();
  const waiting = reader.read(p, { signal: readAbort.signal });
  readAbort.abort(new Error("read gave up"));
  await assert.rejects(waiting, { message: "read gave up" });
  await writer.write(new Uint8Array([5]));
  assert.equal(await reader.read(p), 1);
  assert.equal(p[0], 5);
  using _r = reader;
  using _w = writer;
});

Deno.test("simplex reads in a select: the losing branch takes no byte", async () => {
  const [r1, w1] = simplex(4);
  const [r2, w2] = simplex(4);
  await w1.write(new Uint8Array([1]));
  await w2.write(new Uint8Array([2]));
  const p1 = new Uint8Array(4);
  const p2 = new Uint8Array(4);
  const won = await select([
    (signal) => r1.read(p1, { signal }),
    (signal) => r2.read(p2, { signal }),
  ], { biased: true });
  assert.deepEqual(won, { index: 0, value: 1 });
  assert.equal(r2.buffered, 1);
  for (const end of [r1, w1, r2, w2]) end.close();
});

Deno.test("simplex streams: readable and writable views", async () => {
  const [reader, writer] = simplex(8);
  const pump = ReadableStream.from([new Uint8Array([1, 2]), new Uint8Array([3])]).pipeTo(
    writer.writable,
  );
  const chunks = [];
  for await (const chunk of reader.readable) chunks.push(...chunk);
  await pump;
  assert.deepEqual(chunks, [1, 2, 3]);
});
