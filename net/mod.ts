/**
 * TCP, Unix and UDP sockets done right on Deno: connections with real
 * half-close, split halves, a server with connection limits, idle timeout
 * and graceful shutdown, connection drivers, request/response clients
 * ({@linkcode Pipeline} for replies in request order, {@linkcode Multiplex}
 * for replies matched by id) and {@linkcode reconnecting} connections, UDP
 * without silent truncation, and multi-core serving. Add `tls` to an address to `connect` or `serve`
 * over TLS (ALPN, a bounded server handshake), or `upgradeTls` a plain
 * connection (STARTTLS): the same `Connection` either way. Connections,
 * servers (`server.stats`) and UDP sockets count what they do; with
 * `OTEL_DENO=true` (or a `meter` / `tracer` option) the counts go out as
 * OpenTelemetry metrics (`weir.server.*`, `weir.client.*`, `weir.udp.*`)
 * and spans.
 *
 * ```ts
 * import { connect, serve } from "@weir/weir/net";
 * import assert from "node:assert/strict";
 *
 * await using server = serve({ hostname: "127.0.0.1", port: 0 }, async (conn) => {
 *   await conn.readable.pipeTo(conn.writable); // echo; close() half-closes
 * });
 * await using conn = await connect(server.addr);
 * await conn.writeAll(new TextEncoder().encode("hello"));
 * await conn.closeWrite(); // FIN: the server sees the end, still replies
 * assert.equal(await new Response(conn.readable).text(), "hello");
 * ```
 *
 * @module
 */
export * from "./addresses.ts";
export * from "./connection.ts";
export * from "./connect.ts";
export * from "./split.ts";
export * from "./reunite_error.ts";
export * from "./serve.ts";
export * from "./server_stats.ts";
export * from "./udp_socket.ts";
export * from "./datagram_too_large_error.ts";
export * from "./framed_driver.ts";
export * from "./connection_driver.ts";
export * from "./shutdown_on_signals.ts";
export * from "./serve_parallel.ts";
export * from "./tls_options.ts";
export * from "./tls_handshake_error.ts";
export * from "./upgrade_tls.ts";
export * from "./request_options.ts";
export * from "./request_client.ts";
export * from "./pipeline.ts";
export * from "./multiplex.ts";
export * from "./connection_lost_error.ts";
export * from "./unmatched_response_error.ts";
export * from "./reconnecting.ts";
