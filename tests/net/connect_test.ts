import assert from "node:assert/strict";
import { connect, serve } from "@weir/weir/net";
import { FakeClock } from "@weir/weir/time";
import { bytes, readToEnd, tempSocketPath, text } from "../_util/net.ts";

Deno.test("connect opens TCP and Unix connections", async () => {
  await using socket = await tempSocketPath();
  for (const target of [{ hostname: "127.0.0.1", port: 0 }, { path: socket.path }]) {
    await using server = serve(target, async (conn) => {
      await conn.writeAll(bytes(`hello ${conn.localAddr.transport}`));
    });
    await using conn = await connect(server.addr as Deno.NetAddr | Deno.UnixAddr);
    assert.equal(text(await readToEnd(conn)), `hello ${"path" in target ? "unix" : "tcp"}`);
  }
});

Deno.test("connect defaults the hostname to 127.0.0.1", async () => {
  await using server = serve({ port: 0 }, () => {});
  await using conn = await connect({ port: server.addr.port });
  assert.equal((conn.remoteAddr as Deno.NetAddr).hostname, "127.0.0.1");
});

Deno.test("connect to a closed port rejects with ConnectionRefused", async () => {
  const server = serve({ port: 0 }, () => {});
  await server.shutdown();
  await assert.rejects(connect(server.addr), Deno.errors.ConnectionRefused);
  await using socket = await tempSocketPath();
  await assert.rejects(connect({ path: socket.path }), Deno.errors.NotFound);
});

Deno.test("connect with an aborted signal rejects with its reason and opens nothing", async () => {
  await using server = serve({ port: 0 }, () => {});
  const reason = new Error("not now");
  await assert.rejects(
    connect(server.addr, { signal: AbortSignal.abort(reason) }),
    (e) => e === reason,
  );
  await using socket = await tempSocketPath();
  await assert.rejects(
    connect({ path: socket.path }, { signal: AbortSignal.abort(reason) }),
    (e) => e === reason,
  );
});

Deno.test("connect rejects a bad timeout with RangeError", async () => {
  for (const timeout of [-1, NaN]) {
    await assert.rejects(
      connect({ port: 1 }, { timeout }),
      (error: Error) => error instanceof RangeError && error.message.includes("timeout"),
    );
  }
});

/**
 * Opens connections to a listener that never accepts, with a one-slot
 * backlog, until one stalls in the handshake (the kernel drops its SYN).
 */
async function stalledConnect(
  port: number,
  dial: () => Promise<unknown>,
  opened: Deno.Conn[],
): Promise<{ attempt: Promise<unknown> }> {
  for (let i = 0; i < 16; i++) {
    const attempt = dial();
    const settled = await Promise.race([
      attempt.then((conn) => (opened.push((conn as { raw: Deno.Conn }).raw), true), () => true),
      new Promise((resolve) => setTimeout(() => resolve(false), 50)),
    ]);
    if (!settled) return { attempt };
  }
  throw new Error(`No connection to port ${port} stalled`);
}

Deno.test("connect timeout rejects with a TimeoutError when the handshake stalls", async () => {
  using listener = Deno.listen({ hostname: "127.0.0.1", port: 0, tcpBacklog: 1 });
  const clock = new FakeClock();
  const opened: Deno.Conn[] = [];
  try {
    const { attempt } = await stalledConnect(
      listener.addr.port,
      () => connect(listener.addr, { timeout: 3_000, clock }),
      opened,
    );
    let outcome: unknown;
    attempt.catch((error) => outcome = error);
    await clock.tick(2_999);
    assert.equal(outcome, undefined);
    await clock.tick(1);
    await assert.rejects(attempt, (error: DOMException) => {
      assert.equal(error.name, "TimeoutError");
      assert.match(error.message, /timed out after 3000 ms/);
      return true;
    });
  } finally {
    for (const conn of opened) conn.close();
  }
});

Deno.test("connect rejects with the signal's reason when aborted during a stalled handshake", async () => {
  using listener = Deno.listen({ hostname: "127.0.0.1", port: 0, tcpBacklog: 1 });
  const controller = new AbortController();
  const opened: Deno.Conn[] = [];
  try {
    const { attempt } = await stalledConnect(
      listener.addr.port,
      () => connect(listener.addr, { signal: controller.signal }),
      opened,
    );
    const reason = new Error("give up");
    controller.abort(reason);
    await assert.rejects(attempt, (error) => error === reason);
  } finally {
    for (const conn of opened) conn.close();
  }
});
