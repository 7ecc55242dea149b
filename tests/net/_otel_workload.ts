// Run by otel_export_test.ts in a subprocess with OTEL_DENO=true: serves and
// connects on loopback, prints the counters it read directly (final by
// then), and keeps everything open, exporting, until its stdin closes.
import { LinesCodec } from "@weir/weir/framing";
import { duplex } from "@weir/weir/io";
import { connect, FramedDriver, serve, UdpSocket } from "@weir/weir/net";
import { Pool } from "@weir/weir/sync";

const payload = new Uint8Array(1000).fill(7);

const echo = serve({ hostname: "127.0.0.1", port: 0 }, async (conn) => {
  const first = new Uint8Array(1);
  if (await conn.read(first) === null) return;
  if (first[0] === 0xff) throw new Error("bad request");
  await conn.writeAll(first);
  await conn.readable.pipeTo(conn.writable);
}, { onError: () => {} });

for (let i = 0; i < 3; i++) {
  await using conn = await connect(echo.addr);
  await conn.writeAll(payload);
  await conn.closeWrite();
  await new Response(conn.readable).arrayBuffer();
}
{
  await using conn = await connect(echo.addr);
  await conn.writeAll(new Uint8Array([0xff]));
  await new Response(conn.readable).arrayBuffer();
}

// A full server: the second connection is refused.
const release = Promise.withResolvers<void>();
const full = serve({ hostname: "127.0.0.1", port: 0 }, () => release.promise, {
  maxConnections: 1,
  whenFull: "reject",
});
{
  await using first = await connect(full.addr);
  while (full.stats.active === 0) await new Promise((r) => setTimeout(r, 5));
  await using second = await connect(full.addr);
  await new Response(second.readable).arrayBuffer(); // closed by the server
  release.resolve();
  await new Response(first.readable).arrayBuffer();
}

const idle = serve({ hostname: "127.0.0.1", port: 0 }, async (_conn, { signal }) => {
  await new Promise((resolve) => signal.addEventListener("abort", resolve));
}, { idleTimeout: 20 });
{
  await using conn = await connect(idle.addr);
  await new Response(conn.readable).arrayBuffer(); // ends when the server closes it
}

const cert = await Deno.readTextFile(new URL("../fixtures/server.pem", import.meta.url));
const key = await Deno.readTextFile(new URL("../fixtures/server.key", import.meta.url));
const ca = await Deno.readTextFile(new URL("../fixtures/ca.pem", import.meta.url));
const tls = serve({ hostname: "127.0.0.1", port: 0, tls: { cert, key } }, async (conn) => {
  await conn.writeAll(new TextEncoder().encode("tls"));
}, { onError: () => {} });
{
  await using conn = await connect({
    ...tls.addr,
    tls: { caCerts: [ca], serverName: "localhost" },
  });
  await new Response(conn.readable).arrayBuffer();
}
await connect({ ...tls.addr, tls: {} }).then((conn) => conn.close(), () => {});

// UDP: three datagrams each way, one too large.
const udpA = UdpSocket.bind({ port: 0 });
const udpB = UdpSocket.bind({ port: 0 }, { maxDatagramLength: 100 });
for (const size of [10, 200, 20, 30]) await udpA.sendTo(new Uint8Array(size), udpB.addr);
await udpA.flush();
for (let i = 0; i < 4; i++) {
  const got = await udpB.recvFrom().catch(() => undefined);
  if (got !== undefined) await udpB.sendTo(got.data, got.addr);
}
await udpB.flush();
for (let i = 0; i < 3; i++) await udpA.recvFrom();

// Two drivers: five lines one way, two back.
const [left, right] = duplex();
const a = new FramedDriver(left, new LinesCodec());
const b = new FramedDriver(right, new LinesCodec());
for (let i = 0; i < 5; i++) await a.send(`line ${i}`);
for (let i = 0; i < 5; i++) await b.recv();
for (let i = 0; i < 2; i++) await b.send(`back ${i}`);
for (let i = 0; i < 2; i++) await a.recv();
await a.close();
await b.close();
await Promise.all([a.closed, b.closed]);

// A pool: one acquire waits for the lease held.
const pool = new Pool({ create: () => ({}), max: 1 });
const held = await pool.acquire();
const waiting = pool.acquire();
setTimeout(() => held.release(), 20);
(await waiting).release();

for (const server of [echo, idle, tls, full]) {
  while (server.stats.active > 0) await new Promise((r) => setTimeout(r, 5));
}
const report = Object.fromEntries(
  Object.entries({ echo, idle, tls, full }).map(([name, server]) => {
    const { accepted, active, rejected, idleClosed, handshakeFailures, errors } = server.stats;
    return [name, {
      port: server.addr.port,
      accepted,
      active,
      rejected,
      idleClosed,
      handshakeFailures,
      errors,
      bytesRead: server.stats.bytesRead,
      bytesWritten: server.stats.bytesWritten,
      handshakes: server.stats.handshakeDuration.count,
    }];
  }),
);
console.log(JSON.stringify({
  servers: report,
  udp: {
    received: udpA.datagramsReceived + udpB.datagramsReceived,
    sent: udpA.datagramsSent + udpB.datagramsSent,
    truncated: udpB.datagramsTruncated,
  },
  pool: { waits: pool.waitTime.count, idle: pool.idle },
  drivers: {
    framesRead: a.framesRead + b.framesRead,
    framesWritten: a.framesWritten + b.framesWritten,
  },
}));
// The test has seen exports made after this report: shut down.
await Deno.stdin.readable.pipeTo(new WritableStream());
await Promise.all([
  echo.shutdown(),
  idle.shutdown(),
  tls.shutdown(),
  full.shutdown(),
  pool.drain(),
]);
udpA.close();
udpB.close();
