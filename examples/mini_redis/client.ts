/**
 * A small mini-redis (and Redis) client: commands are pipelined over one
 * connection with weir's `Pipeline` (sent as soon as they are issued,
 * replies matched by order), and `subscribe` reads a channel's messages on
 * a connection of its own.
 *
 * ```sh
 * deno run --allow-net=127.0.0.1 examples/mini_redis/client.ts --port 6379 set k v
 * deno run --allow-net=127.0.0.1 examples/mini_redis/client.ts --port 6379 get k
 * deno run --allow-net=127.0.0.1 examples/mini_redis/client.ts --port 6379 subscribe ch
 * deno run --allow-net=127.0.0.1 examples/mini_redis/client.ts --port 6379 publish ch hello
 * ```
 *
 * Any command works (`incr n`, `dbsize`, ...); replies print as
 * `redis-cli` prints them (`OK`, `"v"`, `(nil)`, `(integer) 1`,
 * `(error) ERR ...`). `subscribe` prints each message until Ctrl+C.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { Framed } from "@weir/weir/framing";
import { connect, Pipeline, type RequestOptions } from "@weir/weir/net";
import {
  endpointConfig,
  endpointOptions,
  type ExampleRunOptions,
  runUntilSignalled,
} from "../_cli.ts";
import { formatReply, RespClientCodec, type RespValue } from "./resp_codec.ts";

/** A command: its name and arguments, strings (sent as UTF-8) or bytes. */
export type Command = readonly (string | Uint8Array)[];

/** Where a server listens. */
export interface ServerAddress {
  /** Default `127.0.0.1`. */
  hostname?: string;
  port: number;
}

/**
 * A pipelined client: every `command` is written at once, without
 * waiting for earlier replies, and resolves with its own reply.
 *
 * @example Usage
 * ```ts ignore
 * import { MiniRedisClient } from "./client.ts";
 *
 * await using client = await MiniRedisClient.connect({ port: 6379 });
 * await client.command(["SET", "k", "v"]);
 * console.log(await client.command(["GET", "k"]));
 * ```
 */
export class MiniRedisClient implements AsyncDisposable {
  readonly #pipeline: Pipeline<Command, RespValue>;

  private constructor(pipeline: Pipeline<Command, RespValue>) {
    this.#pipeline = pipeline;
  }

  /** Connects to a server. */
  static async connect(address: ServerAddress): Promise<MiniRedisClient> {
    const conn = await connect({ hostname: address.hostname ?? "127.0.0.1", port: address.port });
    return new MiniRedisClient(new Pipeline(conn, new RespClientCodec()));
  }

  /**
   * Sends `command` and resolves with its reply (an error reply is a value,
   * not a rejection); `signal` and `timeout` as for `Pipeline.request`.
   */
  command(command: Command, options: RequestOptions = {}): Promise<RespValue> {
    return this.#pipeline.request(command, options);
  }

  /** Settles once the connection is closed (rejects with `ConnectionLostError` if it failed). */
  get closed(): Promise<void> {
    return this.#pipeline.closed;
  }

  /** Waits for the replies owed, then closes the connection. */
  close(): Promise<void> {
    return this.#pipeline.close();
  }

  /** Same as {@linkcode MiniRedisClient.prototype.close}. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}

/**
 * Subscribes to `channels` on a connection of its own and yields every
 * reply the server pushes (the subscribe confirmations, then
 * `["message", channel, payload]` arrays) until `signal` aborts or the
 * server closes.
 */
export async function* subscribe(
  address: ServerAddress,
  channels: readonly string[],
  options: RequestOptions = {},
): AsyncGenerator<RespValue, void, undefined> {
  if (channels.length === 0) throw new TypeError("'channels' must name at least one channel");
  const conn = await connect({ hostname: address.hostname ?? "127.0.0.1", port: address.port });
  const framed = new Framed(conn, new RespClientCodec());
  try {
    await framed.send(["SUBSCRIBE", ...channels]);
    for (;;) {
      let next;
      try {
        next = await framed.next(options.signal ? { signal: options.signal } : {});
      } catch (error) {
        if (options.signal?.aborted) return;
        throw error;
      }
      if (next.done) return;
      yield next.value;
    }
  } finally {
    conn.close();
  }
}

/** How {@linkcode main} is run: a stop signal (for `subscribe`) and where lines are printed. */
export type RunOptions = Pick<ExampleRunOptions, "signal" | "log">;

/** Runs the command line's command and prints its reply (or, for `subscribe`, the messages). */
export async function main(args: string[], options: RunOptions = {}): Promise<void> {
  const { signal, log = console.log } = options;
  const { values, positionals } = parseArgs({
    args,
    strict: true,
    allowPositionals: true,
    options: endpointOptions(6379),
  });
  const { hostname, port } = endpointConfig(values, 1);
  if (positionals.length === 0) {
    throw new TypeError("Give a command, e.g. `get k`, `set k v`, `subscribe ch`");
  }
  if (positionals[0]!.toLowerCase() === "subscribe") {
    for await (
      const reply of subscribe({ hostname, port }, positionals.slice(1), {
        ...(signal ? { signal } : {}),
      })
    ) {
      log(formatReply(reply));
    }
    return;
  }
  await using client = await MiniRedisClient.connect({ hostname, port });
  log(formatReply(await client.command(positionals)));
}

if (import.meta.main) await runUntilSignalled(main);
