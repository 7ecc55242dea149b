// The file examples of the seeds (Tokio's fs + io patterns), done with weir.
import assert from "node:assert/strict";
import { BufReader, BufWriter, copy, readAll, type Reader, writeAll } from "@weir/weir/io";
import { encoder } from "./_helpers.ts";

async function withTempDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir();
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("seed files: write a string, read it back as a string and as bytes", async () => {
  await withTempDir(async (dir) => {
    const path = `${dir}/output.txt`;
    {
      using file = await Deno.open(path, { write: true, create: true, truncate: true });
      await writeAll(file, encoder.encode("Hello, async!"));
    }
    using file = await Deno.open(path);
    const bytes = await readAll(file);
    assert.deepEqual(bytes, encoder.encode("Hello, async!"));
    assert.equal(new TextDecoder("utf-8", { fatal: true }).decode(bytes), "Hello, async!");
  });
});

Deno.test("seed files: append lines to a file, creating it first", async () => {
  await withTempDir(async (dir) => {
    const path = `${dir}/log.txt`;
    for (const entry of ["first", "second"]) {
      using file = await Deno.open(path, { append: true, create: true });
      await writeAll(file, encoder.encode(entry));
      await writeAll(file, encoder.encode("\n"));
    }
    using file = await Deno.open(path);
    assert.deepEqual(await Array.fromAsync(new BufReader(file).lines()), ["first", "second"]);
  });
});

Deno.test("seed files: copy a file and count the bytes", async () => {
  await withTempDir(async (dir) => {
    const data = new Uint8Array(100_000).map((_, i) => i % 251);
    await Deno.writeFile(`${dir}/src.bin`, data);
    {
      using src = await Deno.open(`${dir}/src.bin`);
      using dst = await Deno.open(`${dir}/dst.bin`, { write: true, create: true });
      assert.equal(await copy(src, dst), data.length);
    }
    assert.deepEqual(await Deno.readFile(`${dir}/dst.bin`), data);
  });
});

Deno.test("seed files: buffered writes with a custom capacity, flushed on dispose", async () => {
  await withTempDir(async (dir) => {
    const path = `${dir}/numbers.txt`;
    {
      using file = await Deno.open(path, { write: true, create: true });
      await using writer = new BufWriter(file, { bufferSize: 64 * 1024 });
      for (let i = 0; i < 1000; i++) await writer.write(encoder.encode(`${i}\n`));
    }
    using file = await Deno.open(path);
    const reader = new BufReader(file, { bufferSize: 16 * 1024 });
    let count = 0;
    let sum = 0;
    for await (const line of reader.lines()) {
      if (line.startsWith("#")) continue;
      count++;
      sum += Number(line);
    }
    assert.equal(count, 1000);
    assert.equal(sum, (999 * 1000) / 2);
  });
});

Deno.test("seed files: the first N lines of a large file without reading all of it", async () => {
  await withTempDir(async (dir) => {
    const path = `${dir}/large.txt`;
    {
      using file = await Deno.open(path, { write: true, create: true });
      await using writer = new BufWriter(file);
      const line = encoder.encode(`${"x".repeat(99)}\n`);
      for (let i = 0; i < 40_000; i++) await writer.write(line); // 4 MB
    }
    let bytesRead = 0;
    const file = await Deno.open(path);
    const counted: Reader & Disposable = {
      async read(p) {
        const n = await file.read(p);
        bytesRead += n ?? 0;
        return n;
      },
      [Symbol.dispose]: () => file.close(),
    };
    using _file = counted;
    const first: string[] = [];
    for await (const line of new BufReader(counted).lines()) {
      first.push(line);
      if (first.length === 5) break;
    }
    assert.equal(first.length, 5);
    assert.ok(first.every((line) => line.length === 99));
    assert.ok(bytesRead <= 8192, `read ${bytesRead} bytes`);
  });
});

Deno.test("seed files: a custom reader (uppercasing) composes with BufReader", async () => {
  const source = new BufReader(ReadableStream.from([encoder.encode("hello\nworld\n")]));
  const upper: Reader = {
    async read(p) {
      const n = await source.read(p);
      if (n === null) return null;
      const view = p.subarray(0, n);
      for (let i = 0; i < n; i++) {
        const c = view[i]!;
        if (c >= 0x61 && c <= 0x7a) view[i] = c - 0x20;
      }
      return n;
    },
  };
  assert.deepEqual(await Array.fromAsync(new BufReader(upper).lines()), ["HELLO", "WORLD"]);
});
