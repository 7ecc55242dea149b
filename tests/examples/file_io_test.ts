import assert from "node:assert/strict";
import { main } from "../../examples/file_io.ts";

async function inTempDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir();
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("file_io main round-trips, buffers, appends and copies, then cleans up", async () => {
  await inTempDir(async (parent) => {
    const lines: string[] = [];
    const result = await main(["--dir", parent, "--lines", "100"], {
      log: (line) => lines.push(line),
    });
    const size = Array.from({ length: 100 }, (_, i) => `line ${i + 1}\n`).join("").length;
    assert.equal(result.bufferedWrites, 1, "100 lines in one write call");
    assert.equal(result.copied, size);
    assert.deepEqual(lines.slice(1), [
      "File content: Hello, async!",
      "read 13 bytes",
      "wrote 100 lines with 1 write call(s)",
      `readAll: ${size} bytes`,
      'journal: "first entry\\nsecond entry\\n"',
      `Copied ${size} bytes to numbers_copy.txt`,
    ]);
    assert.deepEqual(
      await Array.fromAsync(Deno.readDir(parent)),
      [],
      "the work directory is removed",
    );
  });
});

Deno.test("file_io main keeps its files with --keep, and the copy matches", async () => {
  await inTempDir(async (parent) => {
    const { dir } = await main(["--dir", parent, "--lines", "3", "--keep"], { log: () => {} });
    assert.equal(await Deno.readTextFile(`${dir}/numbers.txt`), "line 1\nline 2\nline 3\n");
    assert.deepEqual(
      await Deno.readFile(`${dir}/numbers_copy.txt`),
      await Deno.readFile(`${dir}/numbers.txt`),
    );
  });
});

Deno.test("file_io main flushes in capacity-sized writes for large outputs", async () => {
  await inTempDir(async (parent) => {
    const result = await main(["--dir", parent, "--lines", "20000"], { log: () => {} });
    assert.ok(
      result.bufferedWrites >= 3 && result.bufferedWrites <= 5,
      `${result.bufferedWrites} writes`,
    );
  });
});

Deno.test("file_io main rejects a bad --lines", async () => {
  await assert.rejects(main(["--lines", "-1"], { log: () => {} }), /--lines/);
});
