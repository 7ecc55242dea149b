import assert from "node:assert/strict";
import fc from "fast-check";
import { duplex, inspectReader, inspectWriter, readAll, simplex, writeAll } from "@weir/weir/io";

Deno.test("inspectReader sees exactly the bytes read, in order, and nothing at the end", async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.uint8Array({ maxLength: 16 }), { maxLength: 8 }),
      async (chunks) => {
        const seen: number[] = [];
        let calls = 0;
        const reader = inspectReader(ReadableStream.from(chunks), (chunk) => {
          calls++;
          assert.ok(chunk.length > 0, "never called with an empty chunk");
          seen.push(...chunk);
        });
        const all = await readAll(reader);
        assert.deepEqual(seen, [...all]);
        assert.deepEqual(all, new Uint8Array(chunks.flatMap((c) => [...c])));
        assert.ok(calls <= seen.length);
      },
    ),
    { numRuns: 100 },
  );
});

Deno.test("inspectWriter sees the prefix the sink accepted on each write", async () => {
  const [reader, writer] = simplex(3); // accepts at most 3 bytes per write
  const seen: number[][] = [];
  const inspected = inspectWriter(writer, (chunk) => seen.push([...chunk]));
  assert.equal(await inspected.write(new Uint8Array([1, 2, 3, 4, 5])), 3);
  assert.deepEqual(seen, [[1, 2, 3]]);
  assert.equal(await inspected.write(new Uint8Array(0)), 0);
  assert.deepEqual(seen, [[1, 2, 3]], "an empty write is not inspected");
  reader.close();
  writer.close();
});

Deno.test("inspectWriter over a WritableStream and writeAll", async () => {
  const received: number[] = [];
  let inspected = 0;
  const writer = inspectWriter(
    new WritableStream<Uint8Array>({ write: (chunk) => void received.push(...chunk) }),
    (chunk) => inspected += chunk.length,
  );
  await writeAll(writer, new Uint8Array([4, 5, 6]));
  assert.equal(inspected, 3);
  assert.deepEqual(received, [4, 5, 6]);
});

Deno.test("inspect passes the signal through and keeps the source's cancel safety", async () => {
  const [a, b] = duplex(4);
  const seen: number[] = [];
  const reader = inspectReader(b, (chunk) => seen.push(...chunk));
  const controller = new AbortController();
  const waiting = reader.read(new Uint8Array(4), { signal: controller.signal });
  controller.abort(new Error("stop"));
  await assert.rejects(waiting, { message: "stop" });
  await a.write(new Uint8Array([7]));
  assert.equal(await reader.read(new Uint8Array(4)), 1);
  assert.deepEqual(seen, [7]);
  a.close();
  b.close();
});

Deno.test("inspect refuses a non-function and reports an inspect error after the transfer", async () => {
  assert.throws(() => inspectReader(ReadableStream.from([]), 1 as never), {
    name: "TypeError",
    message: "'inspect' must be a function: received number",
  });
  assert.throws(() => inspectWriter(new WritableStream(), undefined as never), TypeError);
  const [reader, writer] = simplex(4);
  const failing = inspectWriter(writer, () => {
    throw new Error("inspect failed");
  });
  await assert.rejects(failing.write(new Uint8Array([1])), { message: "inspect failed" });
  assert.equal(reader.buffered, 1, "the bytes were written before inspect ran");
  reader.close();
  writer.close();
});
