import assert from "node:assert/strict";
import { LengthDelimitedCodec, LinesCodec } from "@weir/weir/framing";
import { duplex } from "@weir/weir/io";
import { connect, FramedDriver, serve } from "@weir/weir/net";
import { MemoryMeter, MemoryTracer } from "../_util/memory_meter.ts";

Deno.test("FramedDriver counts frames each way and its queues", async () => {
  const [a, b] = duplex();
  const left = new FramedDriver(a, new LinesCodec(), { meter: null, tracer: null });
  const right = new FramedDriver(b, new LinesCodec(), { meter: null, tracer: null });
  for (let i = 0; i < 5; i++) await left.send(`line ${i}`);
  assert.equal(left.framesWritten, 5);
  for (let i = 0; i < 5; i++) assert.equal((await right.recv()).value, `line ${i}`);
  assert.equal(right.framesRead, 5);
  assert.equal(right.inboundBuffered, 0);
  assert.equal(left.framesRead, 0);
  await left.close();
  await right.close();
  await Promise.all([left.closed, right.closed]);
});

Deno.test("FramedDriver with a meter: one series for all drivers, closed drivers' frames kept, a span each", async () => {
  const meter = new MemoryMeter();
  const tracer = new MemoryTracer();
  await using server = serve({ hostname: "127.0.0.1", port: 0 }, async (conn) => {
    const driver = new FramedDriver(conn, new LengthDelimitedCodec(), { meter, tracer });
    for await (const frame of driver) await driver.send(frame);
    await driver.close();
    await driver.closed;
  }, { meter: null, tracer: null });
  for (let c = 0; c < 2; c++) {
    const client = new FramedDriver(
      await connect(server.addr, { meter: null }),
      new LengthDelimitedCodec(),
      {
        meter: null,
      },
    );
    for (let i = 0; i < 3; i++) await client.send(new Uint8Array([i]));
    for (let i = 0; i < 3; i++) await client.recv();
    await client.close();
    await client.closed;
  }
  // Both server-side drivers closed: their counts stay, the gauges are back to zero.
  for (let i = 0; i < 100 && tracer.spans.filter((s) => s.ended).length < 2; i++) {
    await new Promise((r) => setTimeout(r, 5));
  }
  assert.equal(meter.value("weir.driver.frames", { "network.io.direction": "receive" }), 6);
  assert.equal(meter.value("weir.driver.frames", { "network.io.direction": "transmit" }), 6);
  assert.equal(meter.value("weir.driver.open_drivers"), 0);
  assert.equal(meter.value("weir.driver.buffered", { "network.io.direction": "transmit" }), 0);
  assert.equal(meter.created.get("weir.driver.frames"), 1);
  assert.deepEqual(
    tracer.spans.map((s) => [s.name, s.ended, s.attributes["weir.driver.frames_read"]]),
    [
      ["weir.driver", true, 3],
      ["weir.driver", true, 3],
    ],
  );
});

Deno.test("FramedDriver with a tracer: an aborted driver's span ends with the error", async () => {
  const tracer = new MemoryTracer();
  const [a, b] = duplex();
  const driver = new FramedDriver(a, new LinesCodec(), { tracer, meter: null });
  driver.abort(new Error("gone"));
  await assert.rejects(driver.closed, { message: "gone" });
  b.close();
  await new Promise((r) => setTimeout(r, 0));
  assert.equal(tracer.spans[0]?.ended, true);
  assert.equal(tracer.spans[0]?.status?.code, 2);
});
