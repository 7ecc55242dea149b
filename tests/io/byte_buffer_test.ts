import assert from "node:assert/strict";
import fc from "fast-check";
import { ByteBuffer } from "@weir/weir/io";

Deno.test("ByteBuffer allocates nothing until first use", () => {
  const buf = new ByteBuffer(1024);
  assert.equal(buf.capacity, 0);
  assert.equal(buf.length, 0);
  assert.equal(buf.bytes().length, 0);
  buf.reserve(1);
  assert.equal(buf.capacity, 1024);
});

Deno.test("ByteBuffer rejects a bad capacity and bad commit/take sizes", () => {
  assert.throws(() => new ByteBuffer(-1), RangeError);
  assert.throws(() => new ByteBuffer(Number.NaN), RangeError);
  const buf = new ByteBuffer(4);
  buf.reserve(4);
  assert.throws(() => buf.commit(buf.spare().length + 1), /spare capacity/);
  assert.throws(() => buf.take(1), /only 0 bytes buffered/);
});

Deno.test("ByteBuffer.spare(maxLength) caps the view at the spare room; bad lengths are RangeErrors", () => {
  const buf = new ByteBuffer(16);
  buf.reserve(16);
  buf.append(new Uint8Array([1, 2, 3]));
  const room = buf.spare().length;
  assert.equal(room, 13);
  assert.equal(buf.spare(4).length, 4);
  assert.equal(buf.spare(0).length, 0);
  assert.equal(buf.spare(room + 100).length, room);
  // The capped view starts where the full one does: writing into it and
  // committing appends after the unread bytes.
  buf.spare(2).set([8, 9]);
  buf.commit(2);
  assert.deepEqual([...buf.bytes()], [1, 2, 3, 8, 9]);
  for (const bad of [-1, 1.5, Number.NaN]) {
    assert.throws(() => buf.spare(bad), RangeError, String(bad));
  }
});

Deno.test("ByteBuffer.take() views are never overwritten by later writes", () => {
  const buf = new ByteBuffer(8);
  const taken: Uint8Array[] = [];
  for (let i = 0; i < 100; i++) {
    buf.append(new Uint8Array([i, i, i]));
    taken.push(buf.take(2));
    buf.consume(1);
  }
  taken.forEach((view, i) => assert.deepEqual([...view], [i, i]));
});

Deno.test("ByteBuffer compacts in place when nothing was taken", () => {
  const buf = new ByteBuffer(16);
  buf.append(new Uint8Array(12).fill(1));
  buf.consume(10);
  buf.reserve(10);
  assert.equal(buf.capacity, 16);
  assert.deepEqual([...buf.bytes()], [1, 1]);
});

/** The two views share memory. */
function overlaps(a: Uint8Array, b: Uint8Array): boolean {
  return a.buffer === b.buffer && a.byteOffset < b.byteOffset + b.length &&
    b.byteOffset < a.byteOffset + a.length;
}

Deno.test("ByteBuffer never reuses taken memory; reserveExact allocates exactly what is asked", () => {
  const buf = new ByteBuffer(16);
  buf.append(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]));
  const taken = buf.take(10);
  buf.reserve(10); // the taken bytes are the caller's: fresh memory
  assert.equal(overlaps(buf.spare(), taken), false);
  assert.equal(overlaps(buf.bytes(), taken), false);
  assert.deepEqual([...buf.bytes()], [11, 12]);
  buf.append(new Uint8Array(14).fill(0xff));
  assert.deepEqual([...taken], [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  buf.reserve(1000); // amortized: doubles
  assert.equal(buf.capacity, 1024);
  const kept = buf.take(4);
  buf.reserveExact(5000); // exactly the unread bytes plus what was asked
  assert.equal(buf.capacity, 12 + 5000);
  assert.deepEqual([...kept], [11, 12, 255, 255]);
  buf.reserveExact(10); // room already there: nothing moves
  assert.equal(buf.capacity, 12 + 5000);
});

Deno.test("ByteBuffer moving off taken memory takes what is needed, not twice the old size", () => {
  const buf = new ByteBuffer(1024);
  buf.append(new Uint8Array(1024).fill(3));
  const taken = buf.take(1000); // 24 bytes left, and the memory is the caller's now
  buf.reserve(1024);
  assert.equal(buf.capacity, 24 + 1024);
  buf.append(new Uint8Array(1024)); // not shared any more: growth doubles again
  buf.reserve(100);
  assert.equal(buf.capacity, 2 * (24 + 1024));
  assert.ok(taken.every((b) => b === 3));
});

Deno.test("ByteBuffer number reads and writes see the memory reserveExact moved to", () => {
  const buf = new ByteBuffer(8);
  buf.putUint32(1);
  buf.reserveExact(100);
  buf.putUint32(0xdeadbeef);
  assert.deepEqual([...buf.bytes()], [0, 0, 0, 1, 0xde, 0xad, 0xbe, 0xef]);
  assert.equal(buf.getUint32(), 1);
  assert.equal(buf.getUint32(), 0xdeadbeef);
});

Deno.test("ByteBuffer.indexOf() respects from/to and the read cursor", () => {
  const buf = new ByteBuffer();
  buf.append(new TextEncoder().encode("xx\nab\ncd"));
  buf.consume(3);
  assert.equal(buf.indexOf(0x0a), 2);
  assert.equal(buf.indexOf(0x0a, 3), -1);
  assert.equal(buf.indexOf(0x0a, 0, 2), -1);
  assert.equal(buf.at(0), 0x61);
  assert.equal(buf.at(99), undefined);
  assert.equal(buf.at(-1), undefined);
});

Deno.test("ByteBuffer behaves as a FIFO of bytes under any operation sequence", () => {
  const op = fc.oneof(
    fc.record({ kind: fc.constant("append" as const), data: fc.uint8Array({ maxLength: 40 }) }),
    fc.record({ kind: fc.constant("consume" as const), n: fc.nat(50) }),
    fc.record({ kind: fc.constant("take" as const), n: fc.nat(50) }),
    fc.record({ kind: fc.constant("byte" as const), b: fc.integer({ min: 0, max: 255 }) }),
    fc.record({ kind: fc.constant("clear" as const) }),
  );
  fc.assert(
    fc.property(fc.nat(64), fc.array(op, { maxLength: 60 }), (cap, ops) => {
      const buf = new ByteBuffer(cap);
      let model: number[] = [];
      const kept: Array<[Uint8Array, number[]]> = [];
      for (const o of ops) {
        if (o.kind === "append") {
          buf.append(o.data);
          model.push(...o.data);
        } else if (o.kind === "byte") {
          buf.appendByte(o.b);
          model.push(o.b);
        } else if (o.kind === "consume") {
          buf.consume(o.n);
          model = model.slice(Math.min(o.n, model.length));
        } else if (o.kind === "clear") {
          buf.clear();
          model = [];
        } else {
          const n = Math.min(o.n, model.length);
          kept.push([buf.take(n), model.slice(0, n)]);
          model = model.slice(n);
        }
        assert.deepEqual([...buf.bytes()], model);
      }
      for (const [view, expected] of kept) assert.deepEqual([...view], expected);
    }),
    { numRuns: 1000 },
  );
});

Deno.test("ByteBuffer.bytes() returns its last view while the unread bytes stay where they are", () => {
  const buf = new ByteBuffer(16);
  buf.append(new Uint8Array([1, 2]));
  const first = buf.bytes();
  assert.equal(buf.bytes(), first);
  buf.consume(1);
  buf.append(new Uint8Array([3]));
  const moved = buf.bytes(); // same length, other place: a new view
  assert.notEqual(moved, first);
  assert.deepEqual([...moved], [2, 3]);
  buf.clear();
  buf.append(new Uint8Array([7, 8]));
  // The same place and length as `first` (cleared, refilled): the same
  // memory, so the same view shows the new bytes.
  assert.deepEqual([...buf.bytes()], [7, 8]);
  buf.append(new Uint8Array(64)); // moves to larger memory
  assert.equal(buf.bytes().length, 66);
  assert.deepEqual([...buf.bytes().subarray(0, 2)], [7, 8]);
});

Deno.test("ByteBuffer.indexOf() ignores stale bytes past the end after a consume", () => {
  const buf = new ByteBuffer(8);
  buf.append(new Uint8Array([1, 0x0a, 3]));
  buf.consume(3);
  buf.append(new Uint8Array([5]));
  assert.equal(buf.indexOf(0x0a), -1);
  assert.equal(buf.indexOf(3), -1);
  buf.append(new Uint8Array([0x0a]));
  assert.equal(buf.indexOf(0x0a), 1);
});

Deno.test("ByteBuffer: views taken from many buffers keep their bytes while the others grow and write", () => {
  // Small buffers share slabs of memory: no region may be handed out twice.
  fc.assert(
    fc.property(
      fc.array(
        fc.record({
          buffer: fc.nat(7),
          bytes: fc.integer({ min: 1, max: 3000 }),
          take: fc.nat(3000),
        }),
        { minLength: 1, maxLength: 120 },
      ),
      (steps) => {
        const buffers = Array.from({ length: 8 }, (_, i) => new ByteBuffer(i * 64));
        const kept: { view: Uint8Array; fill: number }[] = [];
        let fill = 0;
        for (const step of steps) {
          const buf = buffers[step.buffer]!;
          fill = (fill + 1) & 0xff;
          buf.append(new Uint8Array(step.bytes).fill(fill));
          const n = Math.min(step.take, buf.length);
          if (n > 0) {
            const view = buf.take(n);
            kept.push({ view, fill: view[view.length - 1]! });
          }
        }
        for (const { view, fill } of kept) assert.equal(view[view.length - 1], fill);
        for (const a of kept) {
          for (const b of kept) if (a !== b) assert.equal(overlaps(a.view, b.view), false);
        }
      },
    ),
  );
});

Deno.test("ByteBuffer number fields read and write at the buffer's own offset in shared memory", () => {
  const before = new ByteBuffer(8);
  before.putUint32(0xdeadbeef);
  const buf = new ByteBuffer(8);
  buf.putFloat64(1.5);
  buf.putUint16(0x0102, true);
  assert.equal(before.getUint32(), 0xdeadbeef);
  assert.equal(buf.getFloat64(), 1.5);
  assert.equal(buf.getUint16(true), 0x0102);
});

Deno.test("ByteBuffer keeps working after a caller transfers the memory behind a taken view", () => {
  const buf = new ByteBuffer(16);
  buf.append(new Uint8Array([1, 2, 3]));
  const taken = buf.take(3);
  (taken.buffer as ArrayBuffer).transfer(); // detaches the slab it came from
  const fresh = new ByteBuffer(16);
  fresh.append(new Uint8Array([4, 5]));
  assert.deepEqual([...fresh.bytes()], [4, 5]);
  buf.append(new Uint8Array([6])); // moved on: the taken region is never written again
  assert.deepEqual([...buf.bytes()], [6]);
});
