import assert from "node:assert/strict";
import {
  connect,
  ConnectionLostError,
  Pipeline,
  reconnecting,
  type ReconnectingState,
  serve,
} from "@weir/weir/net";
import { Framed, LinesCodec } from "@weir/weir/framing";
import { Pool } from "@weir/weir/sync";
import { FakeClock, RetryError } from "@weir/weir/time";

/** A fake connection whose `closed` promise the test settles. */
class FakeConn {
  static made = 0;
  readonly id = ++FakeConn.made;
  readonly #closed = Promise.withResolvers<void>();
  destroyed = false;
  alive = true;

  get closed(): Promise<void> {
    return this.#closed.promise;
  }

  die(): void {
    this.#closed.reject(new Error(`conn ${this.id} died`));
  }

  close(): void {
    this.destroyed = true;
    this.#closed.resolve();
  }
}

/** Lets promise callbacks run (no timers involved). */
async function flush(): Promise<void> {
  for (let i = 0; i < 10; i++) await Promise.resolve();
}

Deno.test("reconnecting retries a failing connect with retry's backoff on the clock", async () => {
  const clock = new FakeClock();
  const startedAt: number[] = [];
  const states: ReconnectingState[] = [];
  const conn = reconnecting(() => {
    startedAt.push(clock.now());
    if (startedAt.length < 3) throw new Error("refused");
    return new FakeConn();
  }, { clock, jitter: "none", minDelay: 100, onRetry: () => states.push(conn.state) });
  const got = conn.get();
  await flush();
  assert.equal(conn.state, "backoff");
  await clock.tick(100);
  await clock.tick(200);
  const first = await got;
  assert.deepEqual(startedAt, [0, 100, 300]);
  assert.deepEqual(states, ["backoff", "backoff"]);
  assert.equal(conn.state, "connected");
  assert.equal(await conn.get(), first, "the live one is handed out again");
  await conn.close();
  assert.equal(first.destroyed, true);
});

Deno.test("reconnecting replaces a connection whose closed promise settles; get waits through it", async () => {
  const clock = new FakeClock();
  const connected: number[] = [];
  const conn = reconnecting(() => new FakeConn(), {
    clock,
    onConnect: (c) => void connected.push(c.id),
  });
  const first = await conn.get();
  clock.tick(1_000); // it lived long enough: no pause before the next attempt
  await flush();
  first.die();
  await flush();
  const second = await conn.get();
  assert.notEqual(second, first);
  assert.equal(first.destroyed, true, "the dead one is disposed of");
  assert.deepEqual(connected, [first.id, second.id], "onConnect ran for each before get()");
  await conn.close();
});

Deno.test("reconnecting waits minDelay before replacing a connection that died young", async () => {
  const clock = new FakeClock();
  const conn = reconnecting(() => new FakeConn(), { clock, minDelay: 250 });
  const first = await conn.get();
  first.die();
  await flush();
  assert.equal(conn.state, "backoff");
  const next = conn.get();
  await clock.tick(249);
  assert.equal(conn.state, "backoff");
  await clock.tick(1);
  assert.notEqual(await next, first);
  await conn.close();
});

Deno.test("reconnecting runs health checks every healthCheckInterval and replaces a failing one", async () => {
  const clock = new FakeClock();
  const checked: number[] = [];
  let healthy = true;
  let lastSignal: AbortSignal | undefined;
  const conn = reconnecting(() => new FakeConn(), {
    clock,
    healthCheckInterval: 1_000,
    healthCheck: (c, { signal }) => {
      checked.push(c.id);
      lastSignal = signal;
      if (!healthy) throw new Error("PING failed");
    },
  });
  const first = await conn.get();
  await clock.tick(1_000);
  await clock.tick(1_000);
  assert.deepEqual(checked, [first.id, first.id]);
  healthy = false;
  await clock.tick(1_000);
  await flush();
  assert.equal(lastSignal?.aborted, true, "the replaced connection's check signal aborts");
  healthy = true;
  const second = await conn.get();
  assert.notEqual(second, first);
  assert.equal(first.destroyed, true);
  await clock.tick(1_000);
  assert.equal(checked.at(-1), second.id);
  await conn.close();
  assert.equal(clock.pending, 0, "no health-check timer after close");
});

Deno.test("reconnecting get() checks isAlive and replaces a dead connection", async () => {
  const clock = new FakeClock();
  const conn = reconnecting(() => new FakeConn(), { clock, isAlive: (c) => c.alive });
  const first = await conn.get();
  await clock.tick(500);
  first.alive = false;
  const second = await conn.get();
  assert.notEqual(second, first);
  assert.equal(second.alive, true);
  await conn.close();
});

Deno.test("reconnecting an onConnect failure disposes of the connection and counts as a failed attempt", async () => {
  const clock = new FakeClock();
  let attempts = 0;
  const made: FakeConn[] = [];
  const conn = reconnecting(() => {
    const c = new FakeConn();
    made.push(c);
    return c;
  }, {
    clock,
    jitter: "none",
    onConnect: () => {
      if (++attempts === 1) throw new Error("AUTH failed");
    },
  });
  const got = conn.get();
  await flush();
  assert.equal(made[0]!.destroyed, true);
  await clock.tick(100);
  assert.equal(await got, made[1]);
  await conn.close();
});

Deno.test("reconnecting gives up after maxAttempts: closed, and get() rejects with the RetryError", async () => {
  const clock = new FakeClock();
  const conn = reconnecting<FakeConn>(() => {
    throw new Error("down");
  }, { clock, maxAttempts: 2, jitter: "none" });
  const waiting = conn.get();
  await clock.runAll();
  await assert.rejects(waiting, RetryError);
  assert.equal(conn.state, "closed");
  await assert.rejects(conn.get(), RetryError);
  await conn.close();
});

Deno.test("reconnecting close() aborts the attempt in progress and rejects waiters", async () => {
  const clock = new FakeClock();
  let connectSignal: AbortSignal | undefined;
  const conn = reconnecting<FakeConn>(({ signal }) => {
    connectSignal = signal;
    return new Promise<FakeConn>(() => {}); // a connect that never finishes on its own
  }, { clock });
  const waiting = conn.get();
  await flush();
  await conn.close();
  assert.equal(connectSignal?.aborted, true);
  await assert.rejects(waiting, Deno.errors.BadResource);
  await assert.rejects(conn.get(), Deno.errors.BadResource);
  assert.equal(conn.state, "closed");
  assert.equal(conn.close(), conn.close(), "idempotent");
});

Deno.test("reconnecting a late connection after close is disposed of", async () => {
  const clock = new FakeClock();
  const late = Promise.withResolvers<FakeConn>();
  const conn = reconnecting<FakeConn>(() => late.promise, { clock });
  await flush();
  await conn.close();
  const made = new FakeConn();
  late.resolve(made);
  await flush();
  assert.equal(made.destroyed, true);
});

Deno.test("reconnecting get() with a signal stops waiting; the reconnection goes on", async () => {
  const clock = new FakeClock();
  const conn = reconnecting<FakeConn>((): FakeConn => {
    throw new Error("not yet");
  }, { clock, jitter: "none", maxAttempts: 3 });
  const controller = new AbortController();
  const waiting = conn.get({ signal: controller.signal });
  controller.abort(new Error("gave up waiting"));
  await assert.rejects(waiting, { message: "gave up waiting" });
  await assert.rejects(conn.get({ signal: AbortSignal.abort() }), { name: "AbortError" });
  assert.notEqual(conn.state, "closed");
  await conn.close();
});

Deno.test("reconnecting rejects bad arguments", () => {
  assert.throws(() => reconnecting(5 as never), {
    name: "TypeError",
    message: "'connect' must be a function: received number",
  });
  assert.throws(() => reconnecting(() => 1, { healthCheckInterval: -1 }), {
    name: "RangeError",
    message: "'healthCheckInterval' must be a non-negative number of milliseconds: received -1",
  });
  assert.throws(() => reconnecting(() => 1, { maxAttempts: 0 }), RangeError);
  assert.throws(() => reconnecting(() => 1, { connectTimeout: NaN }), RangeError);
});

/** A line server on a fixed port that can be stopped and started again. */
function lineServer(port = 0) {
  return serve({ hostname: "127.0.0.1", port }, async (conn) => {
    await using framed = new Framed(conn, new LinesCodec());
    for await (const line of framed) {
      if (line === "hold") continue; // never answered: stays in flight
      await framed.send(`+${line}`);
    }
  });
}

Deno.test("reconnecting a Pipeline across a server restart with requests in flight", async () => {
  let server = lineServer();
  const { port } = server.addr;
  const handshakes: string[] = [];
  const client = reconnecting(
    async ({ signal }) =>
      new Pipeline<string, string>(
        await connect({ hostname: "127.0.0.1", port }, { signal }),
        new LinesCodec(),
      ),
    {
      minDelay: 5,
      maxDelay: 20,
      onConnect: async (pipeline) => void handshakes.push(await pipeline.request("hello")),
      destroy: (pipeline) => pipeline.abort(),
    },
  );
  const first = await client.get();
  assert.equal(await first.request("a"), "+a");
  const inFlight = [first.request("hold"), first.request("hold")];
  while (server.connections === 0) await new Promise((resolve) => setTimeout(resolve, 1));
  await server.shutdown({ gracePeriod: 0 });
  const errors = await Promise.all(inFlight.map((p) => p.then(() => undefined, (e) => e)));
  assert.ok(errors[0] instanceof ConnectionLostError);
  assert.equal(errors[1], errors[0]);
  server = lineServer(port);
  const second = await client.get();
  assert.notEqual(second, first);
  assert.equal(await second.request("b"), "+b");
  assert.deepEqual(handshakes, ["+hello", "+hello"]);
  await client.close();
  await server.shutdown();
});

Deno.test("reconnecting as the create of a Pool: every slot heals after a server restart", async () => {
  let server = lineServer();
  const { port } = server.addr;
  const pool = new Pool({
    create: () =>
      reconnecting(
        async ({ signal }) =>
          new Pipeline<string, string>(
            await connect({ hostname: "127.0.0.1", port }, { signal }),
            new LinesCodec(),
          ),
        { minDelay: 5, maxDelay: 20, destroy: (pipeline) => pipeline.abort() },
      ),
    destroy: (slot) => slot.close(),
    validate: (slot) => slot.state !== "closed",
    max: 3,
  });
  const ask = (text: string) =>
    pool.use(async (slot) => {
      for (;;) {
        const pipeline = await slot.get();
        try {
          return await pipeline.request(text);
        } catch (error) {
          if (!(error instanceof ConnectionLostError)) throw error;
        }
      }
    });
  assert.deepEqual(await Promise.all(["a", "b", "c"].map(ask)), ["+a", "+b", "+c"]);
  assert.equal(pool.size, 3);
  await server.shutdown({ gracePeriod: 0 });
  server = lineServer(port);
  assert.deepEqual(await Promise.all(["d", "e", "f"].map(ask)), ["+d", "+e", "+f"]);
  assert.equal(pool.size, 3, "the same slots, reconnected");
  await pool.drain();
  await server.shutdown();
});
