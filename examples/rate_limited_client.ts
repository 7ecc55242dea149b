/**
 * A rate-limited client (seed 001's rate limiting): every request first
 * takes a token from a `RateLimiter`, a token bucket that refills `--rate`
 * tokens every `--per` ms, holds at most `--burst`, and starts full. The
 * first `--burst` requests go at once, then one every `per / rate` ms, so
 * the server never sees more than the rate however fast the client could
 * go.
 *
 * It sends `ECHO request {i}` lines to `line_server.ts` over one
 * connection and prints when each was sent and what came back.
 *
 * ```sh
 * deno run --allow-net=127.0.0.1 examples/line_server.ts --port 8080 --quiet
 * deno run --allow-net=127.0.0.1 examples/rate_limited_client.ts [--hostname 127.0.0.1] \
 *   [--port 8080] [--requests 20] [--rate 10] [--per 1000] [--burst 10]
 * ```
 *
 * Prints `request {i} at +{t} ms: {reply}` per request, then a summary.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { Framed, LinesCodec } from "@weir/weir/framing";
import { connect } from "@weir/weir/net";
import { RateLimiter, systemClock } from "@weir/weir/time";
import { type ExampleRunOptions, runReportingErrors } from "./_cli.ts";

/** What the command line asks for. */
export interface RateLimitedClientConfig {
  hostname: string;
  port: number;
  requests: number;
  rate: number;
  per: number;
  burst: number;
}

/** How {@linkcode main} is run: a stop signal, where lines are printed, and the clock. */
export type RunOptions = Pick<ExampleRunOptions, "signal" | "log" | "clock">;

/** Parses the flags (see the module doc). */
export function parseRateLimitedClientArgs(args: string[]): RateLimitedClientConfig {
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      hostname: { type: "string", default: "127.0.0.1" },
      port: { type: "string", default: "8080" },
      requests: { type: "string", default: "20" },
      rate: { type: "string", default: "10" },
      per: { type: "string", default: "1000" },
      burst: { type: "string" },
    },
  });
  const positive = (flag: "port" | "requests" | "rate" | "per" | "burst", value: string) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1) {
      throw new RangeError(`--${flag} must be an integer >= 1: ${value}`);
    }
    return n;
  };
  const rate = positive("rate", values.rate);
  return {
    hostname: values.hostname,
    port: positive("port", values.port),
    requests: positive("requests", values.requests),
    rate,
    per: positive("per", values.per),
    burst: positive("burst", values.burst ?? `${rate}`),
  };
}

/** Sends the requests at the configured rate; resolves the send time of each (ms since start). */
export async function main(args: string[], options: RunOptions = {}): Promise<number[]> {
  const { signal, log = console.log, clock = systemClock } = options;
  const config = parseRateLimitedClientArgs(args);
  const limiter = new RateLimiter({
    rate: config.rate,
    per: config.per,
    burst: config.burst,
    clock,
  });
  const wait = signal ? { signal } : {};
  await using conn = await connect({ hostname: config.hostname, port: config.port }, wait);
  const framed = new Framed(conn, new LinesCodec());
  const start = clock.now();
  const sentAt: number[] = [];
  for (let i = 1; i <= config.requests; i++) {
    await limiter.acquire(1, wait); // waits for a token
    sentAt.push(Math.round(clock.now() - start));
    await framed.send(`ECHO request ${i}`, wait);
    const answer = await framed.next(wait);
    if (answer.done) throw new Error("The server closed the connection");
    log(`request ${i} at +${sentAt.at(-1)} ms: ${answer.value}`);
  }
  const elapsed = Math.round(clock.now() - start);
  log(
    `${config.requests} requests in ${elapsed} ms (${config.rate} per ${config.per} ms, burst ${config.burst})`,
  );
  await framed.close(); // flush, then FIN
  return sentAt;
}

if (import.meta.main) await runReportingErrors(main);
