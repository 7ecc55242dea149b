/**
 * weir: Tokio's async I/O toolbox for Deno, built on Web Streams, with
 * backpressure everywhere.
 *
 * A tour, one folder at a time (each is also its own subpath export):
 *
 * - `@weir/weir/io`: `ByteBuffer`, `BufReader`, `BufWriter`, `copy`,
 *   `copyBidirectional`, `duplex`.
 * - `@weir/weir/framing`: codecs and `FramedRead`/`FramedWrite`/`Framed`.
 * - `@weir/weir/sync`: locks, semaphores, channels, cancellation tokens,
 *   `JoinSet`, `select`, `Pool`.
 * - `@weir/weir/time`: `sleep`, `timeout`, `interval`, `retry`,
 *   `RateLimiter`, `FakeClock`.
 * - `@weir/weir/streams`: combinators over async iterables and streams.
 * - `@weir/weir/net`: TCP/Unix/UDP/TLS connections and servers.
 *
 * ```ts
 * import { ByteBuffer, systemClock } from "@weir/weir";
 *
 * const buf = new ByteBuffer();
 * buf.append(new Uint8Array([1, 2, 3]));
 * console.log(buf.length, systemClock.now() >= 0);
 * ```
 *
 * @module
 */
export * from "./io/mod.ts";
export * from "./framing/mod.ts";
export * from "./sync/mod.ts";
export * from "./time/mod.ts";
export * from "./streams/mod.ts";
export * from "./net/mod.ts";
