// Hostile peers and careless callers against serve, over loopback: resets
// before accept, silent TLS peers, per-connection signals, log floods,
// default limits, the reject policy and per-connection idle timeouts.
import assert from "node:assert/strict";
import net from "node:net";
import { connect, serve, type ServedConnection, Server } from "@weir/weir/net";
import { FakeClock, timeout } from "@weir/weir/time";
import { bytes, gate, readToEnd, text, waitFor } from "../_util/net.ts";

const LOOPBACK = { hostname: "127.0.0.1", port: 0 };
const CERT = await Deno.readTextFile(new URL("../fixtures/server.pem", import.meta.url));
const KEY = await Deno.readTextFile(new URL("../fixtures/server.key", import.meta.url));

/** Connects and resets at once (RST, not FIN), as a port scanner does. */
function connectAndReset(port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, "127.0.0.1", () => {
      socket.resetAndDestroy();
      resolve();
    });
    socket.on("error", reject);
  });
}

/**
 * Sockets the server accepted on `port` and still holds (Linux): rows of
 * /proc/net/tcp whose local port is the server's, not listening, and owned
 * by a descriptor (a socket the kernel keeps after close, or one still in
 * the accept backlog, has inode 0). Counting this server's own sockets, not
 * the process's descriptors, keeps test files running alongside out of it.
 */
function acceptedSockets(port: number): number {
  const hexPort = port.toString(16).toUpperCase().padStart(4, "0");
  return Deno.readTextFileSync("/proc/net/tcp").split("\n").slice(1).filter((row) => {
    const fields = row.trim().split(/\s+/);
    return fields.length > 9 && fields[1]!.endsWith(`:${hexPort}`) && fields[3] !== "0A" &&
      fields[9] !== "0";
  }).length;
}

Deno.test("serve skips a connection reset before it was accepted at once, without backing off or reporting it", async () => {
  // The fake clock never advances: an accept loop that backed off after an
  // accept error would never accept again.
  const clock = new FakeClock();
  const errors: unknown[] = [];
  const first = gate();
  let handled = 0;
  await using server = serve(LOOPBACK, async (conn) => {
    if (handled++ === 0) await first.promise;
    await conn.writeAll(bytes("pong"));
  }, { maxConnections: 1, clock, idleTimeout: 0, onError: (error) => errors.push(error) });
  // The first client holds the only slot, so the resets wait unaccepted in
  // the backlog and reach accept() already reset.
  await using holder = await connect(server.addr);
  await waitFor(() => handled === 1, "the first connection");
  for (let i = 0; i < 5; i++) await connectAndReset(server.addr.port);
  await new Promise((resolve) => setTimeout(resolve, 20)); // let the resets land
  first.open();
  assert.equal(text(await readToEnd(holder)), "pong");
  for (let i = 0; i < 3; i++) {
    await using client = await connect(server.addr);
    // Real time bounds the wait, so a stalled accept loop fails instead of hanging.
    assert.equal(text(await timeout(5_000, readToEnd(client))), "pong");
  }
  assert.deepEqual(errors, []);
});

Deno.test(
  "serve with tls: silent peers past handshakeTimeout stay counted against maxConnections, so descriptors stay bounded",
  {
    ignore: Deno.build.os !== "linux", // reads /proc/net/tcp
  },
  async () => {
    const clock = new FakeClock();
    const max = 4;
    const peers = 16;
    const errors: unknown[] = [];
    const server = serve(
      { ...LOOPBACK, tls: { cert: CERT, key: KEY } },
      () => {},
      {
        maxConnections: max,
        handshakeTimeout: 50,
        idleTimeout: 0,
        clock,
        onError: (error) => errors.push(error),
      },
    );
    const silent: Deno.Conn[] = [];
    try {
      for (let i = 0; i < peers; i++) {
        silent.push(await Deno.connect({ hostname: "127.0.0.1", port: server.addr.port }));
      }
      await waitFor(() => server.connections === max, "the first handshakes");
      // Several handshake timeouts go by: each one used to free the slots
      // while Deno kept the sockets, so more silent peers were accepted.
      for (let round = 0; round < peers / max + 1; round++) {
        await clock.tick(50);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      assert.equal(errors.length, max, "one timeout per accepted silent peer");
      assert.equal(server.connections, max);
      const serverSockets = acceptedSockets(server.addr.port);
      assert.ok(serverSockets >= max, `${serverSockets} sockets seen: the count misses held ones`);
      assert.ok(serverSockets <= max + 1, `${serverSockets} server sockets open for ${max} slots`);
    } finally {
      for (const conn of silent) conn.close();
    }
    await waitFor(() => server.connections === 0, "the sockets to be let go");
    await server.shutdown();
  },
);

Deno.test("serve gives each handler its own signal; a finished connection's listeners are not kept or called", async () => {
  const signals = new Set<AbortSignal>();
  let calls = 0;
  const server = serve(LOOPBACK, async (conn, { signal }) => {
    signals.add(signal);
    signal.addEventListener("abort", () => calls++);
    await conn.writeAll(bytes("x"));
  });
  for (let i = 0; i < 20; i++) {
    await using client = await connect(server.addr);
    assert.equal(text(await readToEnd(client)), "x");
  }
  await waitFor(() => server.connections === 0, "the connections to end");
  await server.shutdown();
  assert.equal(signals.size, 20);
  assert.equal(calls, 0, "the shutdown aborts no signal of a connection that already ended");
});

Deno.test("serve default onError: one line per error, at most 10 a second, and the shutdown's own AbortError is not reported", async () => {
  const clock = new FakeClock();
  const lines: unknown[][] = [];
  const originalError = console.error;
  console.error = (...args: unknown[]) => lines.push(args);
  try {
    const failing = serve(LOOPBACK, () => {
      throw new Error("bad request\n  with detail");
    }, { clock, idleTimeout: 0 });
    for (let i = 0; i < 15; i++) {
      await using client = await connect(failing.addr);
      await readToEnd(client);
    }
    await waitFor(() => failing.connections === 0, "the failed connections to end");
    assert.equal(lines.length, 10);
    for (const args of lines) {
      assert.equal(args.length, 1);
      assert.equal(typeof args[0], "string");
      assert.match(
        args[0] as string,
        /^weir serve: 127\.0\.0\.1:\d+: Error: bad request with detail$/,
      );
    }
    await clock.tick(1_000);
    await using late = await connect(failing.addr);
    await readToEnd(late);
    await waitFor(() => lines.length === 11, "the next window's line");
    assert.match(lines[10]![0] as string, /\(5 more not shown\)$/);
    await failing.shutdown();

    lines.length = 0;
    const started = gate();
    let running = 0;
    const polite = serve(LOOPBACK, async (_conn, { signal }) => {
      if (++running === 3) started.open();
      await new Promise((_, reject) =>
        signal.addEventListener("abort", () => reject(signal.reason))
      );
    }, { clock, idleTimeout: 0 });
    const clients = await Promise.all([0, 1, 2].map(() => connect(polite.addr)));
    await started.promise;
    await polite.shutdown();
    for (const client of clients) client.close();
    assert.deepEqual(lines, []);
  } finally {
    console.error = originalError;
  }
});

Deno.test("serve closes a silent connection after the default idle timeout of 60 s; idleTimeout 0 disables it", async () => {
  const clock = new FakeClock();
  await using server = serve(LOOPBACK, (conn) => readToEnd(conn).then(() => {}), {
    clock,
    onError: () => {},
  });
  await using client = await connect(server.addr);
  await waitFor(() => server.connections === 1, "the connection");
  await clock.tick(59_999);
  assert.equal(server.connections, 1);
  await clock.tick(7_500);
  await waitFor(() => server.connections === 0, "the idle close");
  assert.equal(await client.read(new Uint8Array(1)), null);

  await using unlimited = serve(LOOPBACK, (conn) => readToEnd(conn).then(() => {}), {
    clock,
    idleTimeout: 0,
  });
  await using quiet = await connect(unlimited.addr);
  await waitFor(() => unlimited.connections === 1, "the connection");
  await clock.tick(3_600_000);
  assert.equal(unlimited.connections, 1);
  assert.equal(clock.pending, 0, "no sweep timer without an idle timeout");
  quiet.close();
});

Deno.test("serve whenFull reject: a 1,000-connection flood is turned away with onReject's goodbye; a fresh client is answered, not queued", async () => {
  const max = 50;
  const flood = 1_000;
  const release = gate();
  let served = 0;
  const server = serve(LOOPBACK, async (conn) => {
    served++;
    await release.promise;
    await conn.writeAll(bytes("+OK\r\n"));
  }, {
    maxConnections: max,
    whenFull: "reject",
    onReject: (conn) => conn.writeAll(bytes("-ERR max number of clients reached\r\n")),
    idleTimeout: 0,
  });
  const holders = await Promise.all(Array.from({ length: max }, () => connect(server.addr)));
  await waitFor(() => served === max, "the slots to fill");
  const replies = Array.from({ length: flood }, async () => {
    const conn = await connect(server.addr);
    try {
      return text(await readToEnd(conn));
    } catch (error) {
      // Closed with our bytes unread: a reset is a refusal too.
      assert.ok(error instanceof Deno.errors.ConnectionReset, String(error));
      return "reset";
    } finally {
      conn.close();
    }
  });
  // A fresh client during the flood gets its answer without waiting for a slot.
  const fresh = await connect(server.addr);
  assert.equal(text(await readToEnd(fresh)), "-ERR max number of clients reached\r\n");
  fresh.close();
  const results = await Promise.all(replies);
  assert.ok(results.every((r) => r === "-ERR max number of clients reached\r\n" || r === "reset"));
  assert.equal(server.rejected, flood + 1);
  assert.equal(server.connections, max);
  assert.equal(served, max);
  release.open();
  for (const holder of holders) {
    assert.equal(text(await readToEnd(holder)), "+OK\r\n");
    holder.close();
  }
  await server.shutdown();
});

Deno.test("conn.idleTimeout: 0 exempts one connection, a shorter one closes it sooner, undefined restores the server's", async () => {
  const clock = new FakeClock();
  const settings = [0, 20, "restore"] as const;
  const conns: ServedConnection<Deno.NetAddr>[] = [];
  const closedAt = new Map<number, number>();
  await using server = serve(LOOPBACK, async (conn, { signal }) => {
    const index = conns.push(conn) - 1;
    const setting = settings[index]!;
    if (setting === "restore") {
      conn.idleTimeout = 0;
      conn.idleTimeout = undefined;
    } else conn.idleTimeout = setting;
    signal.addEventListener("abort", () => closedAt.set(index, clock.now()));
    await readToEnd(conn);
  }, { idleTimeout: 100, clock, onError: () => {} });
  const clients = [];
  for (let i = 0; i < settings.length; i++) {
    clients.push(await connect(server.addr));
    await waitFor(() => conns.length === i + 1, `connection ${i}`);
  }
  assert.throws(() => conns[0]!.idleTimeout = -1, RangeError);
  for (let t = 0; t < 1_000; t += 5) {
    await clock.tick(5);
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
  await waitFor(() => closedAt.size === 2, "the two timed out connections");
  assert.ok(!closedAt.has(0), "the exempt connection stays open");
  const short = closedAt.get(1)!;
  const restored = closedAt.get(2)!;
  assert.ok(short >= 20 && short <= 25, `closed after ${short} ms`);
  assert.ok(restored >= 100 && restored <= 125, `closed after ${restored} ms`);
  assert.equal(server.connections, 1);
  for (const client of clients) client.close();
});

Deno.test("serve and connect keepAlive turn on TCP keep-alive probes", {
  ignore: Deno.build.os !== "linux", // reads /proc/net/tcp
}, async () => {
  const hex = (port: number) => port.toString(16).toUpperCase().padStart(4, "0");
  /** Whether the kernel runs a keep-alive timer on our established socket from `local` to `remote`. */
  const keepAliveTimer = async (local: number, remote: number) => {
    const table = await Deno.readTextFile("/proc/net/tcp");
    // Columns: slot, local, remote, state, queues, timer ("02:" = keep-alive), ...
    const row = table.split("\n").map((line) => line.trim().split(/\s+/)).find((columns) =>
      columns[1]?.endsWith(`:${hex(local)}`) && columns[2]?.endsWith(`:${hex(remote)}`) &&
      columns[3] === "01"
    );
    assert.ok(row !== undefined, `established socket on port ${local}`);
    return row[5]!.startsWith("02:");
  };
  const ports: number[] = [];
  await using server = serve(LOOPBACK, async (conn) => {
    ports.push(conn.remoteAddr.port);
    await readToEnd(conn);
  }, { keepAlive: true, idleTimeout: 0 });
  await using plain = await connect(server.addr);
  await using probing = await connect(server.addr, { keepAlive: true });
  await waitFor(() => ports.length === 2, "both connections");
  const serverPort = server.addr.port;
  assert.equal(await keepAliveTimer((plain.localAddr as Deno.NetAddr).port, serverPort), false);
  assert.equal(await keepAliveTimer((probing.localAddr as Deno.NetAddr).port, serverPort), true);
  // The server's ends of both connections probe.
  for (const port of ports) assert.equal(await keepAliveTimer(serverPort, port), true);
});

Deno.test("serve rejects a bad whenFull", () => {
  const listener = Deno.listen(LOOPBACK);
  try {
    assert.throws(
      () => new Server(listener, () => {}, { whenFull: "drop" as "wait" }),
      (error: Error) => error instanceof TypeError && /'whenFull'/.test(error.message),
    );
  } finally {
    listener.close();
  }
});
