/**
 * File I/O, the seed's `tokio::fs` patterns on Deno and weir's io: write a
 * string, read it back as a string and as bytes, write many lines through a
 * `BufWriter` (one system call instead of one per line), read a whole file
 * through its handle with `readAll`, append to a file (creating it), and
 * copy one file to another with `copy`, which returns the byte count as
 * `tokio::fs::copy` does (`Deno.copyFile` returns nothing).
 *
 * Deno's file calls are already asynchronous: `Deno.readTextFile` is
 * `tokio::fs::read_to_string`. Where Tokio's fs runs blocking calls on a
 * thread pool, Deno runs them off the main thread too; no `spawn_blocking`
 * is needed.
 *
 * Everything happens in a fresh directory inside `--dir`, removed at the
 * end unless `--keep` is given.
 *
 * ```sh
 * deno run --allow-read=. --allow-write=. examples/file_io.ts --dir . [--lines 100] [--keep]
 * ```
 *
 * @module
 */
import { parseArgs } from "node:util";
import { BufWriter, copy, readAll, writeAll, type Writer } from "@weir/weir/io";
import { type ExampleRunOptions, integerFlag } from "./_cli.ts";

/** How {@linkcode main} is run: where lines are printed. */
export type RunOptions = Pick<ExampleRunOptions, "log">;

/** What {@linkcode main} did. */
export interface FileIoResult {
  /** The directory it worked in (gone unless `--keep`). */
  dir: string;
  /** How many `write` calls reached the file for the buffered lines. */
  bufferedWrites: number;
  /** Bytes `copy` reported. */
  copied: number;
}

const encoder = new TextEncoder();

/** Runs the steps of the module doc. */
export async function main(args: string[], options: RunOptions = {}): Promise<FileIoResult> {
  const { log = console.log } = options;
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      dir: { type: "string" },
      lines: { type: "string", default: "100" },
      keep: { type: "boolean", default: false },
    },
  });
  const lines = integerFlag("lines", values.lines, 0);
  const dir = await Deno.makeTempDir({
    prefix: "weir-file-io-",
    ...(values.dir ? { dir: values.dir } : {}),
  });
  log(`working in ${dir}`);
  try {
    // write a string, read it back as a string and as bytes
    const example = `${dir}/example.txt`;
    await Deno.writeTextFile(example, "Hello, async!");
    log(`File content: ${await Deno.readTextFile(example)}`);
    log(`read ${(await Deno.readFile(example)).length} bytes`);

    // many small writes through a BufWriter: counted at the file
    const numbers = `${dir}/numbers.txt`;
    let bufferedWrites = 0;
    {
      using file = await Deno.open(numbers, { write: true, create: true, truncate: true });
      const counted: Writer = { write: (p) => (bufferedWrites++, file.write(p)) };
      const writer = new BufWriter(counted, { bufferSize: 64 * 1024 });
      for (let i = 1; i <= lines; i++) await writer.writeAll(encoder.encode(`line ${i}\n`));
      await writer.flush(); // without it the last bytes would stay in memory
    }
    log(`wrote ${lines} lines with ${bufferedWrites} write call(s)`);

    // read a whole file through its handle
    {
      using file = await Deno.open(numbers);
      log(`readAll: ${(await readAll(file)).length} bytes`);
    }

    // append, creating the file on first use
    const journal = `${dir}/journal.txt`;
    for (const entry of ["first entry", "second entry"]) {
      using file = await Deno.open(journal, { append: true, create: true });
      await writeAll(file, encoder.encode(`${entry}\n`));
    }
    log(`journal: ${JSON.stringify(await Deno.readTextFile(journal))}`);

    // copy, counting bytes
    let copied: number;
    {
      using src = await Deno.open(numbers);
      using dst = await Deno.open(`${dir}/numbers_copy.txt`, {
        write: true,
        create: true,
        truncate: true,
      });
      copied = await copy(src, dst);
    }
    log(`Copied ${copied} bytes to numbers_copy.txt`);
    return { dir, bufferedWrites, copied };
  } finally {
    if (values.keep) log(`kept ${dir}`);
    else await Deno.remove(dir, { recursive: true });
  }
}

if (import.meta.main) await main(Deno.args);
