/**
 * The seed's length-delimited heartbeat server (B5s) on weir: every frame is
 * a 4-byte big-endian length and a payload (tokio-util's
 * `LengthDelimitedCodec` defaults), so Tokio clients work against it
 * unchanged.
 *
 * Per connection it sends `--heartbeats` frames `message from server: {i}\n`
 * (the first at once, then one every `--interval` ms; a late tick delays
 * the next ones), logs every inbound frame (unless `--quiet`), with `--echo`
 * writes every inbound frame back, and closes once the heartbeats are sent
 * and the client has half-closed. Ctrl+C shuts down gracefully.
 *
 * Inbound frames are handled synchronously per read: every header the read
 * completed is checked (`LengthDelimitedCodec.wholeFramesLength`, so an
 * oversize frame ends the connection with `FrameTooLargeError`), the whole
 * frames are echoed as they arrived with one write per read (re-encoding a
 * length-delimited frame gives back its bytes, so no object or copy per
 * frame), and a frame cut across reads waits in the read buffer. The read
 * buffer is reused for every read; it starts at 512 bytes and grows only
 * while reads fill it: the echo path costs close to a raw byte echo, and an
 * idle connection holds little memory.
 *
 * With `--cert` and `--key` (PEM files) it runs the same protocol over TLS
 * (`examples/framed_client.ts --ca` talks to it); a peer whose handshake
 * fails or stalls is logged and closed, and the server goes on.
 *
 * ```sh
 * deno run -A examples/framed_server.ts [--hostname 127.0.0.1] [--port 8080] \
 *   [--interval 100] [--heartbeats 99] [--echo] [--quiet] \
 *   [--cert tests/fixtures/server.pem --key tests/fixtures/server.key]
 * ```
 *
 * Prints `listening on HOST:PORT` once bound (with the real port for
 * `--port 0`).
 *
 * @module
 */
import { parseArgs } from "node:util";
import { LengthDelimitedCodec } from "@weir/weir/framing";
import { ByteBuffer } from "@weir/weir/io";
import { serve, type ServedConnection } from "@weir/weir/net";

/** A TCP connection as the server hands it over. */
type Connection = ServedConnection<Deno.NetAddr>;
import { interval } from "@weir/weir/time";
import {
  type EndpointConfig,
  endpointConfig,
  endpointOptions,
  type ExampleRunOptions,
  integerFlag,
  runUntilSignalled,
} from "./_cli.ts";

/** What the command line asks for. */
export interface FramedServerConfig extends EndpointConfig {
  interval: number;
  heartbeats: number;
  echo: boolean;
  /** Paths of the PEM certificate chain and key, to serve TLS. */
  tls?: { cert: string; key: string };
}

/** How {@linkcode main} is run: a stop signal and where lines are printed. */
export type RunOptions = Pick<ExampleRunOptions, "signal" | "log">;

const decoder = new TextDecoder();
const encoder = new TextEncoder();

/** Parses the flags (see the module doc). */
export function parseFramedServerArgs(args: string[]): FramedServerConfig {
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      ...endpointOptions(8080),
      interval: { type: "string", default: "100" },
      heartbeats: { type: "string", default: "99" },
      echo: { type: "boolean", default: false },
      cert: { type: "string" },
      key: { type: "string" },
    },
  });
  const { cert, key } = values;
  if ((cert === undefined) !== (key === undefined)) {
    throw new TypeError("--cert and --key go together: give both to serve TLS, or neither");
  }
  return {
    ...endpointConfig(values),
    interval: integerFlag("interval", values.interval, 1),
    heartbeats: integerFlag("heartbeats", values.heartbeats, 0),
    echo: values.echo,
    ...(cert !== undefined && key !== undefined ? { tls: { cert, key } } : {}),
  };
}

function peerOf(conn: Connection): string {
  const addr = conn.remoteAddr;
  return `${addr.hostname}:${addr.port}`;
}

const MIN_READ = 512;
/** The codec keeps no state between calls, so every connection shares it. */
const codec = new LengthDelimitedCodec();
const MAX_READ = 65536;
/** Small reads in a row before the read size halves. */
const SHRINK_AFTER = 16;

/**
 * One connection: frames in (decoded straight from the read buffer, all
 * that a read brought, without waiting), echoes and heartbeats out through
 * one ordered chain of writes.
 */
class Session {
  readonly #conn: Connection;
  readonly #config: FramedServerConfig;
  readonly #log: (line: string) => void;
  readonly #sessions: Set<Session>;
  /**
   * The last write queued, until its writer saw it settle. Writes run in
   * order (an echo batch never interleaves with a heartbeat); one issued
   * while none is pending starts at once, with no promise chain.
   */
  #tail: Promise<void> | undefined;
  #stopping = false;

  constructor(
    conn: Connection,
    config: FramedServerConfig,
    log: (line: string) => void,
    sessions: Set<Session>,
  ) {
    this.#conn = conn;
    this.#config = config;
    this.#log = log;
    this.#sessions = sessions;
  }

  /** Shutting down: no more heartbeats or echoes; FIN once writes are done. */
  stop(): void {
    if (this.#stopping) return;
    this.#stopping = true;
    this.#write(undefined).catch(() => {});
  }

  async run(signal: AbortSignal): Promise<void> {
    const { echo, quiet } = this.#config;
    this.#sessions.add(this);
    if (!quiet) this.#log(`accepted connection from ${peerOf(this.#conn)}`);
    const heartbeats = this.#config.heartbeats > 0 ? this.#heartbeat(signal) : undefined;
    let buf = new ByteBuffer(MIN_READ);
    let readSize = MIN_READ;
    let smallReads = 0;
    try {
      for (;;) {
        // Every frame this read completed: each header checked, the whole
        // frames echoed in one write exactly as they arrived (re-encoding a
        // length-delimited frame gives back its bytes), then logged.
        const whole = codec.wholeFramesLength(buf);
        if (echo && whole > 0 && !this.#stopping) {
          // Waits while the client does not read; the buffer is not touched meanwhile.
          const write = this.#write(buf.bytes().subarray(0, whole));
          await write;
          this.#settled(write);
        }
        if (quiet) {
          buf.consume(whole);
        } else {
          for (let frame; (frame = codec.decode(buf)) !== undefined;) {
            const text = JSON.stringify(decoder.decode(frame));
            this.#log(`received ${text} from ${peerOf(this.#conn)}`);
          }
          buf.reclaim(); // the logged frames are dropped: their memory takes the next read
        }
        // Read into the buffer's tail, into smaller memory once the traffic
        // calmed down (an idle connection holds one small read).
        if (buf.length === 0 && buf.capacity > readSize) buf = new ByteBuffer(readSize);
        let spare = buf.spare();
        if (spare.length < readSize >>> 2) {
          buf.reserve(readSize);
          spare = buf.spare();
        }
        const n = await this.#conn.read(spare);
        if (n === null) break;
        buf.commit(n);
        if (n >= readSize) {
          smallReads = 0;
          if (readSize < MAX_READ) readSize *= 2;
        } else if (readSize > MIN_READ && n <= readSize >>> 3 && ++smallReads === SHRINK_AFTER) {
          smallReads = 0;
          readSize >>>= 1;
        }
      }
      codec.decodeEof(buf); // a frame cut short by the client's FIN is an error
      await heartbeats; // the client half-closed: finish the heartbeats, then close
      this.#stopping = true;
      await this.#write(undefined);
      if (!quiet) this.#log(`closed connection from ${peerOf(this.#conn)}`);
    } finally {
      this.#sessions.delete(this);
    }
  }

  /** Queues `bytes` (or, for `undefined`, the FIN) after the writes before it. */
  #write(bytes: Uint8Array | undefined): Promise<void> {
    const previous = this.#tail;
    const write = previous === undefined
      ? this.#send(bytes)
      : previous.then(() => this.#send(bytes));
    this.#tail = write;
    return write;
  }

  #send(bytes: Uint8Array | undefined): Promise<void> {
    return bytes === undefined ? this.#conn.closeWrite() : this.#conn.writeAll(bytes);
  }

  /** After `write` settled: unless more writes were queued behind it, the next starts at once. */
  #settled(write: Promise<void>): void {
    if (this.#tail === write) this.#tail = undefined;
  }

  /** Sends the heartbeat frames, the first at once, then one per tick. */
  async #heartbeat(signal: AbortSignal): Promise<void> {
    const ticks = interval(this.#config.interval, { missedTick: "delay", signal });
    for (let i = 1; i <= this.#config.heartbeats; i++) {
      try {
        await ticks.tick();
      } catch {
        return; // shutting down: no more heartbeats
      }
      if (this.#stopping) return;
      const frame = new ByteBuffer(32);
      codec.encode(encoder.encode(`message from server: ${i}\n`), frame);
      const write = this.#write(frame.bytes());
      await write;
      this.#settled(write);
    }
  }
}

/**
 * Runs the server until `signal` aborts (then shuts down gracefully).
 * Resolves once every connection is closed.
 */
export async function main(args: string[], options: RunOptions = {}): Promise<void> {
  const { signal, log = console.log } = options;
  const config = parseFramedServerArgs(args);
  // One shutdown listener for all connections (not one each).
  const sessions = new Set<Session>();
  const address = { hostname: config.hostname, port: config.port };
  const server = serve(
    config.tls
      ? {
        ...address,
        tls: {
          cert: await Deno.readTextFile(config.tls.cert),
          key: await Deno.readTextFile(config.tls.key),
        },
      }
      : address,
    (conn, { signal }) =>
      signal.aborted ? undefined : new Session(conn, config, log, sessions).run(signal),
    {
      signal,
      gracePeriod: 5_000,
      onError: (error, conn) => {
        if (!config.quiet) {
          log(`connection ${conn ? peerOf(conn) : "?"} closed with error: ${error}`);
        }
      },
    },
  );
  const stopAll = () => sessions.forEach((session) => session.stop());
  signal?.addEventListener("abort", stopAll, { once: true });
  log(`listening on ${server.addr.hostname}:${server.addr.port}`);
  await server.closed;
  signal?.removeEventListener("abort", stopAll);
}

if (import.meta.main) await runUntilSignalled(main);
