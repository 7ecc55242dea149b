import assert from "node:assert/strict";
import { InvalidUtf8Error } from "@weir/weir/io";
import { serve } from "@weir/weir/net";
import { CancellationToken } from "@weir/weir/sync";
import { main as client } from "../../examples/split_cancel_client.ts";
import { main as slowReader } from "../../examples/slow_reader_server.ts";
import { main as echoServer } from "../../examples/tcp_echo_server.ts";
import { startExample, waitFor } from "../_util/net.ts";

Deno.test("split_cancel_client: cancelling the token stops both halves during a blocked write", async () => {
  await using srv = await startExample(slowReader, ["--port", "0", "--interval", "2"]);
  const token = new CancellationToken();
  const lines: string[] = [];
  const running = client(
    ["--port", `${srv.port}`, "--interval", "0", "--rounds", "1000", "--stall", "100"],
    { token, log: (line) => lines.push(line) },
  );
  await waitFor(() => lines.some((line) => line.endsWith("reads go on")), "a blocked write");
  const reason = new Error("canceled");
  token.cancel(reason);
  await assert.rejects(running, (error) => error === reason);
  assert.ok(lines.includes("cancelled: stopping both halves"));
  assert.ok(!lines.some((line) => line.startsWith("all ")), "the writer never finished");
  // Both halves released the socket: the server's next write fails.
  await waitFor(() => srv.lines.some((line) => /^connection .* closed: /.test(line)), "the close");
});

Deno.test("split_cancel_client writes every line, half-closes and ends when the server closes", async () => {
  await using srv = await startExample(echoServer, ["--port", "0", "--quiet"]);
  const lines: string[] = [];
  const result = await client(
    ["--port", `${srv.port}`, "--interval", "0", "--rounds", "5", "--size", "10"],
    { log: (line) => lines.push(line) },
  );
  assert.deepEqual(result, { written: 5, linesRead: 5 });
  const echoed = lines.filter((line) => line.startsWith("read: "));
  assert.deepEqual(echoed, Array(5).fill(`read: ${"a".repeat(10)}`));
  assert.ok(lines.includes("all 5 messages written, write side closed"));
  assert.equal(lines.at(-1), "server closed the connection");
});

Deno.test("split_cancel_client: the reader's first error stops the writer (tryJoin short-circuits)", async () => {
  // Never reads (so the client's writes block) and sends one line that is not UTF-8.
  await using server = serve({ hostname: "127.0.0.1", port: 0 }, async (conn, { signal }) => {
    await conn.writeAll(new Uint8Array([0x68, 0x69, 0x0a, 0xff, 0xfe, 0x0a]));
    await new Promise((resolve) => signal.addEventListener("abort", resolve, { once: true }));
  });
  const lines: string[] = [];
  await assert.rejects(
    client(
      ["--port", `${server.addr.port}`, "--interval", "0", "--rounds", "1000", "--quiet"],
      { log: (line) => lines.push(line) },
    ),
    InvalidUtf8Error,
  );
  assert.ok(!lines.some((line) => line.startsWith("all ")), "the writer was stopped");
});
