/**
 * A pipelined client that survives server restarts, the layer a Redis or
 * memcached driver needs: a `Pipeline` (replies matched to requests by
 * order) kept alive by `reconnecting`.
 *
 * The example starts its own line server (`SET key value`, `GET key`, and
 * `SLOW` which answers after a pause), then:
 *
 * 1. sends `--requests` `SET`s and as many `GET`s at once: they go out in a
 *    few writes and every reply reaches its own request;
 * 2. gives up on a `SLOW` request after `--timeout` ms: its late reply is
 *    read and dropped, and the `GET` sent after it still gets its own reply;
 * 3. restarts the server: requests in flight fail with one
 *    `ConnectionLostError`, the client reconnects (replaying its `HELLO`
 *    handshake) and the next request succeeds.
 *
 * ```sh
 * deno run --allow-net=127.0.0.1 examples/pipelined_client.ts [--requests 100] [--timeout 50]
 * ```
 *
 * @module
 */
import { parseArgs } from "node:util";
import { Framed, LinesCodec } from "@weir/weir/framing";
import {
  connect,
  ConnectionLostError,
  Pipeline,
  reconnecting,
  serve,
  type Server,
} from "@weir/weir/net";
import { sleep } from "@weir/weir/time";
import { type ExampleRunOptions, integerFlag, runReportingErrors } from "./_cli.ts";

/** How {@linkcode main} is run: where lines are printed. */
export type RunOptions = Pick<ExampleRunOptions, "log">;

/** What {@linkcode main} saw. */
export interface PipelinedClientResult {
  /** Replies to the pipelined `GET`s that matched their keys. */
  matched: number;
  /** Connections made (the first one and one after the restart). */
  connections: number;
  /** How many requests in flight failed when the server went down. */
  lost: number;
}

/** A key-value line server; `SLOW` answers after `slowMs`. */
function startServer(port: number, slowMs: number): Server<Deno.NetAddr> {
  const store = new Map<string, string>();
  return serve({ hostname: "127.0.0.1", port }, async (conn, { signal }) => {
    await using framed = new Framed(conn, new LinesCodec());
    for await (const line of framed) {
      const [command, key = "", value = ""] = line.split(" ");
      if (command === "SLOW") await sleep(slowMs, { signal });
      const reply = command === "SET"
        ? (store.set(key, value), "+OK")
        : command === "GET"
        ? `$${store.get(key) ?? ""}`
        : command === "HELLO" || command === "SLOW"
        ? `+${command}`
        : "-ERR unknown command";
      // Replies to requests that arrived together go out together.
      await framed.feed(reply);
      if (framed.buffered > 0) await framed.flush();
    }
  });
}

/**
 * Runs the three steps and reports what it saw.
 *
 * @param args `--requests N` (pipelined `SET`s and `GET`s), `--timeout MS`
 * (how long the client waits for `SLOW`, which takes twice that).
 * @param options Where lines are printed.
 * @returns What happened.
 */
export async function main(
  args: string[],
  options: RunOptions = {},
): Promise<PipelinedClientResult> {
  const { values } = parseArgs({
    args,
    options: {
      requests: { type: "string", default: "100" },
      timeout: { type: "string", default: "50" },
    },
  });
  const requests = integerFlag("requests", values.requests, 1);
  const timeout = integerFlag("timeout", values.timeout, 1);
  const log = options.log ?? console.log;

  let server = startServer(0, timeout * 2);
  const { port } = server.addr;
  let connections = 0;
  const client = reconnecting(
    async ({ signal }) =>
      new Pipeline<string, string>(
        await connect({ hostname: "127.0.0.1", port }, { signal }),
        new LinesCodec(),
      ),
    {
      minDelay: 10,
      maxDelay: 200,
      // A new connection says hello before anyone uses it.
      onConnect: async (pipeline) => {
        await pipeline.request("HELLO");
        log(`connected (#${++connections})`);
      },
      destroy: (pipeline) => pipeline.abort(),
    },
  );
  try {
    // 1. Pipelining.
    const pipeline = await client.get();
    const keys = Array.from({ length: requests }, (_, i) => `key:${i}`);
    const sets = keys.map((key, i) => pipeline.request(`SET ${key} ${i}`));
    const gets = keys.map((key) => pipeline.request(`GET ${key}`));
    await Promise.all(sets);
    const replies = await Promise.all(gets);
    const matched = replies.filter((reply, i) => reply === `$${i}`).length;
    log(`${requests} SETs and ${requests} GETs pipelined: ${matched} replies matched`);

    // 2. A request abandoned mid-flight keeps the replies aligned.
    const slow = pipeline.request("SLOW", { timeout });
    const after = pipeline.request("GET key:0");
    await slow.then(
      () => log("SLOW answered in time"),
      (error) => log(`SLOW: ${error.name} (its reply will be dropped)`),
    );
    log(`GET key:0 after it: ${await after}`);

    // 3. A server restart with requests in flight.
    const inFlight = [pipeline.request("SLOW"), pipeline.request("SLOW")];
    await server.shutdown({ gracePeriod: 0 });
    const failures = await Promise.allSettled(inFlight);
    const lost = failures.filter((outcome) =>
      outcome.status === "rejected" && outcome.reason instanceof ConnectionLostError
    ).length;
    log(`server restarted: ${lost} requests in flight failed with ConnectionLostError`);
    server = startServer(port, timeout * 2);
    const fresh = await client.get();
    log(`after reconnecting: SET -> ${await fresh.request("SET key:0 again")}`);
    return { matched, connections, lost };
  } finally {
    await client.close();
    await server.shutdown({ gracePeriod: 0 });
  }
}

if (import.meta.main) await runReportingErrors(main);
