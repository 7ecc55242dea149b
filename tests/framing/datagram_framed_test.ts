import assert from "node:assert/strict";
import {
  BytesCodec,
  DatagramFramed,
  type DatagramFramedSocket,
  LengthDelimitedCodec,
  LinesCodec,
} from "@weir/weir/framing";
import { UnexpectedEofError } from "@weir/weir/io";
import { DatagramTooLargeError, UdpSocket } from "@weir/weir/net";
import { text } from "./_codec_util.ts";

function sockets(maxDatagramLength?: number): [UdpSocket, UdpSocket] & AsyncDisposable {
  const options = maxDatagramLength === undefined ? {} : { maxDatagramLength };
  const a = UdpSocket.bind({ hostname: "127.0.0.1", port: 0 }, options);
  const b = UdpSocket.bind({ hostname: "127.0.0.1", port: 0 }, options);
  return Object.assign([a, b] as [UdpSocket, UdpSocket], {
    async [Symbol.asyncDispose]() {
      await a.close();
      await b.close();
    },
  });
}

Deno.test("DatagramFramed yields every frame of a datagram with its sender", async () => {
  await using pair = sockets();
  const [a, b] = pair;
  const receiver = new DatagramFramed(b, new LinesCodec());
  await a.sendTo(text("one\ntwo\nthree"), b.addr);
  for (const line of ["one", "two", "three"]) {
    const { value } = await receiver.next();
    assert.equal(value?.[0], line);
    assert.equal(value?.[1].port, a.addr.port);
  }
});

Deno.test("DatagramFramed sends each item as one datagram", async () => {
  await using pair = sockets();
  const [a, b] = pair;
  const sender = new DatagramFramed(a, new LengthDelimitedCodec());
  await sender.send(text("x"), b.addr);
  await sender.send(new Uint8Array(1000), b.addr);
  const { data: first } = await b.recvFrom();
  const { data: second } = await b.recvFrom();
  assert.deepEqual([...first], [0, 0, 0, 1, 0x78]);
  assert.equal(second.length, 1004);
});

Deno.test("DatagramFramed drops a bad datagram after throwing and goes on", async () => {
  await using pair = sockets();
  const [a, b] = pair;
  const receiver = new DatagramFramed(b, new LengthDelimitedCodec());
  await a.sendTo(new Uint8Array([0, 0, 0, 1, 7, 0, 0, 0, 9, 1]), b.addr);
  await a.sendTo(new Uint8Array([0, 0, 0, 1, 8]), b.addr);
  assert.deepEqual((await receiver.next()).value?.[0], new Uint8Array([7]));
  await assert.rejects(receiver.next(), UnexpectedEofError);
  assert.deepEqual((await receiver.next()).value?.[0], new Uint8Array([8]));
});

Deno.test("DatagramFramed frames never span datagrams and stay intact", async () => {
  await using pair = sockets();
  const [a, b] = pair;
  const sender = new DatagramFramed(a, new BytesCodec());
  const receiver = new DatagramFramed(b, new BytesCodec());
  for (let i = 1; i <= 5; i++) await sender.send(new Uint8Array(i * 100).fill(i), b.addr);
  const got: Uint8Array[] = [];
  for (let i = 0; i < 5; i++) got.push((await receiver.next()).value![0]);
  got.forEach((frame, i) => {
    assert.equal(frame.length, (i + 1) * 100);
    assert.ok(frame.every((x) => x === i + 1));
  });
});

Deno.test("DatagramFramed.next() aborted while receiving keeps the datagram for the next call", async () => {
  await using pair = sockets();
  const [a, b] = pair;
  const receiver = new DatagramFramed(b, new LinesCodec());
  const controller = new AbortController();
  const waiting = receiver.next({ signal: controller.signal });
  controller.abort(new Error("give up"));
  await assert.rejects(waiting, /give up/);
  await a.sendTo(text("late\n"), b.addr);
  assert.equal((await receiver.next()).value?.[0], "late");
  await assert.rejects(receiver.next({ signal: AbortSignal.abort(new Error("pre")) }), /pre/);
});

Deno.test("DatagramFramed ends when the socket closes or on return()", async () => {
  const socket = UdpSocket.bind({ hostname: "127.0.0.1", port: 0 });
  const receiver = new DatagramFramed(socket, new LinesCodec());
  const waiting = receiver.next();
  await socket.close();
  await assert.rejects(waiting);
  assert.equal((await receiver.next()).done, true);
  const other = new DatagramFramed(fake(() => new Promise(() => {})), new LinesCodec());
  assert.equal((await other.return()).done, true);
  assert.equal((await other.next()).done, true);
});

function fake(
  recvFrom: () => Promise<{ data: Uint8Array; addr: string }>,
  sendTo: (p: Uint8Array) => Promise<void> = () => Promise.resolve(),
): DatagramFramedSocket<string> {
  return { recvFrom, sendTo };
}

Deno.test("DatagramFramed over UdpSocket: a datagram over the limit is reported, never decoded truncated", async () => {
  await using pair = sockets(8);
  const [a, b] = pair;
  const receiver = new DatagramFramed(b, new LinesCodec());
  await a.sendTo(text("0123456789\n"), b.addr); // 11 bytes: over the 8-byte limit
  await a.sendTo(text("short\n"), b.addr);
  await assert.rejects(receiver.next(), DatagramTooLargeError);
  assert.equal((await receiver.next()).value?.[0], "short");
});

Deno.test("DatagramFramed decodes every frame of a datagram from a socket of its shape", async () => {
  const framed = new DatagramFramed(
    fake(() => Promise.resolve({ data: text("a\nb"), addr: "peer" })),
    new LinesCodec(),
  );
  assert.deepEqual((await framed.next()).value, ["a", "peer"]);
  assert.deepEqual((await framed.next()).value, ["b", "peer"]);
});

Deno.test("DatagramFramed rejects a failed send and an item the encoder refuses", async () => {
  const failing = new DatagramFramed(
    fake(() => new Promise(() => {}), () => Promise.reject(new Deno.errors.BadResource("closed"))),
    new LinesCodec(),
  );
  await assert.rejects(failing.send("hello", "peer"), Deno.errors.BadResource);
  let sent = 0;
  const strict = new DatagramFramed(
    fake(() => new Promise(() => {}), () => (sent++, Promise.resolve())),
    new LengthDelimitedCodec({ maxFrameLength: 2 }),
  );
  await assert.rejects(strict.send(new Uint8Array(3), "peer"), /exceeds maxFrameLength 2/);
  await strict.send(new Uint8Array(2), "peer");
  assert.equal(sent, 1);
  await assert.rejects(
    strict.send(new Uint8Array(1), "peer", { signal: AbortSignal.abort(new Error("no")) }),
    /no/,
  );
});
