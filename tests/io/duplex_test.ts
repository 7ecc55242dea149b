import assert from "node:assert/strict";
import fc from "fast-check";
import { duplex, readAll, writeAll } from "@weir/weir/io";
import { drain, tick } from "./_helpers.ts";

Deno.test("duplex rejects a bad capacity", () => {
  assert.throws(() => duplex(0), RangeError);
  assert.throws(() => duplex(1.5), /'bufferSize'/);
});

Deno.test("duplex write is short when the peer's buffer is nearly full", async () => {
  using pair = duplex(5);
  const [a, b] = pair;
  assert.equal(await a.write(new Uint8Array([1, 2, 3])), 3);
  assert.equal(await a.write(new Uint8Array([4, 5, 6])), 2);
  assert.equal(b.buffered, 5);
  assert.equal(await a.write(new Uint8Array(0)), 0);
  const p = new Uint8Array(10);
  assert.equal(await b.read(p), 5);
  assert.deepEqual([...p.subarray(0, 5)], [1, 2, 3, 4, 5]);
  assert.equal(await b.read(new Uint8Array(0)), 0);
});

Deno.test("duplex write waits while the peer's buffer is full, read waits while empty", async () => {
  using pair = duplex(2);
  const [a, b] = pair;
  await a.write(new Uint8Array([1, 2]));
  const order: string[] = [];
  const write = a.write(new Uint8Array([3, 4, 5])).then((n) => {
    order.push(`wrote ${n}`);
    return n;
  });
  await tick();
  assert.equal(order.length, 0);
  const p = new Uint8Array(1);
  assert.equal(await b.read(p), 1);
  order.push("read 1");
  assert.equal(await write, 1);
  assert.deepEqual(order, ["read 1", "wrote 1"]);

  const p2 = new Uint8Array(8);
  assert.equal(await b.read(p2), 2);
  assert.deepEqual([...p2.subarray(0, 2)], [2, 3]);
  const read = b.read(p2);
  await tick();
  await a.write(new Uint8Array([9]));
  assert.equal(await read, 1);
  assert.equal(p2[0], 9);
});

Deno.test("duplex closeWrite: the peer drains then reads end of stream; the other direction goes on", async () => {
  using pair = duplex(16);
  const [a, b] = pair;
  await a.write(new Uint8Array([1, 2]));
  await a.closeWrite();
  await a.closeWrite();
  await assert.rejects(a.write(new Uint8Array(1)), Deno.errors.BrokenPipe);
  const p = new Uint8Array(8);
  assert.equal(await b.read(p), 2);
  assert.equal(await b.read(p), null);
  assert.equal(await b.read(p), null);
  await b.write(new Uint8Array([7]));
  assert.equal(await a.read(p), 1);
  assert.equal(p[0], 7);
});

Deno.test("duplex closeWrite wakes a reader waiting on the peer and a writer waiting on itself", async () => {
  using pair = duplex(1);
  const [a, b] = pair;
  const read = b.read(new Uint8Array(4));
  await a.write(new Uint8Array([1]));
  assert.equal(await read, 1);
  await a.write(new Uint8Array([2]));
  const blocked = a.write(new Uint8Array([3]));
  const waitingRead = a.read(new Uint8Array(1));
  await tick();
  await a.closeWrite();
  await assert.rejects(blocked, Deno.errors.BrokenPipe);
  await b.closeWrite();
  assert.equal(await waitingRead, null);
});

Deno.test("duplex close: the peer drains then EOF, its pending and later writes break, own calls fail", async () => {
  const [a, b] = duplex(2);
  await a.write(new Uint8Array([1, 2]));
  await b.write(new Uint8Array([5, 6]));
  const blocked = b.write(new Uint8Array([7]));
  const ownRead = a.read(new Uint8Array(0)); // settles at once with 0
  await tick();
  a.close();
  a.close();
  await assert.rejects(blocked, Deno.errors.BrokenPipe);
  await assert.rejects(b.write(new Uint8Array(1)), /peer closed/);
  assert.equal(await ownRead, 0);
  const p = new Uint8Array(8);
  assert.equal(await b.read(p), 2);
  assert.equal(await b.read(p), null);
  await assert.rejects(a.read(p), Deno.errors.BadResource);
  await assert.rejects(a.write(p), Deno.errors.BadResource);
  await assert.rejects(a.closeWrite(), Deno.errors.BadResource);
  assert.equal(a.buffered, 0);
  b.close();
});

Deno.test("duplex close fails this end's own waiting read and write", async () => {
  const [a, b] = duplex(1);
  const read = a.read(new Uint8Array(1));
  await a.write(new Uint8Array([1]));
  const write = a.write(new Uint8Array([2]));
  await tick();
  a.close();
  await assert.rejects(read, Deno.errors.BadResource);
  await assert.rejects(write, Deno.errors.BadResource);
  b.close();
});

Deno.test("duplex read and write abort while waiting, taking and giving nothing", async () => {
  using pair = duplex(1);
  const [a, b] = pair;
  const controller = new AbortController();
  const read = b.read(new Uint8Array(1), { signal: controller.signal });
  await tick();
  controller.abort("stop read");
  await assert.rejects(read, (e) => e === "stop read");
  await a.write(new Uint8Array([1]));
  assert.equal(b.buffered, 1);

  const controller2 = new AbortController();
  const write = a.write(new Uint8Array([2]), { signal: controller2.signal });
  await tick();
  controller2.abort("stop write");
  await assert.rejects(write, (e) => e === "stop write");
  const p = new Uint8Array(4);
  assert.equal(await b.read(p), 1);
  assert.equal(p[0], 1);
  assert.equal(b.buffered, 0);

  await assert.rejects(b.read(p, { signal: AbortSignal.abort("pre") }), (e) => e === "pre");
  await a.write(new Uint8Array([3]));
  await assert.rejects(a.write(p, { signal: AbortSignal.abort("pre") }), (e) => e === "pre");
});

Deno.test("duplex carries any byte sequence through any capacity and read/write sizes", async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.uint8Array({ maxLength: 300 }),
      fc.integer({ min: 1, max: 40 }),
      fc.integer({ min: 1, max: 50 }),
      async (data, capacity, readSize) => {
        using pair = duplex(capacity);
        const [a, b] = pair;
        const sent = writeAll(a, data).then(() => a.closeWrite());
        const received = await drain(b, readSize);
        await sent;
        assert.deepEqual(received, [...data]);
      },
    ),
    { numRuns: 200 },
  );
});

Deno.test("duplex readable and writable views: writable close half-closes, readable cancel closes", async () => {
  const [a, b] = duplex(4);
  assert.equal(a.readable, a.readable);
  assert.equal(a.writable, a.writable);
  const data = new Uint8Array(100).map((_, i) => i);
  const sending = ReadableStream.from([data.subarray(0, 30), data.subarray(30)]).pipeTo(a.writable);
  assert.deepEqual(await readAll(b.readable), data);
  await sending;
  // a's reading side still works after its writable closed.
  await writeAll(b, new Uint8Array([1]));
  const reader = a.readable.getReader();
  assert.deepEqual((await reader.read()).value, new Uint8Array([1]));
  await reader.cancel();
  await assert.rejects(a.read(new Uint8Array(1)), Deno.errors.BadResource);
  await assert.rejects(b.write(new Uint8Array(1)), Deno.errors.BrokenPipe);
  b.close();
});

Deno.test("duplex writable abort closes the end", async () => {
  const [a, b] = duplex(4);
  await a.writable.abort("gone");
  await assert.rejects(a.write(new Uint8Array(1)), Deno.errors.BadResource);
  assert.equal(await b.read(new Uint8Array(1)), null);
  b.close();
});

Deno.test("duplex ends and pairs are disposable", async () => {
  let ends;
  {
    using pair = duplex();
    ends = [...pair];
  }
  await assert.rejects(ends[0]!.read(new Uint8Array(1)), Deno.errors.BadResource);
  await assert.rejects(ends[1]!.read(new Uint8Array(1)), Deno.errors.BadResource);
  const [a, b] = duplex();
  {
    await using _a = a;
    using _b = b;
  }
  await assert.rejects(a.write(new Uint8Array(1)), Deno.errors.BadResource);
  await assert.rejects(b.write(new Uint8Array(1)), Deno.errors.BadResource);
});
