import assert from "node:assert/strict";
import {
  Framed,
  FramedRead,
  type FramedTransport,
  FramedWrite,
  LengthDelimitedCodec,
} from "@weir/weir/framing";
import { duplex, type Reader } from "@weir/weir/io";
import { text } from "./_codec_util.ts";
import { settle } from "./_io_util.ts";
import { TaggedCodec } from "./_tagged_codec.ts";

const FRAME = 100 * 1024;
const COUNT = 12;
const frames = () => Array.from({ length: COUNT }, (_, i) => new Uint8Array(FRAME).fill(i + 1));

/** Echoes every frame back by piping the split halves, as seed B5c's peer does. */
function echo(transport: FramedTransport): Promise<void> {
  const server = new Framed(transport, new LengthDelimitedCodec());
  const { readable, writable } = server;
  return readable.pipeTo(writable);
}

/** Sends 100 KiB frames while reading the echoes concurrently; checks every byte. */
async function roundTrip(transport: FramedTransport): Promise<void> {
  const client = new Framed(transport, new LengthDelimitedCodec());
  const sent = frames();
  const sending = (async () => {
    for (const frame of sent) await client.send(frame);
    await client.close();
  })();
  const received = await Array.fromAsync(client);
  await sending;
  assert.equal(received.length, COUNT);
  received.forEach((frame, i) => {
    assert.equal(frame.length, FRAME);
    assert.ok(frame.every((b) => b === i + 1), `frame ${i} intact`);
  });
}

function counting(reader: Reader & FramedTransport, counter: { reads: number }): FramedTransport {
  return {
    read: (p: Uint8Array) => {
      counter.reads++;
      return reader.read(p);
    },
    write: (p: Uint8Array) =>
      (reader as unknown as { write(p: Uint8Array): Promise<number> }).write(p),
    closeWrite: () => (reader as unknown as { closeWrite(): Promise<void> }).closeWrite(),
  } as FramedTransport;
}

Deno.test("Framed round-trips 100 KiB frames over duplex, each spanning many reads", async () => {
  using pair = duplex(4096);
  const counter = { reads: 0 };
  const serving = echo(pair[1]);
  await roundTrip(counting(pair[0], counter));
  await serving;
  assert.ok(counter.reads > COUNT * 10, `${counter.reads} reads for ${COUNT} frames`);
});

Deno.test("Framed round-trips 100 KiB frames over TCP", async () => {
  using listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const accepted = listener.accept();
  using client = await Deno.connect({ hostname: "127.0.0.1", port: listener.addr.port });
  using server = await accepted;
  const serving = echo(server);
  await roundTrip(client);
  await serving;
});

Deno.test("Framed round-trips 100 KiB frames over a Unix socket", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/framed.sock`;
    using listener = Deno.listen({ transport: "unix", path });
    const accepted = listener.accept();
    using client = await Deno.connect({ transport: "unix", path });
    using server = await accepted;
    const serving = echo(server);
    await roundTrip(client);
    await serving;
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("Framed works over { readable, writable } stream pairs", async () => {
  const up = new TransformStream<Uint8Array, Uint8Array>();
  const down = new TransformStream<Uint8Array, Uint8Array>();
  const serving = echo({ readable: up.readable, writable: down.writable });
  await roundTrip({ readable: down.readable, writable: up.writable });
  await serving;
});

Deno.test("FramedRead reads 100 KiB frames from a TCP connection's byte stream", async () => {
  using listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const accepted = listener.accept();
  const client = await Deno.connect({ hostname: "127.0.0.1", port: listener.addr.port });
  using server = await accepted;
  const writing = (async () => {
    const writer = new FramedWrite(server, new LengthDelimitedCodec());
    for (const frame of frames()) await writer.feed(frame);
    await writer.close();
  })();
  const received = await Array.fromAsync(
    new FramedRead(client.readable, new LengthDelimitedCodec()),
  );
  await writing;
  assert.deepEqual(received.map((f) => f.length), frames().map((f) => f.length));
  assert.ok(received.every((f, i) => f.every((b) => b === i + 1)));
});

Deno.test("FramedWrite over TCP puts the seed B5s bytes on the wire", async () => {
  using listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const accepted = listener.accept();
  using client = await Deno.connect({ hostname: "127.0.0.1", port: listener.addr.port });
  using server = await accepted;
  const writer = new FramedWrite(server, new LengthDelimitedCodec());
  await writer.send(text("message from server: 1\n"));
  await writer.close();
  const got: number[] = [];
  const p = new Uint8Array(64);
  for (let n = await client.read(p); n !== null; n = await client.read(p)) {
    got.push(...p.subarray(0, n));
  }
  assert.deepEqual(got, [0x00, 0x00, 0x00, 0x17, ...text("message from server: 1\n")]);
});

Deno.test("Framed carries a custom codec (the seed's type-tag + length protocol) over TCP", async () => {
  using listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const accepted = listener.accept();
  using clientConn = await Deno.connect({ hostname: "127.0.0.1", port: listener.addr.port });
  using serverConn = await accepted;
  const server = new Framed(serverConn, new TaggedCodec());
  const serving = (async () => {
    for await (const { type, payload } of server) await server.send({ type: type + 1, payload });
    await server.close();
  })();
  const client = new Framed(clientConn, new TaggedCodec());
  await client.send({ type: 1, payload: text("Hello, Server!") });
  assert.deepEqual((await client.next()).value, { type: 2, payload: text("Hello, Server!") });
  await client.close();
  assert.equal((await client.next()).done, true);
  await serving;
});

Deno.test("Framed.writable makes a producer wait while the peer does not read", async () => {
  using pair = duplex(1024);
  const client = new Framed(pair[0], new LengthDelimitedCodec(), { highWaterMark: 1024 });
  let pulled = 0;
  const producer = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (pulled === 500) return controller.close();
      pulled++;
      controller.enqueue(new Uint8Array(60).fill(pulled % 256));
    },
  }, { highWaterMark: 1 });
  const piping = producer.pipeTo(client.writable);
  for (let i = 0; i < 100; i++) await settle();
  const stalled = pulled;
  for (let i = 0; i < 100; i++) await settle();
  assert.equal(pulled, stalled, "no progress while the peer's buffer is full");
  assert.ok(pulled < 100, `the producer waits (pulled ${pulled} of 500)`);
  const server = new Framed(pair[1], new LengthDelimitedCodec());
  const received = await Array.fromAsync(server);
  await piping;
  assert.equal(received.length, 500);
  received.forEach((frame, i) => assert.equal(frame[0], (i + 1) % 256));
});

Deno.test("Framed is AsyncDisposable: the write side closes and reading ends", async () => {
  using pair = duplex();
  const peer = new Framed(pair[1], new LengthDelimitedCodec());
  {
    await using framed = new Framed(pair[0], new LengthDelimitedCodec());
    await framed.feed(new Uint8Array([1]));
  }
  assert.deepEqual(await Array.fromAsync(peer), [new Uint8Array([1])]);
});
