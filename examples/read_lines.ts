/**
 * The first lines of a file of any size, read with weir's `BufReader`
 * (Tokio's `BufReader::lines`) without loading the file: the reader pulls
 * `--capacity` bytes at a time from the file and hands out one line at a
 * time (`\n` or `\r\n` stripped, a last line without a newline included),
 * so previewing a 10 GB log costs one 8 KiB read.
 *
 * The file is wrapped in a tiny counting reader (any object with
 * `read(p)` is a weir `Reader`) to show how many bytes were actually read.
 * With `--count`, it reads the whole file line by line instead and counts
 * the lines that are not `#` comments, one line in memory at a time.
 *
 * ```sh
 * deno run --allow-read=. examples/read_lines.ts README.md [--lines 10] [--capacity 8192] [--count]
 * ```
 *
 * Prints `Line: ...` for each line, then how much of the file was read,
 * such as `read 10 lines using 8192 of 104857600 bytes of big.log`.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { BufReader, type Reader } from "@weir/weir/io";
import { type ExampleRunOptions, integerFlag } from "./_cli.ts";

/** How {@linkcode main} is run: where lines are printed. */
export type RunOptions = Pick<ExampleRunOptions, "log">;

/** What {@linkcode main} read. */
export interface ReadLinesResult {
  /** The lines printed (or, with `--count`, none). */
  lines: string[];
  /** With `--count`: the lines that are not comments. */
  counted: number;
  /** Bytes read from the file. */
  bytesRead: number;
  /** The file's size. */
  size: number;
}

/** Reads the lines of the file named by the first argument (see the module doc). */
export async function main(args: string[], options: RunOptions = {}): Promise<ReadLinesResult> {
  const { log = console.log } = options;
  const { values, positionals } = parseArgs({
    args,
    strict: true,
    allowPositionals: true,
    options: {
      lines: { type: "string", default: "10" },
      capacity: { type: "string", default: "8192" },
      count: { type: "boolean", default: false },
    },
  });
  const path = positionals[0];
  if (path === undefined || positionals.length > 1) {
    throw new TypeError("Expected one file path argument");
  }
  const wanted = integerFlag("lines", values.lines, 0);
  const capacity = integerFlag("capacity", values.capacity, 1);

  using file = await Deno.open(path);
  const { size } = await file.stat();
  let bytesRead = 0;
  const counting: Reader = {
    async read(p) {
      const n = await file.read(p);
      if (n !== null) bytesRead += n;
      return n;
    },
  };
  const reader = new BufReader(counting, { bufferSize: capacity });

  const lines: string[] = [];
  let counted = 0;
  if (values.count) {
    for await (const line of reader.lines()) {
      if (!line.startsWith("#")) counted++;
    }
    log(`Processed ${counted} lines`);
  } else {
    while (lines.length < wanted) {
      const line = await reader.readLine();
      if (line === null) break; // fewer lines than asked for
      lines.push(line);
      log(`Line: ${line}`);
    }
  }
  log(
    `read ${
      values.count ? "every" : lines.length
    } lines using ${bytesRead} of ${size} bytes of ${path}`,
  );
  return { lines, counted, bytesRead, size };
}

if (import.meta.main) await main(Deno.args);
