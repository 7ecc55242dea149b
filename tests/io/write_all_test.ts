import assert from "node:assert/strict";
import fc from "fast-check";
import { writeAll, type Writer } from "@weir/weir/io";

function shortWriter(limits: number[]): Writer & { seen: number[]; calls: number } {
  const w = {
    seen: [] as number[],
    calls: 0,
    write(p: Uint8Array): Promise<number> {
      const n = Math.min(p.length, limits[w.calls++ % limits.length] ?? 1);
      w.seen.push(...p.subarray(0, n));
      return Promise.resolve(n);
    },
  };
  return w;
}

Deno.test("writeAll writes every byte through any pattern of short writes", async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.uint8Array({ maxLength: 200 }),
      fc.array(fc.integer({ min: 1, max: 64 }), { minLength: 1, maxLength: 10 }),
      async (bytes, limits) => {
        const w = shortWriter(limits);
        await writeAll(w, bytes);
        assert.deepEqual(w.seen, [...bytes]);
      },
    ),
    { numRuns: 300 },
  );
});

Deno.test("writeAll of nothing does not call write", async () => {
  const w = shortWriter([1]);
  await writeAll(w, new Uint8Array(0));
  assert.equal(w.calls, 0);
});

Deno.test("writeAll rejects a writer that accepts zero bytes", async () => {
  const w: Writer = { write: () => Promise.resolve(0) };
  await assert.rejects(writeAll(w, new Uint8Array(3)), Deno.errors.WriteZero);
});

Deno.test("writeAll to a WritableStream writes a copy and releases the lock", async () => {
  const chunks: Uint8Array[] = [];
  const stream = new WritableStream<Uint8Array>({ write: (c) => void chunks.push(c) });
  const bytes = new Uint8Array([4, 5]);
  await writeAll(stream, bytes);
  bytes.fill(0);
  assert.equal(stream.locked, false);
  await stream.close();
  assert.deepEqual(chunks, [new Uint8Array([4, 5])]);
});

Deno.test("writeAll rejects with the abort reason before and during a wait", async () => {
  const w = shortWriter([1]);
  await assert.rejects(
    writeAll(w, new Uint8Array(2), { signal: AbortSignal.abort("early") }),
    (e) => e === "early",
  );
  assert.equal(w.calls, 0);

  let resolveWrite!: (n: number) => void;
  const stuck: Writer = { write: () => new Promise((resolve) => resolveWrite = resolve) };
  const controller = new AbortController();
  const pending = writeAll(stuck, new Uint8Array(2), { signal: controller.signal });
  controller.abort("late");
  await assert.rejects(pending, (e) => e === "late");
  resolveWrite(1);

  let release!: () => void;
  const slow = new WritableStream<Uint8Array>({
    write: () => new Promise<void>((resolve) => release = resolve),
  });
  const controller2 = new AbortController();
  const streamPending = writeAll(slow, new Uint8Array(1), { signal: controller2.signal });
  await new Promise((resolve) => setTimeout(resolve, 0));
  controller2.abort("stream");
  await assert.rejects(streamPending, (e) => e === "stream");
  release();
  await slow.close();
});

Deno.test("writeAll surfaces a writer error", async () => {
  const boom = new Error("boom");
  const w: Writer = { write: () => Promise.reject(boom) };
  await assert.rejects(writeAll(w, new Uint8Array(1)), (e) => e === boom);
});
