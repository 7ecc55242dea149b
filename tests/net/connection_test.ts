import assert from "node:assert/strict";
import { connect, Connection, serve } from "@weir/weir/net";
import { bytes, rawPair, readToEnd, text, TRANSPORTS } from "../_util/net.ts";

for (const transport of TRANSPORTS) {
  Deno.test(`Connection closeWrite half-closes a ${transport} client: the server sees EOF and still replies`, async () => {
    await using pair = await rawPair(transport);
    const client = new Connection(pair.client);
    const server = new Connection(pair.server);
    await client.writeAll(bytes("request"));
    await client.closeWrite();
    assert.equal(text(await readToEnd(server)), "request");
    await server.writeAll(bytes("reply after EOF"));
    await server.closeWrite();
    assert.equal(text(await readToEnd(client)), "reply after EOF");
  });

  Deno.test(`Connection closeWrite half-closes a ${transport} server: the client sees EOF and still writes`, async () => {
    await using pair = await rawPair(transport);
    const client = new Connection(pair.client);
    const server = new Connection(pair.server);
    await server.writeAll(bytes("banner"));
    await server.closeWrite();
    assert.equal(text(await readToEnd(client)), "banner");
    await client.writeAll(bytes("late request"));
    await client.closeWrite();
    assert.equal(text(await readToEnd(server)), "late request");
  });

  Deno.test(`Connection readable reaching EOF leaves the ${transport} socket open for writing`, async () => {
    await using pair = await rawPair(transport);
    const client = new Connection(pair.client);
    const server = new Connection(pair.server);
    await server.writeAll(bytes("one"));
    await server.closeWrite();
    assert.equal(await new Response(client.readable).text(), "one");
    await client.writeAll(bytes("still open"));
    client.close();
    assert.equal(text(await readToEnd(server)), "still open");
  });

  Deno.test(`Connection writable close() is a half-close on ${transport}, abort() closes both ways`, async () => {
    await using pair = await rawPair(transport);
    const client = new Connection(pair.client);
    const server = new Connection(pair.server);
    await ReadableStream.from([bytes("a"), bytes("b")]).pipeTo(client.writable);
    assert.equal(text(await readToEnd(server)), "ab");
    await server.writeAll(bytes("after FIN"));
    const reply = new Uint8Array(9);
    assert.equal(await client.read(reply), 9);
    assert.equal(text(reply), "after FIN");

    const writer = server.writable.getWriter();
    await writer.abort(new Error("failed"));
    await assert.rejects(server.read(new Uint8Array(1)), Deno.errors.BadResource);
  });
}

Deno.test("Connection readable supports BYOB reads", async () => {
  await using pair = await rawPair("tcp");
  const client = new Connection(pair.client);
  await pair.server.write(bytes("xyz"));
  pair.server.close();
  const reader = client.readable.getReader({ mode: "byob" });
  let got = "";
  for (let i = 0; i < 10; i++) {
    const { value, done } = await reader.read(new Uint8Array(2));
    if (done) break;
    got += text(value);
  }
  assert.equal(got, "xyz");
});

Deno.test("Connection closeWrite and close are idempotent; writes after closeWrite fail", async () => {
  await using pair = await rawPair("tcp");
  const client = new Connection(pair.client);
  await client.closeWrite();
  await client.closeWrite();
  await assert.rejects(client.write(bytes("x")), Deno.errors.BrokenPipe);
  client.close();
  client.close();
  await client.closeWrite();
  await assert.rejects(client.read(new Uint8Array(1)), Deno.errors.BadResource);
});

Deno.test("Connection close() rejects a pending read", async () => {
  await using pair = await rawPair("tcp");
  const client = new Connection(pair.client);
  const pending = client.read(new Uint8Array(8));
  client.close();
  await assert.rejects(pending, Deno.errors.Interrupted);
});

Deno.test("Connection close() tolerates a raw connection closed by someone else", async () => {
  await using pair = await rawPair("tcp");
  const client = new Connection(pair.client);
  client.raw.close();
  client.close();
  await client[Symbol.asyncDispose]();
});

Deno.test("Connection activity counts every completed read, write, writeAll and end of stream", async () => {
  await using pair = await rawPair("unix");
  const client = new Connection(pair.client);
  assert.equal(client.activity, 0);
  await client.write(bytes("x"));
  assert.equal(client.activity, 1);
  await client.writeAll(bytes("yz"));
  assert.equal(client.activity, 2);
  await client.writeAll(bytes("w"), { signal: new AbortController().signal });
  assert.equal(client.activity, 3);
  await pair.server.write(bytes("y"));
  await client.read(new Uint8Array(1));
  assert.equal(client.activity, 4);
  await pair.server.closeWrite();
  assert.equal(await client.read(new Uint8Array(1)), null);
  assert.equal(client.activity, 5);
  // A failed call moves nothing: not counted.
  client.close();
  await assert.rejects(client.writeAll(bytes("x")));
  await assert.rejects(client.write(bytes("x")));
  assert.equal(client.activity, 5);
});

Deno.test("Connection writeAll: overlapping calls each deliver their own bytes, once", async () => {
  await using pair = await rawPair("unix");
  const client = new Connection(pair.client);
  const parts = Array.from({ length: 50 }, (_, i) => bytes(`${i}`.padStart(3 + (i % 7), "-")));
  await Promise.all(parts.map((part) => client.writeAll(part))); // not awaited one by one
  await client.closeWrite();
  const received = await new Response(pair.server.readable).bytes();
  assert.equal(text(received), parts.map(text).join(""));
});

Deno.test("Connection writeAll rejects promptly when aborted while blocked on a peer that does not read", async () => {
  await using pair = await rawPair("tcp");
  const client = new Connection(pair.client);
  const controller = new AbortController();
  const big = new Uint8Array(64 << 20);
  const writing = client.writeAll(big, { signal: controller.signal });
  let settled = false;
  writing.then(() => settled = true, () => settled = true);
  // The peer reads nothing, so 64 MiB cannot fit in the socket buffers.
  await new Promise((resolve) => setTimeout(resolve, 20));
  assert.equal(settled, false);
  const reason = new Error("stop writing");
  controller.abort(reason);
  await assert.rejects(writing, (error) => error === reason);
  client.close();
});

Deno.test("Connection writeAll with an aborted signal writes nothing", async () => {
  await using pair = await rawPair("tcp");
  const client = new Connection(pair.client);
  const reason = new Error("already");
  await assert.rejects(
    client.writeAll(bytes("never"), { signal: AbortSignal.abort(reason) }),
    (error) => error === reason,
  );
  client.close();
  assert.equal((await readToEnd(pair.server)).length, 0);
});

Deno.test("Connection exposes both addresses", async () => {
  await using server = serve({ hostname: "127.0.0.1", port: 0 }, () => {});
  await using conn = await connect(server.addr);
  assert.equal((conn.remoteAddr as Deno.NetAddr).port, server.addr.port);
  assert.equal((conn.localAddr as Deno.NetAddr).hostname, "127.0.0.1");
  assert.equal(conn.raw.localAddr, conn.localAddr);
});

Deno.test("Connection readable cancel stops the stream but leaves the socket open both ways", async () => {
  await using pair = await rawPair("tcp");
  const client = new Connection(pair.client);
  await pair.server.write(bytes("first"));
  const reader = client.readable.getReader();
  assert.equal(text((await reader.read()).value!), "first");
  await reader.cancel();
  await client.writeAll(bytes("still writable"));
  await pair.server.write(bytes("still readable"));
  const buf = new Uint8Array(14);
  let got = 0;
  while (got < buf.length) got += (await client.read(buf.subarray(got)))!;
  assert.equal(text(buf), "still readable");
  client.close();
  assert.equal(text(await readToEnd(pair.server)), "still writable");
});

/** A fake socket that takes at most 3 bytes per write, a macrotask later each. */
function trickleConn(): { conn: Deno.Conn; wire: () => string } {
  const chunks: Uint8Array[] = [];
  const conn = {
    write: async (p: Uint8Array) => {
      await new Promise((resolve) => setTimeout(resolve, 0));
      const n = Math.min(3, p.length);
      chunks.push(p.slice(0, n));
      return n;
    },
    close: () => {},
  } as unknown as Deno.Conn;
  return { conn, wire: () => chunks.map((c) => text(c)).join("") };
}

Deno.test("Connection writeAll: concurrent calls queue in call order and never interleave, even over short writes", async () => {
  const { conn, wire } = trickleConn();
  const connection = new Connection(conn);
  const writable = connection.writable.getWriter();
  await Promise.all([
    connection.writeAll(bytes("aaaaaaaaaa")),
    connection.writeAll(bytes("bbbbbbbbbb"), { signal: new AbortController().signal }),
    writable.write(bytes("cccccccccc")),
    connection.writeAll(bytes("dddddddddd")),
  ]);
  writable.releaseLock();
  // Direct calls go in call order; the stream's chunk is handed over a
  // microtask later, so it queues behind them. Nothing is interleaved.
  assert.equal(wire(), "aaaaaaaaaabbbbbbbbbbddddddddddcccccccccc");
});

Deno.test("Connection writeAll: an abort while queued writes nothing; a failed write does not stop the queue", async () => {
  const { conn, wire } = trickleConn();
  const connection = new Connection(conn);
  const controller = new AbortController();
  const first = connection.writeAll(bytes("first!"));
  const skipped = connection.writeAll(bytes("skipped"), { signal: controller.signal });
  const last = connection.writeAll(bytes("last"));
  controller.abort(new Error("changed my mind"));
  await assert.rejects(skipped, /changed my mind/);
  await Promise.all([first, last]);
  assert.equal(wire(), "first!last");

  let calls = 0;
  const failing = new Connection({
    write: (p: Uint8Array) =>
      ++calls === 1 ? Promise.reject(new Error("broken")) : Promise.resolve(p.length),
    close: () => {},
  } as unknown as Deno.Conn);
  const results = await Promise.allSettled([
    failing.writeAll(bytes("x")),
    failing.writeAll(bytes("y")),
  ]);
  assert.deepEqual(results.map((r) => r.status), ["rejected", "fulfilled"]);
});

Deno.test("Connection closed first asked for after close() is already resolved", async () => {
  await using pair = await rawPair("tcp");
  const conn = new Connection(pair.client);
  conn.close();
  conn.close();
  let closed = false;
  conn.closed.then(() => closed = true);
  await Promise.resolve();
  assert.equal(closed, true);
  assert.equal(conn.closed, conn.closed);
});

Deno.test("Connection closed resolves once close() is called", async () => {
  await using pair = await rawPair("tcp");
  const conn = new Connection(pair.client);
  let closed = false;
  conn.closed.then(() => closed = true);
  await Promise.resolve();
  assert.equal(closed, false);
  conn.close();
  await conn.closed;
  assert.equal(closed, true);
});
