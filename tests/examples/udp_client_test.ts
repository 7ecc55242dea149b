import assert from "node:assert/strict";
import { UdpSocket } from "@weir/weir/net";
import { main as client, parseUdpClientArgs } from "../../examples/udp_client.ts";
import { main as echoServer } from "../../examples/udp_echo_server.ts";
import { startExample } from "../_util/net.ts";

Deno.test("udp_client gets its datagram echoed by udp_echo_server", async () => {
  await using srv = await startExample(echoServer, ["--port", "0", "--quiet"]);
  const lines: string[] = [];
  const reply = await client(
    ["--port", `${srv.port}`, "--message", "ping over udp"],
    { log: (line) => lines.push(line) },
  );
  assert.equal(new TextDecoder().decode(reply), "ping over udp");
  assert.deepEqual(lines, [
    `sent 13 bytes to 127.0.0.1:${srv.port}`,
    "received 13 bytes: ping over udp",
  ]);
});

Deno.test("udp_client sends again after each timeout, then gives up", async () => {
  await using silent = UdpSocket.bind({ hostname: "127.0.0.1", port: 0 });
  const lines: string[] = [];
  await assert.rejects(
    client(
      ["--port", `${silent.addr.port}`, "--timeout", "10", "--retries", "2"],
      { log: (line) => lines.push(line) },
    ),
    { name: "TimeoutError" },
  );
  const sent = `sent 5 bytes to 127.0.0.1:${silent.addr.port}`;
  assert.deepEqual(lines, [
    sent,
    "no reply within 10 ms",
    sent,
    "no reply within 10 ms",
    sent,
    "no reply within 10 ms",
  ]);
  for (let i = 0; i < 3; i++) {
    assert.equal(new TextDecoder().decode((await silent.recvFrom()).data), "hello");
  }
});

Deno.test("udp_client ignores a datagram from another sender and takes the server's reply", async () => {
  await using server = UdpSocket.bind({ hostname: "127.0.0.1", port: 0 });
  await using stranger = UdpSocket.bind({ hostname: "127.0.0.1", port: 0 });
  const running = client(["--port", `${server.addr.port}`, "--timeout", "5000"], { log: () => {} });
  const { addr } = await server.recvFrom();
  await stranger.sendTo(new TextEncoder().encode("spoofed"), addr);
  await stranger.flush();
  await server.sendTo(new TextEncoder().encode("real"), addr);
  assert.equal(new TextDecoder().decode(await running), "real");
  assert.throws(
    () => parseUdpClientArgs(["--timeout", "0"]),
    /--timeout must be an integer >= 1: 0/,
  );
  assert.throws(() => parseUdpClientArgs(["--port", "70000"]), /--port must be a port number/);
});
