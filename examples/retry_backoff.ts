/**
 * Retry with a per-attempt timeout and exponential backoff, with weir's
 * `retry` (the seed's hand-written `retry_with_timeout`). An unreliable
 * operation first hangs for `--hang` attempts (each cut off after
 * `--attempt-timeout` ms, its signal aborted), then fails for `--fail`
 * attempts, then succeeds. Between attempts `retry` waits `--min-delay` ms,
 * doubling each time (100, 200, 400 ms, ...), randomised by `--jitter`
 * (`none` by default, as in the seed; use `full` in production so clients
 * do not retry in lockstep). After `--max-attempts` failures it gives up
 * with a `RetryError` that carries every attempt's error.
 *
 * ```sh
 * deno run examples/retry_backoff.ts [--hang 1] [--fail 1] [--max-attempts 5] \
 *   [--attempt-timeout 200] [--min-delay 100] [--jitter none]
 * ```
 *
 * Prints `[0 ms] attempt 1 started`, `[200 ms] attempt 1 timed out, retrying in
 * 100 ms`, `[300 ms] attempt 2 started`, `[300 ms] attempt 2 failed (Random
 * failure), retrying in 200 ms`, `[500 ms] attempt 3 started`,
 * `[500 ms] Result: Success!`.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { retry, RetryError, systemClock } from "@weir/weir/time";
import { type ExampleRunOptions, integerFlag } from "./_cli.ts";

/** How {@linkcode main} is run: where lines are printed and the clock. */
export type RunOptions = Pick<ExampleRunOptions, "log" | "clock">;

/** How it ended. */
export interface RetryResult {
  /** The result, or `undefined` if every attempt failed. */
  result: string | undefined;
  /** When each attempt started, in milliseconds from the start. */
  startedAt: number[];
}

/** Runs the operation under `retry` (see the module doc). */
export async function main(args: string[], options: RunOptions = {}): Promise<RetryResult> {
  const { log = console.log, clock = systemClock } = options;
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      hang: { type: "string", default: "1" },
      fail: { type: "string", default: "1" },
      "max-attempts": { type: "string", default: "5" },
      "attempt-timeout": { type: "string", default: "200" },
      "min-delay": { type: "string", default: "100" },
      jitter: { type: "string", default: "none" },
    },
  });
  const hang = integerFlag("hang", values.hang, 0);
  const fail = integerFlag("fail", values.fail, 0);
  const maxAttempts = integerFlag("max-attempts", values["max-attempts"], 1);
  const attemptTimeout = integerFlag("attempt-timeout", values["attempt-timeout"], 1);
  const minDelay = integerFlag("min-delay", values["min-delay"], 0);
  const jitter = values.jitter;
  if (jitter !== "none" && jitter !== "full" && jitter !== "equal") {
    throw new TypeError(`--jitter must be none, full or equal: ${jitter}`);
  }
  const start = clock.now();
  const elapsed = () => Math.round(clock.now() - start);
  const print = (line: string) => log(`[${elapsed()} ms] ${line}`);

  const startedAt: number[] = [];
  const unreliable = (signal: AbortSignal, attempt: number): Promise<string> => {
    startedAt.push(elapsed());
    print(`attempt ${attempt} started`);
    if (attempt <= hang) {
      // a server that never answers: only the attempt timeout ends this
      return new Promise((_, reject) =>
        signal.addEventListener("abort", () => reject(signal.reason))
      );
    }
    if (attempt <= hang + fail) return Promise.reject(new Error("Random failure"));
    return Promise.resolve("Success!");
  };

  try {
    const result = await retry(unreliable, {
      maxAttempts,
      attemptTimeout,
      minDelay,
      jitter,
      clock,
      onRetry: (error, attempt, delay) => {
        const why = error instanceof DOMException && error.name === "TimeoutError"
          ? "timed out"
          : `failed (${(error as Error).message})`;
        print(`attempt ${attempt} ${why}, retrying in ${Math.round(delay)} ms`);
      },
    });
    print(`Result: ${result}`);
    return { result, startedAt };
  } catch (error) {
    if (!(error instanceof RetryError)) throw error;
    print(`All retry attempts failed: ${error.message}`);
    return { result: undefined, startedAt };
  }
}

if (import.meta.main) await main(Deno.args);
