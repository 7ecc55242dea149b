import assert from "node:assert/strict";
import { FrameTooLargeError } from "@weir/weir/framing";
import { connect, TlsHandshakeError } from "@weir/weir/net";
import { main as client, parseFramedClientArgs } from "../../examples/framed_client.ts";
import { main as server, parseFramedServerArgs } from "../../examples/framed_server.ts";
import { readToEnd, startExample, waitFor } from "../_util/net.ts";
import { spawnExample } from "./_spawn_example.ts";

const fixture = (name: string) => new URL(`../fixtures/${name}`, import.meta.url).pathname;
const CERT = fixture("server.pem");
const KEY = fixture("server.key");
const CA = fixture("ca.pem");
const TLS_FLAGS = ["--cert", CERT, "--key", KEY];

const heartbeat = (i: number) => `message from server: ${i}\n`;
const message = (i: number) => `client message: ${i}\n`;

Deno.test("framed_server --cert/--key and framed_client --ca run the heartbeat exchange over TLS", async () => {
  await using srv = await startExample(server, [
    ...TLS_FLAGS,
    "--port",
    "0",
    "--interval",
    "2",
    "--heartbeats",
    "5",
    "--echo",
  ]);
  const result = await client([
    "--ca",
    CA,
    "--port",
    `${srv.port}`,
    "--interval",
    "1",
    "--messages",
    "8",
    "--quiet",
  ]);
  assert.equal(result.sent, 8);
  const beats = result.received.filter((t) => t.startsWith("message from server"));
  const echoes = result.received.filter((t) => !t.startsWith("message from server"));
  assert.deepEqual(beats, [1, 2, 3, 4, 5].map(heartbeat));
  assert.deepEqual(echoes, [...Array.from({ length: 8 }, (_, i) => message(i + 1)), "\n"]);
  const received = srv.lines.filter((line) => line.startsWith("received "));
  assert.equal(received.length, 9);
  assert.ok(srv.lines.some((line) => line.startsWith("closed connection from 127.0.0.1:")));
});

Deno.test("framed_server over TLS logs and closes failed handshakes, then serves the next client", async () => {
  await using srv = await startExample(server, [
    ...TLS_FLAGS,
    "--port",
    "0",
    "--heartbeats",
    "1",
    "--interval",
    "1",
  ]);
  // A plain-text client: the server answers with a TLS alert (read as an
  // oversized frame length), then closes.
  await assert.rejects(
    client(["--port", `${srv.port}`, "--messages", "0", "--quiet"]),
    (error) => error instanceof FrameTooLargeError || error instanceof Deno.errors.ConnectionReset,
  );
  // A client that does not trust the server's CA.
  await assert.rejects(
    client(["--ca", fixture("other_ca.pem"), "--port", `${srv.port}`, "--quiet"]),
    TlsHandshakeError,
  );
  await waitFor(() => srv.lines.filter((l) => l.includes("TlsHandshakeError")).length === 2);
  for (const line of srv.lines.filter((l) => l.includes("closed with error"))) {
    assert.match(line, /^connection 127\.0\.0\.1:\d+ closed with error: TlsHandshakeError: /);
  }
  assert.ok(!srv.lines.some((line) => line.startsWith("accepted connection")));
  // Still serving.
  const ok = await client(["--ca", CA, "--port", `${srv.port}`, "--messages", "0", "--quiet"]);
  assert.deepEqual(ok.received, [heartbeat(1)]);
});

Deno.test("framed_client --ca against a plain framed_server fails the handshake", async () => {
  await using srv = await startExample(server, ["--port", "0", "--heartbeats", "1", "--quiet"]);
  await assert.rejects(
    client(["--ca", CA, "--port", `${srv.port}`, "--messages", "0", "--quiet"]),
    TlsHandshakeError,
  );
});

Deno.test("framed_server and framed_client parse the TLS flags", () => {
  assert.deepEqual(parseFramedServerArgs(TLS_FLAGS).tls, { cert: CERT, key: KEY });
  assert.equal("tls" in parseFramedServerArgs([]), false);
  assert.throws(() => parseFramedServerArgs(["--cert", CERT]), TypeError);
  assert.throws(() => parseFramedServerArgs(["--key", KEY]), TypeError);
  assert.equal(parseFramedClientArgs(["--ca", CA]).ca, CA);
  assert.equal("ca" in parseFramedClientArgs([]), false);
});

Deno.test("framed_server with a missing certificate file fails before listening", async () => {
  await assert.rejects(
    server(["--cert", fixture("missing.pem"), "--key", KEY, "--port", "0"], { log: () => {} }),
    Deno.errors.NotFound,
  );
});

Deno.test("framed_server --cert/--key as a program serves TLS and exits 0 on SIGINT", async () => {
  const server = await spawnExample(
    "framed_server.ts",
    ["--allow-net=127.0.0.1", `--allow-read=${CERT},${KEY}`],
    [...TLS_FLAGS, "--port", "0", "--echo", "--heartbeats", "0", "--quiet"],
  );
  // One framed echo over TLS through the real process.
  const conn = await connect({
    hostname: "127.0.0.1",
    port: server.port,
    tls: { caCerts: [await Deno.readTextFile(CA)] },
  });
  await conn.writeAll(new Uint8Array([0, 0, 0, 2, 7, 8]));
  await conn.closeWrite();
  assert.deepEqual([...await readToEnd(conn)], [0, 0, 0, 2, 7, 8]);
  conn.close();
  assert.equal(await server.stop(), 0);
});
