import assert from "node:assert/strict";
import { Framed, LengthDelimitedCodec, LinesCodec } from "@weir/weir/framing";
import { BufReader } from "@weir/weir/io";
import {
  connect,
  type Connection,
  FramedDriver,
  intoSplit,
  serve,
  type ServeOptions,
  type TlsConnectOptions,
  TlsHandshakeError,
  type TlsServeOptions,
  upgradeTls,
} from "@weir/weir/net";
import { FakeClock } from "@weir/weir/time";
import { bytes, gate, readToEnd, tempSocketPath, text, waitFor } from "../_util/net.ts";

const fixture = (name: string) =>
  Deno.readTextFileSync(new URL(`../fixtures/${name}`, import.meta.url));
const CERT = fixture("server.pem");
const KEY = fixture("server.key");
const CA = fixture("ca.pem");
const OTHER_CA = fixture("other_ca.pem");

const TLS: TlsServeOptions = { cert: CERT, key: KEY };
const TRUST: TlsConnectOptions = { caCerts: [CA] };

/** A TLS server on loopback that collects what it reports to `onError`. */
function tlsServer(
  handler: (conn: Connection, context: { signal: AbortSignal }) => void | Promise<void>,
  tls: Partial<TlsServeOptions> = {},
  options: ServeOptions = {},
) {
  const errors: unknown[] = [];
  const server = serve(
    { hostname: "127.0.0.1", port: 0, tls: { ...TLS, ...tls } },
    handler,
    { onError: (error) => errors.push(error), ...options },
  );
  return { server, errors };
}

/** A TLS echo handler: bytes back until end of stream, then half-close. */
async function echo(conn: Connection): Promise<void> {
  await conn.readable.pipeTo(conn.writable);
}

function tlsConnect(port: number, tls: TlsConnectOptions = TRUST): Promise<Connection> {
  return connect({ hostname: "127.0.0.1", port, tls });
}

function assertHandshakeError(error: unknown, cause: RegExp): boolean {
  assert.ok(error instanceof TlsHandshakeError, `${error}`);
  assert.ok(error.cause instanceof Deno.errors.InvalidData, `${error.cause}`);
  assert.match(error.message, /^TLS handshake with 127\.0\.0\.1:\d+ failed: /);
  assert.match(error.message, cause);
  return true;
}

Deno.test("connect and serve with tls echo bytes over TLS on loopback", async () => {
  const { server, errors } = tlsServer(echo);
  await using _server = server;
  await using conn = await tlsConnect(server.addr.port);
  assert.ok("handshake" in conn.raw, "a Deno.TlsConn underneath");
  const payload = new Uint8Array(256 * 1024).map((_, i) => i * 7);
  const [, echoed] = await Promise.all([
    (async () => {
      await conn.writeAll(payload);
      await conn.closeWrite();
    })(),
    readToEnd(conn),
  ]);
  assert.deepEqual(echoed, payload);
  assert.deepEqual(errors, []);
});

Deno.test("TLS half-close: the server reads the end of stream and still replies", async () => {
  const { server, errors } = tlsServer(async (conn) => {
    const got = await readToEnd(conn);
    await conn.writeAll(bytes(`got ${got.length}`));
    await conn.closeWrite();
    assert.equal(await conn.read(new Uint8Array(1)), null);
  });
  await using _server = server;
  await using conn = await tlsConnect(server.addr.port);
  await conn.writeAll(bytes("hello"));
  await conn.closeWrite();
  await conn.closeWrite(); // idempotent
  assert.equal(text(await readToEnd(conn)), "got 5");
  await assert.rejects(conn.write(bytes("late")));
  assert.deepEqual(errors, []);
});

Deno.test("framed traffic over TLS: FramedDriver with LengthDelimitedCodec both ways", async () => {
  const { server, errors } = tlsServer(async (conn) => {
    const driver = new FramedDriver(conn, new LengthDelimitedCodec());
    for (;;) {
      const next = driver.tryRecv() ?? await driver.recv();
      if (next.done) break;
      if (!driver.trySend(next.value)) await driver.send(next.value);
    }
    await driver.close();
    await driver.closed;
  });
  await using _server = server;
  const driver = new FramedDriver(await tlsConnect(server.addr.port), new LengthDelimitedCodec());
  const frames = Array.from({ length: 2_000 }, (_, i) => bytes(`frame ${i} `.repeat(i % 50)));
  const sending = (async () => {
    for (const frame of frames) await driver.send(frame);
    await driver.close();
  })();
  const received: string[] = [];
  for await (const frame of driver) received.push(text(frame));
  await sending;
  await driver.closed;
  assert.deepEqual(received, frames.map(text));
  assert.deepEqual(errors, []);
});

Deno.test("intoSplit halves over TLS read and write at the same time", async () => {
  const { server } = tlsServer(echo);
  await using _server = server;
  const [reader, writer] = intoSplit(await tlsConnect(server.addr.port));
  const payload = new Uint8Array(1 << 20).fill(42);
  const [, echoed] = await Promise.all([
    (async () => {
      await using w = writer;
      await w.writeAll(payload); // more than the socket buffers: needs the concurrent reader
    })(),
    (async () => {
      await using r = reader;
      return await readToEnd(r);
    })(),
  ]);
  assert.equal(echoed.length, payload.length);
  assert.ok(echoed.every((b) => b === 42));
});

Deno.test("ALPN: the server picks a protocol both offer; handshake() tells both ends", async () => {
  const { server, errors } = tlsServer(async (conn) => {
    const { alpnProtocol } = await conn.handshake();
    await conn.writeAll(bytes(`${alpnProtocol}`));
  }, { alpnProtocols: ["weir/2", "weir/1"] });
  await using _server = server;
  for (
    const [offered, agreed] of [
      [["weir/1"], "weir/1"],
      [["weir/1", "weir/2"], "weir/2"], // the server's preference wins
      [undefined, null], // no ALPN offered: none agreed
    ] as const
  ) {
    await using conn = await tlsConnect(server.addr.port, {
      ...TRUST,
      ...(offered ? { alpnProtocols: [...offered] } : {}),
    });
    assert.equal((await conn.handshake()).alpnProtocol, agreed);
    assert.equal(text(await readToEnd(conn)), `${agreed}`);
  }
  assert.deepEqual(errors, []);
});

Deno.test("ALPN with no protocol in common fails the handshake on both ends", async () => {
  let handled = 0;
  const { server, errors } = tlsServer(() => {
    handled++;
  }, { alpnProtocols: ["weir/2"] });
  await using _server = server;
  await assert.rejects(
    tlsConnect(server.addr.port, { ...TRUST, alpnProtocols: ["h2"] }),
    (error) => assertHandshakeError(error, /NoApplicationProtocol/i),
  );
  await waitFor(() => errors.length === 1, "the server's report");
  assert.ok(errors[0] instanceof TlsHandshakeError);
  assert.equal(handled, 0);
  await waitFor(() => server.connections === 0, "the failed connection to close");
});

Deno.test("connect with the wrong CA rejects with TlsHandshakeError; the server reports and goes on", async () => {
  let handled = 0;
  const { server, errors } = tlsServer(async (conn) => {
    handled++;
    await conn.writeAll(bytes("served"));
  });
  await using _server = server;
  await assert.rejects(
    tlsConnect(server.addr.port, { caCerts: [OTHER_CA] }),
    (error) => assertHandshakeError(error, /UnknownIssuer/),
  );
  await assert.rejects(
    tlsConnect(server.addr.port, { caCerts: [CA], serverName: "weir.example" }),
    (error) => assertHandshakeError(error, /not valid for name "weir\.example"/),
  );
  await waitFor(() => errors.length === 2, "both failures reported");
  for (const error of errors) assert.ok(error instanceof TlsHandshakeError, `${error}`);
  assert.equal(handled, 0);
  // Still serving.
  await using conn = await tlsConnect(server.addr.port);
  assert.equal(text(await readToEnd(conn)), "served");
  assert.equal(handled, 1);
});

Deno.test("serve with tls closes a peer that sends plain text, reports it, and serves the next", async () => {
  let handled = 0;
  const { server, errors } = tlsServer(async (conn) => {
    handled++;
    await conn.writeAll(bytes("served"));
  });
  await using _server = server;
  const plain = await Deno.connect({ hostname: "127.0.0.1", port: server.addr.port });
  await plain.write(bytes("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n"));
  // The server answers with at most a TLS alert, then closes.
  const answer = await readToEnd(plain).catch((error) => {
    assert.ok(error instanceof Deno.errors.ConnectionReset, `${error}`);
    return new Uint8Array(0);
  });
  plain.close();
  assert.ok(answer.length <= 7, `only an alert, got ${answer.length} bytes`);
  await waitFor(() => errors.length === 1, "the report");
  assert.ok(errors[0] instanceof TlsHandshakeError);
  assert.match((errors[0] as Error).message, /corrupt message|InvalidContentType/);
  assert.equal(handled, 0);
  await using conn = await tlsConnect(server.addr.port);
  assert.equal(text(await readToEnd(conn)), "served");
});

Deno.test("serve with tls reports a stalled handshake after the default handshakeTimeout of 10 s, and keeps its socket counted until Deno lets go of it", async () => {
  const clock = new FakeClock();
  let handled = 0;
  const { server, errors } = tlsServer(
    () => {
      handled++;
    },
    {},
    { clock },
  );
  await using _server = server;
  const silent = await Deno.connect({ hostname: "127.0.0.1", port: server.addr.port });
  try {
    await waitFor(() => server.connections === 1 && clock.pending >= 1, "the handshake timer");
    await clock.tick(9_999);
    assert.equal(errors.length, 0);
    await clock.tick(1);
    await waitFor(() => errors.length === 1, "the timeout report");
    // Deno holds the socket until the peer acts (see TlsListenAddress): it
    // still counts against maxConnections.
    assert.equal(server.connections, 1);
  } finally {
    silent.close();
  }
  await waitFor(() => server.connections === 0, "the socket to be let go once the peer left");
  const [error] = errors;
  assert.ok(error instanceof DOMException && error.name === "TimeoutError", `${error}`);
  assert.equal(error.message, "TLS handshake timed out after 10000 ms");
  assert.equal(errors.length, 1);
  assert.equal(handled, 0);
});

Deno.test("serve with tls handshakeTimeout bounds only the handshake, not the session", async () => {
  const clock = new FakeClock();
  const release = gate();
  const { server, errors } = tlsServer(
    async (conn) => {
      await release.promise;
      await conn.writeAll(bytes("late but fine"));
    },
    {},
    { clock, handshakeTimeout: 50, idleTimeout: 0 },
  );
  await using _server = server;
  // A stalled peer is given up on after 50 ms of fake time ...
  const silent = await Deno.connect({ hostname: "127.0.0.1", port: server.addr.port });
  await waitFor(() => clock.pending === 1, "the handshake timer");
  await clock.tick(50);
  await waitFor(() => errors.length === 1, "the timeout report");
  silent.close();
  await waitFor(() => server.connections === 0, "the stalled socket to be let go");
  // ... while a completed handshake cancels its timer: the handler may take its time.
  await using conn = await tlsConnect(server.addr.port);
  await waitFor(() => server.connections === 1 && clock.pending === 0, "the timer cancelled");
  await clock.tick(1_000);
  release.open();
  assert.equal(text(await readToEnd(conn)), "late but fine");
  assert.equal(errors.length, 1);
  assert.equal((errors[0] as DOMException).name, "TimeoutError");
});

Deno.test("Server shutdown closes connections still in their handshake without reporting them", async () => {
  let handled = 0;
  const { server, errors } = tlsServer(() => {
    handled++;
  });
  const silent = await Deno.connect({ hostname: "127.0.0.1", port: server.addr.port });
  await waitFor(() => server.connections === 1, "the connection");
  await server.shutdown({ gracePeriod: 5_000 }); // returns at once: nothing to wait for
  silent.close();
  assert.deepEqual(errors, []);
  assert.equal(handled, 0);
});

Deno.test("serve with tls keeps maxConnections and idleTimeout", async () => {
  const clock = new FakeClock();
  const first = gate();
  const reasons: unknown[] = [];
  let accepted = 0;
  const { server, errors } = tlsServer(
    async (conn, { signal }) => {
      accepted++;
      if (accepted === 1) return await first.promise;
      signal.addEventListener("abort", () => reasons.push(signal.reason));
      await readToEnd(conn).catch(() => {});
    },
    {},
    { maxConnections: 1, idleTimeout: 100, clock },
  );
  await using _server = server;
  await using a = await tlsConnect(server.addr.port);
  await waitFor(() => accepted === 1, "the first handler");
  // At the limit the second connection waits unaccepted: its handshake cannot finish.
  let bReady = false;
  const b = tlsConnect(server.addr.port).then((conn) => (bReady = true, conn));
  await new Promise((resolve) => setTimeout(resolve, 20));
  assert.equal(bReady, false);
  assert.equal(server.connections, 1);
  first.open();
  await using bConn = await b;
  await waitFor(() => accepted === 2, "the second handler");
  // Idle since its handshake: closed after idleTimeout (within 1.25 × idleTimeout).
  await clock.tick(99);
  assert.equal(reasons.length, 0);
  await clock.tick(26);
  await waitFor(() => server.connections === 0, "the idle connection to close");
  assert.equal((reasons[0] as DOMException).name, "TimeoutError");
  assert.equal(await bConn.read(new Uint8Array(1)), null);
  assert.equal(await a.read(new Uint8Array(1)), null);
  assert.deepEqual(errors, []);
});

Deno.test("connect with tls: timeout and abort cover a handshake the server never answers", async () => {
  const clock = new FakeClock();
  // Accepts and says nothing: the client's handshake stalls.
  using mute = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const address = { hostname: "127.0.0.1", port: mute.addr.port, tls: TRUST };
  const accepted = mute.accept();
  const timedOut = connect(address, { timeout: 1_000, clock });
  using _peer1 = await accepted;
  await clock.tick(1_000);
  await assert.rejects(timedOut, (error) => {
    assert.ok(error instanceof DOMException && error.name === "TimeoutError", `${error}`);
    return true;
  });
  const controller = new AbortController();
  const acceptedAgain = mute.accept();
  const aborted = connect(address, { signal: controller.signal });
  using _peer2 = await acceptedAgain;
  const reason = new Error("stop");
  controller.abort(reason);
  await assert.rejects(aborted, (error) => error === reason);
});

Deno.test("connect to a plain server with tls fails the handshake instead of hanging", async () => {
  await using plainServer = serve({ hostname: "127.0.0.1", port: 0 }, async (conn) => {
    await conn.writeAll(bytes("220 plain text greeting\r\n"));
  });
  await assert.rejects(
    connect({ hostname: "127.0.0.1", port: plainServer.addr.port, tls: TRUST }),
    (error) => assertHandshakeError(error, /corrupt message|InvalidContentType/),
  );
});

// ---- STARTTLS ------------------------------------------------------------------

/**
 * A plain line-protocol front end: greets, answers `STARTTLS` with `OK`
 * and from then on tunnels the connection to `backend` (Deno has no
 * server-side STARTTLS, so a TLS server behind it does the TLS part).
 */
function starttlsFront(backendPort: number) {
  return serve({ hostname: "127.0.0.1", port: 0 }, async (conn) => {
    await conn.writeAll(bytes("220 weir ready\n"));
    const lines = new BufReader(conn);
    for (let line; (line = await lines.readLine()) !== null;) {
      if (line !== "STARTTLS") {
        await conn.writeAll(bytes(`500 unknown command ${line}\n`));
        continue;
      }
      // The client sends nothing before our OK, so nothing is buffered past it.
      assert.equal(lines.buffered, 0);
      await conn.writeAll(bytes("OK\n"));
      await using tunnel = await connect({ hostname: "127.0.0.1", port: backendPort });
      await Promise.all([
        conn.readable.pipeTo(tunnel.writable),
        tunnel.readable.pipeTo(conn.writable),
      ]);
      return;
    }
  });
}

/** The client's plain-text phase: greeting, a command, `STARTTLS`, `OK`. */
async function negotiate(conn: Connection): Promise<string[]> {
  const lines = new BufReader(conn);
  const seen = [await lines.readLine()];
  await conn.writeAll(bytes("HELO\n"));
  seen.push(await lines.readLine());
  await conn.writeAll(bytes("STARTTLS\n"));
  seen.push(await lines.readLine());
  assert.equal(lines.buffered, 0);
  return seen.map(String);
}

Deno.test("upgradeTls: a line protocol switches to TLS mid-connection, then carries frames", async () => {
  const { server: backend, errors } = tlsServer(async (conn) => {
    const driver = new FramedDriver(conn, new LengthDelimitedCodec());
    for await (const frame of driver) await driver.send(bytes(`secure ${text(frame)}`));
    await driver.close();
    await driver.closed;
  }, { alpnProtocols: ["weir/1"] });
  await using _backend = backend;
  await using front = starttlsFront(backend.addr.port);
  const plain = await connect(front.addr);
  assert.deepEqual(await negotiate(plain), [
    "220 weir ready",
    "500 unknown command HELO",
    "OK",
  ]);
  const conn = await upgradeTls(plain, {
    hostname: "localhost",
    caCerts: [CA],
    alpnProtocols: ["weir/1"],
  });
  await assert.rejects(plain.read(new Uint8Array(1)), Deno.errors.BadResource);
  assert.equal((await conn.handshake()).alpnProtocol, "weir/1");
  const driver = new FramedDriver(conn, new LengthDelimitedCodec());
  for (let i = 0; i < 100; i++) await driver.send(bytes(`${i}`));
  await driver.close(); // half-close through the tunnel
  const replies: string[] = [];
  for await (const frame of driver) replies.push(text(frame));
  await driver.closed;
  assert.deepEqual(replies, Array.from({ length: 100 }, (_, i) => `secure ${i}`));
  assert.deepEqual(errors, []);
});

Deno.test("upgradeTls with the wrong CA rejects with TlsHandshakeError and closes the socket", async () => {
  const { server: backend, errors } = tlsServer(() => {});
  await using _backend = backend;
  await using front = starttlsFront(backend.addr.port);
  const plain = await connect(front.addr);
  await negotiate(plain);
  await assert.rejects(
    upgradeTls(plain, { hostname: "127.0.0.1", caCerts: [OTHER_CA] }),
    (error) => assertHandshakeError(error, /UnknownIssuer/),
  );
  await waitFor(() => front.connections === 0 && errors.length === 1, "the tunnel to close");
});

Deno.test("upgradeTls defaults the name to the peer's IP address", async () => {
  const { server: backend } = tlsServer(async (conn) => {
    await conn.writeAll(bytes("by address"));
  });
  await using _backend = backend;
  await using front = starttlsFront(backend.addr.port);
  const plain = await connect(front.addr);
  await negotiate(plain);
  await using conn = await upgradeTls(plain, { caCerts: [CA] }); // verifies 127.0.0.1
  assert.equal(text(await readToEnd(conn)), "by address");
});

Deno.test("upgradeTls timeout and abort give up on a peer that never answers", async () => {
  const clock = new FakeClock();
  // Never speaks TLS.
  using liar = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const reason = new Error("stop");
  for (const stop of ["timeout", "abort"] as const) {
    const accepted = liar.accept();
    const plain = await connect(liar.addr);
    using _peer = await accepted;
    const controller = new AbortController();
    const upgrading = upgradeTls(plain, {
      caCerts: [CA],
      clock,
      ...(stop === "timeout" ? { timeout: 500 } : { signal: controller.signal }),
    });
    if (stop === "timeout") await clock.tick(500);
    else controller.abort(reason);
    await assert.rejects(upgrading, (error) => {
      if (stop === "abort") return error === reason;
      assert.ok(error instanceof DOMException && error.name === "TimeoutError", `${error}`);
      assert.equal(error.message, "TLS handshake timed out after 500 ms");
      return true;
    });
    await assert.rejects(plain.read(new Uint8Array(1)), Deno.errors.BadResource);
  }
  const controller = new AbortController();
  controller.abort(reason);
  const accepted = liar.accept();
  const plain = await connect(liar.addr);
  using _peer = await accepted;
  await assert.rejects(upgradeTls(plain, { signal: controller.signal }), (e) => e === reason);
  plain.close();
});

// ---- bad inputs -------------------------------------------------------------------

Deno.test("upgradeTls and handshake() reject connections that are not plain TCP (TypeError)", async () => {
  const { server } = tlsServer(() => {});
  await using _server = server;
  await using tlsConn = await tlsConnect(server.addr.port);
  await assert.rejects(
    upgradeTls(tlsConn),
    /'conn' must be a plain TCP connection: received a TLS/,
  );
  await using socket = await tempSocketPath();
  await using unixServer = serve(socket, () => {});
  await using unixConn = await connect(socket);
  await assert.rejects(
    upgradeTls(unixConn),
    (error) => error instanceof TypeError && /received a unix connection/.test(error.message),
  );
  await assert.rejects(
    unixConn.handshake(),
    (error) => error instanceof TypeError && /Connection is not TLS/.test(error.message),
  );
  assert.equal(unixServer.addr.transport, "unix");
});

Deno.test("upgradeTls rejects a bad timeout with RangeError before touching the connection", async () => {
  await using server = serve({ hostname: "127.0.0.1", port: 0 }, async (conn) => {
    await conn.writeAll(bytes("still plain"));
  });
  await using conn = await connect(server.addr);
  for (const timeout of [-1, Number.NaN]) {
    await assert.rejects(
      upgradeTls(conn, { timeout }),
      (error) => error instanceof RangeError && /'timeout'/.test(error.message),
    );
  }
  assert.equal(text(await readToEnd(conn)), "still plain");
});

Deno.test("serve with tls rejects a bad handshakeTimeout, certificate or key without listening", () => {
  for (const handshakeTimeout of [-1, Number.NaN]) {
    assert.throws(
      () => serve({ port: 0, tls: TLS }, () => {}, { handshakeTimeout }),
      (error) => error instanceof RangeError && /'handshakeTimeout'/.test(error.message),
    );
  }
  assert.throws(() => serve({ port: 0, tls: { cert: "junk", key: KEY } }, () => {}), /certificate/);
  assert.throws(() => serve({ port: 0, tls: { cert: CERT, key: "junk" } }, () => {}), /key/);
});

Deno.test("upgradeTls after a framed exchange: the Framed hands over the socket with no byte lost", async () => {
  const { server: backend, errors } = tlsServer(async (conn) => {
    const framed = new Framed(conn, new LinesCodec());
    for await (const line of framed) framed.feed(`secure ${line}`);
    await framed.close();
  });
  await using _backend = backend;
  await using front = starttlsFront(backend.addr.port);
  const plain = new Framed(await connect(front.addr), new LinesCodec());
  assert.equal((await plain.next()).value, "220 weir ready");
  await plain.send("HELO");
  assert.equal((await plain.next()).value, "500 unknown command HELO");
  await plain.send("STARTTLS");
  assert.equal((await plain.next()).value, "OK");
  const parts = plain.intoParts();
  assert.equal(parts.readBuffer.length, 0, "nothing was read past OK");
  assert.equal(parts.writeBuffer.length, 0);
  const tls = await upgradeTls(parts.transport as Connection, {
    hostname: "localhost",
    caCerts: [CA],
  });
  const secure = Framed.fromParts({ ...parts, transport: tls });
  for (const line of ["one", "two"]) secure.feed(line);
  await secure.close();
  assert.deepEqual(await Array.fromAsync(secure), ["secure one", "secure two"]);
  tls.close();
  assert.deepEqual(errors, []);
});

Deno.test("connect with tls cert and key presents a client certificate to a server that requires one", async () => {
  const { default: tls } = await import("node:tls");
  const clientCa = await Deno.readTextFile(new URL("../fixtures/client_ca.pem", import.meta.url));
  const cert = await Deno.readTextFile(new URL("../fixtures/client.pem", import.meta.url));
  const key = await Deno.readTextFile(new URL("../fixtures/client.key", import.meta.url));
  const authorized: boolean[] = [];
  const server = tls.createServer(
    { cert: CERT, key: KEY, ca: [clientCa], requestCert: true, rejectUnauthorized: true },
    (socket) => {
      authorized.push(socket.authorized);
      socket.end("hello, known client");
    },
  );
  server.on("tlsClientError", () => {}); // the anonymous client below
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  try {
    const trust = { caCerts: [CA], serverName: "localhost" };
    await using conn = await connect({ hostname: "localhost", port, tls: { ...trust, cert, key } });
    assert.equal(text(await readToEnd(conn)), "hello, known client");
    assert.deepEqual(authorized, [true]);
    await assert.rejects(async () => {
      await using anonymous = await connect({ hostname: "localhost", port, tls: trust });
      await readToEnd(anonymous);
    });
    await assert.rejects(
      connect({ hostname: "127.0.0.1", port, tls: { ...trust, cert, key } }),
      (error) => error instanceof TypeError && /'tls.serverName'/.test(error.message),
    );
    await assert.rejects(
      connect({ hostname: "localhost", port, tls: { ...trust, cert } }),
      (error) => error instanceof TypeError && /'tls.cert' and 'tls.key'/.test(error.message),
    );
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
});
