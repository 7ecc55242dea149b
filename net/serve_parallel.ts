import { requireUnstableNet } from "./_unstable_net.ts";
import {
  type ConnectionHandler,
  serve,
  type ServeOptions,
  type Server,
  type ShutdownOptions,
} from "./serve.ts";

/** Options for {@linkcode serveParallel}. */
export interface ServeParallelOptions {
  /**
   * The worker module: it calls {@linkcode serveWorker} with its handler.
   * A `file:` URL or path, resolved as `new Worker` does.
   */
  module: string | URL;
  /**
   * How many Workers (each one event loop, so one core) listen.
   *
   * @default {navigator.hardwareConcurrency}
   */
  workers?: number;
  /**
   * Host name or IP address to listen on.
   *
   * @default {"127.0.0.1"}
   */
  hostname?: string;
  /** Port; 0 lets the first Worker pick one, which the others then share. */
  port: number;
  /**
   * Shuts every Worker's server down gracefully when aborted.
   *
   * @default {undefined}
   */
  signal?: AbortSignal | undefined;
}

/** Messages between {@linkcode serveParallel} and {@linkcode serveWorker}. */
type ParentMessage =
  | { weir: "serve"; hostname: string; port: number }
  | { weir: "shutdown"; gracePeriod: number | undefined };
type WorkerMessage =
  | { weir: "listening"; port: number }
  | { weir: "finished" }
  | { weir: "error"; message: string };

/** Waits for the next weir message from `worker` (or its failure). */
function nextMessage(worker: Worker, index: number): Promise<WorkerMessage> {
  return new Promise((resolve, reject) => {
    const onMessage = (event: MessageEvent) => {
      const data = event.data as WorkerMessage | undefined;
      if (data?.weir === undefined) return;
      cleanup();
      if (data.weir === "error") reject(new Error(`Worker ${index} failed: ${data.message}`));
      else resolve(data);
    };
    const onError = (event: ErrorEvent) => {
      event.preventDefault();
      cleanup();
      reject(new Error(`Worker ${index} failed: ${event.message}`));
    };
    const cleanup = () => {
      worker.removeEventListener("message", onMessage);
      worker.removeEventListener("error", onError);
    };
    worker.addEventListener("message", onMessage);
    worker.addEventListener("error", onError);
  });
}

/**
 * Servers running in several Workers on one port, from
 * {@linkcode serveParallel}.
 *
 * @example Usage
 * ```ts
 * import { connect, serveParallel } from "@weir/weir/net";
 * import assert from "node:assert/strict";
 *
 * // A worker module; usually a file: new URL("./worker.ts", import.meta.url).
 * const source = `import { serveWorker } from "@weir/weir/net";
 * serveWorker((conn) => conn.writeAll(new TextEncoder().encode(self.name)));`;
 * const module = `data:text/javascript,${encodeURIComponent(source)}`;
 * await using group = await serveParallel({ module, workers: 2, port: 0 });
 * await using conn = await connect(group.addr);
 * assert.match(await new Response(conn.readable).text(), /^weir-serve-[01]$/);
 * ```
 */
export class ParallelServer implements AsyncDisposable {
  #workers: Worker[];
  #addr: Deno.NetAddr;
  #shutdown: Promise<void> | undefined;
  #closed = Promise.withResolvers<void>();

  /**
   * Use {@linkcode serveParallel}; this wraps Workers that already listen.
   *
   * @param workers The Workers, each serving.
   * @param addr The shared address.
   */
  constructor(workers: Worker[], addr: Deno.NetAddr) {
    this.#workers = workers;
    this.#addr = addr;
  }

  /**
   * The address every Worker listens on.
   *
   * @example Usage
   * ```ts
   * import { serveParallel } from "@weir/weir/net";
   * import assert from "node:assert/strict";
   *
   * const module = `data:text/javascript,${encodeURIComponent(
   *   `import { serveWorker } from "@weir/weir/net"; serveWorker(() => {});`,
   * )}`;
   * await using group = await serveParallel({ module, workers: 1, port: 0 });
   * assert.ok(group.addr.port > 0);
   * ```
   */
  get addr(): Deno.NetAddr {
    return this.#addr;
  }

  /**
   * How many Workers serve.
   *
   * @example Usage
   * ```ts
   * import { serveParallel } from "@weir/weir/net";
   * import assert from "node:assert/strict";
   *
   * const module = `data:text/javascript,${encodeURIComponent(
   *   `import { serveWorker } from "@weir/weir/net"; serveWorker(() => {});`,
   * )}`;
   * await using group = await serveParallel({ module, workers: 2, port: 0 });
   * assert.equal(group.workers, 2);
   * ```
   */
  get workers(): number {
    return this.#workers.length;
  }

  /**
   * Resolves once every Worker's server stopped and the Workers ended.
   *
   * @example Usage
   * ```ts
   * import { serveParallel } from "@weir/weir/net";
   *
   * const module = `data:text/javascript,${encodeURIComponent(
   *   `import { serveWorker } from "@weir/weir/net"; serveWorker(() => {});`,
   * )}`;
   * const group = await serveParallel({ module, workers: 1, port: 0 });
   * group.shutdown();
   * await group.closed;
   * ```
   */
  get closed(): Promise<void> {
    return this.#closed.promise;
  }

  /**
   * Shuts every Worker's server down gracefully (as `Server.shutdown`),
   * then ends the Workers. Idempotent.
   *
   * @param options A grace period for the Workers' servers.
   *
   * @example Usage
   * ```ts
   * import { connect, serveParallel } from "@weir/weir/net";
   * import assert from "node:assert/strict";
   *
   * const module = `data:text/javascript,${encodeURIComponent(
   *   `import { serveWorker } from "@weir/weir/net"; serveWorker(() => {});`,
   * )}`;
   * const group = await serveParallel({ module, workers: 1, port: 0 });
   * await group.shutdown({ gracePeriod: 1_000 });
   * await assert.rejects(connect(group.addr), Deno.errors.ConnectionRefused);
   * ```
   */
  shutdown(options: ShutdownOptions = {}): Promise<void> {
    this.#shutdown ??= (async () => {
      await Promise.allSettled(this.#workers.map((worker, i) => {
        const finished = nextMessage(worker, i);
        const message: ParentMessage = { weir: "shutdown", gracePeriod: options.gracePeriod };
        worker.postMessage(message);
        return finished;
      }));
      for (const worker of this.#workers) worker.terminate();
      this.#closed.resolve();
    })();
    return this.#shutdown;
  }

  /**
   * Same as {@linkcode ParallelServer.prototype.shutdown}.
   *
   * @example Usage
   * ```ts
   * import { serveParallel } from "@weir/weir/net";
   *
   * const module = `data:text/javascript,${encodeURIComponent(
   *   `import { serveWorker } from "@weir/weir/net"; serveWorker(() => {});`,
   * )}`;
   * {
   *   await using _group = await serveParallel({ module, workers: 1, port: 0 });
   * } // shut down here
   * ```
   */
  [Symbol.asyncDispose](): Promise<void> {
    return this.shutdown();
  }
}

/**
 * Serves one port from several Workers (one core each): every Worker runs
 * `module`, which calls {@linkcode serveWorker} with its handler, and
 * listens with `reusePort`, so the Linux kernel spreads connections among
 * them. With port 0 the first Worker picks the port and the others join it.
 *
 * Needs `--unstable-net` (for `reusePort`; without it Deno would end the
 * process with exit code 70, so this checks first and throws) and Linux for
 * the load balancing. Workers get the parent's permissions.
 *
 * @param options The worker module, how many Workers, and where to listen.
 * @returns The running group, once every Worker listens.
 * @throws {Deno.errors.NotSupported} Without `--unstable-net`, naming the flag.
 * @throws {Error} When a Worker fails to start or to listen (the others are
 * ended).
 *
 * @example Usage
 * ```ts
 * import { connect, serveParallel } from "@weir/weir/net";
 * import assert from "node:assert/strict";
 *
 * // A worker module; usually a file: new URL("./worker.ts", import.meta.url).
 * const source = `import { serveWorker } from "@weir/weir/net";
 * serveWorker((conn) => conn.writeAll(new TextEncoder().encode(self.name)));`;
 * const module = `data:text/javascript,${encodeURIComponent(source)}`;
 * await using group = await serveParallel({ module, workers: 2, port: 0 });
 * const names = new Set<string>();
 * for (let i = 0; i < 20; i++) {
 *   await using conn = await connect(group.addr);
 *   names.add(await new Response(conn.readable).text());
 * }
 * assert.ok(names.size >= 1 && [...names].every((n) => n.startsWith("weir-serve-")));
 * ```
 *
 * @example A worker module and its launcher (files)
 * ```ts ignore
 * // echo_worker.ts
 * import { serveWorker } from "@weir/weir/net";
 *
 * serveWorker(async (conn) => {
 *   await conn.readable.pipeTo(conn.writable);
 * });
 *
 * // main.ts
 * import { serveParallel, shutdownOnSignals } from "@weir/weir/net";
 *
 * const token = shutdownOnSignals();
 * const group = await serveParallel({
 *   module: new URL("./echo_worker.ts", import.meta.url),
 *   workers: navigator.hardwareConcurrency,
 *   port: 8080,
 *   signal: token.signal,
 * });
 * await group.closed;
 * ```
 */
export async function serveParallel(options: ServeParallelOptions): Promise<ParallelServer> {
  const { module, workers = navigator.hardwareConcurrency, hostname = "127.0.0.1", signal } =
    options;
  if (!Number.isInteger(workers) || workers < 1) {
    throw new RangeError(`'workers' must be a positive integer: received ${workers}`);
  }
  requireUnstableNet("serveParallel");
  signal?.throwIfAborted();
  const started: Worker[] = [];
  const start = async (index: number, port: number): Promise<number> => {
    const worker = new Worker(module, { type: "module", name: `weir-serve-${index}` });
    started.push(worker);
    const listening = nextMessage(worker, index);
    const message: ParentMessage = { weir: "serve", hostname, port };
    worker.postMessage(message);
    const reply = await listening;
    if (reply.weir !== "listening") throw new Error(`Worker ${index} did not listen`);
    return reply.port;
  };
  let port: number;
  try {
    port = await start(0, options.port);
    await Promise.all(Array.from({ length: workers - 1 }, (_, i) => start(i + 1, port)));
  } catch (error) {
    for (const worker of started) worker.terminate();
    throw error;
  }
  const group = new ParallelServer(started, { transport: "tcp", hostname, port });
  if (signal !== undefined) {
    const onAbort = () => group.shutdown();
    if (signal.aborted) onAbort();
    else {
      signal.addEventListener("abort", onAbort, { once: true });
      group.closed.then(() => signal.removeEventListener("abort", onAbort));
    }
  }
  return group;
}

/**
 * The Worker side of {@linkcode serveParallel}: waits for the address from
 * the parent, serves it with `reusePort` and `handler` (with every
 * {@linkcode serve} option), and shuts down gracefully when the parent
 * asks. Call it once, at the top level of the worker module.
 *
 * @param handler Serves one connection.
 * @param options Limits, idle timeout, error reporting (per Worker).
 * @throws {TypeError} When called outside a Worker.
 *
 * @example A worker module (here inline, usually a file) serving with limits
 * ```ts
 * import { connect, serveParallel } from "@weir/weir/net";
 * import assert from "node:assert/strict";
 *
 * const source = `import { serveWorker } from "@weir/weir/net";
 * serveWorker(async (conn) => {
 *   await conn.readable.pipeTo(conn.writable); // echo
 * }, { maxConnections: 10_000, idleTimeout: 60_000 });`;
 * const module = `data:text/javascript,${encodeURIComponent(source)}`;
 * await using group = await serveParallel({ module, workers: 1, port: 0 });
 * await using conn = await connect(group.addr);
 * await conn.writeAll(new TextEncoder().encode("echo"));
 * await conn.closeWrite();
 * assert.equal(await new Response(conn.readable).text(), "echo");
 * ```
 */
export function serveWorker(
  handler: ConnectionHandler<Deno.NetAddr>,
  options: ServeOptions<Deno.NetAddr> = {},
): void {
  const scope = globalThis as unknown as { WorkerGlobalScope?: new () => unknown };
  if (scope.WorkerGlobalScope === undefined || !(globalThis instanceof scope.WorkerGlobalScope)) {
    throw new TypeError("serveWorker must run inside a Worker started by serveParallel");
  }
  const post = (message: WorkerMessage) =>
    (globalThis as unknown as { postMessage(message: WorkerMessage): void }).postMessage(message);
  let server: Server<Deno.NetAddr> | undefined;
  globalThis.addEventListener("message", (event) => {
    const data = (event as MessageEvent).data as ParentMessage | undefined;
    if (data?.weir === "serve") {
      try {
        requireUnstableNet("serveWorker");
        server = serve(
          { hostname: data.hostname, port: data.port, reusePort: true },
          handler,
          options,
        );
        post({ weir: "listening", port: server.addr.port });
      } catch (error) {
        post({ weir: "error", message: error instanceof Error ? error.message : String(error) });
      }
    } else if (data?.weir === "shutdown") {
      const stopped = server?.shutdown(
        data.gracePeriod === undefined ? {} : { gracePeriod: data.gracePeriod },
      );
      Promise.resolve(stopped).then(() => post({ weir: "finished" }));
    }
  });
}
