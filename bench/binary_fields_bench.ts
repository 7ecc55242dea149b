// Binary fields: ByteBuffer's put*/get* and BufReader's read* against the
// hand-written DataView code a protocol driver writes, same run.
// `deno bench -A bench/binary_fields_bench.ts`
import { BufReader, ByteBuffer, type Reader } from "@weir/weir/io";

// A Postgres-style message, 10,000 times: type byte, int32 length, int16
// count, int32, float64, bigint64.
const MESSAGES = 10_000;
const SIZE = 1 + 4 + 2 + 4 + 8 + 8;

function putMessages(buf: ByteBuffer): ByteBuffer {
  for (let i = 0; i < MESSAGES; i++) {
    buf.putUint8(0x44);
    buf.putInt32(SIZE - 1);
    buf.putInt16(3);
    buf.putInt32(i);
    buf.putFloat64(i / 3);
    buf.putBigInt64(BigInt(i));
  }
  return buf;
}

Deno.bench({
  name: "weir ByteBuffer put* then get*",
  group: "binary fields: encode and decode 10,000 messages",
  baseline: true,
  fn() {
    const buf = putMessages(new ByteBuffer(4096));
    let sum = 0;
    for (let i = 0; i < MESSAGES; i++) {
      sum += buf.getUint8() + buf.getInt32() + buf.getInt16() + buf.getInt32() + buf.getFloat64();
      buf.getBigInt64();
    }
    if (sum === 0) throw new Error("unreachable");
  },
});

Deno.bench({
  name: "hand-written DataView over a growing Uint8Array",
  group: "binary fields: encode and decode 10,000 messages",
  fn() {
    let bytes = new Uint8Array(4096);
    let view = new DataView(bytes.buffer);
    let end = 0;
    const room = (n: number) => {
      if (bytes.length - end >= n) return;
      const next = new Uint8Array(bytes.length * 2);
      next.set(bytes.subarray(0, end));
      bytes = next;
      view = new DataView(bytes.buffer);
    };
    for (let i = 0; i < MESSAGES; i++) {
      room(SIZE);
      view.setUint8(end, 0x44);
      view.setInt32(end + 1, SIZE - 1);
      view.setInt16(end + 5, 3);
      view.setInt32(end + 7, i);
      view.setFloat64(end + 11, i / 3);
      view.setBigInt64(end + 19, BigInt(i));
      end += SIZE;
    }
    let sum = 0;
    for (let at = 0; at < end; at += SIZE) {
      sum += view.getUint8(at) + view.getInt32(at + 1) + view.getInt16(at + 5) +
        view.getInt32(at + 7) + view.getFloat64(at + 11);
      view.getBigInt64(at + 19);
    }
    if (sum === 0) throw new Error("unreachable");
  },
});

const wire = putMessages(new ByteBuffer()).bytes().slice();

function memoryReader(bytes: Uint8Array): Reader {
  let offset = 0;
  return {
    read(p) {
      if (offset >= bytes.length) return Promise.resolve(null);
      const n = Math.min(p.length, bytes.length - offset, 16384);
      p.set(bytes.subarray(offset, offset + n));
      offset += n;
      return Promise.resolve(n);
    },
  };
}

Deno.bench({
  name: "weir BufReader read* fields",
  group: "binary fields: read 10,000 messages from a reader",
  baseline: true,
  async fn() {
    const reader = new BufReader(memoryReader(wire));
    let sum = 0;
    for (let i = 0; i < MESSAGES; i++) {
      sum += await reader.readUint8() + await reader.readInt32() + await reader.readInt16() +
        await reader.readInt32() + await reader.readFloat64();
      await reader.readBigInt64();
    }
    if (sum === 0) throw new Error("unreachable");
  },
});

Deno.bench({
  name: "hand-written: readExact a message, then DataView",
  group: "binary fields: read 10,000 messages from a reader",
  async fn() {
    const reader = new BufReader(memoryReader(wire));
    const message = new Uint8Array(SIZE);
    const view = new DataView(message.buffer);
    let sum = 0;
    for (let i = 0; i < MESSAGES; i++) {
      await reader.readExact(message);
      sum += view.getUint8(0) + view.getInt32(1) + view.getInt16(5) + view.getInt32(7) +
        view.getFloat64(11);
      view.getBigInt64(19);
    }
    if (sum === 0) throw new Error("unreachable");
  },
});
