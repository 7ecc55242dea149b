import assert from "node:assert/strict";
import {
  connect,
  Connection,
  ConnectionDriver,
  type DriverTransport,
  FramedDriver,
  serve,
} from "@weir/weir/net";
import { FrameTooLargeError, LengthDelimitedCodec, LinesCodec } from "@weir/weir/framing";
import { duplex } from "@weir/weir/io";
import { ChannelClosedError } from "@weir/weir/sync";
import { bytes, rawPair, readToEnd, text, waitFor } from "../_util/net.ts";

/** A transport that records every write it passes on. */
function recording(inner: DriverTransport): DriverTransport & { writes: Uint8Array[] } {
  const writes: Uint8Array[] = [];
  return {
    writes,
    read: (p) => inner.read(p),
    write: async (p) => {
      const n = await inner.write(p);
      writes.push(p.slice(0, n));
      return n;
    },
    closeWrite: () => inner.closeWrite(),
    close: () => inner.close(),
  };
}

Deno.test("ConnectionDriver sendWithAck resolves only after the bytes were written, in send order", async () => {
  const [a, b] = duplex(16);
  const driver = new ConnectionDriver(a);
  const order: number[] = [];
  const first = driver.sendWithAck(new Uint8Array(40).fill(1)).then(() => order.push(1));
  await driver.send(new Uint8Array(8).fill(2));
  const third = driver.sendWithAck(new Uint8Array(8).fill(3)).then(() => order.push(3));
  const buf = new Uint8Array(64);
  assert.equal(await b.read(buf.subarray(0, 16)), 16);
  await new Promise((resolve) => setTimeout(resolve, 5)); // the writer takes the room it got
  assert.deepEqual(order, [], "40 bytes cannot all be written yet");
  let got = 16;
  while (got < 56) got += (await b.read(buf.subarray(got)))!;
  await Promise.all([first, third]);
  assert.deepEqual(order, [1, 3]);
  assert.deepEqual([...buf.subarray(0, 56)], [
    ...Array(40).fill(1),
    ...Array(8).fill(2),
    ...Array(8).fill(3),
  ]);
  await driver.close();
  b.close();
  await driver.closed;
});

Deno.test("ConnectionDriver close flushes every queued message before FIN", async () => {
  const [a, b] = duplex(64);
  const driver = new ConnectionDriver(a);
  const expected: string[] = [];
  for (let i = 1; i <= 150; i++) {
    const line = `client message: ${i}\n`;
    expected.push(line);
    assert.equal(driver.trySend(bytes(line)), true);
  }
  const closed = driver.close();
  // FIN comes only after the last queued byte: the peer reads it all, then EOF.
  assert.equal(text(await readToEnd(b)), expected.join(""));
  await closed;
  await assert.rejects(driver.send(bytes("late")), ChannelClosedError);
  b.close();
  await driver.closed;
});

Deno.test("ConnectionDriver coalesces everything queued into one write", async () => {
  const [a, b] = duplex();
  const transport = recording(a);
  const driver = new ConnectionDriver(transport);
  for (let i = 0; i < 50; i++) driver.trySend(bytes(`m${i};`));
  await driver.close();
  assert.equal(transport.writes.length, 1);
  assert.equal(text(transport.writes[0]!).split(";").length, 51);
  b.close();
  await driver.closed;
});

Deno.test("ConnectionDriver send waits while highWaterMark bytes are queued", async () => {
  const [a, b] = duplex(1 << 20);
  const transport = recording(a);
  const driver = new ConnectionDriver(transport, { highWaterMark: 100 });
  let queued = 0;
  while (driver.trySend(new Uint8Array(10))) queued++;
  assert.equal(queued, 10, "the 11th message would pass highWaterMark");
  assert.equal(driver.buffered, 100);
  for (let i = 0; i < 40; i++) await driver.send(new Uint8Array(10));
  await driver.close();
  assert.ok(transport.writes.every((w) => w.length <= 110));
  assert.equal(transport.writes.reduce((n, w) => n + w.length, 0), 500);
  b.close();
  await driver.closed;
});

Deno.test("ConnectionDriver keeps messages whole when many tasks send at once", async () => {
  const [a, b] = duplex(100);
  const driver = new ConnectionDriver(a, { highWaterMark: 64 });
  const tasks = Array.from({ length: 8 }, async (_, t) => {
    for (let i = 0; i < 25; i++) {
      await driver.send(
        bytes(`${t}-${i}:${String.fromCharCode(97 + t).repeat(1 + (i * 7) % 50)}\n`),
      );
    }
  });
  const reading = readToEnd(b);
  await Promise.all(tasks);
  await driver.close();
  const lines = text(await reading).trimEnd().split("\n");
  assert.equal(lines.length, 200);
  const next = Array(8).fill(0);
  for (const line of lines) {
    const [, t, i, body] = line.match(/^(\d)-(\d+):([a-h]+)$/)!;
    assert.equal(Number(i), next[Number(t)]++, "per-sender order");
    assert.equal(body, String.fromCharCode(97 + Number(t)).repeat(1 + (Number(i) * 7) % 50));
  }
  b.close();
  await driver.closed;
});

Deno.test("ConnectionDriver send waits while the queue is full; an aborted send queues nothing", async () => {
  const [a, b] = duplex(4);
  const driver = new ConnectionDriver(a, { highWaterMark: 1 });
  await driver.send(bytes("aaaaaaaa")); // written at once, blocked on the pipe
  await driver.send(bytes("b")); // queued behind it: the queue is full
  assert.equal(driver.buffered, 9);
  assert.equal(driver.trySend(bytes("c")), false);
  const controller = new AbortController();
  const waiting = driver.send(bytes("dropped"), { signal: controller.signal });
  controller.abort(new Error("gave up"));
  await assert.rejects(waiting, { message: "gave up" });
  await assert.rejects(
    driver.sendWithAck(bytes("x"), { signal: AbortSignal.abort(new Error("early")) }),
    { message: "early" },
  );
  const closing = driver.close();
  assert.equal(text(await readToEnd(b)), "aaaaaaaab");
  await closing;
  b.close();
  await driver.closed;
});

Deno.test("ConnectionDriver keeps reading while its writes are blocked by a peer that does not read", async () => {
  await using pair = await rawPair("tcp");
  const driver = new ConnectionDriver(new Connection(pair.client), { highWaterMark: 1 << 20 });
  const big = new Uint8Array(1 << 20);
  // Queue far more than the socket buffers hold; the server never reads.
  const sending = (async () => {
    for (let i = 0; i < 32; i++) await driver.send(big);
  })();
  sending.catch(() => {});
  const lines = 200;
  const serverWrites = (async () => {
    for (let i = 1; i <= lines; i++) await pair.server.write(bytes(`message from server: ${i}\n`));
  })();
  let received = "";
  while (!received.endsWith(`message from server: ${lines}\n`)) {
    const next = await driver.recv();
    assert.equal(next.done, false);
    received += text(next.value!);
  }
  await serverWrites;
  assert.ok(driver.buffered > 0, "the writer is still blocked");
  driver.abort();
  await assert.rejects(sending);
  await assert.rejects(driver.closed);
});

Deno.test("ConnectionDriver stops reading ahead at inboundHighWaterMark bytes", async () => {
  const [a, b] = duplex(32);
  const driver = new ConnectionDriver(a, { inboundHighWaterMark: 16, minReadSize: 8 });
  let written = 0;
  const writing = (async () => {
    while (written < 200) written += await b.write(new Uint8Array(200 - written));
    await b.closeWrite();
  })();
  // 16 bytes read ahead (plus one read) and the pipe's 32 bytes: the peer must stall.
  await waitFor(() => b.buffered === 0 && written > 0, "the first reads");
  await new Promise((resolve) => setTimeout(resolve, 10));
  assert.ok(written < 200, `the peer wrote ${written} bytes without stalling`);
  let total = 0;
  for await (const chunk of driver) total += chunk.length;
  assert.equal(total, 200);
  await writing;
  await driver.close();
  b.close();
  await driver.closed;
});

Deno.test("FramedDriver delivers frames in order and ends when the peer closes", async () => {
  const [a, b] = duplex(7);
  const left = new FramedDriver(a, new LinesCodec());
  const right = new FramedDriver(b, new LinesCodec());
  const sent = Array.from({ length: 100 }, (_, i) => `line ${i}`);
  for (const line of sent) await left.send(line);
  await left.close();
  assert.deepEqual(await Array.fromAsync(right), sent);
  await right.close();
  await Promise.all([left.closed, right.closed]);
  assert.deepEqual(await left.recv(), { done: true, value: undefined });
});

Deno.test("FramedDriver tryRecv drains a burst without waiting", async () => {
  const [a, b] = duplex();
  const driver = new FramedDriver(a, new LinesCodec());
  await b.write(bytes("1\n2\n3\n"));
  const first = await driver.recv();
  assert.deepEqual(first, { done: false, value: "1" });
  const rest: string[] = [];
  for (let r; (r = driver.tryRecv()) !== undefined && !r.done;) rest.push(r.value);
  assert.deepEqual(rest, ["2", "3"]);
  await b.closeWrite();
  assert.equal((await driver.recv()).done, true);
  await driver.close();
  b.close();
  await driver.closed;
});

Deno.test("FramedDriver decode error is thrown after the frames before it, ends only the inbound side, and rejects closed", async () => {
  const [a, b] = duplex();
  const driver = new FramedDriver(a, new LengthDelimitedCodec({ maxFrameLength: 10 }));
  const acked = driver.sendWithAck(new Uint8Array(5));
  await b.write(new Uint8Array([0, 0, 0, 2, 7, 7, 0, 0, 0, 99]));
  const first = await driver.recv();
  assert.deepEqual(first.done ? [] : [...first.value], [7, 7]);
  await assert.rejects(driver.recv(), FrameTooLargeError);
  assert.equal((await driver.recv()).done, true, "the error is thrown once");
  await acked;
  // Sending stays open: a protocol-error reply still goes out, then FIN.
  await driver.send(new Uint8Array([0xee]));
  await driver.close();
  assert.deepEqual([...await readToEnd(b)], [0, 0, 0, 5, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0xee]);
  await assert.rejects(driver.closed, FrameTooLargeError);
  b.close();
});

Deno.test("FramedDriver an encode error rejects that send only; nothing of it is queued", async () => {
  const [a, b] = duplex();
  const driver = new FramedDriver(a, new LengthDelimitedCodec({ maxFrameLength: 4 }));
  await assert.rejects(driver.sendWithAck(new Uint8Array(5)), FrameTooLargeError);
  await assert.rejects(driver.send(new Uint8Array(5)), FrameTooLargeError);
  assert.throws(() => driver.trySend(new Uint8Array(5)), FrameTooLargeError);
  assert.equal(driver.buffered, 0);
  await driver.send(new Uint8Array([1, 2]));
  await driver.close();
  assert.deepEqual([...await readToEnd(b)], [0, 0, 0, 2, 1, 2]);
  await assert.rejects(driver.send(new Uint8Array(1)), ChannelClosedError);
  assert.throws(() => driver.trySend(new Uint8Array(1)), ChannelClosedError);
  b.close();
  await driver.closed;
});

Deno.test("FramedDriver an encode error of a send that waited for room rejects that send", async () => {
  const [a, b] = duplex(2);
  const driver = new FramedDriver(a, new LengthDelimitedCodec({ maxFrameLength: 4 }), {
    highWaterMark: 1,
  });
  await driver.send(new Uint8Array([1])); // in flight, blocked on the 2-byte pipe
  await driver.send(new Uint8Array([2])); // fills the queue
  const bad = driver.send(new Uint8Array(5)); // waits for room, then fails to encode
  const good = driver.send(new Uint8Array([3]));
  const reading = readToEnd(b);
  await assert.rejects(bad, FrameTooLargeError);
  await good;
  await driver.close();
  assert.deepEqual([...await reading], [0, 0, 0, 1, 1, 0, 0, 0, 1, 2, 0, 0, 0, 1, 3]);
  b.close();
  await driver.closed;
});

Deno.test("ConnectionDriver write failure (peer gone) rejects acks and done", async () => {
  const [a, b] = duplex(4);
  const driver = new ConnectionDriver(a);
  const acked = driver.sendWithAck(new Uint8Array(100));
  b.close();
  await assert.rejects(acked, Deno.errors.BrokenPipe);
  await assert.rejects(driver.closed, Deno.errors.BrokenPipe);
  await assert.rejects(driver.close(), Deno.errors.BrokenPipe);
});

Deno.test("ConnectionDriver abort stops at once: queued acks reject with the reason", async () => {
  const [a, b] = duplex(4);
  const driver = new ConnectionDriver(a);
  const inFlight = driver.sendWithAck(new Uint8Array(100));
  await waitFor(() => b.buffered === 4, "the first write to fill the pipe");
  const queued = driver.sendWithAck(new Uint8Array(1));
  const reason = new Error("hard stop");
  driver.abort(reason);
  driver.abort(new Error("ignored"));
  for (const pending of [inFlight, queued, driver.closed]) {
    await assert.rejects(pending, (error) => error === reason);
  }
  await assert.rejects(driver.recv(), (error) => error === reason);
  assert.equal((await driver.recv()).done, true);
  assert.equal(b.buffered, 4);
  b.close();
});

Deno.test("FramedDriver breaking out of iteration drops later data without blocking the peer", async () => {
  const [a, b] = duplex(16);
  const driver = new FramedDriver(a, new LinesCodec(), { inboundHighWaterMark: 1 });
  const writing = (async () => {
    for (let i = 0; i < 100; i++) await b.write(bytes(`line ${i}\n`));
    await b.closeWrite();
  })();
  for await (const line of driver) {
    assert.equal(line, "line 0");
    break;
  }
  await writing; // the peer never stalls on the abandoned inbound side
  await driver.close();
  assert.equal(await b.read(new Uint8Array(1)), null);
  b.close();
  await driver.closed;
});

Deno.test("FramedDriver await using flushes, sends FIN and closes without waiting for the peer", async () => {
  const [a, b] = duplex();
  {
    await using driver = new FramedDriver(a, new LinesCodec());
    await driver.send("bye");
  }
  assert.equal(text(await readToEnd(b)), "bye\n");
  await assert.rejects(b.write(bytes("x")), Deno.errors.BrokenPipe);
  b.close();
});

Deno.test("FramedDriver close honours an abort signal but keeps flushing", async () => {
  const [a, b] = duplex(4);
  const driver = new ConnectionDriver(a);
  await driver.send(new Uint8Array(12).fill(5));
  const reason = new Error("no time");
  await assert.rejects(driver.close({ signal: AbortSignal.abort(reason) }), (e) => e === reason);
  const controller = new AbortController();
  const closing = driver.close({ signal: controller.signal });
  controller.abort(reason);
  await assert.rejects(closing, (e) => e === reason);
  assert.deepEqual([...await readToEnd(b)], Array(12).fill(5));
  b.close();
  await driver.closed;
});

Deno.test("FramedDriver rejects bad options with RangeError naming them", () => {
  for (const name of ["highWaterMark", "inboundHighWaterMark", "minReadSize", "maxReadSize"]) {
    for (const value of [0, -1, 1.5, NaN]) {
      const [a, b] = duplex();
      assert.throws(
        () => new ConnectionDriver(a, { [name]: value }),
        (error: Error) => error instanceof RangeError && error.message.includes(name),
      );
      a.close();
      b.close();
    }
  }
});

Deno.test("FramedDriver runs the seed's framed half-close choreography over TCP", async () => {
  const codec = () => new LengthDelimitedCodec();
  const serverSeen: string[] = [];
  await using server = serve({ hostname: "127.0.0.1", port: 0 }, async (conn) => {
    const driver = new FramedDriver(conn, codec());
    for (let i = 1; i <= 5; i++) await driver.send(bytes(`message from server: ${i}\n`));
    for await (const frame of driver) serverSeen.push(text(frame));
    await driver.close(); // the client's FIN came: close our side too
    await driver.closed;
  });
  const client = new FramedDriver(await connect(server.addr), codec());
  for (let i = 1; i <= 5; i++) await client.send(bytes(`client message: ${i}\n`));
  await client.send(bytes("\n"));
  await client.close(); // flush, then FIN
  const received = (await Array.fromAsync(client)).map(text);
  await client.closed;
  assert.deepEqual(received, [1, 2, 3, 4, 5].map((i) => `message from server: ${i}\n`));
  assert.deepEqual(serverSeen, [...[1, 2, 3, 4, 5].map((i) => `client message: ${i}\n`), "\n"]);
});

Deno.test("FramedDriver recv is cancel safe: an aborted recv takes no frame", async () => {
  const [a, b] = duplex();
  const driver = new FramedDriver(a, new LinesCodec());
  const controller = new AbortController();
  const waiting = driver.recv({ signal: controller.signal });
  const reason = new Error("not now");
  controller.abort(reason);
  await assert.rejects(waiting, (error) => error === reason);
  await assert.rejects(driver.recv({ signal: AbortSignal.abort(reason) }), (e) => e === reason);
  await b.write(bytes("kept\n"));
  assert.deepEqual(await driver.recv(), { done: false, value: "kept" });
  await driver.close();
  b.close();
  await driver.closed;
});

Deno.test("FramedDriver holds at most inboundHighWaterMark bytes plus the frame being read for a busy handler", async () => {
  const frameLength = 1 << 20;
  const [a, b] = duplex(64 * 1024);
  const driver = new FramedDriver(a, new LengthDelimitedCodec({ maxFrameLength: frameLength }), {
    inboundHighWaterMark: 256 * 1024,
  });
  const frame = new Uint8Array(4 + frameLength);
  new DataView(frame.buffer).setUint32(0, frameLength);
  let written = 0;
  const writing = (async () => {
    for (let i = 0; i < 8; i++) {
      for (let at = 0; at < frame.length;) at += await b.write(frame.subarray(at));
      written++;
    }
  })();
  // The handler is busy: nobody receives. Reading stops past the mark.
  await new Promise((resolve) => setTimeout(resolve, 50));
  assert.ok(written <= 1, `${written} frames of 1 MiB were accepted while nobody received`);
  for (let i = 0; i < 8; i++) {
    const next = await driver.recv();
    assert.equal(next.done, false);
    assert.equal(next.value!.length, frameLength);
  }
  await writing;
  driver.abort();
  await driver.closed.catch(() => {});
  b.close();
});

Deno.test("FramedDriver frames({ signal }) ends a loop on abort; iteration can resume", async () => {
  const [a, b] = duplex();
  const driver = new FramedDriver(a, new LinesCodec());
  const controller = new AbortController();
  await b.write(bytes("one\n"));
  const seen: string[] = [];
  await assert.rejects(async () => {
    for await (const line of driver.frames({ signal: controller.signal })) {
      seen.push(line);
      controller.abort(new Error("shutdown"));
    }
  }, /shutdown/);
  await b.write(bytes("two\n"));
  assert.deepEqual(await driver.recv(), { done: false, value: "two" });
  assert.deepEqual(seen, ["one"]);
  await driver.close();
  b.close();
  await driver.closed;
});
