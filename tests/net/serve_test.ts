import assert from "node:assert/strict";
import { connect, type Connection, serve, Server } from "@weir/weir/net";
import { FakeClock } from "@weir/weir/time";
import { bytes, gate, readToEnd, tempSocketPath, text, waitFor } from "../_util/net.ts";

const LOOPBACK = { hostname: "127.0.0.1", port: 0 };

Deno.test("serve holds maxConnections under 4x load: the excess waits unaccepted, then is served", async () => {
  const max = 3;
  let active = 0;
  let peak = 0;
  let accepted = 0;
  await using server = serve(LOOPBACK, async (conn) => {
    accepted++;
    active++;
    peak = Math.max(peak, active);
    await readToEnd(conn);
    await conn.writeAll(bytes("served"));
    active--;
  }, { maxConnections: max });
  const clients = await Promise.all(
    Array.from({ length: 4 * max }, () => connect(server.addr)),
  );
  await waitFor(() => accepted === max, "the first connections");
  // Give the accept loop every chance to overshoot: it must not.
  await new Promise((resolve) => setTimeout(resolve, 20));
  assert.equal(accepted, max);
  assert.equal(server.connections, max);
  const replies = clients.map(async (client) => {
    await client.closeWrite();
    const reply = text(await readToEnd(client));
    client.close();
    return reply;
  });
  assert.deepEqual(await Promise.all(replies), Array(4 * max).fill("served"));
  assert.equal(accepted, 4 * max);
  assert.equal(peak, max);
});

Deno.test("serve closes a connection idle for idleTimeout, within 1.25 × idleTimeout of its last byte", async () => {
  const clock = new FakeClock();
  let reads = 0;
  const reasons: unknown[] = [];
  const errors: unknown[] = [];
  await using server = serve(LOOPBACK, async (conn, { signal }) => {
    signal.addEventListener("abort", () => reasons.push(signal.reason));
    const buf = new Uint8Array(16);
    while ((await conn.read(buf)) !== null) reads++;
  }, { idleTimeout: 100, clock, onError: (error) => errors.push(error) });
  await using client = await connect(server.addr);
  await waitFor(() => server.connections === 1, "the connection");
  await clock.tick(60);
  await client.writeAll(bytes("x"));
  await waitFor(() => reads === 1, "the byte to arrive");
  await clock.tick(99); // idle for 99 ms since the byte at 60
  assert.equal(server.connections, 1);
  assert.equal(reasons.length, 0);
  await clock.tick(26); // idle for 125 ms: the sweeps every 25 ms saw it idle for 100
  await waitFor(() => server.connections === 0, "the idle connection to close");
  const [reason] = reasons;
  assert.ok(reason instanceof DOMException);
  assert.equal(reason.name, "TimeoutError");
  assert.equal(await client.read(new Uint8Array(1)), null);
  assert.deepEqual(errors, []);
});

Deno.test("serve idle timeout: one timer for every connection, each closed 1-1.25x idleTimeout after its own last byte", async () => {
  const clock = new FakeClock();
  const reads = new Map<number, number>(); // client index -> bytes the server read
  const closedAt = new Map<number, number>();
  await using server = serve(LOOPBACK, async (conn, { signal }) => {
    const index = (await conn.read(new Uint8Array(1)), reads.size);
    reads.set(index, 1);
    signal.addEventListener("abort", () => closedAt.set(index, clock.now()));
    const buf = new Uint8Array(16);
    for (let n; (n = await conn.read(buf)) !== null;) reads.set(index, reads.get(index)! + n);
  }, { idleTimeout: 100, clock, onError: () => {} });
  // Three clients, each announcing itself with one byte, in order.
  const clients = [];
  for (let i = 0; i < 3; i++) {
    const client = await connect(server.addr);
    await client.writeAll(bytes("!"));
    await waitFor(() => reads.size === i + 1, `client ${i}`);
    clients.push(client);
  }
  assert.equal(clock.pending, 1, "one sweep timer for all connections");
  // Client i's last byte goes out at 30 * i ms.
  const lastByte = [0, 30, 60];
  for (let t = 10; t <= 60; t += 10) {
    await clock.tick(10);
    for (let i = 1; i < 3; i++) {
      if (t <= lastByte[i]!) {
        await clients[i]!.writeAll(bytes("."));
        await waitFor(() => reads.get(i) === 1 + t / 10, `client ${i}'s byte at ${t}`);
      }
    }
  }
  for (let t = 60; server.connections > 0 && t < 400; t += 5) {
    await clock.tick(5);
    await new Promise((resolve) => setTimeout(resolve, 1)); // let the closes land
  }
  assert.equal(server.connections, 0);
  for (let i = 0; i < 3; i++) {
    const idle = closedAt.get(i)! - lastByte[i]!;
    assert.ok(idle >= 100 && idle <= 125, `client ${i} closed after ${idle} ms idle`);
    assert.equal(await clients[i]!.read(new Uint8Array(1)), null);
    clients[i]!.close();
  }
  assert.equal(clock.pending, 0, "the sweep stops with the last connection");
});

Deno.test("serve counts the server's own writes as activity for idleTimeout", async () => {
  const clock = new FakeClock();
  const sent = { count: 0 };
  const step = { next: gate() };
  await using server = serve(LOOPBACK, async (conn) => {
    for (;;) {
      await step.next.promise;
      step.next = gate();
      await conn.write(bytes("."));
      sent.count++;
    }
  }, { idleTimeout: 50, clock, onError: () => {} });
  await using client = await connect(server.addr);
  await waitFor(() => server.connections === 1, "the connection");
  for (let i = 1; i <= 3; i++) {
    await clock.tick(40);
    step.next.open();
    await waitFor(() => sent.count === i, "a server write");
  }
  assert.equal(server.connections, 1, "writes every 40 ms keep a 50 ms idle timeout away");
  await clock.tick(49);
  assert.equal(server.connections, 1, "idle for 49 ms");
  await clock.tick(14); // idle for 63 ms, over 1.25 × 50
  await waitFor(() => server.connections === 0, "the idle close");
  assert.equal(text(await readToEnd(client)), "...");
  step.next.open(); // the handler's next write fails quietly: the server closed it
});

Deno.test("Server shutdown lets in-flight frames reach the client, then refuses new connections", async () => {
  const frames = 100;
  const started = gate();
  const abortedWhileSending: boolean[] = [];
  const server = serve(LOOPBACK, async (conn, { signal }) => {
    started.open();
    // Finish the reply in progress even after the shutdown signal.
    for (let i = 1; i <= frames; i++) {
      await conn.writeAll(bytes(`frame ${i}\n`));
      if (i === 10) await new Promise((resolve) => setTimeout(resolve, 5));
    }
    abortedWhileSending.push(signal.aborted);
    await conn.closeWrite();
  });
  const client = await connect(server.addr);
  await started.promise;
  const stopped = server.shutdown();
  const lines = text(await readToEnd(client)).split("\n").filter(Boolean);
  assert.equal(lines.length, frames);
  assert.equal(lines.at(-1), `frame ${frames}`);
  assert.deepEqual(abortedWhileSending, [true]);
  await stopped;
  await server.closed;
  assert.equal(server.connections, 0);
  client.close();
  await assert.rejects(connect(server.addr), Deno.errors.ConnectionRefused);
});

Deno.test("Server shutdown aborts handlers' signals with an AbortError so they can wrap up", async () => {
  const started = gate();
  let reason: unknown;
  await using server = serve(LOOPBACK, async (conn, { signal }) => {
    started.open();
    await new Promise((resolve) => signal.addEventListener("abort", resolve, { once: true }));
    reason = signal.reason;
    await conn.writeAll(bytes("bye"));
  });
  await using client = await connect(server.addr);
  await started.promise;
  await server.shutdown();
  assert.ok(reason instanceof DOMException);
  assert.equal(reason.name, "AbortError");
  assert.equal(text(await readToEnd(client)), "bye");
});

Deno.test("Server shutdown closes connections whose handlers outlive the grace period", async () => {
  const clock = new FakeClock();
  const errors: unknown[] = [];
  const server = serve(LOOPBACK, async (conn) => {
    await readToEnd(conn); // ignores the shutdown signal
  }, { clock, gracePeriod: 1_000, onError: (error) => errors.push(error) });
  await using client = await connect(server.addr);
  await waitFor(() => server.connections === 1, "the connection");
  let finished = false;
  server.closed.then(() => finished = true);
  const stopped = server.shutdown();
  await clock.tick(999);
  assert.equal(finished, false);
  assert.equal(server.connections, 1);
  await clock.tick(1);
  await stopped;
  assert.equal(finished, true);
  assert.equal(await client.read(new Uint8Array(1)), null);
  assert.deepEqual(errors, [], "errors of connections the server closed are not reported");
});

Deno.test("Server shutdown gracePeriod option overrides the server's", async () => {
  const clock = new FakeClock();
  const server = serve(LOOPBACK, (conn) => readToEnd(conn).then(() => {}), {
    clock,
    gracePeriod: 60_000,
  });
  await using _client = await connect(server.addr);
  await waitFor(() => server.connections === 1, "the connection");
  const stopped = server.shutdown({ gracePeriod: 10 });
  assert.equal(server.shutdown(), stopped, "shutdown is idempotent");
  await clock.tick(10);
  await stopped;
  assert.equal(server.connections, 0);
});

Deno.test("serve reports handler errors (thrown or rejected) to onError and keeps serving", async () => {
  const reported: [unknown, Connection | undefined][] = [];
  let calls = 0;
  await using server = serve(LOOPBACK, async (conn) => {
    calls++;
    if (calls === 1) throw new Error("sync failure");
    if (calls === 2) {
      await Promise.resolve();
      throw new Error("async failure");
    }
    await conn.writeAll(bytes("fine"));
  }, { onError: (error, conn) => reported.push([error, conn]) });
  // Handlers that are not async functions may throw synchronously, too.
  const first = await connect(server.addr);
  assert.equal(text(await readToEnd(first)), "");
  first.close();
  const second = await connect(server.addr);
  assert.equal(text(await readToEnd(second)), "");
  second.close();
  await using third = await connect(server.addr);
  assert.equal(text(await readToEnd(third)), "fine");
  assert.deepEqual(reported.map(([error]) => (error as Error).message), [
    "sync failure",
    "async failure",
  ]);
  assert.ok(reported.every(([, conn]) => conn !== undefined));
});

Deno.test("serve handler that throws synchronously (not async) is reported too", async () => {
  const reported: unknown[] = [];
  await using server = serve(LOOPBACK, () => {
    throw new TypeError("plain function");
  }, { onError: (error) => reported.push(error) });
  await using client = await connect(server.addr);
  assert.equal((await readToEnd(client)).length, 0);
  await waitFor(() => reported.length === 1, "the report");
  assert.ok(reported[0] instanceof TypeError);
});

Deno.test("serve keeps serving when onError itself throws", async () => {
  const logged: unknown[] = [];
  const originalError = console.error;
  console.error = (...args: unknown[]) => logged.push(args[0]);
  try {
    await using server = serve(LOOPBACK, () => {
      throw new Error("handler");
    }, {
      onError: () => {
        throw new Error("reporter");
      },
    });
    for (let i = 0; i < 2; i++) {
      await using client = await connect(server.addr);
      await readToEnd(client);
    }
    await waitFor(() => logged.length === 2, "both reports");
    assert.equal((logged[0] as Error).message, "reporter");
  } finally {
    console.error = originalError;
  }
});

Deno.test("serve signal starts a shutdown; an already aborted one stops at once", async () => {
  const controller = new AbortController();
  const server = serve(LOOPBACK, () => {}, { signal: controller.signal });
  controller.abort();
  await server.closed;
  await assert.rejects(connect(server.addr), Deno.errors.ConnectionRefused);

  const stopped = serve(LOOPBACK, () => {}, { signal: AbortSignal.abort() });
  await stopped.closed;
});

Deno.test("serve over a Unix socket path", async () => {
  await using socket = await tempSocketPath();
  await using server = serve({ path: socket.path }, async (conn) => {
    const request = text(await readToEnd(conn));
    await conn.writeAll(bytes(`unix ${request}`));
  });
  assert.equal(server.addr.path, socket.path);
  await using client = await connect({ path: socket.path });
  await client.writeAll(bytes("hello"));
  await client.closeWrite();
  assert.equal(text(await readToEnd(client)), "unix hello");
});

Deno.test("Server over a given listener stops when that listener is closed under it", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const server = serve({ listener }, () => {});
  assert.equal(server.addr, listener.addr);
  listener.close();
  await server.closed;
  await server.shutdown();
});

Deno.test("serve rejects bad limits and durations with RangeError naming them", () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  try {
    for (const maxConnections of [0, -1, 1.5, NaN]) {
      assert.throws(
        () => new Server(listener, () => {}, { maxConnections }),
        (error: Error) => error instanceof RangeError && error.message.includes("maxConnections"),
      );
    }
    for (const [name, value] of [["idleTimeout", -1], ["gracePeriod", NaN]] as const) {
      assert.throws(
        () => new Server(listener, () => {}, { [name]: value }),
        (error: Error) => error instanceof RangeError && error.message.includes(name),
      );
    }
  } finally {
    listener.close();
  }
});

Deno.test("serve closes the listener it opened when the options are bad", async () => {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/bad.sock`;
  try {
    assert.throws(() => serve({ path }, () => {}, { maxConnections: 0 }), RangeError);
    // Binding the same path again fails with AddrInUse while the first
    // listener is open; the resource sanitizer would also flag it.
    const again = serve({ path }, () => {});
    await again.shutdown();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("Server shutdown rejects a bad gracePeriod", async () => {
  const server = serve(LOOPBACK, () => {});
  assert.throws(() => server.shutdown({ gracePeriod: -5 }), RangeError);
  await server.shutdown();
});

Deno.test("serve on an address in use throws AddrInUse", async () => {
  await using server = serve(LOOPBACK, () => {});
  assert.throws(() => serve({ port: server.addr.port }, () => {}), Deno.errors.AddrInUse);
});
