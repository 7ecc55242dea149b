/**
 * A custom reader that transforms bytes as they are read (the seed's
 * `UppercaseReader`, a hand-written `AsyncRead`). In weir a reader is any
 * object with `read(p): Promise<number | null>`, the shape of `Deno.FsFile`
 * and `Deno.Conn`, so the wrapper is a class with one method: read from the
 * inner source into `p`, then rewrite the bytes just read. Everything that
 * takes a reader takes it: `readAll`, `BufReader`, `copy`, `FramedRead`.
 *
 * The same transformation as a Web Stream is a `TransformStream`, which
 * `pipeThrough` chains onto any `ReadableStream` (a file's `readable`, a
 * `fetch` body).
 *
 * Only ASCII letters change; UTF-8 sequences of other characters never
 * contain bytes in that range, so they pass through intact.
 *
 * ```sh
 * deno run --allow-read=. examples/uppercase_reader.ts [README.md]
 * ```
 *
 * Without a file it reads a built-in sample. Prints `Uppercased: ...`, the
 * lines again through a `BufReader` over the `UppercaseReader`, and the
 * `TransformStream` version's output.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { BufReader, type ByteSource, readAll, type Reader, toReader } from "@weir/weir/io";
import type { ExampleRunOptions } from "./_cli.ts";

/** How {@linkcode main} is run: where lines are printed. */
export type RunOptions = Pick<ExampleRunOptions, "log">;

/** Upper-cases ASCII letters in place. */
function upperAscii(bytes: Uint8Array): void {
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (b >= 0x61 && b <= 0x7a) bytes[i] = b - 0x20;
  }
}

/** A reader that upper-cases the ASCII letters of another source. */
export class UppercaseReader implements Reader {
  #inner: Reader;

  /**
   * Wraps a source.
   *
   * @param source A `read(p)` reader or a byte `ReadableStream`.
   */
  constructor(source: ByteSource) {
    this.#inner = toReader(source);
  }

  /**
   * Reads from the source into `p`, then upper-cases what was read.
   *
   * @param p Where to read to.
   * @returns How many bytes were read, or `null` at the end.
   */
  async read(p: Uint8Array): Promise<number | null> {
    const n = await this.#inner.read(p);
    if (n !== null) upperAscii(p.subarray(0, n));
    return n;
  }
}

/** The same transformation for Web Streams. */
export function uppercaseStream(): TransformStream<Uint8Array, Uint8Array> {
  return new TransformStream({
    transform(chunk, controller) {
      const copy = chunk.slice(); // chunks may be shared: never rewrite them in place
      upperAscii(copy);
      controller.enqueue(copy);
    },
  });
}

const SAMPLE = ["Hello, async ", "world!\nSecond line, ", "with café\n"];
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Reads the file named by the first argument, or the sample, three ways. */
export async function main(args: string[], options: RunOptions = {}): Promise<string> {
  const { log = console.log } = options;
  const { positionals } = parseArgs({ args, strict: true, allowPositionals: true, options: {} });
  if (positionals.length > 1) throw new TypeError("Expected at most one file path argument");
  const path = positionals[0];
  /** A fresh stream of the input; a file's `readable` closes the file at its end. */
  const open = async (): Promise<ReadableStream<Uint8Array>> =>
    path === undefined
      ? ReadableStream.from(SAMPLE.map((s) => encoder.encode(s)))
      : (await Deno.open(path)).readable;

  const text = decoder.decode(await readAll(new UppercaseReader(await open())));
  log(`Uppercased: ${JSON.stringify(text)}`);
  for await (const line of new BufReader(new UppercaseReader(await open())).lines()) {
    log(`line: ${line}`);
  }
  const piped = await new Response((await open()).pipeThrough(uppercaseStream())).text();
  log(`TransformStream: ${piped === text ? "same bytes" : "different bytes!"}`);
  return text;
}

if (import.meta.main) await main(Deno.args);
