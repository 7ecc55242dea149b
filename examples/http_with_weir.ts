/**
 * weir next to Deno's HTTP server (seed 004's Hyper slide, the Tower way):
 * `Deno.serve` does HTTP; weir guards the handler, as Tower middleware
 * guards a Hyper service:
 *
 * 1. a `RateLimiter` (token bucket, `--rate` per `--per` ms, bursts of
 *    `--burst`): over the rate → `429 Too Many Requests` with
 *    `Retry-After`;
 * 2. a `Semaphore` of `--max-concurrent` permits: all busy → `503 Service
 *    Unavailable` at once (load shedding: no queue grows behind a slow
 *    handler);
 * 3. `timeout`: a handler still running after `--timeout` ms is aborted
 *    (through its `AbortSignal`) → `504 Gateway Timeout`.
 *
 * Passing `request.signal` as the timeout's `signal` would also stop the
 * work when the client goes away; on Deno 2.9 that takes
 * `--unstable-no-legacy-abort`, since by default `request.signal` also
 * aborts after every successful response (and Deno warns when it is read).
 *
 * Routes: `GET /` → `Hello, World!`; `GET /work?ms=N` → N ms of
 * (simulated, cancellable) work, then `worked N ms`.
 *
 * ```sh
 * deno run --allow-net=127.0.0.1 examples/http_with_weir.ts [--hostname 127.0.0.1] \
 *   [--port 8000] [--rate 100] [--per 1000] [--burst 100] [--max-concurrent 4] \
 *   [--timeout 1000] [--quiet]
 * curl -i 'http://127.0.0.1:8000/work?ms=2000'   # 504 after a second
 * ```
 *
 * Prints `listening on HOST:PORT` once bound, then `METHOD PATH → STATUS`
 * per request (unless `--quiet`). Ctrl+C shuts down gracefully.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { Semaphore } from "@weir/weir/sync";
import { type Clock, RateLimiter, sleep, systemClock, timeout } from "@weir/weir/time";
import {
  type EndpointConfig,
  endpointConfig,
  endpointOptions,
  type ExampleRunOptions,
  integerFlag,
  runUntilSignalled,
} from "./_cli.ts";

/** What the command line asks for. */
export interface HttpWithWeirConfig extends EndpointConfig {
  rate: number;
  per: number;
  burst: number;
  maxConcurrent: number;
  timeout: number;
}

/** How {@linkcode main} is run: a stop signal, where lines are printed, and the clock. */
export type RunOptions = Pick<ExampleRunOptions, "signal" | "log" | "clock">;

/** Parses the flags (see the module doc). */
export function parseHttpWithWeirArgs(args: string[]): HttpWithWeirConfig {
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      ...endpointOptions(8000),
      rate: { type: "string", default: "100" },
      per: { type: "string", default: "1000" },
      burst: { type: "string" },
      "max-concurrent": { type: "string", default: "4" },
      timeout: { type: "string", default: "1000" },
    },
  });
  return {
    ...endpointConfig(values),
    rate: integerFlag("rate", values.rate, 1),
    per: integerFlag("per", values.per, 1),
    burst: integerFlag("burst", values.burst ?? values.rate, 1),
    maxConcurrent: integerFlag("max-concurrent", values["max-concurrent"], 1),
    timeout: integerFlag("timeout", values.timeout, 1),
  };
}

const text = (status: number, body: string, headers: Record<string, string> = {}) =>
  new Response(body, { status, headers: { "content-type": "text/plain", ...headers } });

/** The application: what runs once a request got past the guards. */
async function route(request: Request, signal: AbortSignal, clock: Clock): Promise<Response> {
  const url = new URL(request.url);
  if (request.method !== "GET") return text(405, "Method Not Allowed\n", { allow: "GET" });
  if (url.pathname === "/") return text(200, "Hello, World!\n");
  if (url.pathname === "/work") {
    const ms = Number(url.searchParams.get("ms") ?? "0");
    if (!(ms >= 0 && ms <= 60_000)) return text(400, "ms must be from 0 to 60000\n");
    await sleep(ms, { signal, clock }); // stands for real work that honours its signal
    return text(200, `worked ${ms} ms\n`);
  }
  return text(404, "Not Found\n");
}

/** Wraps {@linkcode route} in the rate limit, the concurrency limit and the timeout. */
export function guarded(
  config: HttpWithWeirConfig,
  clock: Clock = systemClock,
): (request: Request) => Promise<Response> {
  const limiter = new RateLimiter({
    rate: config.rate,
    per: config.per,
    burst: config.burst,
    clock,
  });
  const slots = new Semaphore(config.maxConcurrent);
  const retryAfter = `${Math.ceil(config.per / config.rate / 1000)}`;
  return async (request) => {
    if (!limiter.tryAcquire()) {
      return text(429, "Too Many Requests\n", { "retry-after": retryAfter });
    }
    using permit = slots.tryAcquire();
    if (permit === undefined) return text(503, "Service Unavailable\n", { "retry-after": "1" });
    try {
      return await timeout(config.timeout, (expired) => route(request, expired, clock), { clock });
    } catch (error) {
      if (error instanceof DOMException && error.name === "TimeoutError") {
        return text(504, "Gateway Timeout\n");
      }
      throw error;
    }
  };
}

/** Runs the server until `signal` aborts; resolves once it has shut down. */
export async function main(args: string[], options: RunOptions = {}): Promise<void> {
  const { signal, log = console.log, clock = systemClock } = options;
  const config = parseHttpWithWeirArgs(args);
  const handle = guarded(config, clock);
  const server = Deno.serve({
    hostname: config.hostname,
    port: config.port,
    ...(signal ? { signal } : {}),
    onListen: ({ hostname, port }) => log(`listening on ${hostname}:${port}`),
  }, async (request) => {
    const response = await handle(request);
    if (!config.quiet) {
      log(`${request.method} ${new URL(request.url).pathname} → ${response.status}`);
    }
    return response;
  });
  await server.finished;
}

if (import.meta.main) await runUntilSignalled(main);
