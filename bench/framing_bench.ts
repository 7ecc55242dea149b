// Run: deno bench -A bench/framing_bench.ts
// weir's framing next to `it-length-prefixed`, a hand-written Deno framer
// (the logic of shared/bench/servers/deno/framed_naive.ts) and a
// TextDecoderStream + line-splitter pipeline, same run, same bytes.
//
// In memory, every byte source copies up to 64 KiB per read into the
// caller's buffer, as a socket read does, and writes cost nothing: this
// isolates the framing work. "file to /dev/null" adds real I/O: one read
// syscall per 64 KiB and one write syscall per write, as a socket has.
// Each iteration moves about 1 MiB.
import {
  decoderStream,
  FramedRead,
  FramedWrite,
  LengthDelimitedCodec,
  LinesCodec,
  VarintLengthCodec,
} from "@weir/weir/framing";
import { ByteBuffer, type Reader, type Writer } from "@weir/weir/io";
import * as lp from "it-length-prefixed";

const READ_SIZE = 64 * 1024;
const TOTAL = 1024 * 1024;

/** A reader over `bytes`, at most READ_SIZE bytes per read. */
function memoryReader(bytes: Uint8Array): Reader {
  let offset = 0;
  return {
    read(p) {
      if (offset === bytes.length) return Promise.resolve(null);
      const n = Math.min(p.length, READ_SIZE, bytes.length - offset);
      p.set(bytes.subarray(offset, offset + n));
      offset += n;
      return Promise.resolve(n);
    },
  };
}

/** The same bytes as a stream of READ_SIZE chunks (each a fresh copy, as a socket's would be). */
async function* memoryChunks(bytes: Uint8Array): AsyncGenerator<Uint8Array> {
  for (let offset = 0; offset < bytes.length; offset += READ_SIZE) {
    yield bytes.slice(offset, offset + READ_SIZE);
  }
}

function encodeFrames(codec: LengthDelimitedCodec | VarintLengthCodec, size: number): Uint8Array {
  const out = new ByteBuffer();
  const frame = new Uint8Array(size).fill(0x61);
  for (let n = 0; n < TOTAL; n += size) codec.encode(frame, out);
  return out.bytes().slice();
}

/** Counts what `sink` accepted, to check that every byte was echoed. */
class CountingWriter implements Writer {
  bytes = 0;
  constructor(readonly sink: Writer) {}
  async write(p: Uint8Array): Promise<number> {
    const n = await this.sink.write(p);
    this.bytes += n;
    return n;
  }
}

function check(bytes: number, wire: Uint8Array): void {
  if (bytes !== wire.length) throw new Error(`echoed ${bytes} of ${wire.length} bytes`);
}

// -- length-delimited decode + re-encode ------------------------------------

type Codec = LengthDelimitedCodec | VarintLengthCodec;

async function weirEcho(source: Reader, sink: Writer, codec: Codec): Promise<number> {
  const counter = new CountingWriter(sink);
  const out = new FramedWrite(counter, codec);
  for await (const frame of new FramedRead(source, codec)) await out.feed(frame);
  await out.flush();
  return counter.bytes;
}

async function itLengthPrefixedEcho(
  source: AsyncIterable<Uint8Array>,
  sink: Writer,
): Promise<number> {
  const counter = new CountingWriter(sink);
  async function* payloads() {
    for await (const list of lp.decode(source)) yield list.subarray();
  }
  for await (const chunk of lp.encode(payloads())) await counter.write(chunk);
  return counter.bytes;
}

/** framed_naive.ts's loop: growable buffer, a copy per frame, one awaited write per frame. */
async function naiveEcho(conn: Reader, sink: Writer): Promise<number> {
  const counter = new CountingWriter(sink);
  const writeAll = async (data: Uint8Array) => {
    let off = 0;
    while (off < data.length) off += await counter.write(data.subarray(off));
  };
  let buf = new Uint8Array(64 * 1024);
  let start = 0;
  let end = 0;
  for (;;) {
    if (end === buf.length) {
      if (start > 0) {
        buf.copyWithin(0, start, end);
        end -= start;
        start = 0;
      } else {
        const bigger = new Uint8Array(buf.length * 2);
        bigger.set(buf);
        buf = bigger;
      }
    }
    const n = await conn.read(buf.subarray(end));
    if (n === null) break;
    end += n;
    while (end - start >= 4) {
      const len = new DataView(buf.buffer, buf.byteOffset + start, 4).getUint32(0);
      if (end - start < 4 + len) break;
      const payload = buf.slice(start + 4, start + 4 + len);
      start += 4 + len;
      const out = new Uint8Array(4 + len);
      new DataView(out.buffer).setUint32(0, len);
      out.set(payload, 4);
      await writeAll(out);
    }
    if (start === end) start = end = 0;
  }
  return counter.bytes;
}

const nowhere: Writer = { write: (p) => Promise.resolve(p.length) };
const temp: string[] = [];
globalThis.addEventListener("unload", () => temp.forEach((path) => Deno.removeSync(path)));

function tempFile(bytes: Uint8Array): string {
  const path = Deno.makeTempFileSync({ prefix: "weir_framing_bench_" });
  Deno.writeFileSync(path, bytes);
  temp.push(path);
  return path;
}

/** Runs `echo` from a real file to /dev/null: one read syscall per 64 KiB, one write syscall per write. */
async function overFiles(
  path: string,
  echo: (file: Deno.FsFile, sink: Deno.FsFile) => Promise<number>,
) {
  using file = await Deno.open(path);
  using sink = await Deno.open("/dev/null", { write: true });
  return await echo(file, sink);
}

for (const size of [64, 16 * 1024]) {
  const label = size === 64 ? "64 B" : "16 KiB";
  const ldWire = encodeFrames(new LengthDelimitedCodec(), size);
  const varintWire = encodeFrames(new VarintLengthCodec(), size);
  const group = `length-delimited ${label} frames, decode + re-encode 1 MiB in memory`;
  Deno.bench({
    group,
    name: "weir FramedRead/FramedWrite, LengthDelimitedCodec",
    baseline: true,
    fn: async () =>
      check(await weirEcho(memoryReader(ldWire), nowhere, new LengthDelimitedCodec()), ldWire),
  });
  Deno.bench({
    group,
    name: "weir FramedRead/FramedWrite, VarintLengthCodec",
    fn: async () =>
      check(await weirEcho(memoryReader(varintWire), nowhere, new VarintLengthCodec()), varintWire),
  });
  Deno.bench({
    group,
    name: "it-length-prefixed decode/encode (varint)",
    fn: async () =>
      check(await itLengthPrefixedEcho(memoryChunks(varintWire), nowhere), varintWire),
  });
  Deno.bench({
    group,
    name: "hand-written Deno framer (framed_naive.ts)",
    fn: async () => check(await naiveEcho(memoryReader(ldWire), nowhere), ldWire),
  });

  const ldPath = tempFile(ldWire);
  const varintPath = tempFile(varintWire);
  const io = `length-delimited ${label} frames, decode + re-encode 1 MiB, file to /dev/null`;
  Deno.bench({
    group: io,
    name: "weir FramedRead/FramedWrite, LengthDelimitedCodec",
    baseline: true,
    fn: async () =>
      check(await overFiles(ldPath, (f, s) => weirEcho(f, s, new LengthDelimitedCodec())), ldWire),
  });
  Deno.bench({
    group: io,
    name: "weir FramedRead/FramedWrite, VarintLengthCodec",
    fn: async () =>
      check(
        await overFiles(varintPath, (f, s) => weirEcho(f, s, new VarintLengthCodec())),
        varintWire,
      ),
  });
  Deno.bench({
    group: io,
    name: "it-length-prefixed decode/encode (varint), file.readable",
    fn: async () =>
      check(await overFiles(varintPath, (f, s) => itLengthPrefixedEcho(f.readable, s)), varintWire),
  });
  Deno.bench({
    group: io,
    name: "hand-written Deno framer (framed_naive.ts)",
    fn: async () => check(await overFiles(ldPath, naiveEcho), ldWire),
  });
}

// -- lines decode -------------------------------------------------------------

const lineText = (() => {
  const lines: string[] = [];
  let bytes = 0;
  for (let i = 0; bytes < TOTAL; i++) {
    const line = `${i} GET /some/path/to/a/resource?id=${i * 7919} HTTP/1.1`;
    lines.push(line);
    bytes += line.length + 1;
  }
  return new TextEncoder().encode(lines.join("\n") + "\n");
})();
const lineCount = lineText.filter((b) => b === 0x0a).length;

function checkLines(count: number): void {
  if (count !== lineCount) throw new Error(`decoded ${count} of ${lineCount} lines`);
}

/** The TextLineStream algorithm: carry the tail, split the text at `\n`, drop one `\r`. */
function lineSplitter(): TransformStream<string, string> {
  let rest = "";
  return new TransformStream<string, string>({
    transform(text, controller) {
      let chars = rest + text;
      for (let lf = chars.indexOf("\n"); lf !== -1; lf = chars.indexOf("\n")) {
        controller.enqueue(chars.slice(0, chars[lf - 1] === "\r" ? lf - 1 : lf));
        chars = chars.slice(lf + 1);
      }
      rest = chars;
    },
    flush(controller) {
      if (rest !== "") controller.enqueue(rest);
    },
  });
}

const linesGroup = "lines decode 1 MiB";
Deno.bench({
  group: linesGroup,
  name: "weir FramedRead + LinesCodec",
  baseline: true,
  async fn() {
    let count = 0;
    for await (const _ of new FramedRead(memoryReader(lineText), new LinesCodec())) count++;
    checkLines(count);
  },
});
Deno.bench({
  group: linesGroup,
  name: "weir decoderStream(LinesCodec)",
  async fn() {
    let count = 0;
    for await (
      const _ of ReadableStream.from(memoryChunks(lineText)).pipeThrough(
        decoderStream(new LinesCodec()),
      )
    ) {
      count++;
    }
    checkLines(count);
  },
});
Deno.bench({
  group: linesGroup,
  name: "TextDecoderStream + TextLineStream-style splitter",
  async fn() {
    let count = 0;
    const lines = ReadableStream.from(memoryChunks(lineText))
      .pipeThrough(new TextDecoderStream())
      .pipeThrough(lineSplitter());
    for await (const _ of lines) count++;
    checkLines(count);
  },
});
