import assert from "node:assert/strict";
import { UdpSocket } from "@weir/weir/net";
import { main, parseUdpEchoArgs } from "../../examples/udp_echo_server.ts";
import { bytes, startExample, text } from "../_util/net.ts";

Deno.test("udp_echo_server echoes datagrams byte for byte to their sender", async () => {
  await using srv = await startExample(main, ["--port", "0", "--quiet"]);
  await using client = UdpSocket.bind({ port: 0 });
  const server = { hostname: "127.0.0.1", port: srv.port };
  for (let i = 0; i < 50; i++) {
    await client.sendTo(bytes(`datagram ${i}`), server);
    const { data, addr } = await client.recvFrom();
    assert.equal(text(data), `datagram ${i}`);
    assert.equal(addr.port, srv.port);
  }
  const big = crypto.getRandomValues(new Uint8Array(60_000));
  await client.sendTo(big, server);
  assert.deepEqual((await client.recvFrom()).data, big);
  assert.deepEqual(srv.lines.length, 1);
});

Deno.test("udp_echo_server reports and skips a datagram over --max-size instead of truncating it", async () => {
  await using srv = await startExample(main, ["--port", "0", "--max-size", "8"]);
  await using client = UdpSocket.bind({ port: 0 });
  const server = { hostname: "127.0.0.1", port: srv.port };
  await client.sendTo(bytes("way too long"), server);
  await client.sendTo(bytes("short"), server);
  assert.equal(text((await client.recvFrom()).data), "short");
  assert.deepEqual(srv.lines.slice(1), [
    `dropped: Datagram of 12 bytes exceeds maxDatagramLength 8 from 127.0.0.1:${client.addr.port}`,
    `recv 5 bytes from 127.0.0.1:${client.addr.port}`,
  ]);
});

Deno.test("udp_echo_server serves several clients concurrently", async () => {
  await using srv = await startExample(main, ["--port", "0", "--queue", "2", "--quiet"]);
  const server = { hostname: "127.0.0.1", port: srv.port };
  const clients = Array.from({ length: 8 }, () => UdpSocket.bind({ port: 0 }));
  try {
    const results = await Promise.all(clients.map(async (client, k) => {
      const got: string[] = [];
      for (let i = 0; i < 10; i++) {
        await client.sendTo(bytes(`${k}:${i}`), server);
        got.push(text((await client.recvFrom()).data));
      }
      return got;
    }));
    results.forEach((got, k) =>
      assert.deepEqual(got, Array.from({ length: 10 }, (_, i) => `${k}:${i}`))
    );
  } finally {
    for (const client of clients) client.close();
  }
});

Deno.test("udp_echo_server rejects bad flags", () => {
  assert.throws(() => parseUdpEchoArgs(["--queue", "0"]), RangeError);
  assert.throws(() => parseUdpEchoArgs(["--what"]));
  assert.deepEqual(parseUdpEchoArgs([]), {
    hostname: "127.0.0.1",
    port: 2000,
    queue: 64,
    maxSize: 65507,
    quiet: false,
  });
});
