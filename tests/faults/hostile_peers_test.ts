// Hostile peers on loopback against weir servers (serve + framing + drivers):
// resets and end of stream in the middle of a frame, half-closes both ways,
// slowloris, an oversize frame header, invalid UTF-8 on a lines connection,
// a peer that never reads, and 4x maxConnections clients. The server must
// surface the fault as a typed error, close that connection, stay bounded
// in memory and keep serving everyone else.
import assert from "node:assert/strict";
import {
  type Codec,
  Framed,
  FramedRead,
  FrameTooLargeError,
  LengthDelimitedCodec,
  LinesCodec,
} from "@weir/weir/framing";
import { BufReader, InvalidUtf8Error, UnexpectedEofError } from "@weir/weir/io";
import { connect, type Connection, FramedDriver, serve, type ServeOptions } from "@weir/weir/net";
import { FakeClock, timeout } from "@weir/weir/time";
import { bytes, readToEnd, text, waitFor } from "../_util/net.ts";

const LOOPBACK = { hostname: "127.0.0.1", port: 0 };
const codec = () => new LengthDelimitedCodec({ maxFrameLength: 1024 });

/** A length-delimited echo server that records handler errors. */
function echoServer(options: ServeOptions = {}) {
  const errors: unknown[] = [];
  const server = serve(LOOPBACK, async (conn) => {
    const framed = new Framed(conn, codec());
    for await (const frame of framed) await framed.send(frame);
    await framed.close();
  }, { onError: (error) => errors.push(error), ...options });
  return { server, errors };
}

/** Sends one frame and reads its echo on an open framed client. */
async function roundTrip(framed: Framed<Uint8Array>, message: string): Promise<string> {
  await framed.send(bytes(message));
  const reply = await framed.next();
  assert.equal(reply.done, false);
  return text(reply.value!);
}

/** Reads until the server closes: end of stream, or a reset when it closed with data unread. */
async function closedByServer(conn: Connection): Promise<void> {
  try {
    await readToEnd(conn);
  } catch (error) {
    assert.ok(error instanceof Deno.errors.ConnectionReset, String(error));
  }
}

Deno.test("a peer that ends its stream mid-frame gets UnexpectedEofError and its connection closed; others keep being served", async () => {
  const { server, errors } = echoServer();
  await using _ = server;
  await using good = await connect(server.addr);
  const goodFramed = new Framed(good, codec());
  assert.equal(await roundTrip(goodFramed, "before"), "before");
  await using bad = await connect(server.addr);
  await bad.writeAll(new Uint8Array([0, 0, 0, 100, 1, 2, 3])); // 3 of 100 bytes
  await bad.closeWrite();
  await waitFor(() => errors.length === 1, "the error");
  const [error] = errors;
  assert.ok(error instanceof UnexpectedEofError, String(error));
  assert.equal(error.received, 7);
  await closedByServer(bad);
  assert.equal(await roundTrip(goodFramed, "after"), "after");
});

Deno.test("a peer that resets mid-frame surfaces as a reset (or end of stream); others keep being served", async () => {
  const errors: unknown[] = [];
  const greeted: boolean[] = [];
  await using server = serve(LOOPBACK, async (conn) => {
    const framed = new Framed(conn, codec());
    await framed.send(bytes("hello")); // the bad peer never reads it: its close resets
    greeted.push(true);
    for await (const frame of framed) await framed.send(frame);
  }, { onError: (error) => errors.push(error) });
  await using good = await connect(server.addr);
  const goodFramed = new Framed(good, codec());
  assert.equal(text((await goodFramed.next()).value!), "hello");
  const bad = await connect(server.addr);
  await waitFor(() => greeted.length === 2, "the greeting to be sent");
  await new Promise((resolve) => setTimeout(resolve, 10)); // let it land in the peer's buffer
  await bad.writeAll(new Uint8Array([0, 0, 0, 100, 1, 2, 3]));
  bad.close(); // unread data: the kernel sends RST
  await waitFor(() => errors.length === 1, "the error");
  const [error] = errors;
  assert.ok(
    error instanceof Deno.errors.ConnectionReset || error instanceof UnexpectedEofError,
    String(error),
  );
  await waitFor(() => server.connections === 1, "the reset connection to be closed");
  assert.equal(await roundTrip(goodFramed, "still here"), "still here");
});

Deno.test("half-close from the client: the server reads to the end, then still replies", async () => {
  await using server = serve(LOOPBACK, async (conn) => {
    const framed = new Framed(conn, codec());
    let count = 0;
    for await (const _frame of framed) count++;
    await framed.send(bytes(`got ${count}`));
    await framed.close();
  });
  await using client = await connect(server.addr);
  const framed = new Framed(client, codec());
  for (let i = 0; i < 5; i++) await framed.feed(bytes(`frame ${i}`));
  await framed.close(); // FIN: the server sees the end, our read side stays open
  assert.equal(text((await framed.next()).value!), "got 5");
  assert.equal((await framed.next()).done, true);
});

Deno.test("half-close from the server: the client reads to the end, then is still heard", async () => {
  const heard: string[] = [];
  await using server = serve(LOOPBACK, async (conn) => {
    const framed = new Framed(conn, codec());
    await framed.send(bytes("all I have"));
    await framed.close(); // FIN; keep reading
    for await (const frame of framed) heard.push(text(frame));
  });
  await using client = await connect(server.addr);
  const framed = new Framed(client, codec());
  assert.equal(text((await framed.next()).value!), "all I have");
  assert.equal((await framed.next()).done, true);
  await framed.send(bytes("late"));
  await framed.send(bytes("words"));
  await framed.close();
  await waitFor(() => heard.length === 2, "the client's frames");
  assert.deepEqual(heard, ["late", "words"]);
});

Deno.test("slowloris: one byte per interval defeats the idle timeout but not a per-frame deadline", async () => {
  const clock = new FakeClock();
  const errors: unknown[] = [];
  let buffered = 0;
  let closedReason: unknown;
  await using server = serve(LOOPBACK, async (conn, { signal }) => {
    signal.addEventListener("abort", () => closedReason = signal.reason, { once: true });
    const inner = codec();
    // Sees how many bytes have arrived, so the test advances the clock only after each byte.
    const watched: Codec<Uint8Array, Uint8Array> = {
      decode: (buf) => (buffered = buf.length, inner.decode(buf)),
      encode: (item, out) => inner.encode(item, out),
    };
    const framed = new Framed(conn, watched);
    for (;;) {
      const frame = await timeout(150, (s) => framed.next({ signal: s }), { clock });
      if (frame.done) return;
      await framed.send(frame.value);
    }
  }, { idleTimeout: 100, clock, onError: (error) => errors.push(error) });
  await using peer = await connect(server.addr);
  const frame = [0, 0, 0, 4, 0x61, 0x62, 0x63, 0x64];
  let sent = 0;
  for (; sent < frame.length && errors.length === 0; sent++) {
    await peer.writeAll(new Uint8Array([frame[sent]!]));
    await waitFor(() => buffered === sent + 1, `byte ${sent + 1} to arrive`);
    await clock.tick(60); // under the idle timeout every time
  }
  await waitFor(() => errors.length === 1, "the frame deadline");
  assert.equal(closedReason, undefined, "the idle timeout never fired");
  const [error] = errors;
  assert.ok(error instanceof DOMException && error.name === "TimeoutError", String(error));
  assert.ok(sent < frame.length, "the frame never completed");
  await closedByServer(peer);
  await waitFor(() => server.connections === 0, "the connection to close");
  assert.equal(clock.pending, 0, "no timer left behind");
});

Deno.test("an oversize frame header gets FrameTooLargeError at once, without allocating the announced size", async () => {
  const errors: unknown[] = [];
  let peakCapacity = 0;
  await using server = serve(LOOPBACK, async (conn) => {
    const inner = new LengthDelimitedCodec(); // the 8 MiB default
    const watched: Codec<Uint8Array, Uint8Array> = {
      decode(buf) {
        peakCapacity = Math.max(peakCapacity, buf.capacity);
        return inner.decode(buf);
      },
      encode: (item, out) => inner.encode(item, out),
    };
    const framed = new Framed(conn, watched);
    for await (const frame of framed) await framed.send(frame);
  }, { onError: (error) => errors.push(error) });
  await using peer = await connect(server.addr);
  const framed = new Framed(peer, new LengthDelimitedCodec());
  assert.equal(await roundTrip(framed, "fine"), "fine");
  const rssBefore = Deno.memoryUsage().rss;
  await peer.writeAll(new Uint8Array([0x7f, 0xff, 0xff, 0xff, 1, 2, 3])); // announces 2 GiB
  await waitFor(() => errors.length === 1, "the error");
  const [error] = errors;
  assert.ok(error instanceof FrameTooLargeError, String(error));
  assert.equal(error.size, 0x7fffffff);
  assert.equal(error.limit, 8 * 1024 * 1024);
  await closedByServer(peer);
  assert.ok(peakCapacity <= 65536, `read buffer grew to ${peakCapacity} bytes`);
  const grown = Deno.memoryUsage().rss - rssBefore;
  assert.ok(grown < 64 << 20, `RSS grew by ${grown} bytes`);
});

Deno.test("invalid UTF-8 on a lines connection: InvalidUtf8Error through Framed, a skipped line through BufReader", async () => {
  const errors: unknown[] = [];
  const framedLines: string[] = [];
  await using framedServer = serve(LOOPBACK, async (conn) => {
    for await (const line of new FramedRead(conn, new LinesCodec())) framedLines.push(line);
  }, { onError: (error) => errors.push(error) });
  await using bufServer = serve(LOOPBACK, async (conn) => {
    const reader = new BufReader(conn);
    for (;;) {
      let reply: string;
      try {
        const line = await reader.readLine();
        if (line === null) break;
        reply = `ok ${line}\n`;
      } catch (error) {
        if (!(error instanceof InvalidUtf8Error)) throw error;
        reply = "bad line\n";
      }
      await conn.writeAll(bytes(reply));
    }
    await conn.closeWrite();
  });
  const input = new Uint8Array([...bytes("first\n"), 0x66, 0xff, 0xfe, 0x0a, ...bytes("after\n")]);
  await using a = await connect(framedServer.addr);
  await a.writeAll(input);
  await waitFor(() => errors.length === 1, "the error");
  assert.ok(errors[0] instanceof InvalidUtf8Error, String(errors[0]));
  assert.deepEqual(
    framedLines,
    ["first"],
    "nothing after the bad line, nothing replaced by U+FFFD",
  );
  await closedByServer(a);
  await using b = await connect(bufServer.addr);
  await b.writeAll(input);
  await b.closeWrite();
  assert.equal(text(await readToEnd(b)), "ok first\nbad line\nok after\n");
});

Deno.test("a peer that never reads blocks the server's writes, not its reads, with memory bounded", async () => {
  const highWaterMark = 8 * 64 * 1024;
  const frame = new Uint8Array(64 * 1024);
  let received = 0;
  let sent = 0;
  let peakQueued = 0;
  let driver: FramedDriver<Uint8Array> | undefined;
  await using server = serve(LOOPBACK, async (conn) => {
    const d = driver = new FramedDriver(conn, new LengthDelimitedCodec(), { highWaterMark });
    const writing = (async () => {
      for (;;) {
        await d.send(frame);
        sent++;
        peakQueued = Math.max(peakQueued, d.buffered);
      }
    })();
    writing.catch(() => {});
    for await (const _ of d) received++;
    d.abort();
    await writing.catch(() => {});
  }, { onError: () => {} });
  await using peer = await connect(server.addr);
  // First the server's writes fill the socket buffers and block for good.
  let last = -1;
  for (let i = 0; i < 100 && sent !== last; i++) {
    last = sent;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const blockedAt = sent;
  assert.ok(blockedAt > 0, "the writer made progress first");
  const rssBefore = Deno.memoryUsage().rss;
  // Then the peer's requests still get read.
  const out = new Framed(peer, new LengthDelimitedCodec());
  for (let i = 0; i < 500; i++) await out.feed(bytes(`request ${i}`));
  await out.flush();
  await waitFor(() => received === 500, "every request to be read");
  assert.equal(sent, blockedAt, "the writer is still blocked on the peer");
  // The queue (one frame past the mark at most: a send that finds room
  // encodes whole) and the write in flight, which took the queue before it.
  const bound = 2 * (highWaterMark + frame.length + 4);
  assert.ok(driver!.buffered <= bound, `${driver!.buffered} bytes queued`);
  assert.ok(peakQueued <= bound);
  // What the server holds for this peer: the queue and the kernel buffers, not more.
  const grown = Deno.memoryUsage().rss - rssBefore;
  assert.ok(grown < 64 << 20, `RSS grew by ${grown} bytes`);
  await out.close();
  await waitFor(() => server.connections === 0, "the handler to finish");
});

Deno.test("4x maxConnections clients at once, a quarter of them idle hogs: the limit holds and the idle timeout frees it", async () => {
  const clock = new FakeClock();
  const max = 4;
  const { server, errors } = echoServer({ maxConnections: max, idleTimeout: 100, clock });
  await using _ = server;
  let peak = 0;
  const sampler = setInterval(() => peak = Math.max(peak, server.connections), 1);
  try {
    const hogs = await Promise.all(Array.from({ length: max }, () => connect(server.addr)));
    await waitFor(() => server.connections === max, "the hogs to be accepted");
    const clients = await Promise.all(
      Array.from({ length: 3 * max }, () => connect(server.addr)),
    );
    const echoes = clients.map(async (client, i) => {
      const framed = new Framed(client, codec());
      const reply = await roundTrip(framed, `client ${i}`);
      await framed.close();
      assert.equal((await framed.next()).done, true);
      client.close();
      return reply;
    });
    let served = 0;
    for (const echo of echoes) echo.then(() => served++, () => {});
    await new Promise((resolve) => setTimeout(resolve, 30));
    assert.equal(served, 0, "nobody is served while the hogs hold every slot");
    assert.equal(server.connections, max);
    await clock.tick(125); // the hogs have been idle for 1.25 × idleTimeout: the sweeps closed them
    const replies = await Promise.all(echoes);
    assert.deepEqual(replies, clients.map((_, i) => `client ${i}`));
    for (const hog of hogs) {
      await closedByServer(hog);
      hog.close();
    }
    assert.ok(peak <= max, `peak ${peak} connections`);
    assert.deepEqual(errors, []);
  } finally {
    clearInterval(sampler);
  }
});

Deno.test("large frames to a busy FramedDriver handler over TCP: the driver holds at most inboundHighWaterMark plus one frame", async () => {
  const frameLength = 1 << 20;
  const highWaterMark = 256 * 1024;
  const busy = Promise.withResolvers<void>();
  const buffered: number[] = [];
  const received = Promise.withResolvers<number>();
  const server = serve(LOOPBACK, async (conn) => {
    const driver = new FramedDriver(
      conn,
      new LengthDelimitedCodec({ maxFrameLength: frameLength }),
      { inboundHighWaterMark: highWaterMark },
    );
    await busy.promise; // busy elsewhere while the peer keeps sending
    buffered.push(driver.inboundBuffered);
    let frames = 0;
    for await (const frame of driver) if (frame.length === frameLength) frames++;
    received.resolve(frames);
    await driver.close();
  }, { idleTimeout: 0 });
  const frames = 32; // 32 MiB: far more than the kernel's socket buffers
  const frame = new Uint8Array(4 + frameLength);
  new DataView(frame.buffer).setUint32(0, frameLength);
  const client = await connect(server.addr);
  let sent = 0;
  const sending = (async () => {
    for (; sent < frames; sent++) await client.writeAll(frame);
    await client.closeWrite();
  })();
  await waitFor(() => sent >= 2, "the first frames to go out");
  // Give the socket time to fill: the sender stalls once the driver stops reading.
  for (let i = 0; i < 20 && sent < frames; i++) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  assert.ok(sent < frames, "every frame went out while the handler was busy");
  busy.resolve();
  await sending;
  assert.equal(await received.promise, frames);
  assert.ok(
    buffered[0]! <= highWaterMark + frameLength + 4,
    `${buffered[0]} bytes buffered by the driver for a busy handler`,
  );
  client.close();
  await server.shutdown();
});
