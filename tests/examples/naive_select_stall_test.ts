import assert from "node:assert/strict";
import { main as client } from "../../examples/naive_select_stall.ts";
import { main as slowReader } from "../../examples/slow_reader_server.ts";
import { startExample, waitFor } from "../_util/net.ts";

const serverLines = (lines: string[]) =>
  lines.filter((line) => line.startsWith("written: ")).length;

Deno.test("naive_select_stall stops reading while a write is blocked, though the server keeps sending", async () => {
  await using srv = await startExample(slowReader, ["--port", "0", "--interval", "2"]);
  const controller = new AbortController();
  const lines: string[] = [];
  const running = client(
    ["--port", `${srv.port}`, "--interval", "0", "--stall", "100"],
    { signal: controller.signal, log: (line) => lines.push(line) },
  );
  await waitFor(() => lines.some((line) => / blocked for /.test(line)), "a blocked write");
  const report = lines.find((line) => / blocked for /.test(line))!;
  const match = report.match(
    /^write #(\d+) blocked for 100 ms: 0 lines read meanwhile \((\d+) in total\), reads stopped$/,
  );
  assert.ok(match, report);
  const readAtStall = Number(match[2]);
  // The server went on writing lines the client no longer reads.
  await waitFor(() => serverLines(srv.lines) > readAtStall + 5, "the server to keep writing");
  const readLines = lines.filter((line) => line.startsWith("read: "));
  assert.equal(readLines.length, readAtStall, "no line read after the write blocked");
  assert.deepEqual(readLines, readLines.map((_, i) => `read: message from server: ${i + 1}`));
  controller.abort();
  const result = await running;
  assert.deepEqual(result, { written: Number(match[1]) - 1, linesRead: readAtStall });
  assert.ok(result.written > 0);
});
