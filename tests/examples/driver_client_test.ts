import assert from "node:assert/strict";
import { main as client } from "../../examples/driver_client.ts";
import { main as slowReader } from "../../examples/slow_reader_server.ts";
import { main as echoServer } from "../../examples/tcp_echo_server.ts";
import { startExample, waitFor } from "../_util/net.ts";

Deno.test("driver_client sends every message whole and in order, then FIN, and ends with the server", async () => {
  await using srv = await startExample(echoServer, ["--port", "0", "--quiet"]);
  const lines: string[] = [];
  const result = await client(
    ["--port", `${srv.port}`, "--rounds", "40", "--interval", "0"],
    { log: (line) => lines.push(line) },
  );
  const expected = Array.from({ length: 40 }, (_, i) => `client message: ${i + 1}\n`).join("") +
    "\n";
  assert.deepEqual(result, { sent: 40, received: expected.length });
  const chunks = lines.filter((line) => line.startsWith("recv from server: "));
  const echoed = chunks.map((line) => JSON.parse(line.slice("recv from server: ".length))).join("");
  assert.equal(echoed, expected);
  assert.ok(lines.includes("all 40 messages written"));
  assert.equal(lines.at(-1), "server closed the connection");
});

Deno.test("driver_client keeps receiving while its sends wait on a peer that never reads", async () => {
  await using srv = await startExample(slowReader, ["--port", "0", "--interval", "2"]);
  const controller = new AbortController();
  const lines: string[] = [];
  const running = client(
    [
      "--port",
      `${srv.port}`,
      "--rounds",
      "1000",
      "--interval",
      "0",
      "--size",
      "65536",
      "--stall",
      "100",
    ],
    { signal: controller.signal, log: (line) => lines.push(line) },
  );
  await waitFor(
    () => lines.some((line) => / blocked for /.test(line)),
    "a send waiting for queue room",
  );
  const report = lines.find((line) => / blocked for /.test(line))!;
  const match = report.match(
    /^write #(\d+) blocked for 100 ms: (\d+) lines read meanwhile .*, reads go on$/,
  );
  assert.ok(match, report);
  assert.ok(Number(match[2]) > 0);
  controller.abort();
  const result = await running;
  assert.equal(result.sent, Number(match[1]) - 1);
  const text = lines.filter((line) => line.startsWith("recv from server: "))
    .map((line) => JSON.parse(line.slice("recv from server: ".length))).join("");
  assert.ok(text.startsWith("message from server: 1\nmessage from server: 2\n"), text);
  await waitFor(() => srv.lines.some((line) => /^connection .* closed: /.test(line)), "the close");
});
