// Hostile-peer figures for serve, on loopback, in one process:
//
//   deno run -A bench/serve_hostile.ts resets [net module URL]
//     round trips a legitimate client completes in 8 s (a fresh connection
//     every 50 ms, 5 ms of server work each) with no resets, then with 100
//     connect-and-reset peers a second.
//   deno run -A bench/serve_hostile.ts tls [net module URL]
//     the server's open descriptors while 500 silent peers stall TLS
//     handshakes against maxConnections: 100 (handshakeTimeout 1 s, 6 s).
//   deno run -A bench/serve_hostile.ts reject
//     how long a fresh client waits for its first reply while 1,000 idle
//     clients hold the slots (maxConnections: 1000), with whenFull "reject"
//     (the goodbye) and "wait" (given up after 2 s).
//
// The optional module URL runs the same measurement against another copy of
// weir's net module (an older checkout, say). Linux only (/proc/self/fd).

const [mode = "resets", moduleUrl = new URL("../net/mod.ts", import.meta.url).href] = Deno.args;
const { connect, serve } = await import(moduleUrl);
const encoder = new TextEncoder();

function openFds(): number {
  return [...Deno.readDirSync("/proc/self/fd")].length;
}

async function roundTrips(resetsPerSecond: number): Promise<number> {
  const server = serve({ hostname: "127.0.0.1", port: 0 }, async (conn: {
    read(p: Uint8Array): Promise<number | null>;
    writeAll(p: Uint8Array): Promise<void>;
  }) => {
    await conn.read(new Uint8Array(4));
    // 5 ms of synchronous work per request: resets that land meanwhile wait
    // in the backlog and reach accept() already reset.
    for (const until = performance.now() + 5; performance.now() < until;);
    await conn.writeAll(encoder.encode("pong"));
  }, { onError: () => {} });
  const port = server.addr.port;
  const end = performance.now() + 8_000;
  // The resetting peers run in their own process, so their resets land
  // whenever they land, not in step with this event loop.
  const resetter = resetsPerSecond === 0 ? undefined : new Deno.Command(Deno.execPath(), {
    args: [
      "eval",
      `
      import net from "node:net";
      const every = 1000 / ${resetsPerSecond};
      const end = performance.now() + 8000;
      for (let next = performance.now(); next < end; next += every) {
        const socket = net.connect(${port}, "127.0.0.1", () => socket.resetAndDestroy());
        socket.on("error", () => {});
        await new Promise((r) => setTimeout(r, Math.max(0, next + every - performance.now())));
      }
      Deno.exit(0);
    `,
    ],
    stdout: "null",
    stderr: "inherit",
  }).spawn();
  let completed = 0;
  while (performance.now() < end) {
    const started = performance.now();
    try {
      const conn = await connect(server.addr, { timeout: 1_000 });
      try {
        await conn.writeAll(encoder.encode("ping"));
        if ((await conn.read(new Uint8Array(4))) === 4) completed++;
      } finally {
        conn.close();
      }
    } catch { /* a lost round trip */ }
    await new Promise((r) => setTimeout(r, Math.max(0, 50 - (performance.now() - started))));
  }
  await resetter?.status;
  await server.shutdown({ gracePeriod: 100 });
  return completed;
}

async function stalledTls(): Promise<{ peak: number; end: number }> {
  const cert = await Deno.readTextFile(new URL("../tests/fixtures/server.pem", import.meta.url));
  const key = await Deno.readTextFile(new URL("../tests/fixtures/server.key", import.meta.url));
  const tlsOptions = { cert, key, handshakeTimeout: 1_000 };
  const server = serve(
    { hostname: "127.0.0.1", port: 0, tls: tlsOptions },
    () => {},
    { maxConnections: 100, handshakeTimeout: 1_000, onError: () => {} },
  );
  const base = openFds();
  const peers: Deno.Conn[] = [];
  for (let i = 0; i < 500; i++) {
    peers.push(await Deno.connect({ hostname: "127.0.0.1", port: server.addr.port }));
  }
  let peak = 0;
  let now = 0;
  for (let t = 0; t < 6_000; t += 100) {
    await new Promise((r) => setTimeout(r, 100));
    now = openFds() - base - peers.length;
    peak = Math.max(peak, now);
  }
  for (const peer of peers) peer.close();
  await server.shutdown({ gracePeriod: 1_000 });
  return { peak, end: now };
}

async function freshClientWait(whenFull: "wait" | "reject"): Promise<string> {
  const release = Promise.withResolvers<void>();
  const server = serve({ hostname: "127.0.0.1", port: 0, backlog: 4096 }, async (conn: {
    writeAll(p: Uint8Array): Promise<void>;
  }) => {
    await release.promise;
    await conn.writeAll(encoder.encode("+OK\r\n"));
  }, {
    maxConnections: 1_000,
    whenFull,
    onReject: (conn: { writeAll(p: Uint8Array): Promise<void> }) =>
      conn.writeAll(encoder.encode("-ERR max number of clients reached\r\n")),
    onError: () => {},
    idleTimeout: 0,
  });
  const idle = [];
  for (let i = 0; i < 1_000; i++) idle.push(await connect(server.addr));
  while (server.connections < 1_000) await new Promise((r) => setTimeout(r, 5));
  const started = performance.now();
  const fresh = await connect(server.addr);
  const reply = await Promise.race([
    fresh.read(new Uint8Array(64)).then(() => `${(performance.now() - started).toFixed(1)} ms`),
    new Promise<string>((r) => setTimeout(() => r("no reply after 2000 ms"), 2_000)),
  ]);
  fresh.close();
  release.resolve();
  for (const conn of idle) conn.close();
  await server.shutdown({ gracePeriod: 1_000 });
  return reply;
}

if (mode === "reject") {
  const rejected = await freshClientWait("reject");
  const waited = await freshClientWait("wait");
  console.log(
    `fresh client's first reply with 1,000 slots held: ${rejected} (reject), ${waited} (wait)`,
  );
} else if (mode === "resets") {
  const quiet = await roundTrips(0);
  const noisy = await roundTrips(100);
  console.log(`round trips in 8 s: ${quiet} without resets, ${noisy} with 100 resets/s`);
} else {
  const { peak, end } = await stalledTls();
  console.log(
    `server descriptors with 500 stalled TLS peers, maxConnections 100: peak ${peak}, after 6 s ${end}`,
  );
}
Deno.exit(0);
