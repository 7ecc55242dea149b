import { CancellationToken } from "../sync/cancellation_token.ts";

/** Options for {@linkcode shutdownOnSignals}. */
export interface ShutdownOnSignalsOptions {
  /**
   * Makes the returned token a child of this one: cancelled with it too.
   *
   * @default {undefined}
   */
  parent?: CancellationToken;
}

/**
 * A token cancelled by the first of `signals` the process receives (Ctrl+C
 * is `SIGINT`): the usual trigger of a graceful shutdown. Pass
 * `token.signal` as a server's `signal`.
 *
 * Once the token is cancelled (by a signal or by anyone), its listeners are
 * removed, so a second Ctrl+C gets the default behaviour and ends the
 * process at once. The cancel reason is a `DOMException` named
 * `AbortError` whose message names the signal. Listeners do not keep the
 * process alive.
 *
 * @param signals The signals to listen for.
 * @param options A parent token.
 * @returns A token cancelled on the first signal.
 *
 * @example Usage
 * ```ts
 * import { serve, shutdownOnSignals } from "@weir/weir/net";
 *
 * const token = shutdownOnSignals(["SIGINT", "SIGTERM"]);
 * const server = serve({ hostname: "127.0.0.1", port: 0 }, () => {}, {
 *   signal: token.signal,
 * });
 * token.cancel(); // what Ctrl+C would do; also removes the listeners
 * await server.closed;
 * ```
 */
export function shutdownOnSignals(
  signals: readonly Deno.Signal[] = ["SIGINT", "SIGTERM"],
  options: ShutdownOnSignalsOptions = {},
): CancellationToken {
  const token = options.parent?.child() ?? new CancellationToken();
  if (token.isCancelled) return token;
  const handlers = signals.map((name) => {
    const handler = () => {
      token.cancel(new DOMException(`Received ${name}`, "AbortError"));
    };
    Deno.addSignalListener(name, handler);
    return [name, handler] as const;
  });
  token.signal.addEventListener("abort", () => {
    for (const [name, handler] of handlers) Deno.removeSignalListener(name, handler);
  }, { once: true });
  return token;
}
