import assert from "node:assert/strict";
import { DatagramTooLargeError, UdpSocket } from "@weir/weir/net";
import { MemoryMeter, MemoryTracer } from "../_util/memory_meter.ts";
import { waitFor } from "../_util/net.ts";

const LOOPBACK = { hostname: "127.0.0.1", port: 0 };

Deno.test("UdpSocket counts datagrams each way and a truncated datagram, which the next receive skips", async () => {
  await using a = UdpSocket.bind(LOOPBACK, { meter: null });
  await using b = UdpSocket.bind(LOOPBACK, { maxDatagramLength: 8, meter: null });
  await a.sendTo(new Uint8Array(8), b.addr);
  await a.sendTo(new Uint8Array(9), b.addr); // one byte over: would be cut short
  await a.sendTo(new Uint8Array(1), b.addr);
  await a.flush();
  assert.equal(a.datagramsSent, 3);
  assert.equal((await b.recvFrom()).data.length, 8);
  await assert.rejects(b.recvFrom(), DatagramTooLargeError);
  assert.equal((await b.recvFrom()).data.length, 1);
  assert.deepEqual(
    [b.datagramsReceived, b.datagramsTruncated, b.datagramsDropped, b.datagramsSent],
    [2, 1, 0, 0],
  );
  assert.equal(a.datagramsReceived, 0);
});

Deno.test("UdpSocket counts as dropped a stranger's datagram skipped by recv, and what close discards", async () => {
  await using a = UdpSocket.bind(LOOPBACK, { meter: null });
  const b = UdpSocket.bind(LOOPBACK, { capacity: 4, meter: null });
  await using stranger = UdpSocket.bind(LOOPBACK, { meter: null });
  b.connect(a.addr);
  await stranger.sendTo(new Uint8Array([9]), b.addr);
  await stranger.flush();
  await a.sendTo(new Uint8Array([1]), b.addr);
  assert.deepEqual([...await b.recv()], [1]);
  assert.equal(b.datagramsDropped, 1);
  assert.equal(b.datagramsReceived, 2, "the stranger's datagram was received, then dropped");
  // A receive whose caller gave up keeps its datagram for the next call;
  // closing then drops it.
  const controller = new AbortController();
  const waiting = b.recvFrom({ signal: controller.signal });
  controller.abort();
  await assert.rejects(waiting);
  await a.sendTo(new Uint8Array([2]), b.addr);
  await waitFor(() => b.datagramsReceived === 3, "the datagram to land");
  // Queued datagrams that never leave: fill the queue faster than it drains, then close.
  let queued = 0;
  while (b.trySendTo(new Uint8Array([3]), a.addr)) queued++;
  const unsent = b.queued;
  assert.ok(queued >= 1 && unsent >= 1);
  b.close();
  assert.equal(b.datagramsDropped, 1 + 1 + unsent);
});

Deno.test("UdpSocket with a meter: one series per instrument for all sockets, a span per socket", async () => {
  const meter = new MemoryMeter();
  const tracer = new MemoryTracer();
  const a = UdpSocket.bind(LOOPBACK, { meter, tracer });
  const b = UdpSocket.bind(LOOPBACK, { meter, tracer, maxDatagramLength: 2 });
  assert.equal(meter.value("weir.udp.open_sockets"), 2);
  await a.sendTo(new Uint8Array(1), b.addr);
  await a.sendTo(new Uint8Array(3), b.addr);
  await a.flush();
  await b.recvFrom();
  await assert.rejects(b.recvFrom(), DatagramTooLargeError);
  assert.equal(meter.value("weir.udp.datagrams", { "network.io.direction": "transmit" }), 2);
  assert.equal(meter.value("weir.udp.datagrams", { "network.io.direction": "receive" }), 1);
  assert.equal(meter.value("weir.udp.truncated_datagrams"), 1);
  assert.equal(meter.value("weir.udp.queued_datagrams"), 0);
  a.close();
  b.close();
  // Closed sockets' counts stay in the totals; the gauges drop to zero.
  assert.equal(meter.value("weir.udp.open_sockets"), 0);
  assert.equal(meter.value("weir.udp.datagrams", { "network.io.direction": "transmit" }), 2);
  assert.equal(meter.value("weir.udp.truncated_datagrams"), 1);
  assert.equal(meter.created.get("weir.udp.datagrams"), 1);
  assert.deepEqual(tracer.spans.map((s) => [s.name, s.ended]), [
    ["weir.udp.socket", true],
    ["weir.udp.socket", true],
  ]);
  assert.equal(tracer.spans[1]!.attributes["weir.udp.datagrams_truncated"], 1);
});
