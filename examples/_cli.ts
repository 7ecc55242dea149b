/**
 * Shared command-line helpers for the examples (private: not part of weir).
 *
 * @module
 */
import { shutdownOnSignals } from "@weir/weir/net";
import type { Clock } from "@weir/weir/time";

/**
 * Parses the value of `--flag` as an integer of at least `min`, or throws a
 * `RangeError` naming the flag.
 */
export function integerFlag(flag: string, value: string, min: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) {
    throw new RangeError(`--${flag} must be an integer >= ${min}: ${value}`);
  }
  return n;
}

/**
 * Parses the value of `--port` as a TCP/UDP port from `min` to 65535 (0
 * asks a server for an ephemeral one; clients pass 1), or throws a
 * `RangeError`.
 */
export function portFlag(value: string, min = 0): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < min || port > 65535) {
    throw new RangeError(`--port must be a port number from ${min} to 65535: ${value}`);
  }
  return port;
}

/** What every networked example's command line names: an address, and whether to stay quiet. */
export interface EndpointConfig {
  hostname: string;
  port: number;
  quiet: boolean;
}

/**
 * The `parseArgs` options behind {@linkcode EndpointConfig}: `--hostname`
 * (127.0.0.1), `--port` (default `port`) and `--quiet`, to spread into an
 * example's own options.
 */
export function endpointOptions(port: number) {
  return {
    hostname: { type: "string", default: "127.0.0.1" },
    port: { type: "string", default: `${port}` },
    quiet: { type: "boolean", default: false },
  } as const;
}

/** The checked {@linkcode EndpointConfig} from parsed values (`minPort` 1 for clients). */
export function endpointConfig(
  values: { hostname: string; port: string; quiet: boolean },
  minPort = 0,
): EndpointConfig {
  return { hostname: values.hostname, port: portFlag(values.port, minPort), quiet: values.quiet };
}

/**
 * Everything an example's `main` can be given. Each example exports its own
 * `RunOptions` as the fields it honours (`Pick<ExampleRunOptions, ...>`).
 */
export interface ExampleRunOptions {
  /** Stops the example; a server shuts down gracefully. */
  signal?: AbortSignal;
  /** Where lines are printed (`console.log` by default). */
  log?: (line: string) => void;
  /** The clock of the example's timers (a `FakeClock` in tests). */
  clock?: Clock;
}

/**
 * Runs an example's `main` on the command line's arguments until SIGINT or
 * SIGTERM, which stops it gracefully (a second signal exits at once).
 */
export async function runUntilSignalled(
  main: (args: string[], options: { signal: AbortSignal }) => Promise<unknown>,
): Promise<void> {
  const token = shutdownOnSignals();
  try {
    await main(Deno.args, { signal: token.signal });
  } finally {
    token.cancel();
  }
}

/**
 * Runs an example's `main` on the command line's arguments; an error is
 * printed and sets exit status 1.
 */
export async function runReportingErrors(
  main: (args: string[]) => Promise<unknown>,
): Promise<void> {
  try {
    await main(Deno.args);
  } catch (error) {
    console.error(`error: ${error}`);
    Deno.exitCode = 1;
  }
}
