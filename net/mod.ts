/**
 * TCP, Unix and UDP sockets done right on Deno: connections with real
 * half-close, split halves, a server with connection limits, idle timeout
 * and graceful shutdown, connection drivers, UDP without silent truncation,
 * TLS, and multi-core serving.
 *
 * ```ts
 * import * as net from "@weir/weir/net";
 *
 * console.log(typeof net);
 * ```
 *
 * @module
 */
export {};
