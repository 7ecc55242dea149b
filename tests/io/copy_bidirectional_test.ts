import assert from "node:assert/strict";
import {
  copyBidirectional,
  type CopyEndpoint,
  duplex,
  type DuplexStream,
  readAll,
  type Reader,
  writeAll,
} from "@weir/weir/io";
import { encoder, tick } from "./_helpers.ts";

type Conn = Reader & { write(p: Uint8Array): Promise<number>; closeWrite(): Promise<void> };

/**
 * `client` talks to `server` through `copyBidirectional(inner, outer)`:
 * the client half-closes after its request and still gets the response.
 */
async function roundTrip(client: Conn, inner: CopyEndpoint, outer: CopyEndpoint, server: Conn) {
  const proxy = copyBidirectional(inner, outer);
  const request = encoder.encode("hello through the proxy");
  const response = new Uint8Array(100_000).map((_, i) => i & 0xff);
  await writeAll(client, request);
  await client.closeWrite();
  assert.deepEqual(await readAll(server), request);
  const [received] = await Promise.all([
    readAll(client),
    writeAll(server, response).then(() => server.closeWrite()),
  ]);
  assert.deepEqual(received, response);
  assert.deepEqual(await proxy, [request.length, response.length]);
}

Deno.test("copyBidirectional over duplex pairs half-closes each way", async () => {
  const [client, inner] = duplex(64);
  const [outer, server] = duplex(16);
  await roundTrip(client, inner, outer, server);
  for (const end of [client, inner, outer, server]) end.close();
});

Deno.test("copyBidirectional over TCP on 127.0.0.1 half-closes each way", async () => {
  using listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const [client, inner] = await Promise.all([
    Deno.connect({ hostname: "127.0.0.1", port: listener.addr.port }),
    listener.accept(),
  ]);
  const [outer, server] = duplex(1024);
  try {
    await roundTrip(client, inner, outer, server);
  } finally {
    client.close();
    inner.close();
    outer.close();
    server.close();
  }
});

Deno.test("copyBidirectional between two Unix socket connections", async () => {
  const dir = await Deno.makeTempDir();
  const front = Deno.listen({ transport: "unix", path: `${dir}/front.sock` });
  const back = Deno.listen({ transport: "unix", path: `${dir}/back.sock` });
  const [client, inner] = await Promise.all([
    Deno.connect({ transport: "unix", path: `${dir}/front.sock` }),
    front.accept(),
  ]);
  const [outer, server] = await Promise.all([
    Deno.connect({ transport: "unix", path: `${dir}/back.sock` }),
    back.accept(),
  ]);
  try {
    await roundTrip(client, inner, outer, server);
  } finally {
    for (const conn of [client, inner, outer, server]) conn.close();
    front.close();
    back.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("copyBidirectional accepts readable/writable stream pairs", async () => {
  const toProxy = new TransformStream<Uint8Array, Uint8Array>();
  const fromProxy = new TransformStream<Uint8Array, Uint8Array>();
  const [outer, server] = duplex(8);
  const proxy = copyBidirectional(
    { readable: toProxy.readable, writable: fromProxy.writable },
    outer,
  );
  const sending = (async () => {
    const writer = toProxy.writable.getWriter();
    await writer.write(encoder.encode("abc"));
    await writer.close();
  })();
  assert.deepEqual(await readAll(server), encoder.encode("abc"));
  await sending;
  await writeAll(server, encoder.encode("xy"));
  await server.closeWrite();
  assert.deepEqual(await readAll(fromProxy.readable), encoder.encode("xy"));
  assert.deepEqual(await proxy, [3, 2]);
  assert.equal(toProxy.readable.locked, false);
  outer.close();
  server.close();
});

Deno.test("copyBidirectional moves large data both ways at once through tiny buffers", async () => {
  const [client, inner] = duplex(7);
  const [outer, server] = duplex(5);
  const proxy = copyBidirectional(inner, outer, { bufferSize: 3 });
  const up = new Uint8Array(20_000).map((_, i) => i * 3);
  const down = new Uint8Array(30_000).map((_, i) => i * 5);
  const [gotDown, gotUp] = await Promise.all([
    readAll(client),
    readAll(server),
    writeAll(client, up).then(() => client.closeWrite()),
    writeAll(server, down).then(() => server.closeWrite()),
  ]);
  assert.deepEqual(gotUp, up);
  assert.deepEqual(gotDown, down);
  assert.deepEqual(await proxy, [up.length, down.length]);
  for (const end of [client, inner, outer, server]) end.close();
});

Deno.test("copyBidirectional rejects on an error in either direction and stops the other", async () => {
  const boom = new Error("boom");
  const [outer, server] = duplex(8);
  const failing: CopyEndpoint = {
    read: () => Promise.reject(boom),
    write: (p) => Promise.resolve(p.length),
  };
  await assert.rejects(copyBidirectional(failing, outer), (e) => e === boom);
  // The other direction (outer -> failing) stopped: it no longer reads `outer`.
  await writeAll(server, new Uint8Array([1]));
  await tick();
  assert.equal(outer.buffered, 1);
  outer.close();
  server.close();
});

Deno.test("copyBidirectional reports a peer that closed, as a broken pipe", async () => {
  const [client, inner] = duplex(8);
  const [outer, server] = duplex(8);
  const proxy = copyBidirectional(inner, outer);
  server.close();
  await writeAll(client, new Uint8Array([1]));
  await assert.rejects(proxy, Deno.errors.BrokenPipe);
  for (const end of [client, inner, outer]) end.close();
});

Deno.test("copyBidirectional aborts while waiting, before and during", async () => {
  const ends: DuplexStream[] = [];
  const [client, inner] = duplex(8);
  const [outer, server] = duplex(8);
  ends.push(client, inner, outer, server);
  await assert.rejects(
    copyBidirectional(inner, outer, { signal: AbortSignal.abort("pre") }),
    (e) => e === "pre",
  );
  const controller = new AbortController();
  const proxy = copyBidirectional(inner, outer, { signal: controller.signal });
  await writeAll(client, new Uint8Array([1, 2]));
  await tick();
  assert.equal(server.buffered, 2);
  controller.abort("stop");
  await assert.rejects(proxy, (e) => e === "stop");
  // Nothing keeps reading after the abort: later bytes stay with the duplex.
  await writeAll(client, new Uint8Array([3]));
  await tick();
  assert.equal(inner.buffered, 1);
  for (const end of ends) end.close();
});
