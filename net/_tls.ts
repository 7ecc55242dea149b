import { type Clock, systemClock } from "../time/clock.ts";
import type { Connection } from "./connection.ts";
import type { ConnectionHandler } from "./serve.ts";
import type { TlsServeOptions } from "./tls_options.ts";

/** Throws a `RangeError` naming `name` unless `value` is a duration (ms, `Infinity` allowed). */
export function checkTimeout(name: string, value: number): void {
  if (!(value >= 0)) {
    throw new RangeError(
      `'${name}' must be a non-negative number of milliseconds: received ${value}`,
    );
  }
}

/**
 * Completes `conn`'s TLS handshake unless `timeout` elapses or `signal`
 * aborts first. On any failure `conn` is closed, since a half-done
 * handshake leaves nothing usable.
 */
export function handshakeWithin(
  conn: Connection,
  timeout: number,
  clock: Clock,
  signal: AbortSignal | undefined,
): Promise<Deno.TlsHandshakeInfo> {
  return new Promise((resolve, reject) => {
    let cancelTimer: (() => void) | undefined;
    const done = () => {
      cancelTimer?.();
      signal?.removeEventListener("abort", onAbort);
    };
    const fail = (reason: unknown) => {
      done();
      conn.close(); // also settles the pending handshake
      reject(reason);
    };
    const onAbort = () => fail(signal!.reason);
    if (signal?.aborted) return onAbort();
    signal?.addEventListener("abort", onAbort, { once: true });
    if (timeout !== Infinity) {
      cancelTimer = clock.setTimer(() => {
        fail(new DOMException(`TLS handshake timed out after ${timeout} ms`, "TimeoutError"));
      }, timeout);
    }
    conn.handshake().then((info) => {
      done();
      resolve(info);
    }, fail);
  });
}

/**
 * Wraps a TLS server's handler: the handshake completes (within
 * `handshakeTimeout`) before `handler` runs, and `onHandshake` gets its
 * duration and failure. A failed or stalled handshake
 * rejects, so the server reports it and closes the connection; one cut
 * short by the server itself (shutdown, idle timeout) ends quietly.
 */
export function handshakeFirst(
  handler: ConnectionHandler,
  tls: TlsServeOptions,
  clock: Clock = systemClock,
  onHandshake: (ms: number, error: unknown) => void = () => {},
): ConnectionHandler {
  const { handshakeTimeout = 10_000 } = tls;
  checkTimeout("handshakeTimeout", handshakeTimeout);
  return async (conn, context) => {
    const start = clock.now();
    try {
      await handshakeWithin(conn, handshakeTimeout, clock, context.signal);
    } catch (error) {
      if (context.signal.aborted) return;
      onHandshake(clock.now() - start, error);
      throw error;
    }
    onHandshake(clock.now() - start, undefined);
    await handler(conn, context);
  };
}
