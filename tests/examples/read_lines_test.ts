import assert from "node:assert/strict";
import { main } from "../../examples/read_lines.ts";

async function withFile(content: string, fn: (path: string) => Promise<void>): Promise<void> {
  const path = await Deno.makeTempFile({ suffix: ".txt" });
  try {
    await Deno.writeTextFile(path, content);
    await fn(path);
  } finally {
    await Deno.remove(path);
  }
}

const bigFile = Array.from({ length: 100_000 }, (_, i) => `${i % 10 === 0 ? "# " : ""}line ${i}\n`)
  .join("");

Deno.test("read_lines main previews a big file with one buffer's worth of reads", async () => {
  await withFile(bigFile, async (path) => {
    const lines: string[] = [];
    const result = await main([path, "--lines", "3"], { log: (line) => lines.push(line) });
    assert.deepEqual(result.lines, ["# line 0", "line 1", "line 2"]);
    assert.ok(result.size > 1_000_000);
    assert.equal(result.bytesRead, 8192, "one read of the default capacity");
    assert.deepEqual(lines, [
      "Line: # line 0",
      "Line: line 1",
      "Line: line 2",
      `read 3 lines using 8192 of ${result.size} bytes of ${path}`,
    ]);
  });
});

Deno.test("read_lines main strips CRLF, keeps a last unterminated line, stops early at EOF", async () => {
  await withFile("one\r\ntwo\nthree", async (path) => {
    const result = await main([path, "--lines", "10", "--capacity", "4"], { log: () => {} });
    assert.deepEqual(result.lines, ["one", "two", "three"]);
    assert.equal(result.bytesRead, 14);
  });
});

Deno.test("read_lines main --count streams the whole file and skips comments", async () => {
  await withFile(bigFile, async (path) => {
    const lines: string[] = [];
    const result = await main([path, "--count"], { log: (line) => lines.push(line) });
    assert.equal(result.counted, 90_000);
    assert.equal(result.bytesRead, result.size);
    assert.equal(lines[0], "Processed 90000 lines");
  });
});

Deno.test("read_lines main rejects bad arguments", async () => {
  await assert.rejects(main([], { log: () => {} }), TypeError);
  await assert.rejects(main(["a", "--lines", "x"], { log: () => {} }), /--lines/);
  await assert.rejects(main(["/nonexistent/weir"], { log: () => {} }), Deno.errors.NotFound);
});
