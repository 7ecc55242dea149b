import assert from "node:assert/strict";
import { connect, serve, TlsHandshakeError } from "@weir/weir/net";
import { FakeClock } from "@weir/weir/time";
import { bytes, readToEnd, tempSocketPath, waitFor } from "../_util/net.ts";
import { MemoryMeter, MemoryTracer } from "../_util/memory_meter.ts";

const LOOPBACK = { hostname: "127.0.0.1", port: 0 };
const cert = await Deno.readTextFile(new URL("../fixtures/server.pem", import.meta.url));
const key = await Deno.readTextFile(new URL("../fixtures/server.key", import.meta.url));
const ca = await Deno.readTextFile(new URL("../fixtures/ca.pem", import.meta.url));

Deno.test("Server.stats counts accepted and active connections and the bytes of open and closed ones", async () => {
  const release = Promise.withResolvers<void>();
  await using server = serve(LOOPBACK, async (conn) => {
    const got = await readToEnd(conn);
    await conn.writeAll(got.subarray(0, 2));
    await release.promise;
  }, { meter: null, tracer: null });
  assert.equal(server.stats, server.stats, "one live object");
  assert.deepEqual(
    [server.stats.accepted, server.stats.active, server.stats.bytesRead, server.stats.bytesWritten],
    [0, 0, 0, 0],
  );
  const clients = await Promise.all([connect(server.addr), connect(server.addr)]);
  await clients[0]!.writeAll(bytes("abcde"));
  await clients[1]!.writeAll(bytes("xyz"));
  for (const client of clients) await client.closeWrite();
  for (const client of clients) {
    const buf = new Uint8Array(2);
    let got = 0;
    while (got < 2) got += (await client.read(buf.subarray(got)))!;
  }
  // Both handlers hold their connections open: the bytes are live counts.
  assert.equal(server.stats.active, 2);
  assert.equal(server.stats.accepted, 2);
  assert.equal(server.stats.bytesRead, 8);
  assert.equal(server.stats.bytesWritten, 4);
  release.resolve();
  await waitFor(() => server.stats.active === 0, "the handlers to finish");
  // Closed: the totals stay.
  assert.equal(server.stats.bytesRead, 8);
  assert.equal(server.stats.bytesWritten, 4);
  assert.equal(server.stats.errors, 0);
  for (const client of clients) client.close();
});

Deno.test("Server.stats counts an idle close, and the meter sees it with error.type TimeoutError", async () => {
  const clock = new FakeClock();
  const meter = new MemoryMeter();
  const tracer = new MemoryTracer();
  await using server = serve(LOOPBACK, async (conn) => {
    await readToEnd(conn);
  }, { idleTimeout: 100, clock, meter, tracer, onError: () => {} });
  await using client = await connect(server.addr, { meter: null, tracer: null });
  await waitFor(() => server.connections === 1, "the connection");
  assert.equal(server.stats.idleClosed, 0);
  await clock.tick(125);
  await waitFor(() => server.connections === 0, "the idle close");
  assert.equal(server.stats.idleClosed, 1);
  assert.equal(server.stats.errors, 0, "a close by the server is not an error");
  assert.equal(await client.read(new Uint8Array(1)), null);
  assert.equal(meter.value("weir.server.idle_closed_connections"), 1);
  assert.equal(meter.value("weir.server.active_connections"), 0);
  const [duration] = meter.measurements("weir.server.connection.duration");
  assert.equal(duration?.attributes["error.type"], "TimeoutError");
  assert.equal(duration?.attributes["server.port"], server.addr.port);
  assert.equal(tracer.spans.length, 1);
  assert.equal(tracer.spans[0]!.name, "weir.server.connection");
  assert.equal(tracer.spans[0]!.ended, true);
  assert.equal(tracer.spans[0]!.status?.code, 2);
});

Deno.test("Server.stats counts handler errors as reported to onError, each with its error.type", async () => {
  const meter = new MemoryMeter();
  const reported: unknown[] = [];
  await using server = serve(LOOPBACK, (conn) => {
    conn.close();
    throw new RangeError("bad");
  }, { meter, onError: (error) => reported.push(error) });
  for (let i = 0; i < 3; i++) {
    await using client = await connect(server.addr, { meter: null });
    await readToEnd(client).catch(() => {});
  }
  await waitFor(() => server.stats.errors === 3, "three errors");
  assert.equal(reported.length, 3);
  assert.equal(meter.value("weir.server.errors"), 3);
  await waitFor(() => meter.measurements("weir.server.connection.duration").length === 3, "closes");
  for (const m of meter.measurements("weir.server.connection.duration")) {
    assert.equal(m.attributes["error.type"], "RangeError");
    assert.ok(m.value >= 0 && m.value < 60);
  }
});

Deno.test("Server.stats counts TLS handshakes, failed ones, and their durations", async () => {
  const meter = new MemoryMeter();
  const errors: unknown[] = [];
  await using server = serve({ ...LOOPBACK, tls: { cert, key } }, async (conn) => {
    await conn.writeAll(bytes("ok"));
  }, { meter, onError: (error) => errors.push(error) });
  await assert.rejects(connect({ ...server.addr, tls: {} }, { meter: null }), TlsHandshakeError);
  {
    await using conn = await connect(
      { ...server.addr, tls: { caCerts: [ca], serverName: "localhost" } },
      { meter: null },
    );
    assert.equal((await readToEnd(conn)).length, 2);
  }
  await waitFor(() => server.stats.handshakeDuration.count === 2, "both handshakes");
  assert.equal(server.stats.handshakeFailures, 1);
  await waitFor(() => server.stats.errors === 1, "the failure reported");
  assert.ok(errors[0] instanceof TlsHandshakeError);
  const recorded = meter.measurements("weir.server.tls_handshake.duration");
  assert.equal(recorded.length, 2);
  assert.deepEqual(
    recorded.map((m) => m.attributes["error.type"]).sort(),
    ["TlsHandshakeError", undefined],
  );
  assert.equal(meter.instruments.get("weir.server.tls_handshake.duration")?.options?.unit, "s");
});

Deno.test("Server.stats on a Unix socket, and the meter's attributes name the path", async () => {
  const meter = new MemoryMeter();
  await using socket = await tempSocketPath();
  const { path } = socket;
  {
    await using server = serve({ path }, async (conn) => {
      await conn.writeAll(bytes("unix"));
    }, { meter });
    {
      await using conn = await connect({ path }, { meter: null });
      assert.equal((await readToEnd(conn)).length, 4);
    }
    await waitFor(() => server.stats.active === 0, "the close");
    assert.equal(server.stats.bytesWritten, 4);
    assert.equal(
      meter.value("weir.server.network.io", {
        "network.io.direction": "transmit",
        "network.transport": "unix",
        "server.address": path,
      }),
      4,
    );
  }
});

Deno.test("a server's observable instruments are created once per meter and stop reporting at shutdown", async () => {
  const meter = new MemoryMeter();
  const a = serve(LOOPBACK, () => {}, { meter });
  const b = serve(LOOPBACK, () => {}, { meter });
  assert.equal(meter.created.get("weir.server.accepted_connections"), 1);
  assert.equal(
    meter.collect("weir.server.accepted_connections").length,
    2,
    "one series per server",
  );
  await a.shutdown();
  assert.deepEqual(
    meter.collect("weir.server.accepted_connections").map((m) => m.attributes["server.port"]),
    [b.addr.port],
  );
  await b.shutdown();
  assert.deepEqual(meter.collect("weir.server.accepted_connections"), []);
});

Deno.test("Server.stats counts a connection refused when full (whenFull: reject), and the meter reports it", async () => {
  const meter = new MemoryMeter();
  const release = Promise.withResolvers<void>();
  await using server = serve(LOOPBACK, () => release.promise, {
    maxConnections: 1,
    whenFull: "reject",
    meter,
  });
  await using first = await connect(server.addr, { meter: null });
  await waitFor(() => server.stats.active === 1, "the first connection");
  await using second = await connect(server.addr, { meter: null });
  assert.equal((await readToEnd(second)).length, 0, "closed without a word");
  await waitFor(() => server.stats.rejected === 1, "the refusal");
  assert.equal(server.rejected, 1);
  assert.equal(server.stats.accepted, 2);
  assert.equal(server.stats.active, 1, "a refused connection never counts as active");
  assert.equal(meter.value("weir.server.rejected_connections"), 1);
  assert.equal(meter.value("weir.server.accepted_connections"), 2);
  release.resolve();
  assert.equal(await first.read(new Uint8Array(1)), null);
});
