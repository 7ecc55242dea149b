/**
 * mini-redis, the Tokio tutorial's flagship, on weir: a Redis-protocol
 * server that `redis-cli` and `redis-benchmark` talk to, with
 * redis-server 7's replies byte for byte for the commands it has:
 * PING, ECHO, GET, SET (EX, PX, EXAT, PXAT, NX, XX, KEEPTTL, GET), DEL,
 * EXISTS, INCR, DECR, INCRBY, DECRBY, TTL, PTTL, DBSIZE, FLUSHALL, QUIT,
 * CONFIG GET, PUBLISH, SUBSCRIBE and UNSUBSCRIBE (in subscribe mode only
 * (UN)SUBSCRIBE, PING and QUIT run, as in Redis). Other commands get
 * Redis's `unknown command` error.
 *
 * Where it differs from redis-server: CONFIG has only GET, over three
 * settings (`save`, `appendonly`, `maxclients`); a request may declare at
 * most 1,048,576 arguments by default (Redis: 2^31 - 1); a NUL byte in an
 * inline command is an ordinary byte (Redis stops reading the line there);
 * UNSUBSCRIBE without arguments answers in subscription order (Redis: hash
 * order).
 *
 * ```sh
 * deno run --allow-net=127.0.0.1 examples/mini_redis/server.ts --port 6379 \
 *   [--hostname 127.0.0.1] [--max-clients 10000] [--idle-timeout 0] \
 *   [--pubsub-capacity 4096] [--max-bulk-length 536870912] \
 *   [--max-arguments 1048576] [--max-request-size 1073741824] [--quiet]
 * redis-cli -p 6379 set greeting hello
 * redis-benchmark -p 6379 -t set,get,incr -P 16
 * ```
 *
 * Prints `listening on HOST:PORT` once bound. How it is built:
 *
 * - `serve` with `maxConnections` (`--max-clients`) and the reject policy:
 *   a client over the limit gets Redis's `-ERR max number of clients
 *   reached` at once and is closed. An optional idle timeout from which
 *   subscribers are exempt, as in Redis. Graceful shutdown on Ctrl+C:
 *   every connection stops reading, writes the replies it owes, and
 *   closes; subscribers get the messages published before the shutdown.
 * - One `Framed` per connection over {@linkcode RespServerCodec}: requests
 *   already buffered are taken with `tryNext` and answered with `tryFeed`
 *   (no promise, no write yet); `Framed` writes the replies when its reader
 *   is about to wait for bytes, so a pipelined batch costs one read and
 *   one write.
 * - A `Keyspace` with expiry on access, and a sweep every 100 ms on weir's
 *   `interval` (Redis's active expiry, `hz 10`).
 * - Pub/sub over one weir `broadcast` channel ({@linkcode PubSubHub}); a
 *   subscribed connection `select`s between its next request and its next
 *   message, messages first, so a message published before a request is
 *   written before that request's reply, as in Redis. A subscriber more
 *   than `--pubsub-capacity` messages behind is disconnected, as Redis does
 *   past its pub/sub output-buffer limit.
 * - Protocol errors (and requests over the limits) are answered with
 *   Redis's `-ERR Protocol error: ...` after the replies owed, then the
 *   connection closes; other connections are not affected.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { Framed } from "@weir/weir/framing";
import { UnexpectedEofError } from "@weir/weir/io";
import { type Connection, serve } from "@weir/weir/net";
import { type BroadcastReceiver, LaggedError, select } from "@weir/weir/sync";
import { interval } from "@weir/weir/time";
import {
  type EndpointConfig,
  endpointConfig,
  endpointOptions,
  type ExampleRunOptions,
  integerFlag,
  runUntilSignalled,
} from "../_cli.ts";
import { type CommandContext, execute, Replies } from "./commands.ts";
import { Keyspace } from "./keyspace.ts";
import { PubSubHub, type PubSubMessage } from "./pubsub.ts";
import {
  byteString,
  RespProtocolError,
  RespServerCodec,
  type RespServerCodecOptions,
  type RespValue,
} from "./resp_codec.ts";

/** What the command line asks for. */
export interface MiniRedisConfig extends EndpointConfig {
  /** Most connections at once (Redis's `maxclients`). */
  maxClients: number;
  /** Milliseconds a connection may stay silent before it is closed; 0 for never (Redis's `timeout`). */
  idleTimeout: number;
  /** Messages a subscriber may fall behind before it is disconnected. */
  pubsubCapacity: number;
  /** The request limits. */
  limits: Required<RespServerCodecOptions>;
}

/** How {@linkcode main} is run: a stop signal, where lines are printed, the clock of expiry. */
export type RunOptions = Pick<ExampleRunOptions, "signal" | "log" | "clock">;

/** How often expired keys are swept, and how many keys with a TTL one sweep looks at. */
const SWEEP_INTERVAL = 100;
const SWEEP_BUDGET = 2_000;
const MAX_CLIENTS_REACHED = new TextEncoder().encode("-ERR max number of clients reached\r\n");

/** Parses the flags (see the module doc). */
export function parseMiniRedisArgs(args: string[]): MiniRedisConfig {
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      ...endpointOptions(6379),
      "max-clients": { type: "string", default: "10000" },
      "idle-timeout": { type: "string", default: "0" },
      "pubsub-capacity": { type: "string", default: "4096" },
      "max-bulk-length": { type: "string", default: `${512 * 1024 * 1024}` },
      "max-arguments": { type: "string", default: `${1024 * 1024}` },
      "max-request-size": { type: "string", default: `${1024 ** 3}` },
    },
  });
  return {
    ...endpointConfig(values),
    maxClients: integerFlag("max-clients", values["max-clients"], 1),
    idleTimeout: integerFlag("idle-timeout", values["idle-timeout"], 0),
    pubsubCapacity: integerFlag("pubsub-capacity", values["pubsub-capacity"], 1),
    limits: {
      maxBulkLength: integerFlag("max-bulk-length", values["max-bulk-length"], 1),
      maxArguments: integerFlag("max-arguments", values["max-arguments"], 1),
      maxRequestSize: integerFlag("max-request-size", values["max-request-size"], 1),
    },
  };
}

/** What every session shares. */
interface Shared {
  readonly db: Keyspace;
  readonly hub: PubSubHub;
  readonly config: ReadonlyMap<string, string>;
  readonly limits: Required<RespServerCodecOptions>;
  readonly log: (line: string) => void;
}

function peerOf(conn: Connection): string {
  const addr = conn.remoteAddr as Deno.NetAddr;
  return `${addr.hostname}:${addr.port}`;
}

/** One client connection: its requests, replies and subscriptions. */
class Session implements CommandContext {
  readonly #conn: Connection;
  readonly #shared: Shared;
  readonly #framed: Framed<Uint8Array[], RespValue>;
  /** Subscribed channels by key, with their bytes for replies. */
  readonly #channels = new Map<string, Uint8Array>();
  #receiver: BroadcastReceiver<PubSubMessage> | undefined;
  #quitting = false;
  /** Set when the hub disconnected this subscriber for lagging: its I/O errors are expected. */
  #dropped = false;

  constructor(conn: Connection, shared: Shared) {
    this.#conn = conn;
    this.#shared = shared;
    this.#framed = new Framed(conn, new RespServerCodec(shared.limits));
  }

  get db(): Keyspace {
    return this.#shared.db;
  }

  get config(): ReadonlyMap<string, string> {
    return this.#shared.config;
  }

  get subscriptionCount(): number {
    return this.#channels.size;
  }

  subscriptions(): Uint8Array[] {
    return [...this.#channels.values()];
  }

  subscribe(channel: Uint8Array): number {
    const key = byteString(channel);
    if (!this.#channels.has(key)) {
      if (this.#receiver === undefined) {
        this.#receiver = this.#shared.hub.receiver();
        this.#conn.idleTimeout = 0; // a quiet subscriber is not idle (Redis exempts it too)
      }
      this.#channels.set(key, channel);
      this.#shared.hub.add(channel, this);
    }
    return this.#channels.size;
  }

  unsubscribe(channel: Uint8Array): number {
    const key = byteString(channel);
    if (this.#channels.delete(key)) this.#shared.hub.remove(channel, this);
    if (this.#channels.size === 0) this.#closeReceiver();
    return this.#channels.size;
  }

  publish(channel: Uint8Array, message: Uint8Array): number {
    return this.#shared.hub.publish(channel, message);
  }

  quit(): void {
    this.#quitting = true;
  }

  /** The hub's receiver, for {@linkcode PubSubHub}'s lag check. */
  get receiver(): BroadcastReceiver<PubSubMessage> {
    return this.#receiver!;
  }

  lagged(behind: number): void {
    if (this.#dropped) return;
    this.#dropped = true;
    this.#shared.log(`subscriber ${peerOf(this.#conn)} is ${behind} messages behind: disconnected`);
    this.#conn.close();
  }

  async run(signal: AbortSignal): Promise<void> {
    try {
      await this.#serve(signal);
    } catch (error) {
      // A subscriber cut off for lagging, or a client that reset its
      // connection: nothing to report (Redis logs neither by default).
      const peerGone = error instanceof Deno.errors.ConnectionReset ||
        error instanceof Deno.errors.BrokenPipe;
      if (!this.#dropped && !peerGone) throw error;
    } finally {
      for (const channel of this.#channels.values()) this.#shared.hub.remove(channel, this);
      this.#channels.clear();
      this.#closeReceiver();
    }
  }

  #closeReceiver(): void {
    if (this.#receiver === undefined) return;
    this.#receiver.close();
    this.#receiver = undefined;
    this.#conn.idleTimeout = undefined; // the server's again
  }

  async #serve(signal: AbortSignal): Promise<void> {
    const framed = this.#framed;
    for (;;) {
      let request: Uint8Array[] | true | undefined;
      try {
        if (this.#receiver === undefined) {
          // A request already buffered is taken without a promise; `next`
          // waits for bytes, and `Framed` writes the replies fed so far
          // first: one write per batch of pipelined requests.
          const result = framed.tryNext() ?? await framed.next({ signal });
          request = result.done ? undefined : result.value;
        } else {
          request = await this.#nextInSubscribeMode(signal);
        }
      } catch (error) {
        if (error instanceof RespProtocolError) {
          await this.#reply({ type: "error", value: `ERR ${error.message}` });
          break;
        }
        // The peer left in the middle of a request, or the server is
        // shutting down: write what is owed and close.
        if (error instanceof UnexpectedEofError || signal.aborted) break;
        throw error;
      }
      if (request === undefined) break; // end of input, or the hub closed
      if (request === true) continue; // messages were fed
      const reply = execute(this, request);
      if (reply instanceof Replies) {
        for (const item of reply.list) await this.#reply(item);
      } else {
        const fed = this.#reply(reply);
        if (fed !== undefined) await fed;
      }
      if (this.#quitting) break;
    }
    // Shutting down: the messages published before it still go out.
    if (this.#receiver !== undefined && !this.#dropped) await this.#drainMessages();
    await framed.close(); // flush, then FIN
  }

  /** Feeds a reply: at once while there is room, else once the writes made room. */
  #reply(reply: RespValue): Promise<void> | undefined {
    return this.#framed.tryFeed(reply) ? undefined : this.#framed.feed(reply);
  }

  /**
   * In subscribe mode: the next request, or (first) the messages published
   * so far, fed as replies (`true`). `undefined` at the end of input or
   * once the hub closed.
   */
  async #nextInSubscribeMode(signal: AbortSignal): Promise<Uint8Array[] | true | undefined> {
    const receiver = this.#receiver!;
    const framed = this.#framed;
    let won;
    try {
      won = await select([
        (branch) => receiver.recv({ signal: branch }),
        (branch) => framed.next({ signal: branch }),
      ], { biased: true, signal });
    } catch (error) {
      if (!(error instanceof LaggedError)) throw error;
      this.lagged(error.skipped);
      return undefined;
    }
    if (won.index === 1) return won.value.done ? undefined : won.value.value;
    if (won.value.done) return undefined; // shutting down
    await this.#deliver(won.value.value);
    await this.#drainMessages(); // everything else already published goes in the same write
    return true;
  }

  /** Feeds the messages already published (stopping at a lag, which the hub handles). */
  async #drainMessages(): Promise<void> {
    const receiver = this.#receiver!;
    for (;;) {
      let next;
      try {
        next = receiver.tryRecv();
      } catch (error) {
        if (!(error instanceof LaggedError)) throw error;
        this.lagged(error.skipped);
        return;
      }
      if (next === undefined || next.done) return;
      await this.#deliver(next.value);
    }
  }

  #deliver(message: PubSubMessage): Promise<void> | undefined {
    if (!this.#channels.has(message.channel)) return undefined;
    return this.#reply(message.reply);
  }
}

/**
 * Runs the server until `signal` aborts, then shuts down gracefully.
 * Resolves once every connection is closed.
 */
export async function main(args: string[], options: RunOptions = {}): Promise<void> {
  const { signal, log = console.log, clock } = options;
  const config = parseMiniRedisArgs(args);
  const quietLog = config.quiet ? () => {} : log;
  const db = new Keyspace(clock ? { clock } : {});
  const hub = new PubSubHub(config.pubsubCapacity);
  const shared: Shared = {
    db,
    hub,
    config: new Map([
      ["save", ""],
      ["appendonly", "no"],
      ["maxclients", `${config.maxClients}`],
    ]),
    limits: config.limits,
    log: quietLog,
  };
  const server = serve(
    { hostname: config.hostname, port: config.port },
    (conn, { signal }) => new Session(conn, shared).run(signal),
    {
      maxConnections: config.maxClients,
      // Over the limit a client is told so at once, as by Redis.
      whenFull: "reject",
      onReject: (conn) => conn.writeAll(MAX_CLIENTS_REACHED),
      idleTimeout: config.idleTimeout,
      onError: (error, conn) =>
        quietLog(`connection ${conn ? peerOf(conn) : "accept"} error: ${error}`),
      ...(signal ? { signal } : {}),
      ...(clock ? { clock } : {}),
    },
  );
  const stopSweep = new AbortController();
  const sweeping = (async () => {
    const ticks = interval(SWEEP_INTERVAL, {
      missedTick: "skip",
      signal: stopSweep.signal,
      ...(clock ? { clock } : {}),
    });
    for await (const _ of ticks) db.sweep(SWEEP_BUDGET);
  })().catch((error) => {
    if (!stopSweep.signal.aborted) throw error;
  });
  const closeHub = () => hub.close(); // subscribers get what was published, then end
  signal?.addEventListener("abort", closeHub, { once: true });
  log(`listening on ${server.addr.hostname}:${server.addr.port}`);
  try {
    await server.closed;
  } finally {
    signal?.removeEventListener("abort", closeHub);
    stopSweep.abort();
    await sweeping;
  }
}

if (import.meta.main) await runUntilSignalled(main);
