// net/ over TLS against plain TCP, on loopback in this process, same run:
// - handshakes: HANDSHAKES sequential connects (TLS: TCP, then handshake)
//   to a fresh server, each closed at once; per second = HANDSHAKES / time;
// - framed: CONNS connections to examples/framed_server.ts (with
//   --cert/--key for TLS) either push batches of length-delimited frames
//   to --echo and read each echo whole, or upload frames one way and
//   half-close (the server decodes them, then closes).
// Setup and teardown are outside the timed part; plain TCP is the baseline.
//
//   deno bench -A bench/tls_bench.ts
import { LengthDelimitedCodec } from "@weir/weir/framing";
import { ByteBuffer } from "@weir/weir/io";
import { connect, type Connection, serve } from "@weir/weir/net";
import { main as framedServer } from "../examples/framed_server.ts";

const fixture = (name: string) => new URL(`../tests/fixtures/${name}`, import.meta.url).pathname;
const TLS = {
  cert: Deno.readTextFileSync(fixture("server.pem")),
  key: Deno.readTextFileSync(fixture("server.key")),
};
const TRUST = { caCerts: [Deno.readTextFileSync(fixture("ca.pem"))] };
const TLS_FLAGS = ["--cert", fixture("server.pem"), "--key", fixture("server.key")];

const HANDSHAKES = 20;
const CONNS = 4;

type Secure = "plain TCP" | "TLS";

function dial(secure: Secure, port: number): Promise<Connection> {
  const address = { hostname: "127.0.0.1", port };
  return connect(secure === "TLS" ? { ...address, tls: TRUST } : address);
}

// ---- handshakes -------------------------------------------------------------------

const HANDSHAKE_GROUP = `${HANDSHAKES} sequential connects (TLS: with handshake)`;
for (const secure of ["plain TCP", "TLS"] as const) {
  Deno.bench({
    group: HANDSHAKE_GROUP,
    name: `weir connect + serve, ${secure}`,
    baseline: secure === "plain TCP",
    async fn(b) {
      const address = { hostname: "127.0.0.1", port: 0 };
      await using server = serve(secure === "TLS" ? { ...address, tls: TLS } : address, () => {});
      b.start();
      for (let i = 0; i < HANDSHAKES; i++) {
        const conn = await dial(secure, server.addr.port);
        conn.close();
      }
      b.end();
    },
  });
}

// ---- framed echo --------------------------------------------------------------------

/** Runs examples/framed_server.ts with `extra` flags until disposed. */
async function startFramedServer(
  secure: Secure,
  extra: string[],
): Promise<{ port: number } & AsyncDisposable> {
  const controller = new AbortController();
  const listening = Promise.withResolvers<number>();
  const flags = ["--port", "0", "--heartbeats", "0", "--quiet", ...extra];
  const running = framedServer(secure === "TLS" ? [...flags, ...TLS_FLAGS] : flags, {
    signal: controller.signal,
    log: (line) => listening.resolve(Number(line.slice(line.lastIndexOf(":") + 1))),
  });
  running.catch(listening.reject);
  return {
    port: await listening.promise,
    [Symbol.asyncDispose]: () => (controller.abort(), running),
  };
}

/** `depth` frames of `size` bytes, encoded back to back. */
function framedBatch(depth: number, size: number): Uint8Array {
  const codec = new LengthDelimitedCodec();
  const out = new ByteBuffer();
  for (let i = 1; i <= depth; i++) codec.encode(new Uint8Array(size).fill(i), out);
  return out.bytes();
}

/** Sends `batch` `rounds` times on each connection, reading each echo whole. */
async function echoRounds(conns: Connection[], batch: Uint8Array, rounds: number): Promise<void> {
  await Promise.all(conns.map(async (conn) => {
    const buf = new Uint8Array(Math.max(65536, batch.length));
    for (let round = 0; round < rounds; round++) {
      await conn.writeAll(batch);
      for (let got = 0; got < batch.length;) {
        const n = await conn.read(buf);
        if (n === null) throw new Error("the server closed early");
        got += n;
      }
    }
  }));
}

/** Sends `batch` `rounds` times on each connection, half-closes, waits for the server's close. */
async function upload(conns: Connection[], batch: Uint8Array, rounds: number): Promise<void> {
  await Promise.all(conns.map(async (conn) => {
    for (let round = 0; round < rounds; round++) await conn.writeAll(batch);
    await conn.closeWrite();
    if (await conn.read(new Uint8Array(1)) !== null) throw new Error("unexpected reply");
  }));
}

function framedBench(
  group: string,
  flags: string[],
  run: (conns: Connection[]) => Promise<void>,
  warmUp?: (conns: Connection[]) => Promise<void>,
): void {
  for (const secure of ["plain TCP", "TLS"] as const) {
    Deno.bench({
      group,
      name: `examples/framed_server.ts ${flags.join(" ")}, ${secure}`.replace(" ,", ","),
      baseline: secure === "plain TCP",
      async fn(b) {
        await using server = await startFramedServer(secure, flags);
        const conns = await Promise.all(
          Array.from({ length: CONNS }, () => dial(secure, server.port)),
        );
        await warmUp?.(conns); // past the server's read-buffer ramp-up
        b.start();
        await run(conns);
        b.end();
        for (const conn of conns) conn.close();
      },
    });
  }
}

const SMALL = framedBatch(16, 64);
framedBench(
  `framed echo, ${CONNS} conns x 100 rounds of 16 x 64 B frames`,
  ["--echo"],
  (conns) => echoRounds(conns, SMALL, 100),
  (conns) => echoRounds(conns, SMALL, 10),
);

const LARGE = framedBatch(4, 16384);
framedBench(
  `framed upload, ${CONNS} conns x 4 MiB in 16 KiB frames (server decodes)`,
  [],
  (conns) => upload(conns, LARGE, 64),
);
// Deno cannot set TCP_NODELAY on sockets a TLS listener accepts: an echo
// written in several writes waits for the client's delayed ACK.
framedBench(
  `framed echo, ${CONNS} conns x 10 rounds of 4 x 16 KiB frames (Nagle on the TLS server)`,
  ["--echo"],
  (conns) => echoRounds(conns, LARGE, 10),
);
