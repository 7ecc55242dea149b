import assert from "node:assert/strict";
import fc from "fast-check";
import { BufWriter, duplex, readAll, type Writer } from "@weir/weir/io";
import { deferred, shortWriter, tick } from "./_helpers.ts";

Deno.test("BufWriter rejects a bad capacity", () => {
  assert.throws(() => new BufWriter(shortWriter(), { bufferSize: 0 }), /'bufferSize'/);
});

Deno.test("BufWriter coalesces small writes and writes only when the buffer would overflow", async () => {
  const sink = shortWriter();
  const writer = new BufWriter(sink, { bufferSize: 10 });
  for (let i = 0; i < 3; i++) assert.equal(await writer.write(new Uint8Array(3).fill(i)), 3);
  assert.deepEqual(sink.calls, []);
  assert.equal(writer.buffered, 9);
  await writer.write(new Uint8Array([9, 9]));
  assert.deepEqual(sink.calls, [9]);
  assert.equal(writer.buffered, 2);
  await writer.flush();
  assert.deepEqual(sink.calls, [9, 2]);
  assert.deepEqual(sink.bytes, [0, 0, 0, 1, 1, 1, 2, 2, 2, 9, 9]);
});

Deno.test("BufWriter writes of at least capacity flush then bypass with the sink's count", async () => {
  const sink = shortWriter([Infinity, 7]);
  const writer = new BufWriter(sink, { bufferSize: 4 });
  await writer.write(new Uint8Array([1]));
  const big = new Uint8Array(10).fill(5);
  assert.equal(await writer.write(big), 7);
  assert.deepEqual(sink.calls, [1, 10]);
  assert.equal(writer.buffered, 0);
  // With a signal it buffers what fits instead (cancel safe).
  assert.equal(await writer.write(big, { signal: new AbortController().signal }), 4);
  assert.equal(writer.buffered, 4);
});

Deno.test("BufWriter writeAll and flush deliver every byte through short writes, for any write pattern", async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.uint8Array({ maxLength: 40 }), { maxLength: 20 }),
      fc.array(fc.integer({ min: 1, max: 16 }), { minLength: 1, maxLength: 5 }),
      fc.integer({ min: 1, max: 32 }),
      async (chunks, limits, capacity) => {
        const sink = shortWriter(limits);
        const writer = new BufWriter(sink, { bufferSize: capacity });
        for (const chunk of chunks) await writer.writeAll(chunk);
        await writer.flush();
        assert.equal(writer.buffered, 0);
        assert.deepEqual(sink.bytes, chunks.flatMap((c) => [...c]));
      },
    ),
    { numRuns: 500 },
  );
});

Deno.test("BufWriter flush reports a sink that accepts zero bytes", async () => {
  const writer = new BufWriter({ write: () => Promise.resolve(0) });
  await writer.write(new Uint8Array(3));
  await assert.rejects(writer.flush(), Deno.errors.WriteZero);
  assert.equal(writer.buffered, 3);
});

Deno.test("BufWriter flush keeps the unwritten rest after a sink error and does not resend", async () => {
  const boom = new Error("boom");
  let calls = 0;
  const seen: number[] = [];
  const sink: Writer = {
    write(p) {
      calls++;
      if (calls === 2) return Promise.reject(boom);
      seen.push(...p.subarray(0, 2));
      return Promise.resolve(Math.min(2, p.length));
    },
  };
  const writer = new BufWriter(sink);
  await writer.write(new Uint8Array([1, 2, 3, 4, 5]));
  await assert.rejects(writer.flush(), (e) => e === boom);
  assert.equal(writer.buffered, 3);
  await writer.flush();
  assert.deepEqual(seen, [1, 2, 3, 4, 5]);
});

Deno.test("BufWriter flush flushes an inner BufWriter", async () => {
  const sink = shortWriter();
  const inner = new BufWriter(sink);
  const outer = new BufWriter(inner);
  await outer.write(new Uint8Array([1, 2]));
  await outer.flush();
  assert.deepEqual(sink.bytes, [1, 2]);
});

Deno.test("BufWriter aborts during a flush wait: no bytes lost or repeated", async () => {
  const gate = deferred<number>();
  const seen: number[] = [];
  let first = true;
  const sink: Writer = {
    write(p) {
      if (first) {
        first = false;
        seen.push(...p.subarray(0, 2));
        return gate.promise;
      }
      seen.push(...p);
      return Promise.resolve(p.length);
    },
  };
  const writer = new BufWriter(sink, { bufferSize: 8 });
  await writer.write(new Uint8Array([1, 2, 3, 4]));
  for (
    const call of [
      (signal: AbortSignal) => writer.flush({ signal }),
      (signal: AbortSignal) => writer.write(new Uint8Array(6), { signal }),
      (signal: AbortSignal) => writer.writeAll(new Uint8Array(6), { signal }),
    ]
  ) {
    const controller = new AbortController();
    const pending = call(controller.signal);
    await tick();
    controller.abort("stop");
    await assert.rejects(pending, (e) => e === "stop");
  }
  await assert.rejects(writer.flush({ signal: AbortSignal.abort("pre") }), (e) => e === "pre");
  assert.equal(writer.buffered, 4);
  gate.resolve(2);
  await writer.write(new Uint8Array([5])); // waits for the write in flight first
  await writer.flush();
  assert.deepEqual(seen, [1, 2, 3, 4, 5]);
});

Deno.test("BufWriter closeWrite flushes then half-closes; close and dispose flush then close", async () => {
  const [a, b] = duplex(64);
  const writer = new BufWriter(a);
  await writer.write(new Uint8Array([1, 2]));
  await writer.closeWrite();
  assert.deepEqual(await readAll(b), new Uint8Array([1, 2]));
  await b.write(new Uint8Array([3]));
  assert.equal(await a.read(new Uint8Array(1)), 1);
  {
    await using disposed = new BufWriter(b);
    await disposed.write(new Uint8Array([4]));
  }
  assert.equal(await a.read(new Uint8Array(1)), 1);
  assert.equal(await a.read(new Uint8Array(1)), null);
  await assert.rejects(b.write(new Uint8Array(1)), Deno.errors.BadResource);
  a.close();
});

Deno.test("BufWriter close closes the sink even when the flush fails", async () => {
  let closed = false;
  const sink = {
    write: () => Promise.reject(new Error("down")),
    close: () => void (closed = true),
  };
  const writer = new BufWriter(sink);
  await writer.write(new Uint8Array(1));
  await assert.rejects(writer.close(), /down/);
  assert.ok(closed);
});

Deno.test("BufWriter writable streams chunks through the buffer and half-closes on close", async () => {
  const [a, b] = duplex(8);
  const writer = new BufWriter(a, { bufferSize: 4 });
  assert.equal(writer.writable, writer.writable);
  const data = new Uint8Array(50).map((_, i) => i);
  const [received] = await Promise.all([
    readAll(b),
    ReadableStream.from([data.subarray(0, 1), data.subarray(1, 3), data.subarray(3)]).pipeTo(
      writer.writable,
    ),
  ]);
  assert.deepEqual(received, data);
  a.close();
  b.close();
});
