import assert from "node:assert/strict";
import { connect, Connection, serve } from "@weir/weir/net";
import { bytes, readToEnd, waitFor } from "../_util/net.ts";
import { MemoryMeter, MemoryTracer } from "../_util/memory_meter.ts";

const LOOPBACK = { hostname: "127.0.0.1", port: 0 };

Deno.test("Connection.bytesRead and bytesWritten count read, write, writeAll, and the streams", async () => {
  await using server = serve(LOOPBACK, async (conn) => {
    await conn.readable.pipeTo(conn.writable);
  }, { meter: null });
  await using conn = await connect(server.addr, { meter: null });
  assert.deepEqual([conn.bytesRead, conn.bytesWritten], [0, 0]);
  assert.equal(await conn.write(bytes("ab")), 2);
  await conn.writeAll(bytes("cde"));
  await conn.writeAll(new Uint8Array(0));
  const writer = conn.writable.getWriter();
  await writer.write(bytes("fghi"));
  await writer.close(); // half-close
  assert.equal(conn.bytesWritten, 9);
  const echoed = await readToEnd(conn);
  assert.equal(echoed.length, 9);
  assert.equal(conn.bytesRead, 9);
  assert.equal(await conn.read(new Uint8Array(1)), null);
  assert.equal(conn.bytesRead, 9, "the end of stream adds nothing");
});

Deno.test("Connection.bytesWritten counts a 4 MiB writeAll whole, over its short writes", async () => {
  let received = 0;
  await using server = serve(LOOPBACK, async (conn) => {
    received = (await readToEnd(conn, 8 << 20)).length;
  }, { meter: null });
  await using conn = await connect(server.addr, { meter: null });
  await conn.writeAll(new Uint8Array(4 << 20));
  assert.equal(conn.bytesWritten, 4 << 20);
  await conn.closeWrite();
  await readToEnd(conn);
  await waitFor(() => received === 4 << 20, "the server to read it all");
});

Deno.test("Connection.closed resolves at close, also when asked for after it", async () => {
  using listener = Deno.listen(LOOPBACK);
  const accepted = listener.accept();
  const conn = new Connection(await Deno.connect({ port: listener.addr.port }));
  let done = false;
  const closed = conn.closed.then(() => done = true);
  await Promise.resolve();
  assert.equal(done, false);
  conn.close();
  await closed;
  await conn.closed;
  const other = new Connection(await accepted);
  other.close();
  await other.closed;
});

Deno.test("connect with a meter: open connections, bytes, connect and connection durations; a refused dial records its error.type", async () => {
  const meter = new MemoryMeter();
  const tracer = new MemoryTracer();
  await using server = serve(LOOPBACK, async (conn) => {
    await conn.readable.pipeTo(conn.writable);
  }, { meter: null });
  const conn = await connect(server.addr, { meter, tracer });
  assert.equal(meter.value("weir.client.open_connections"), 1);
  await conn.writeAll(bytes("hello"));
  await conn.closeWrite();
  await readToEnd(conn);
  assert.equal(meter.value("weir.client.network.io", { "network.io.direction": "receive" }), 5);
  conn.close();
  await conn.closed;
  await waitFor(
    () => meter.measurements("weir.client.connection.duration").length === 1,
    "the duration at close",
  );
  assert.equal(meter.value("weir.client.open_connections"), 0);
  // A closed connection's bytes stay in the total.
  assert.equal(meter.value("weir.client.network.io", { "network.io.direction": "transmit" }), 5);
  const [connected] = meter.measurements("weir.client.connect.duration");
  assert.equal(connected?.attributes["server.port"], server.addr.port);
  assert.equal(connected?.attributes["error.type"], undefined);
  assert.equal(tracer.spans[0]?.name, "weir.client.connection");
  assert.equal(tracer.spans[0]?.attributes["weir.connection.bytes_read"], 5);
  assert.equal(tracer.spans[0]?.ended, true);

  // Nothing listens on a port just freed: the dial is refused.
  const port = server.addr.port;
  await server.shutdown();
  await assert.rejects(connect({ port }, { meter, tracer }), Deno.errors.ConnectionRefused);
  const refused = meter.measurements("weir.client.connect.duration")[1];
  assert.equal(refused?.attributes["error.type"], "ConnectionRefused");
  assert.equal(tracer.spans[1]?.status?.code, 2);
  assert.equal(tracer.spans[1]?.ended, true);
});
