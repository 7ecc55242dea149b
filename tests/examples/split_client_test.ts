import assert from "node:assert/strict";
import { main as slowReader } from "../../examples/slow_reader_server.ts";
import { main as client, parseClientArgs } from "../../examples/split_client.ts";
import { main as echoServer } from "../../examples/tcp_echo_server.ts";
import { startExample, waitFor } from "../_util/net.ts";

const written = (lines: string[]) => lines.filter((line) => line.startsWith("written: ")).length;

Deno.test("split_client keeps reading while its writes are blocked by a peer that never reads", async () => {
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
    /^write #(\d+) blocked for 100 ms: (\d+) lines read meanwhile \((\d+) in total\), reads go on$/,
  );
  assert.ok(match, report);
  assert.ok(Number(match[2]) > 0, "lines arrived while the write was blocked");
  controller.abort();
  const result = await running;
  assert.equal(result.written, Number(match[1]) - 1, "the blocked write never completed");
  assert.ok(result.linesRead >= Number(match[3]));
  // Every line the client read is the server's next line, in order.
  const read = lines.filter((line) => line.startsWith("read: "));
  assert.deepEqual(read, read.map((_, i) => `read: message from server: ${i + 1}`));
  assert.ok(written(srv.lines) >= read.length);
  assert.equal(lines[0], `connected to 127.0.0.1:${srv.port}`);
});

Deno.test("split_client --rounds writes every message, half-closes, and ends when the server does", async () => {
  await using srv = await startExample(echoServer, ["--port", "0", "--quiet"]);
  const lines: string[] = [];
  const result = await client(
    ["--port", `${srv.port}`, "--interval", "0", "--rounds", "5", "--size", "10"],
    { log: (line) => lines.push(line) },
  );
  // The echo comes back as one unterminated line, ended by the server's FIN.
  assert.deepEqual(result, { written: 5, linesRead: 1 });
  assert.deepEqual(lines.filter((line) => line.startsWith("read: ")), [`read: ${"a".repeat(50)}`]);
  assert.ok(lines.includes("all 5 messages written, write side closed"));
  assert.equal(lines.at(-1), "server closed the connection");
});

Deno.test("split_client parseClientArgs checks its flags", () => {
  assert.deepEqual(parseClientArgs([]), {
    hostname: "127.0.0.1",
    port: 8080,
    size: 102400,
    interval: 10,
    queue: 64,
    stall: 500,
    rounds: Infinity,
    quiet: false,
  });
  assert.equal(parseClientArgs(["--rounds", "3"]).rounds, 3);
  assert.throws(() => parseClientArgs(["--size=-1"]), /--size must be an integer >= 0: -1/);
  assert.throws(() => parseClientArgs(["--port", "x"]), /--port/);
  assert.throws(() => parseClientArgs(["--nope"]), TypeError);
});
