import assert from "node:assert/strict";
import { main as client } from "../../examples/framed_client.ts";
import { main as server, parseFramedServerArgs } from "../../examples/framed_server.ts";
import { readToEnd, startExample, text } from "../_util/net.ts";
import { spawnExample } from "./_spawn_example.ts";

const heartbeat = (i: number) => `message from server: ${i}\n`;
const message = (i: number) => `client message: ${i}\n`;

Deno.test("framed_server and framed_client run the seed's heartbeat exchange against each other", async () => {
  await using srv = await startExample(server, [
    "--port",
    "0",
    "--interval",
    "2",
    "--heartbeats",
    "10",
  ]);
  const logged: string[] = [];
  const result = await client(
    ["--port", `${srv.port}`, "--interval", "2", "--messages", "12"],
    { log: (line) => logged.push(line) },
  );
  assert.equal(result.sent, 12);
  assert.deepEqual(result.received, Array.from({ length: 10 }, (_, i) => heartbeat(i + 1)));
  assert.deepEqual(logged, result.received.map((t) => `recv from server: ${JSON.stringify(t)}`));
  const received = srv.lines.filter((line) => line.startsWith("received "));
  assert.deepEqual(received.map((line) => line.replace(/ from .*$/, "")), [
    ...Array.from({ length: 12 }, (_, i) => `received ${JSON.stringify(message(i + 1))}`),
    `received ${JSON.stringify("\n")}`,
  ]);
  assert.ok(srv.lines.some((line) => line.startsWith("closed connection from 127.0.0.1:")));
});

Deno.test("framed_server --echo writes every frame back between its heartbeats", async () => {
  await using srv = await startExample(server, [
    "--port",
    "0",
    "--interval",
    "1",
    "--heartbeats",
    "5",
    "--echo",
    "--quiet",
  ]);
  const result = await client([
    "--port",
    `${srv.port}`,
    "--interval",
    "1",
    "--messages",
    "30",
    "--quiet",
  ]);
  const beats = result.received.filter((t) => t.startsWith("message from server"));
  const echoes = result.received.filter((t) => !t.startsWith("message from server"));
  assert.deepEqual(beats, [1, 2, 3, 4, 5].map(heartbeat));
  assert.deepEqual(echoes, [...Array.from({ length: 30 }, (_, i) => message(i + 1)), "\n"]);
  assert.deepEqual(srv.lines.slice(1), [], "--quiet prints only the listening line");
});

Deno.test("framed_server --echo: frames split anywhere come back whole and in order; an oversize header ends the connection", async () => {
  await using srv = await startExample(server, ["--port", "0", "--heartbeats", "0", "--echo"]);
  const frame = (s: string) => {
    const payload = new TextEncoder().encode(s);
    const out = new Uint8Array(4 + payload.length);
    new DataView(out.buffer).setUint32(0, payload.length);
    out.set(payload, 4);
    return out;
  };
  const frames = ["one", "", "three", "x".repeat(5000)].map(frame);
  const wire = new Uint8Array(frames.reduce((n, f) => n + f.length, 0));
  frames.reduce((at, f) => (wire.set(f, at), at + f.length), 0);
  using conn = await Deno.connect({ hostname: "127.0.0.1", port: srv.port });
  conn.setNoDelay(true);
  // Byte by byte through the first frames (partial headers, partial payloads), then the rest at once.
  for (let i = 0; i < 12; i++) {
    await conn.write(wire.subarray(i, i + 1));
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  await conn.write(wire.subarray(12));
  const echoed = new Uint8Array(wire.length);
  for (let got = 0; got < wire.length;) {
    const n = await conn.read(echoed.subarray(got));
    assert.notEqual(n, null, "the echo ended early");
    got += n!;
  }
  assert.deepEqual(echoed, wire);
  // A header announcing more than the 8 MiB limit: the server closes, and says why.
  await conn.write(new Uint8Array([0x01, 0, 0, 0]));
  assert.equal(await conn.read(new Uint8Array(1)), null);
  const received = srv.lines.filter((line) => line.startsWith("received "));
  assert.deepEqual(received.map((line) => line.replace(/ from .*$/, "")), [
    'received "one"',
    'received ""',
    'received "three"',
    `received "${"x".repeat(5000)}"`,
  ]);
  assert.ok(
    srv.lines.some((line) => /closed with error: FrameTooLargeError/.test(line)),
    srv.lines.join("\n"),
  );
});

Deno.test("framed_server speaks tokio-util's LengthDelimitedCodec wire format", async () => {
  await using srv = await startExample(server, [
    "--port",
    "0",
    "--heartbeats",
    "2",
    "--interval",
    "1",
    "--quiet",
  ]);
  const conn = await Deno.connect({ hostname: "127.0.0.1", port: srv.port });
  await conn.write(new Uint8Array([0, 0, 0, 1, 0x0a]));
  await conn.closeWrite();
  const wire = await readToEnd(conn);
  conn.close();
  const frame1 = heartbeat(1);
  assert.deepEqual([...wire.subarray(0, 4)], [0, 0, 0, 0x17]);
  assert.equal(text(wire.subarray(4, 4 + 0x17)), frame1);
  assert.deepEqual([...wire.subarray(27, 31)], [0, 0, 0, 0x17]);
  assert.equal(text(wire.subarray(31)), heartbeat(2));
});

Deno.test("framed_server shuts down gracefully: heartbeats stop, FIN goes out, the client winds down", async () => {
  const srv = await startExample(server, [
    "--port",
    "0",
    "--interval",
    "1",
    "--heartbeats",
    "100000",
    "--quiet",
  ]);
  const conn = await Deno.connect({ hostname: "127.0.0.1", port: srv.port });
  const first = new Uint8Array(27);
  for (let got = 0; got < 27;) got += (await conn.read(first.subarray(got)))!;
  assert.equal(text(first.subarray(4)), heartbeat(1));
  const stopping = srv.stop();
  const rest = await readToEnd(conn); // ends with the server's FIN
  // Only whole heartbeat frames came before the FIN, numbered on from 2.
  let at = 0;
  let next = 2;
  while (at < rest.length) {
    const length = new DataView(rest.buffer, rest.byteOffset + at).getUint32(0);
    assert.equal(text(rest.subarray(at + 4, at + 4 + length)), heartbeat(next++));
    at += 4 + length;
  }
  assert.equal(at, rest.length);
  // Our side is still open after the server's FIN; closing it lets the server finish.
  await conn.write(new Uint8Array([0, 0, 0, 0]));
  conn.close();
  await stopping;
});

Deno.test("framed_server rejects bad flags", () => {
  assert.throws(() => parseFramedServerArgs(["--port", "x"]), RangeError);
  assert.throws(() => parseFramedServerArgs(["--interval", "0"]), RangeError);
  assert.throws(() => parseFramedServerArgs(["--bogus"]));
  assert.throws(() => parseFramedServerArgs(["--max-connections", "0"]), RangeError);
  assert.equal(parseFramedServerArgs(["--max-connections", "3"]).maxConnections, 3);
  assert.deepEqual(parseFramedServerArgs([]), {
    hostname: "127.0.0.1",
    port: 8080,
    interval: 100,
    heartbeats: 99,
    echo: false,
    stats: false,
    maxConnections: 65536,
    quiet: false,
  });
});

Deno.test("framed_server as a program prints the listening line and exits 0 on SIGINT", async () => {
  const server = await spawnExample("framed_server.ts", ["--allow-net=127.0.0.1"], [
    "--port",
    "0",
    "--echo",
    "--heartbeats",
    "0",
    "--quiet",
  ]);
  // One framed echo through the real process.
  const conn = await Deno.connect({ hostname: "127.0.0.1", port: server.port });
  await conn.write(new Uint8Array([0, 0, 0, 2, 7, 8]));
  await conn.closeWrite();
  assert.deepEqual([...await readToEnd(conn)], [0, 0, 0, 2, 7, 8]);
  conn.close();
  assert.equal(await server.stop(), 0);
});
