import type { DurationHistogram } from "../time/duration_histogram.ts";

/**
 * A server's counters and gauges (`Server.stats`), live: read them at any time,
 * with or without an OpenTelemetry exporter. Counts start at zero when the
 * server starts and only grow, except `active`.
 *
 * @example Usage
 * ```ts
 * import { connect, serve } from "@weir/weir/net";
 * import assert from "node:assert/strict";
 *
 * await using server = serve({ hostname: "127.0.0.1", port: 0 }, async (conn) => {
 *   await conn.writeAll(new TextEncoder().encode("hi"));
 * });
 * {
 *   await using conn = await connect(server.addr);
 *   assert.equal(await new Response(conn.readable).text(), "hi");
 * }
 * assert.equal(server.stats.accepted, 1);
 * ```
 */
export interface ServerStats {
  /** Connections accepted (including those then rejected or failing their handshake). */
  readonly accepted: number;
  /** Connections open now. */
  readonly active: number;
  /** Connections closed at once because the server was full. */
  readonly rejected: number;
  /** Connections the server closed for being idle longer than `idleTimeout`. */
  readonly idleClosed: number;
  /** TLS handshakes that failed or timed out. */
  readonly handshakeFailures: number;
  /** Errors reported to `onError`: handler errors, failed handshakes and accept errors. */
  readonly errors: number;
  /** Bytes read from every connection, open or closed. */
  readonly bytesRead: number;
  /** Bytes written to every connection, open or closed. */
  readonly bytesWritten: number;
  /** How long TLS handshakes took, in milliseconds (failed ones included). */
  readonly handshakeDuration: DurationHistogram;
}
