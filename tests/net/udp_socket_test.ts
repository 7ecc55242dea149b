import assert from "node:assert/strict";
import { type Datagram, DatagramTooLargeError, UdpSocket } from "@weir/weir/net";
import { bytes, NET_MODULE, runScript, text, waitFor } from "../_util/net.ts";

const LOOPBACK = { hostname: "127.0.0.1", port: 0 };

/** Echoes every datagram back to its sender until the socket closes. */
async function echo(socket: UdpSocket, seen?: (d: Datagram) => void): Promise<void> {
  for await (const datagram of socket) {
    seen?.(datagram);
    await socket.sendTo(datagram.data, datagram.addr);
  }
}

Deno.test("UdpSocket echoes datagrams byte for byte, in order for one source", async () => {
  await using server = UdpSocket.bind(LOOPBACK);
  await using client = UdpSocket.bind(LOOPBACK);
  const serving = echo(server);
  const count = 200;
  for (let i = 0; i < count; i++) await client.sendTo(bytes(`datagram ${i}`), server.addr);
  for (let i = 0; i < count; i++) {
    const { data, addr } = await client.recvFrom();
    assert.equal(text(data), `datagram ${i}`);
    assert.equal(addr.port, server.addr.port);
  }
  server.close();
  await serving;
});

Deno.test("UdpSocket recvFrom reports a datagram over maxDatagramLength instead of truncating it", async () => {
  await using server = UdpSocket.bind(LOOPBACK, { maxDatagramLength: 100 });
  await using client = UdpSocket.bind(LOOPBACK);
  await client.sendTo(new Uint8Array(101).fill(1), server.addr);
  await client.sendTo(new Uint8Array(100).fill(2), server.addr);
  await assert.rejects(server.recvFrom(), (error: DatagramTooLargeError) => {
    assert.ok(error instanceof DatagramTooLargeError);
    assert.equal(error.size, 101);
    assert.equal(error.limit, 100);
    assert.equal(error.addr?.port, client.addr.port);
    assert.equal(error.message, "Datagram of 101 bytes exceeds maxDatagramLength 100");
    return true;
  });
  const { data } = await server.recvFrom();
  assert.equal(data.length, 100);
  assert.ok(data.every((b) => b === 2));
});

Deno.test("UdpSocket receives the largest IPv4 datagram whole by default", async () => {
  await using server = UdpSocket.bind(LOOPBACK);
  await using client = UdpSocket.bind(LOOPBACK);
  const big = new Uint8Array(65507).map((_, i) => i % 251);
  await client.sendTo(big, server.addr);
  const { data } = await server.recvFrom();
  assert.deepEqual(data, big);
});

Deno.test("UdpSocket iteration throws DatagramTooLargeError out of the loop, socket still usable", async () => {
  await using server = UdpSocket.bind(LOOPBACK, { maxDatagramLength: 4 });
  await using client = UdpSocket.bind(LOOPBACK);
  await client.sendTo(bytes("too long"), server.addr);
  await assert.rejects(async () => {
    for await (const _ of server) { /* never reached */ }
  }, DatagramTooLargeError);
  await client.sendTo(bytes("ok"), server.addr);
  assert.equal(text((await server.recvFrom()).data), "ok");
});

Deno.test("UdpSocket recvFrom is cancel safe: an aborted call loses no datagram", async () => {
  await using server = UdpSocket.bind(LOOPBACK);
  await using client = UdpSocket.bind(LOOPBACK);
  const controller = new AbortController();
  const aborted = server.recvFrom({ signal: controller.signal });
  const reason = new Error("stop waiting");
  controller.abort(reason);
  await assert.rejects(aborted, (error) => error === reason);
  await client.sendTo(bytes("kept"), server.addr);
  assert.equal(text((await server.recvFrom()).data), "kept");
  await assert.rejects(server.recvFrom({ signal: AbortSignal.abort(reason) }), (e) => e === reason);
});

Deno.test("UdpSocket recvFrom refuses an aborted signal at once, even with a datagram ready, and keeps that datagram", async () => {
  await using server = UdpSocket.bind(LOOPBACK);
  await using client = UdpSocket.bind(LOOPBACK);
  const controller = new AbortController();
  const waiting = server.recvFrom({ signal: controller.signal });
  controller.abort(new Error("gone"));
  await assert.rejects(waiting, /gone/);
  // The receive still in flight takes this datagram and keeps it ready.
  await client.sendTo(bytes("ready"), server.addr);
  await client.flush();
  await new Promise((resolve) => setTimeout(resolve, 20));
  const reason = new Error("aborted before the call");
  await assert.rejects(server.recvFrom({ signal: AbortSignal.abort(reason) }), (e) => e === reason);
  assert.equal(text((await server.recvFrom()).data), "ready");
});

Deno.test("UdpSocket recvFrom serves concurrent callers in call order", async () => {
  await using server = UdpSocket.bind(LOOPBACK);
  await using client = UdpSocket.bind(LOOPBACK);
  const first = server.recvFrom();
  const second = server.recvFrom();
  await client.sendTo(bytes("1"), server.addr);
  await client.sendTo(bytes("2"), server.addr);
  assert.equal(text((await first).data), "1");
  assert.equal(text((await second).data), "2");
});

Deno.test("UdpSocket sendTo waits while the outgoing queue is full; aborted sends queue nothing", async () => {
  await using receiver = UdpSocket.bind(LOOPBACK);
  await using sender = UdpSocket.bind(LOOPBACK, { capacity: 2 });
  // The first datagram goes straight to the system; two more fill the queue.
  assert.equal(sender.trySendTo(bytes("a"), receiver.addr), true);
  assert.equal(sender.trySendTo(bytes("b"), receiver.addr), true);
  assert.equal(sender.trySendTo(bytes("c"), receiver.addr), true);
  assert.equal(sender.queued, 2);
  assert.equal(sender.trySendTo(bytes("dropped"), receiver.addr), false);
  const controller = new AbortController();
  const waiting = sender.sendTo(bytes("aborted"), receiver.addr, { signal: controller.signal });
  const reason = new Error("no room");
  controller.abort(reason);
  await assert.rejects(waiting, (error) => error === reason);
  await assert.rejects(
    sender.sendTo(bytes("x"), receiver.addr, { signal: AbortSignal.abort(reason) }),
    (error) => error === reason,
  );
  const queuedLater = sender.sendTo(bytes("d"), receiver.addr);
  await sender.flush();
  await queuedLater;
  assert.equal(sender.queued, 0);
  const got: string[] = [];
  for (let i = 0; i < 4; i++) got.push(text((await receiver.recvFrom()).data));
  assert.deepEqual(got, ["a", "b", "c", "d"]);
});

Deno.test("UdpSocket send errors are counted and reported, and sending goes on", async () => {
  const failures: [unknown, Datagram][] = [];
  await using receiver = UdpSocket.bind(LOOPBACK);
  await using sender = UdpSocket.bind(LOOPBACK, {
    onSendError: (error, datagram) => failures.push([error, datagram]),
  });
  await sender.sendTo(bytes("nowhere"), { hostname: "127.0.0.1", port: 0 });
  await sender.sendTo(bytes("somewhere"), receiver.addr);
  await sender.flush();
  assert.equal(sender.sendErrors, 1);
  assert.equal(failures.length, 1);
  assert.equal(text(failures[0]![1].data), "nowhere");
  assert.equal(text((await receiver.recvFrom()).data), "somewhere");
});

Deno.test("UdpSocket connect filters recv to the peer and gives send a default destination", async () => {
  await using a = UdpSocket.bind(LOOPBACK);
  await using b = UdpSocket.bind(LOOPBACK);
  await using stranger = UdpSocket.bind(LOOPBACK);
  assert.throws(() => a.send(bytes("x")), TypeError);
  await assert.rejects(a.recv(), TypeError);
  a.connect(b.addr);
  b.connect({ hostname: a.addr.hostname, port: a.addr.port });
  assert.equal(b.peer?.port, a.addr.port);
  await stranger.sendTo(bytes("spam"), b.addr);
  await stranger.flush();
  await a.send(bytes("from a"));
  assert.equal(text(await b.recv()), "from a");
  await b.send(bytes("back"));
  assert.equal(text(await a.recv()), "back");
});

Deno.test("UdpSocket close rejects waiting calls and ends iteration; later calls fail", async () => {
  const socket = UdpSocket.bind(LOOPBACK);
  const pending = socket.recvFrom();
  const iterating = Array.fromAsync(socket);
  const flushed = (async () => {
    await socket.sendTo(bytes("x"), { hostname: "127.0.0.1", port: 9 });
  })();
  await flushed;
  socket.close();
  socket.close();
  await assert.rejects(pending, Deno.errors.BadResource);
  assert.deepEqual(await iterating, []);
  await assert.rejects(socket.recvFrom(), Deno.errors.BadResource);
  await assert.rejects(socket.sendTo(bytes("y"), socket.addr), Deno.errors.BadResource);
  assert.throws(() => socket.trySendTo(bytes("y"), socket.addr), Deno.errors.BadResource);
  await assert.rejects(socket.flush(), Deno.errors.BadResource);
  await socket[Symbol.asyncDispose]();
});

Deno.test("UdpSocket flush waits for queued datagrams and stops waiting on abort or close", async () => {
  await using receiver = UdpSocket.bind(LOOPBACK);
  const sender = UdpSocket.bind(LOOPBACK, { capacity: 8 });
  await sender.flush();
  for (let i = 0; i < 5; i++) await sender.sendTo(bytes(`${i}`), receiver.addr);
  const reason = new Error("impatient");
  await assert.rejects(sender.flush({ signal: AbortSignal.abort(reason) }), (e) => e === reason);
  const controller = new AbortController();
  const abortedFlush = sender.flush({ signal: controller.signal });
  controller.abort(reason);
  await assert.rejects(abortedFlush, (e) => e === reason);
  await sender[Symbol.asyncDispose]();
  const got: string[] = [];
  for (let i = 0; i < 5; i++) got.push(text((await receiver.recvFrom()).data));
  assert.deepEqual(got, ["0", "1", "2", "3", "4"]);

  const closing = UdpSocket.bind(LOOPBACK);
  await closing.sendTo(bytes("last"), receiver.addr);
  const waiting = closing.flush();
  closing.close();
  await assert.rejects(waiting, Deno.errors.BadResource);
});

Deno.test("UdpSocket rejects oversized payloads and bad options", async () => {
  await using socket = UdpSocket.bind(LOOPBACK);
  await assert.rejects(socket.sendTo(new Uint8Array(65536), socket.addr), RangeError);
  const conn = Deno.listenDatagram({ transport: "udp", ...LOOPBACK });
  try {
    for (const maxDatagramLength of [-1, 1.5, 65536]) {
      assert.throws(() => new UdpSocket(conn, { maxDatagramLength }), /maxDatagramLength/);
    }
    for (const capacity of [0, Infinity]) {
      assert.throws(() => new UdpSocket(conn, { capacity }), /capacity/);
    }
  } finally {
    conn.close();
  }
});

Deno.test("UdpSocket serves ten sockets together: each datagram is handled by its own socket only", async () => {
  const sockets = Array.from({ length: 10 }, () => UdpSocket.bind(LOOPBACK));
  const handled = sockets.map(() => 0);
  const serving = sockets.map((socket, k) =>
    echo(socket, (datagram) => {
      handled[k]!++;
      datagram.data = bytes(`${text(datagram.data)} at ${socket.addr.port}`);
    })
  );
  await using client = UdpSocket.bind(LOOPBACK);
  try {
    await client.sendTo(bytes("to 4"), sockets[4]!.addr);
    assert.equal(text((await client.recvFrom()).data), `to 4 at ${sockets[4]!.addr.port}`);
    assert.deepEqual(handled, [0, 0, 0, 0, 1, 0, 0, 0, 0, 0]);
    for (const socket of sockets) await client.sendTo(bytes("all"), socket.addr);
    const replies = new Set<string>();
    for (let i = 0; i < sockets.length; i++) replies.add(text((await client.recvFrom()).data));
    assert.equal(replies.size, 10);
    assert.deepEqual(handled, [1, 1, 1, 1, 2, 1, 1, 1, 1, 1]);
  } finally {
    for (const socket of sockets) socket.close();
    await Promise.all(serving);
  }
});

Deno.test("UdpSocket.bind without --unstable-net throws an error naming the flag (and serve reusePort too)", async () => {
  const script = `
    import { serve, UdpSocket } from ${JSON.stringify(NET_MODULE)};
    for (const attempt of [
      () => UdpSocket.bind({ port: 0 }),
      () => serve({ port: 0, reusePort: true }, () => {}),
    ]) {
      try {
        attempt();
        console.log("no error");
      } catch (error) {
        console.log(error.name + ": " + error.message);
      }
    }
  `;
  const { code, stdout, stderr } = await runScript(script, ["--allow-net", "--allow-read"]);
  assert.equal(code, 0, stderr);
  const lines = stdout.trim().split("\n");
  assert.equal(lines.length, 2);
  for (const line of lines) {
    assert.match(line, /^NotSupported: .* needs Deno's unstable net APIs: run with --unstable-net/);
  }
});

Deno.test("UdpSocket sends and receives many datagrams while both loops run at once", async () => {
  await using server = UdpSocket.bind(LOOPBACK, { capacity: 4 });
  await using client = UdpSocket.bind(LOOPBACK, { capacity: 4 });
  const serving = echo(server);
  const count = 500;
  let received = 0;
  const receiving = (async () => {
    while (received < count) {
      await client.recvFrom();
      received++;
    }
  })();
  // Loopback UDP may drop under load: send in windows that fit the buffers.
  for (let i = 0; i < count; i++) {
    await client.sendTo(bytes(`${i}`), server.addr);
    if (i % 50 === 49) await waitFor(() => received > i - 50, "the window to drain");
  }
  await receiving;
  assert.equal(received, count);
  server.close();
  await serving;
});

Deno.test("UdpSocket trySend returns false when the queue is full and needs a connected socket", async () => {
  await using receiver = UdpSocket.bind(LOOPBACK);
  const sender = UdpSocket.bind(LOOPBACK, { capacity: 1 });
  assert.throws(() => sender.trySend(bytes("x")), TypeError);
  sender.connect(receiver.addr);
  const results = [
    sender.trySend(bytes("1")),
    sender.trySend(bytes("2")),
    sender.trySend(bytes("3")),
  ];
  assert.equal(results[0], true);
  assert.ok(results.includes(false), `${results}`);
  await sender.flush();
  assert.equal(text((await receiver.recvFrom()).data), "1");
  sender.close();
  assert.throws(() => sender.trySend(bytes("late")), Deno.errors.BadResource);
});
