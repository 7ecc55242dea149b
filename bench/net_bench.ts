// net/ benchmarks: echo servers over loopback in this process, weir against
// the hand-written Deno equivalents, driven by one hand-written client.
// Each iteration opens CONNS connections to a fresh server and pushes
// ROUNDS batches of DEPTH frames through each (one batch in flight per
// connection); setup and teardown are outside the timed part.
//
//   deno bench -A bench/net_bench.ts
import { LengthDelimitedCodec } from "@weir/weir/framing";
import { type Connection, FramedDriver, serve, UdpSocket } from "@weir/weir/net";
import type { TelemetryOptions } from "@weir/weir/sync";
import { echo as weirByteEcho } from "../examples/tcp_echo_server.ts";
import { MemoryMeter, MemoryTracer } from "../tests/_util/memory_meter.ts";

const CONNS = 8;
const ROUNDS = 200;
const DEPTH = 16;
const FRAME = 64;

/** A server that echoes on `port` until closed. */
interface EchoServer extends AsyncDisposable {
  port: number;
}

// ---- framed echo servers ----------------------------------------------------

/** weir: a FramedDriver echo, draining every decoded frame without waiting. */
function weirFramedServer(telemetry: TelemetryOptions = {}): EchoServer {
  const server = serve({ hostname: "127.0.0.1", port: 0 }, async (conn) => {
    const driver = new FramedDriver(conn, new LengthDelimitedCodec(), telemetry);
    for (;;) {
      const next = driver.tryRecv() ?? await driver.recv();
      if (next.done) break;
      if (!driver.trySend(next.value)) await driver.send(next.value);
    }
    await driver.close();
    await driver.closed;
  }, telemetry);
  return { port: server.addr.port, [Symbol.asyncDispose]: () => server.shutdown() };
}

/** Hand-written Deno, the way most code is written: one awaited write per frame. */
function naiveFramedServer(): EchoServer {
  return rawServer(async (conn) => {
    let buf = new Uint8Array(65536);
    let start = 0;
    let end = 0;
    for (;;) {
      if (end === buf.length) {
        const bigger = new Uint8Array(buf.length * 2);
        bigger.set(buf.subarray(start, end));
        end -= start;
        start = 0;
        buf = bigger;
      }
      const n = await conn.read(buf.subarray(end));
      if (n === null) break;
      end += n;
      while (end - start >= 4) {
        const len = new DataView(buf.buffer, start, 4).getUint32(0);
        if (end - start < 4 + len) break;
        const out = new Uint8Array(4 + len);
        new DataView(out.buffer).setUint32(0, len);
        out.set(buf.subarray(start + 4, start + 4 + len), 4);
        start += 4 + len;
        for (let off = 0; off < out.length;) off += await conn.write(out.subarray(off));
      }
      if (start === end) start = end = 0;
    }
  });
}

/** Hand-written Deno, tuned: decode in place, one coalesced write per read. */
function tunedFramedServer(): EchoServer {
  return rawServer(async (conn) => {
    const buf = new Uint8Array(65536);
    const view = new DataView(buf.buffer);
    let out = new Uint8Array(65536);
    let start = 0;
    let end = 0;
    for (;;) {
      const n = await conn.read(buf.subarray(end));
      if (n === null) break;
      end += n;
      let w = 0;
      while (end - start >= 4) {
        const len = view.getUint32(start);
        if (end - start < 4 + len) break;
        if (w + 4 + len > out.length) {
          const bigger = new Uint8Array(Math.max(out.length * 2, w + 4 + len));
          bigger.set(out.subarray(0, w));
          out = bigger;
        }
        out.set(buf.subarray(start, start + 4 + len), w);
        w += 4 + len;
        start += 4 + len;
      }
      buf.copyWithin(0, start, end);
      end -= start;
      start = 0;
      for (let off = 0; off < w;) off += await conn.write(out.subarray(off, w));
    }
  });
}

function rawServer(handle: (conn: Deno.Conn) => Promise<void>): EchoServer {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const conns = new Set<Deno.Conn>();
  const accepting = (async () => {
    for await (const conn of listener) {
      conn.setNoDelay(true);
      conns.add(conn);
      handle(conn).catch(() => {}).finally(() => {
        if (conns.delete(conn)) conn.close();
      });
    }
  })();
  return {
    port: listener.addr.port,
    async [Symbol.asyncDispose]() {
      listener.close();
      await accepting;
      for (const conn of conns) conn.close();
      conns.clear();
    },
  };
}

// ---- byte echo servers --------------------------------------------------------

/** weir: the tcp_echo_server example's echo (adaptive buffer over Connection). */
function weirByteServer(): EchoServer {
  const server = serve(
    { hostname: "127.0.0.1", port: 0 },
    (conn: Connection) => weirByteEcho(conn),
  );
  return { port: server.addr.port, [Symbol.asyncDispose]: () => server.shutdown() };
}

/** Hand-written Deno: `conn.read` into 64 KiB, `conn.write` it back. */
function rawByteServer(): EchoServer {
  return rawServer(async (conn) => {
    const buf = new Uint8Array(65536);
    for (let n; (n = await conn.read(buf)) !== null;) {
      for (let off = 0; off < n;) off += await conn.write(buf.subarray(off, n));
    }
  });
}

// ---- the client ----------------------------------------------------------------

function framedBatch(): Uint8Array {
  const batch = new Uint8Array(DEPTH * (4 + FRAME));
  const view = new DataView(batch.buffer);
  for (let i = 0; i < DEPTH; i++) {
    view.setUint32(i * (4 + FRAME), FRAME);
    batch.fill(i + 1, i * (4 + FRAME) + 4, (i + 1) * (4 + FRAME));
  }
  return batch;
}

/** Sends `batch` ROUNDS times on each of CONNS connections, reading each echo whole. */
async function drive(port: number, batch: Uint8Array, conns: Deno.Conn[]): Promise<void> {
  await Promise.all(conns.map(async (conn) => {
    const buf = new Uint8Array(Math.max(65536, batch.length));
    for (let round = 0; round < ROUNDS; round++) {
      for (let off = 0; off < batch.length;) off += await conn.write(batch.subarray(off));
      for (let got = 0; got < batch.length;) {
        const n = await conn.read(buf);
        if (n === null) throw new Error(`port ${port} closed early`);
        got += n;
      }
    }
  }));
}

function tcpBench(
  group: string,
  name: string,
  start: () => EchoServer,
  batch: Uint8Array,
  baseline = false,
): void {
  Deno.bench({
    group,
    name,
    baseline,
    async fn(b) {
      await using server = start();
      const conns = await Promise.all(
        Array.from(
          { length: CONNS },
          () => Deno.connect({ hostname: "127.0.0.1", port: server.port }),
        ),
      );
      for (const conn of conns) conn.setNoDelay(true);
      b.start();
      await drive(server.port, batch, conns);
      b.end();
      for (const conn of conns) conn.close();
    },
  });
}

const FRAMED = `framed echo, ${CONNS} conns x ${ROUNDS} rounds of ${DEPTH} x ${FRAME} B frames`;
tcpBench(FRAMED, "weir FramedDriver, sync drain", weirFramedServer, framedBatch());
tcpBench(FRAMED, "hand-written Deno, coalesced writes", tunedFramedServer, framedBatch(), true);
tcpBench(FRAMED, "hand-written Deno, one write per frame", naiveFramedServer, framedBatch());

// Telemetry off and on, same server. Off: `meter: null, tracer: null`. On:
// Deno's own meter and tracer when run with OTEL_DENO=true (see
// bench/README.md), otherwise in-memory ones that keep every measurement.
const OTEL_ON: TelemetryOptions = Deno.env.get("OTEL_DENO") === "true"
  ? {}
  : { meter: new MemoryMeter(), tracer: new MemoryTracer() };
const TELEMETRY =
  `framed echo, telemetry off/on, ${CONNS} conns x ${ROUNDS} x ${DEPTH} x ${FRAME} B`;
tcpBench(
  TELEMETRY,
  "weir FramedDriver, telemetry off",
  () => weirFramedServer({ meter: null, tracer: null }),
  framedBatch(),
  true,
);
tcpBench(
  TELEMETRY,
  "weir FramedDriver, telemetry on",
  () => weirFramedServer(OTEL_ON),
  framedBatch(),
);

const BYTES = `byte echo, ${CONNS} conns x ${ROUNDS} rounds of 16 KiB`;
const chunk = new Uint8Array(16384).map((_, i) => i & 255);
tcpBench(BYTES, "weir Connection (tcp_echo_server.ts)", weirByteServer, chunk);
tcpBench(BYTES, "hand-written Deno read/write 64 KiB", rawByteServer, chunk, true);

// ---- UDP -----------------------------------------------------------------------

const DATAGRAMS = 2000;
const UDP = `udp echo, ${DATAGRAMS} x 64 B datagrams, 16 in flight`;

/** Sends DATAGRAMS datagrams, keeping 16 in flight, and waits for every echo. */
async function pingUdp(server: Deno.NetAddr): Promise<void> {
  const client = Deno.listenDatagram({ transport: "udp", hostname: "127.0.0.1", port: 0 });
  try {
    const payload = new Uint8Array(64);
    const buf = new Uint8Array(2048);
    let sent = 0;
    for (; sent < 16; sent++) await client.send(payload, server);
    for (let received = 0; received < DATAGRAMS; received++) {
      await client.receive(buf);
      if (sent < DATAGRAMS) {
        await client.send(payload, server);
        sent++;
      }
    }
  } finally {
    client.close();
  }
}

Deno.bench({
  group: UDP,
  name: "weir UdpSocket (udp_echo_server.ts)",
  async fn(b) {
    const socket = UdpSocket.bind({ port: 0 });
    const serving = (async () => {
      for (;;) {
        const { data, addr } = await socket.recvFrom();
        await socket.sendTo(data, addr);
      }
    })().catch(() => {});
    b.start();
    await pingUdp(socket.addr);
    b.end();
    socket.close();
    await serving;
  },
});

Deno.bench({
  group: UDP,
  name: "hand-written Deno listenDatagram",
  baseline: true,
  async fn(b) {
    const socket = Deno.listenDatagram({ transport: "udp", hostname: "127.0.0.1", port: 0 });
    const serving = (async () => {
      for await (const [data, addr] of socket) await socket.send(data, addr);
    })().catch(() => {});
    b.start();
    await pingUdp(socket.addr as Deno.NetAddr);
    b.end();
    socket.close();
    await serving;
  },
});
