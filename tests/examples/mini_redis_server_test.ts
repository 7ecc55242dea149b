import assert from "node:assert/strict";
import { FakeClock } from "@weir/weir/time";
import { main as server } from "../../examples/mini_redis/server.ts";
import { MiniRedisClient, subscribe } from "../../examples/mini_redis/client.ts";
import type { RespValue } from "../../examples/mini_redis/resp_codec.ts";
import { startExample, waitFor } from "../_util/net.ts";
import { REDIS_REPLIES } from "./mini_redis_replies.ts";

/** One byte per character. */
function latin1(text: string): Uint8Array {
  return Uint8Array.from(text, (c) => c.charCodeAt(0));
}

function fromLatin1(bytes: Uint8Array): string {
  let text = "";
  for (const byte of bytes) text += String.fromCharCode(byte);
  return text;
}

/** Reads until `length` bytes came or the peer closed; fails after 5 s. */
async function readBytes(conn: Deno.Conn, length: number): Promise<Uint8Array> {
  const out = new Uint8Array(length);
  let got = 0;
  const timer = setTimeout(() => conn.close(), 5_000);
  try {
    while (got < length) {
      const n = await conn.read(out.subarray(got));
      if (n === null) break;
      got += n;
    }
  } finally {
    clearTimeout(timer);
  }
  return out.subarray(0, got);
}

/** Whether the peer closes: reads to the end (nothing more may come). */
async function closesAfter(conn: Deno.Conn): Promise<boolean> {
  const extra = await readBytes(conn, 1);
  return extra.length === 0;
}

/** Sends raw bytes on a fresh connection and returns exactly `expected.length` reply bytes. */
async function exchange(port: number, send: string, expectedLength: number) {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  await conn.write(latin1(send));
  const reply = fromLatin1(await readBytes(conn, expectedLength));
  return { conn, reply };
}

Deno.test("mini_redis answers every recorded command with redis-server 7's bytes", async () => {
  await using srv = await startExample(server, ["--port", "0", "--quiet"]);
  for (const [send, expected, closes] of REDIS_REPLIES) {
    const flush = await exchange(srv.port, "*1\r\n$8\r\nFLUSHALL\r\n", 5);
    assert.equal(flush.reply, "+OK\r\n");
    flush.conn.close();
    const { conn, reply } = await exchange(srv.port, send, expected.length);
    try {
      assert.equal(reply, expected, `reply to ${JSON.stringify(send)}`);
      if (closes) assert.ok(await closesAfter(conn), `${JSON.stringify(send)} closes`);
      else {
        // Still open and in step: one more request, one more reply.
        await conn.write(latin1("PING\r\n"));
        let pong = fromLatin1(await readBytes(conn, 7));
        if (pong.startsWith("*")) pong += fromLatin1(await readBytes(conn, 13)); // subscribe mode
        assert.ok(pong === "+PONG\r\n" || pong === "*2\r\n$4\r\npong\r\n$0\r\n\r\n", pong);
      }
    } finally {
      conn.close();
    }
  }
});

Deno.test("mini_redis expires keys on access and sweeps the rest (FakeClock)", async () => {
  const clock = new FakeClock();
  const controller = new AbortController();
  const lines: string[] = [];
  const listening = Promise.withResolvers<number>();
  const running = server(["--port", "0", "--quiet"], {
    signal: controller.signal,
    clock,
    log: (line) => {
      lines.push(line);
      const match = line.match(/:(\d+)$/);
      if (match) listening.resolve(Number(match[1]));
    },
  });
  const port = await listening.promise;
  const client = await MiniRedisClient.connect({ port });
  try {
    const run = (...args: string[]) => client.command(args);
    assert.deepEqual(await run("SET", "a", "1", "PX", "100"), { type: "simple", value: "OK" });
    assert.deepEqual(await run("SET", "b", "2", "EX", "1"), { type: "simple", value: "OK" });
    assert.deepEqual(await run("SET", "c", "3"), { type: "simple", value: "OK" });
    assert.deepEqual(await run("PTTL", "a"), { type: "integer", value: 100 });
    await clock.tick(99);
    assert.deepEqual(await run("GET", "a"), { type: "bulk", value: latin1("1") });
    await clock.tick(1);
    assert.deepEqual(await run("GET", "a"), { type: "bulk", value: null }, "expired on access");
    assert.deepEqual(await run("DBSIZE"), { type: "integer", value: 2 });
    await clock.tick(1_000); // b expires; the next sweep reclaims it without an access
    assert.deepEqual(await run("DBSIZE"), { type: "integer", value: 1 });
    assert.deepEqual(await run("EXISTS", "a", "b", "c"), { type: "integer", value: 1 });
  } finally {
    await client.close();
    controller.abort();
    await running;
  }
});

Deno.test("mini_redis answers 1,000 pipelined requests through the client, in order", async () => {
  await using srv = await startExample(server, ["--port", "0", "--quiet"]);
  await using client = await MiniRedisClient.connect({ port: srv.port });
  const replies = await Promise.all(
    Array.from(
      { length: 1_000 },
      (_, i) => i % 2 === 0 ? client.command(["INCR", "n"]) : client.command(["GET", "n"]),
    ),
  );
  for (let i = 0; i < replies.length; i += 2) {
    assert.deepEqual(replies[i], { type: "integer", value: i / 2 + 1 });
    assert.deepEqual(replies[i + 1], { type: "bulk", value: latin1(`${i / 2 + 1}`) });
  }
  // A request given up on keeps the rest in step: its reply is read and dropped.
  const controller = new AbortController();
  const abandoned = client.command(["ECHO", "dropped"], { signal: controller.signal });
  controller.abort();
  await assert.rejects(abandoned);
  assert.deepEqual(await client.command(["ECHO", "kept"]), { type: "bulk", value: latin1("kept") });
});

/** The first 8 bytes of each message's payload, until the message `end`. */
async function collect(pushes: AsyncGenerator<RespValue, void, undefined>): Promise<string[]> {
  const seen: string[] = [];
  for await (const push of pushes) {
    if (push.type !== "array" || push.value === null) continue;
    const [kind, , payload] = push.value;
    if (
      kind?.type === "bulk" && fromLatin1(kind.value!) === "message" && payload?.type === "bulk"
    ) {
      const head = fromLatin1(payload.value!.subarray(0, 8));
      if (head === "end") break;
      seen.push(head);
    }
  }
  return seen;
}

Deno.test("mini_redis pub/sub: two subscribers get every message; one that stops reading is cut off", async () => {
  await using srv = await startExample(server, ["--port", "0", "--pubsub-capacity", "8"]);
  const payload = "x".repeat(64 * 1024);
  // A subscriber that never reads: once its socket buffers are full, it falls behind.
  const laggard = await Deno.connect({ hostname: "127.0.0.1", port: srv.port });
  await laggard.write(latin1("*2\r\n$9\r\nSUBSCRIBE\r\n$2\r\nch\r\n"));
  const stop = new AbortController();
  const first = subscribe({ port: srv.port }, ["ch"], { signal: stop.signal });
  const second = subscribe({ port: srv.port }, ["ch", "other"], { signal: stop.signal });
  const confirmations = await Promise.all([first.next(), second.next(), second.next()]);
  assert.equal(confirmations.length, 3);
  const received = [collect(first), collect(second)];
  await using publisher = await MiniRedisClient.connect({ port: srv.port });
  const publish = async (message: string) => {
    const reply = await publisher.command(["PUBLISH", "ch", message]);
    assert.equal(reply.type, "integer");
    return Number(reply.value);
  };
  // Publish (64 KiB each, one at a time) until the laggard is cut off,
  // however large the machine's socket buffers are: at most 256 MiB.
  const sent: string[] = [];
  const counts: number[] = [];
  for (let i = 0; i < 4096 && counts.at(-1) !== 2; i++) {
    const head = String(i).padStart(8, "0");
    sent.push(head);
    counts.push(await publish(`${head}${payload}`));
  }
  for (let i = 0; i < 3; i++) {
    const head = `after-${i}`.padStart(8, "0");
    sent.push(head);
    counts.push(await publish(`${head}${payload}`));
  }
  assert.equal(await publish("end"), 2);
  const [a, b] = await Promise.all(received);
  assert.deepEqual(a, sent);
  assert.deepEqual(b, sent);
  assert.equal(counts[0], 3, "three subscribers at first");
  assert.deepEqual(counts.slice(-4), [2, 2, 2, 2], "the laggard was disconnected");
  assert.ok(
    srv.lines.some((line) =>
      /^subscriber 127\.0\.0\.1:\d+ is \d+ messages behind: disconnected$/.test(line)
    ),
  );
  // Its connection ends after what was written before the cut.
  const drain = new Uint8Array(1 << 20);
  let drained = 0;
  for (let n; (n = await laggard.read(drain).catch(() => null)) !== null;) drained += n;
  assert.ok(drained > 0);
  laggard.close();
  stop.abort();
  await Promise.all([first.return(), second.return()]);
});

Deno.test("mini_redis answers hostile input with Redis's protocol error, other clients unaffected", async () => {
  await using srv = await startExample(server, ["--port", "0", "--quiet"]);
  await using bystander = await MiniRedisClient.connect({ port: srv.port });
  assert.deepEqual(await bystander.command(["SET", "k", "v"]), { type: "simple", value: "OK" });
  const busy = Array.from({ length: 100 }, () => bystander.command(["GET", "k"]));
  const hostile: [string, string][] = [
    ["*1\r\n$99999999999\r\n", "-ERR Protocol error: invalid bulk length\r\n"],
    ["*99999999999\r\n", "-ERR Protocol error: invalid multibulk length\r\n"],
    [
      "*2\r\n$3\r\nGET\r\n$1\r\nk\r\n*\xff\xfe\r\n",
      "$1\r\nv\r\n-ERR Protocol error: invalid multibulk length\r\n",
    ],
    ["*1\r\n:1\r\n", "-ERR Protocol error: expected '$', got ':'\r\n"],
    ["GET k\r\n*1\r\n$-1\r\n", "$1\r\nv\r\n-ERR Protocol error: invalid bulk length\r\n"],
    ['"unbalanced\r\n', "-ERR Protocol error: unbalanced quotes in request\r\n"],
  ];
  for (const [send, expected] of hostile) {
    const { conn, reply } = await exchange(srv.port, send, expected.length);
    try {
      assert.equal(reply, expected);
      if (expected.includes("Protocol error")) assert.ok(await closesAfter(conn));
    } finally {
      conn.close();
    }
  }
  // Requests over the limits: a small server.
  await using small = await startExample(server, [
    "--port",
    "0",
    "--quiet",
    "--max-bulk-length",
    "16",
    "--max-arguments",
    "4",
    "--max-request-size",
    "20",
  ]);
  for (
    const [send, expected] of [
      ["*2\r\n$4\r\nECHO\r\n$17\r\n", "-ERR Protocol error: invalid bulk length\r\n"],
      ["*5\r\n", "-ERR Protocol error: invalid multibulk length\r\n"],
      [
        "*3\r\n$3\r\nSET\r\n$10\r\nkkkkkkkkkk\r\n$10\r\n",
        "-ERR Protocol error: invalid bulk length\r\n",
      ],
      ["A".repeat(70_000), "-ERR Protocol error: too big inline request\r\n"],
      ["*" + "1".repeat(70_000), "-ERR Protocol error: too big mbulk count string\r\n"],
    ] as const
  ) {
    const { conn, reply } = await exchange(small.port, send, expected.length);
    try {
      assert.equal(reply, expected);
      assert.ok(await closesAfter(conn));
    } finally {
      conn.close();
    }
  }
  // A half-sent command, then the peer leaves: nothing to answer, nothing reported.
  const half = await Deno.connect({ hostname: "127.0.0.1", port: srv.port });
  await half.write(latin1("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$5\r\nab"));
  half.close();
  for (const reply of await Promise.all(busy)) {
    assert.deepEqual(reply, { type: "bulk", value: latin1("v") });
  }
  assert.deepEqual(await bystander.command(["GET", "k"]), { type: "bulk", value: latin1("v") });
  assert.deepEqual(srv.lines.slice(1), []);
});

Deno.test("mini_redis shuts down gracefully with a subscriber connected", async () => {
  const srv = await startExample(server, ["--port", "0", "--quiet"]);
  const pushes = subscribe({ port: srv.port }, ["news"]);
  assert.equal((await pushes.next()).done, false); // subscribed
  const publisher = await MiniRedisClient.connect({ port: srv.port });
  assert.deepEqual(await publisher.command(["PUBLISH", "news", "last"]), {
    type: "integer",
    value: 1,
  });
  const stopped = srv.stop();
  const message = await pushes.next();
  assert.equal(message.done, false);
  assert.deepEqual(message.value, {
    type: "array",
    value: [
      { type: "bulk", value: latin1("message") },
      { type: "bulk", value: latin1("news") },
      { type: "bulk", value: latin1("last") },
    ],
  });
  assert.equal((await pushes.next()).done, true, "then the server closes the subscriber");
  await assert.rejects(publisher.command(["PING"]), { name: "ConnectionLostError" });
  await assert.rejects(publisher.closed, { name: "ConnectionLostError" });
  await stopped;
});

Deno.test("mini_redis QUIT answers +OK and closes; the client CLI prints like redis-cli", async () => {
  await using srv = await startExample(server, ["--port", "0", "--quiet"]);
  const { conn, reply } = await exchange(srv.port, "QUIT\r\nPING\r\n", 5);
  assert.equal(reply, "+OK\r\n");
  assert.ok(await closesAfter(conn));
  conn.close();
  const { main: client } = await import("../../examples/mini_redis/client.ts");
  const lines: string[] = [];
  const log = (line: string) => lines.push(line);
  const port = `${srv.port}`;
  await client(["--port", port, "set", "k", "v"], { log });
  await client(["--port", port, "get", "k"], { log });
  await client(["--port", port, "get", "missing"], { log });
  await client(["--port", port, "incr", "k"], { log });
  await client(["--port", port, "publish", "ch", "hi"], { log });
  assert.deepEqual(lines, [
    "OK",
    '"v"',
    "(nil)",
    "(error) ERR value is not an integer or out of range",
    "(integer) 0",
  ]);
  const stop = new AbortController();
  const subscribed: string[] = [];
  const listening = client(["--port", port, "subscribe", "ch"], {
    log: (line) => subscribed.push(line),
    signal: stop.signal,
  });
  await waitFor(() => subscribed.length === 1, "the subscribe confirmation");
  await client(["--port", port, "publish", "ch", "hi"], { log });
  await waitFor(() => subscribed.length === 2, "the message");
  stop.abort();
  await listening;
  assert.deepEqual(subscribed, [
    '1) "subscribe"\n2) "ch"\n3) (integer) 1',
    '1) "message"\n2) "ch"\n3) "hi"',
  ]);
  assert.equal(lines.at(-1), "(integer) 1");
  await assert.rejects(client(["--port", port, "subscribe"], { log }), TypeError);
  await assert.rejects(client(["--port", port], { log }), TypeError);
});

Deno.test("mini_redis CONFIG GET matches its settings by name or glob, case-insensitively", async () => {
  await using srv = await startExample(server, ["--port", "0", "--quiet", "--max-clients", "7"]);
  await using client = await MiniRedisClient.connect({ port: srv.port });
  const config = async (...patterns: string[]) => {
    const reply = await client.command(["CONFIG", "GET", ...patterns]);
    assert.equal(reply.type, "array");
    return (reply.value ?? []).map((item) =>
      fromLatin1((item.value ?? new Uint8Array()) as Uint8Array)
    );
  };
  assert.deepEqual(await config("MaxClients"), ["MaxClients", "7"]);
  assert.deepEqual(await config("max?lients", "*only"), ["maxclients", "7", "appendonly", "no"]);
  assert.deepEqual(await config("[a-b]ppend[^x]nly", "save", "SAVE"), [
    "appendonly",
    "no",
    "save",
    "",
  ]);
  // An escape counts only in a glob; an exact name is looked up as it is.
  assert.deepEqual(await config("sav\\e*", "\\save", "nosuch*"), ["save", ""]);
});

Deno.test("mini_redis turns a client over --max-clients away with Redis's error at once", async () => {
  await using srv = await startExample(server, ["--port", "0", "--quiet", "--max-clients", "2"]);
  const first = await MiniRedisClient.connect({ port: srv.port });
  await using second = await MiniRedisClient.connect({ port: srv.port });
  assert.deepEqual(await first.command(["PING"]), { type: "simple", value: "PONG" });
  assert.deepEqual(await second.command(["PING"]), { type: "simple", value: "PONG" });
  // Recorded from redis-server 7.0.15 with maxclients reached.
  const expected = "-ERR max number of clients reached\r\n";
  const third = await Deno.connect({ hostname: "127.0.0.1", port: srv.port });
  try {
    assert.equal(fromLatin1(await readBytes(third, expected.length)), expected);
    assert.ok(await closesAfter(third));
  } finally {
    third.close();
  }
  assert.deepEqual(await second.command(["PING"]), { type: "simple", value: "PONG" });
  await first.close();
  // Once the server has closed its side, a slot is free again.
  let reply = "";
  for (let attempt = 0; attempt < 100 && reply !== "+PONG\r\n"; attempt++) {
    const { conn, reply: got } = await exchange(srv.port, "PING\r\n", 7);
    conn.close();
    reply = got;
    if (reply !== "+PONG\r\n") await new Promise((resolve) => setTimeout(resolve, 10));
  }
  assert.equal(reply, "+PONG\r\n");
});

Deno.test("mini_redis closes idle clients but not quiet subscribers (FakeClock)", async () => {
  const clock = new FakeClock();
  const controller = new AbortController();
  const listening = Promise.withResolvers<number>();
  const running = server(["--port", "0", "--quiet", "--idle-timeout", "1000"], {
    signal: controller.signal,
    clock,
    log: (line) => {
      const match = line.match(/:(\d+)$/);
      if (match) listening.resolve(Number(match[1]));
    },
  });
  const port = await listening.promise;
  const idle = await Deno.connect({ hostname: "127.0.0.1", port });
  await idle.write(latin1("PING\r\n"));
  assert.equal(fromLatin1(await readBytes(idle, 7)), "+PONG\r\n");
  const pushes = subscribe({ port }, ["ch"]);
  assert.equal((await pushes.next()).done, false);
  await clock.tick(2_000);
  assert.ok(await closesAfter(idle), "the idle client is closed");
  idle.close();
  const publisher = await MiniRedisClient.connect({ port });
  assert.deepEqual(await publisher.command(["PUBLISH", "ch", "still here"]), {
    type: "integer",
    value: 1,
  });
  assert.deepEqual((await pushes.next()).value, {
    type: "array",
    value: [
      { type: "bulk", value: latin1("message") },
      { type: "bulk", value: latin1("ch") },
      { type: "bulk", value: latin1("still here") },
    ],
  });
  await publisher.close();
  controller.abort();
  assert.equal((await pushes.next()).done, true);
  await running;
});
