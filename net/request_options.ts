import type { FramedOptions } from "../framing/framed.ts";
import type { Clock } from "../time/clock.ts";

/**
 * Options of a request/response client over a framed connection
 * ({@linkcode Pipeline}, and with the id options {@linkcode Multiplex}):
 * its `Framed` options, the bound on requests in flight, and the clock
 * request timeouts run on.
 *
 * @example Usage
 * ```ts
 * import { Pipeline, type RequestClientOptions } from "@weir/weir/net";
 * import { LinesCodec } from "@weir/weir/framing";
 * import { duplex } from "@weir/weir/io";
 * import { FakeClock } from "@weir/weir/time";
 *
 * const options: RequestClientOptions = { maxInFlight: 16, clock: new FakeClock() };
 * const [client, server] = duplex();
 * const pipeline = new Pipeline(client, new LinesCodec(), options);
 * pipeline.abort();
 * server.close();
 * await pipeline.closed.catch(() => {});
 * ```
 */
export interface RequestClientOptions extends FramedOptions {
  /**
   * Requests sent (or queued to be sent) whose replies have not been read
   * yet, at most: `request` waits for room beyond this. A request that was
   * cancelled after it was sent still counts until its reply is read.
   *
   * @default {128}
   */
  maxInFlight?: number | undefined;
  /**
   * Where request timeouts read time; pass a `FakeClock` in tests.
   *
   * @default {systemClock}
   */
  clock?: Clock;
}

/** Options of one request (`Pipeline.request`, `Multiplex.request`). */
export interface RequestOptions {
  /**
   * Stops waiting, rejecting with `signal.reason`. Before the request was
   * sent (while it waits for room) nothing is sent; after, its reply is
   * read and dropped when it comes, so later replies stay matched.
   *
   * @default {undefined}
   */
  signal?: AbortSignal | undefined;
  /**
   * A time limit on the whole call (the wait for room and the reply), in
   * milliseconds, on the client's `clock`: past it the call rejects with a
   * `DOMException` named `TimeoutError`, with the same effect as an abort.
   *
   * @default {Infinity}
   */
  timeout?: number | undefined;
}

/** Options for {@linkcode Multiplex}: how to find ids, what to do with strays. */
export interface MultiplexOptions<Req, Res> extends RequestClientOptions {
  /**
   * The id of a request; ids are compared as `Map` keys (`SameValueZero`),
   * and no two requests in flight may share one.
   */
  requestId(req: Req): unknown;
  /** The id of a reply: the id of the request it answers. */
  responseId(res: Res): unknown;
  /**
   * Called with a reply whose id matches no request in flight (a push
   * message, a notice), from the task that reads replies: keep it short. A
   * throw fails the connection with that error. Without it, such a reply
   * fails the connection with an {@linkcode UnmatchedResponseError}.
   *
   * @default {undefined}
   */
  onUnmatched?: ((res: Res) => void) | undefined;
}
