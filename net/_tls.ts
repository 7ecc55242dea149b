import type { Clock } from "../time/clock.ts";
import type { Connection } from "./connection.ts";

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
