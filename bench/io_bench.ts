// io benchmarks: weir against the hand-written Web Streams / Deno equivalent,
// same run. `deno bench -A bench/io_bench.ts`
import { BufReader, BufWriter, type Reader } from "@weir/weir/io";

const MIB = 1024 * 1024;
const CHUNK = 64 * 1024;

// ~4 MiB of text lines of 20 to 120 bytes, some ending in \r\n.
const text = (() => {
  const parts: string[] = [];
  let size = 0;
  for (let i = 0; size < 4 * MIB; i++) {
    const line = `${i} ${"lorem ipsum dolor sit amet ".repeat(1 + (i % 4))}`.slice(
      0,
      20 + (i % 100),
    );
    const end = i % 7 === 0 ? "\r\n" : "\n";
    parts.push(line + end);
    size += line.length + end.length;
  }
  return parts.join("");
})();
const textBytes = new TextEncoder().encode(text);
const LINE_COUNT = text.split("\n").length - 1;

function chunksOf(bytes: Uint8Array, size: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let i = 0; i < bytes.length; i += size) out.push(bytes.subarray(i, i + size));
  return out;
}
const textChunks = chunksOf(textBytes, CHUNK);

function memoryReader(bytes: Uint8Array): Reader {
  let offset = 0;
  return {
    read(p) {
      if (offset >= bytes.length) return Promise.resolve(null);
      const n = Math.min(p.length, bytes.length - offset);
      p.set(bytes.subarray(offset, offset + n));
      offset += n;
      return Promise.resolve(n);
    },
  };
}

function memoryByteStream(chunks: Uint8Array[]): ReadableStream<Uint8Array> {
  let i = 0;
  return new ReadableStream({
    type: "bytes",
    pull(controller) {
      const chunk = chunks[i++];
      if (chunk !== undefined) return controller.enqueue(chunk.slice());
      controller.close();
      controller.byobRequest?.respond(0);
    },
  });
}

/** The hand-written baseline: a TextLineStream-style splitter on decoded text. */
class LineSplitter extends TransformStream<string, string> {
  constructor() {
    let rest = "";
    super({
      transform(chunk, controller) {
        const s = rest + chunk;
        let start = 0;
        for (let i = s.indexOf("\n"); i !== -1; i = s.indexOf("\n", start)) {
          const end = i > start && s.charCodeAt(i - 1) === 13 ? i - 1 : i;
          controller.enqueue(s.slice(start, end));
          start = i + 1;
        }
        rest = s.slice(start);
      },
      flush(controller) {
        if (rest !== "") controller.enqueue(rest);
      },
    });
  }
}

async function countStreamLines(bytes: ReadableStream<Uint8Array>): Promise<void> {
  let n = 0;
  const lines = bytes
    .pipeThrough(new TextDecoderStream("utf-8", { fatal: true }))
    .pipeThrough(new LineSplitter());
  for await (const _ of lines) n++;
  if (n !== LINE_COUNT) throw new Error(`counted ${n} lines, expected ${LINE_COUNT}`);
}

async function countWeirLines(reader: BufReader): Promise<void> {
  let n = 0;
  for await (const _ of reader.lines()) n++;
  if (n !== LINE_COUNT) throw new Error(`counted ${n} lines, expected ${LINE_COUNT}`);
}

Deno.bench({
  group: "lines in memory (4 MiB)",
  name: "TextDecoderStream + line splitter TransformStream",
  baseline: true,
  n: 20,
  async fn() {
    await countStreamLines(ReadableStream.from(textChunks));
  },
});

Deno.bench({
  group: "lines in memory (4 MiB)",
  name: "weir BufReader(ReadableStream).lines()",
  n: 20,
  async fn() {
    await countWeirLines(new BufReader(ReadableStream.from(textChunks)));
  },
});

Deno.bench({
  group: "lines in memory (4 MiB)",
  name: "weir BufReader(Reader).lines()",
  n: 20,
  async fn() {
    await countWeirLines(new BufReader(memoryReader(textBytes)));
  },
});

const dir = Deno.makeTempDirSync();
const textPath = `${dir}/lines.txt`;
Deno.writeFileSync(textPath, textBytes);
globalThis.addEventListener("unload", () => Deno.removeSync(dir, { recursive: true }));

Deno.bench({
  group: "lines from a file (4 MiB)",
  name: "file.readable + TextDecoderStream + line splitter",
  baseline: true,
  n: 20,
  async fn() {
    const file = await Deno.open(textPath);
    await countStreamLines(file.readable); // closes the file at its end
  },
});

Deno.bench({
  group: "lines from a file (4 MiB)",
  name: "weir BufReader(file).lines()",
  n: 20,
  async fn() {
    using file = await Deno.open(textPath);
    await countWeirLines(new BufReader(file));
  },
});

Deno.bench({
  group: "lines from a file (4 MiB)",
  name: "weir BufReader(file.readable).lines()",
  n: 20,
  async fn() {
    const file = await Deno.open(textPath);
    await countWeirLines(new BufReader(file.readable));
  },
});

Deno.bench({
  group: "lines from a file (4 MiB)",
  name: "weir BufReader(file, 64 KiB).lines()",
  n: 20,
  async fn() {
    using file = await Deno.open(textPath);
    await countWeirLines(new BufReader(file, { bufferSize: CHUNK }));
  },
});

// Exact-size records from a byte stream.
const RECORD = 1024;
const records = new Uint8Array(4 * MIB).map((_, i) => i);
const recordChunks = chunksOf(records, CHUNK);
const RECORD_COUNT = records.length / RECORD;

Deno.bench({
  group: "exact 1 KiB records from a byte stream (4 MiB)",
  name: "BYOB reader read(view, { min })",
  baseline: true,
  n: 20,
  async fn() {
    const reader = memoryByteStream(recordChunks).getReader({ mode: "byob" });
    let buffer = new ArrayBuffer(RECORD);
    for (let i = 0; i < RECORD_COUNT; i++) {
      const { value } = await reader.read(new Uint8Array(buffer), { min: RECORD });
      buffer = value!.buffer as ArrayBuffer;
    }
  },
});

Deno.bench({
  group: "exact 1 KiB records from a byte stream (4 MiB)",
  name: "weir BufReader.readExact(p)",
  n: 20,
  async fn() {
    const reader = new BufReader(memoryByteStream(recordChunks));
    const p = new Uint8Array(RECORD);
    for (let i = 0; i < RECORD_COUNT; i++) await reader.readExact(p);
  },
});

Deno.bench({
  group: "exact 1 KiB records from a byte stream (4 MiB)",
  name: "weir BufReader.readExact(n)",
  n: 20,
  async fn() {
    const reader = new BufReader(memoryByteStream(recordChunks));
    for (let i = 0; i < RECORD_COUNT; i++) await reader.readExact(RECORD);
  },
});

// Many small writes to a loopback TCP connection.
const WRITES = 20_000;
const small = new Uint8Array(64).fill(1);

async function overLoopback(write: (conn: Deno.TcpConn) => Promise<void>): Promise<void> {
  using listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const [client, server] = await Promise.all([
    Deno.connect({ hostname: "127.0.0.1", port: listener.addr.port }),
    listener.accept(),
  ]);
  const drained = (async () => {
    const p = new Uint8Array(CHUNK);
    let total = 0;
    for (let n = await server.read(p); n !== null; n = await server.read(p)) total += n;
    return total;
  })();
  await write(client);
  await client.closeWrite();
  const total = await drained;
  client.close();
  server.close();
  if (total !== WRITES * small.length) throw new Error(`received ${total} bytes`);
}

Deno.bench({
  group: "20k 64-byte writes to a loopback Deno.Conn",
  name: "unbuffered conn.write per chunk",
  baseline: true,
  n: 5,
  async fn() {
    await overLoopback(async (conn) => {
      for (let i = 0; i < WRITES; i++) {
        for (let off = 0; off < small.length;) off += await conn.write(small.subarray(off));
      }
    });
  },
});

Deno.bench({
  group: "20k 64-byte writes to a loopback Deno.Conn",
  name: "weir BufWriter(conn).write per chunk",
  n: 5,
  async fn() {
    await overLoopback(async (conn) => {
      const writer = new BufWriter(conn);
      for (let i = 0; i < WRITES; i++) await writer.write(small);
      await writer.flush();
    });
  },
});
