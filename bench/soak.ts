// Soak test (a load test, not run in CI): holds many connections to a weir
// framed echo server, each echoing a length-delimited frame every period,
// for a set time, and reports the server's RSS over time, frames lost (must
// be 0) and errors.
//
//   deno run -A bench/soak.ts                          # 10,000 connections, 10 minutes
//   deno run -A bench/soak.ts --conns 2000 --seconds 30
//
// Flags: --conns N (10000), --seconds S (600), --period MS between frames
// on one connection (1000), --frame BYTES per frame (64), --report S between
// report lines (5), --in-process (run the server in this process instead of
// a subprocess; needs twice the file descriptors). The server runs as
// `--server` in a subprocess by default, so its RSS is its own.
import { Framed, FramedRead, LengthDelimitedCodec, LinesCodec } from "@weir/weir/framing";
import { connect, type Connection, serve } from "@weir/weir/net";

interface SoakOptions {
  conns: number;
  seconds: number;
  period: number;
  frame: number;
  report: number;
  inProcess: boolean;
}

/** One report of the server: memory and connections. */
interface ServerSample {
  rss: number;
  heapUsed: number;
  external: number;
  connections: number;
  errors: number;
}

const MB = 1024 * 1024;
const OPEN_WAVE = 250;

function parseOptions(args: string[]): SoakOptions & { server: boolean } {
  const options = {
    conns: 10_000,
    seconds: 600,
    period: 1000,
    frame: 64,
    report: 5,
    inProcess: false,
    server: false,
  };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === "--in-process") options.inProcess = true;
    else if (arg === "--server") options.server = true;
    else {
      const name = arg.replace(/^--/, "");
      const value = Number(args[++i]);
      if (!(name in options) || !(value > 0)) throw new RangeError(`Bad flag: ${arg} ${args[i]}`);
      (options as Record<string, unknown>)[name] = value;
    }
  }
  options.frame = Math.max(8, options.frame);
  return options;
}

/** The framed echo server; resolves its port and a function reporting its state. */
function startServer(): { port: number; sample: () => ServerSample; stop: () => Promise<void> } {
  let errors = 0;
  const server = serve({ hostname: "127.0.0.1", port: 0, backlog: 4096 }, async (conn) => {
    const framed = new Framed(conn, new LengthDelimitedCodec());
    for await (const frame of framed) await framed.send(frame);
    await framed.close();
    // The soak holds more connections than the default limit, some quiet for long.
  }, { onError: () => errors++, maxConnections: 20_000, idleTimeout: 0 });
  return {
    port: server.addr.port,
    sample: () => {
      const { rss, heapUsed, external } = Deno.memoryUsage();
      return { rss, heapUsed, external, connections: server.connections, errors };
    },
    stop: () => server.shutdown({ gracePeriod: 2000 }),
  };
}

/** `--server`: serve, print the port and a sample per interval as JSON lines, stop at stdin's end. */
async function serverMain(options: SoakOptions): Promise<void> {
  const server = startServer();
  console.log(JSON.stringify({ port: server.port }));
  const timer = setInterval(
    () => console.log(JSON.stringify(server.sample())),
    options.report * 1000,
  );
  for await (const _ of Deno.stdin.readable) { /* wait for the end of stdin */ }
  clearInterval(timer);
  await server.stop();
  console.log(JSON.stringify(server.sample()));
}

/** The server to soak: a subprocess (default) or in this process. */
async function launch(options: SoakOptions): Promise<{
  port: number;
  latest: () => ServerSample | undefined;
  stop: () => Promise<void>;
}> {
  if (options.inProcess) {
    const server = startServer();
    return { port: server.port, latest: server.sample, stop: server.stop };
  }
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", import.meta.filename!, "--server", "--report", String(options.report)],
    stdin: "piped",
    stdout: "piped",
  }).spawn();
  const lines = new FramedRead(child.stdout, new LinesCodec());
  const first = await lines.next();
  if (first.done) throw new Error("The server exited before printing its port");
  const { port } = JSON.parse(first.value) as { port: number };
  let latest: ServerSample | undefined;
  const reading = (async () => {
    for await (const line of lines) latest = JSON.parse(line) as ServerSample;
  })();
  const stdin = child.stdin.getWriter();
  return {
    port,
    latest: () => latest,
    async stop() {
      await stdin.close();
      await reading;
      await child.status;
    },
  };
}

/** Counters shared by every client connection. */
class Tally {
  sent = 0;
  received = 0;
  mismatched = 0;
  errors = new Map<string, number>();
  open = 0;

  error(error: unknown): void {
    const name = error instanceof Error ? error.name : String(error);
    this.errors.set(name, (this.errors.get(name) ?? 0) + 1);
  }
}

/** One client: a frame every `period` ms (first one at a random offset), each echo checked. */
async function client(
  conn: Connection,
  id: number,
  options: SoakOptions,
  tally: Tally,
  stopping: { now: boolean },
): Promise<void> {
  const framed = new Framed(conn, new LengthDelimitedCodec());
  const frame = new Uint8Array(options.frame);
  const view = new DataView(frame.buffer);
  view.setUint32(0, id);
  try {
    await new Promise((resolve) => setTimeout(resolve, Math.random() * options.period));
    for (let seq = 0; !stopping.now; seq++) {
      view.setUint32(4, seq);
      await framed.send(frame);
      tally.sent++;
      const echo = await framed.next();
      if (echo.done) throw new Error("The server ended the connection");
      tally.received++;
      if (echo.value.length !== frame.length || echo.value.some((b, i) => b !== frame[i])) {
        tally.mismatched++;
      }
      await new Promise((resolve) => setTimeout(resolve, options.period));
    }
    await framed.close();
    await framed.next(); // the server's end of stream
  } catch (error) {
    tally.error(error);
  } finally {
    conn.close();
    tally.open--;
  }
}

/** Least-squares slope of `ys` over `xs`. */
function slope(xs: number[], ys: number[]): number {
  const n = xs.length;
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    num += (xs[i]! - mx) * (ys[i]! - my);
    den += (xs[i]! - mx) ** 2;
  }
  return den === 0 ? 0 : num / den;
}

async function soak(options: SoakOptions): Promise<void> {
  const server = await launch(options);
  const tally = new Tally();
  const stopping = { now: false };
  const loops: Promise<void>[] = [];
  const start = performance.now();
  const mb = (n: number | undefined) => (n === undefined ? "?" : (n / MB).toFixed(1));
  console.log(
    `soak: ${options.conns} connections, a ${options.frame}-byte frame every ${options.period} ms each, ` +
      `${options.seconds} s, server ${options.inProcess ? "in process" : "in a subprocess"}`,
  );
  for (let id = 0; id < options.conns; id += OPEN_WAVE) {
    const wave = Array.from({ length: Math.min(OPEN_WAVE, options.conns - id) }, (_, k) => id + k);
    const opened = await Promise.allSettled(wave.map(() => connect({ port: server.port })));
    opened.forEach((result, k) => {
      if (result.status === "rejected") return tally.error(result.reason);
      tally.open++;
      loops.push(client(result.value, wave[k]!, options, tally, stopping));
    });
  }
  console.log(
    `opened ${tally.open} connections in ${((performance.now() - start) / 1000).toFixed(1)} s`,
  );
  console.log(
    "  t (s)  open  frames/s  server RSS MB  heap MB  external MB  client RSS MB  errors",
  );
  const samples: { t: number; rss: number }[] = [];
  const began = performance.now();
  let lastReceived = 0;
  for (let t = options.report; t <= options.seconds; t += options.report) {
    await new Promise((resolve) => setTimeout(resolve, began + t * 1000 - performance.now()));
    const s = server.latest();
    const rate = (tally.received - lastReceived) / options.report;
    lastReceived = tally.received;
    if (s !== undefined) samples.push({ t, rss: s.rss });
    const errors = [...tally.errors.values()].reduce((a, b) => a + b, 0) + (s?.errors ?? 0);
    console.log(
      `${String(t).padStart(7)} ${String(tally.open).padStart(5)} ${rate.toFixed(0).padStart(9)} ` +
        `${mb(s?.rss).padStart(14)} ${mb(s?.heapUsed).padStart(8)} ${
          mb(s?.external).padStart(12)
        } ` +
        `${mb(Deno.memoryUsage().rss).padStart(14)} ${String(errors).padStart(7)}`,
    );
  }
  stopping.now = true;
  await Promise.all(loops);
  await server.stop();
  const final = server.latest();
  // The first samples cover the ramp-up: judge flatness on the rest.
  const steady = samples.slice(Math.min(2, Math.max(0, samples.length - 2)));
  const rss = steady.map((s) => s.rss / MB);
  console.log("\nsummary");
  console.log(
    `  frames sent ${tally.sent}, echoed ${tally.received}, lost ${tally.sent - tally.received}`,
  );
  console.log(`  echoes that differed from what was sent: ${tally.mismatched}`);
  console.log(
    `  client errors: ${
      tally.errors.size === 0 ? "none" : JSON.stringify(Object.fromEntries(tally.errors))
    }` +
      `, server handler errors: ${final?.errors ?? "?"}`,
  );
  if (rss.length > 0) {
    // RSS saws with garbage collection: compare the halves' ranges, not just a trend line.
    const half = Math.ceil(rss.length / 2);
    const range = (xs: number[]) =>
      `${Math.min(...xs).toFixed(1)}-${Math.max(...xs).toFixed(1)} MB`;
    const perMinute = slope(steady.map((s) => s.t / 60), rss);
    console.log(
      `  server RSS (steady state): first half ${range(rss.slice(0, half))}, ` +
        `second half ${range(rss.slice(rss.length - half))}, ` +
        `trend ${perMinute >= 0 ? "+" : ""}${perMinute.toFixed(2)} MB/min`,
    );
  }
}

if (import.meta.main) {
  const options = parseOptions(Deno.args);
  await (options.server ? serverMain(options) : soak(options));
}
