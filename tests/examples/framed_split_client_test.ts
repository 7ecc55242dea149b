import assert from "node:assert/strict";
import { main as client } from "../../examples/framed_split_client.ts";
import { main as framedServer } from "../../examples/framed_server.ts";
import { startExample, waitFor } from "../_util/net.ts";

Deno.test("framed_split_client gets its 100 KiB frames echoed intact between the heartbeats", async () => {
  await using srv = await startExample(framedServer, [
    ...["--port", "0", "--echo", "--heartbeats", "3", "--interval", "1", "--quiet"],
  ]);
  const lines: string[] = [];
  const result = await client(
    ["--port", `${srv.port}`, "--rounds", "20", "--interval", "0", "--queue", "4"],
    { log: (line) => lines.push(line) },
  );
  assert.equal(result.sent, 20);
  assert.deepEqual(result.received.filter((size) => size === 102400).length, 20);
  assert.deepEqual(result.received.filter((size) => size !== 102400), [23, 23, 23]);
  const beats = lines.filter((line) => line.startsWith('recv from server: "message'));
  assert.deepEqual(
    beats,
    [1, 2, 3].map((i) => `recv from server: ${JSON.stringify(`message from server: ${i}\n`)}`),
  );
  assert.ok(lines.includes("all 20 frames written, write side closed"));
  assert.equal(lines.at(-1), "server closed the connection");
});

Deno.test("framed_split_client sends what the server decodes, and stops on its signal", async () => {
  await using srv = await startExample(framedServer, [
    ...["--port", "0", "--heartbeats", "1000", "--interval", "1"],
  ]);
  const controller = new AbortController();
  const lines: string[] = [];
  const running = client(
    ["--port", `${srv.port}`, "--size", "5", "--interval", "1"],
    { signal: controller.signal, log: (line) => lines.push(line) },
  );
  await waitFor(
    () => srv.lines.filter((line) => line.startsWith("received ")).length >= 3,
    "3 frames",
  );
  await waitFor(
    () => lines.filter((line) => line.startsWith("recv from server: ")).length >= 3,
    "3 beats",
  );
  controller.abort();
  const result = await running;
  assert.ok(result.sent >= 3);
  assert.ok(srv.lines.some((line) => /^received "aaaaa" from 127\.0\.0\.1:\d+$/.test(line)));
  assert.deepEqual(result.received.slice(0, 3), [23, 23, 23]);
});
