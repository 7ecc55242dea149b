import type { FramedTransport } from "../framing/framed.ts";
import type { Codec } from "../framing/types.ts";
import { type Call, Exchange, type Matcher } from "./_exchange.ts";
import type { RequestClientOptions, RequestOptions } from "./request_options.ts";
import { UnmatchedResponseError } from "./unmatched_response_error.ts";

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

/** Replies match requests by id: a map of calls. */
class IdMatcher<Req, Res> implements Matcher<Req, Res> {
  readonly #calls = new Map<unknown, Call<Res>>();
  readonly #requestId: (req: Req) => unknown;
  readonly #responseId: (res: Res) => unknown;
  readonly #onUnmatched: ((res: Res) => void) | undefined;

  constructor(options: MultiplexOptions<Req, Res>) {
    const { requestId, responseId, onUnmatched } = options;
    for (const [name, fn] of [["requestId", requestId], ["responseId", responseId]] as const) {
      if (typeof fn !== "function") {
        throw new TypeError(`'${name}' must be a function: received ${typeof fn}`);
      }
    }
    if (onUnmatched !== undefined && typeof onUnmatched !== "function") {
      throw new TypeError(`'onUnmatched' must be a function: received ${typeof onUnmatched}`);
    }
    this.#requestId = requestId;
    this.#responseId = responseId;
    this.#onUnmatched = onUnmatched;
  }

  add(call: Call<Res>, req: Req): Error | undefined {
    let id;
    try {
      id = this.#requestId(req);
    } catch (error) {
      return error instanceof Error ? error : new TypeError(String(error));
    }
    if (this.#calls.has(id)) {
      return new RangeError(
        `'requestId' must give each request in flight its own id: received ${
          String(id)
        }, already in flight`,
      );
    }
    call.id = id;
    this.#calls.set(id, call);
  }

  take(res: Res): Call<Res> | undefined {
    const id = this.#responseId(res);
    const call = this.#calls.get(id);
    if (call === undefined) {
      if (this.#onUnmatched === undefined) throw new UnmatchedResponseError(res, id);
      this.#onUnmatched(res);
      return undefined;
    }
    this.#calls.delete(id);
    return call;
  }

  drop(call: Call<Res>): void {
    if (this.#calls.get(call.id) === call) this.#calls.delete(call.id);
  }

  clear(): Iterable<Call<Res>> {
    const calls = [...this.#calls.values()];
    this.#calls.clear();
    return calls;
  }
}

/**
 * A request/response client over one framed connection whose replies carry
 * the id of the request they answer and may come in any order (Postgres
 * portals, NATS, most RPC protocols): `request(req)` resolves with the
 * reply whose `responseId` equals the request's `requestId`.
 *
 * It behaves as {@linkcode Pipeline} in every other way: coalesced writes
 * over the public {@linkcode Framed} engine, `maxInFlight` with
 * backpressure, cancellation that drops the reply when it comes (its id
 * stays taken until then), one {@linkcode ConnectionLostError} for every
 * pending request when the connection ends, `close()`, `abort()` and
 * `closed`. A reply whose id matches no request in flight goes to
 * `onUnmatched`, or else fails the connection with an
 * {@linkcode UnmatchedResponseError}.
 *
 * @typeParam Req The request type (what the codec encodes).
 * @typeParam Res The reply type (what the codec decodes).
 *
 * @example Replies out of order, matched by id
 * ```ts
 * import { Multiplex } from "@weir/weir/net";
 * import { Framed, JsonCodec } from "@weir/weir/framing";
 * import { duplex } from "@weir/weir/io";
 * import assert from "node:assert/strict";
 *
 * type Msg = { id: number; text: string };
 * const [client, server] = duplex();
 * const rpc = new Multiplex<Msg, Msg>(client, new JsonCodec<Msg>(), {
 *   requestId: (req) => req.id,
 *   responseId: (res) => res.id,
 * });
 * const peer = new Framed<Msg, Msg>(server, new JsonCodec<Msg>());
 * const one = rpc.request({ id: 1, text: "one" });
 * const two = rpc.request({ id: 2, text: "two" });
 * await peer.next();
 * await peer.next();
 * await peer.send({ id: 2, text: "TWO" }); // the second answered first
 * await peer.send({ id: 1, text: "ONE" });
 * assert.deepEqual(await Promise.all([one, two]), [{ id: 1, text: "ONE" }, { id: 2, text: "TWO" }]);
 * await rpc.close();
 * server.close();
 * ```
 */
export class Multiplex<Req, Res> implements AsyncDisposable {
  readonly #exchange: Exchange<Req, Res>;

  /**
   * Starts a client on `transport`, which it now owns.
   *
   * @param transport The connection: a reader/writer with `close()`
   * (`Deno.Conn`, a weir `Connection`, a `duplex` end) or a pair of streams.
   * @param codec Encodes requests and decodes replies.
   * @param options `requestId`, `responseId`, `onUnmatched`, `maxInFlight`,
   * `clock`, and the `Framed` options.
   * @throws {TypeError} If `requestId` or `responseId` is not a function.
   * @throws {RangeError} If `maxInFlight` is not a positive integer.
   *
   * @example Usage
   * ```ts
   * import { Multiplex } from "@weir/weir/net";
   * import { LinesCodec } from "@weir/weir/framing";
   * import { duplex } from "@weir/weir/io";
   * import assert from "node:assert/strict";
   *
   * const [client, server] = duplex();
   * assert.throws(
   *   () => new Multiplex(client, new LinesCodec(), { requestId: (r: string) => r } as never),
   *   TypeError,
   * );
   * server.close();
   * ```
   */
  constructor(
    transport: FramedTransport,
    codec: Codec<Res, Req>,
    options: MultiplexOptions<Req, Res>,
  ) {
    const matcher = new IdMatcher(options);
    this.#exchange = new Exchange("multiplex", transport, codec, options, matcher);
  }

  /**
   * Sends `req` and resolves with the reply carrying its id.
   *
   * **Cancellation:** as {@linkcode Pipeline.prototype.request}: before the
   * request got room nothing is sent; afterwards the call rejects at once
   * and the reply is dropped when it comes (until then its id stays taken).
   *
   * @param req The request.
   * @param options Cancellation and a time limit.
   * @returns The reply.
   * @throws {RangeError} (as a rejection) If another request in flight has
   * the same id (nothing is sent), or `timeout` is negative.
   * @throws {ConnectionLostError} (as a rejection) If the connection ended
   * before the reply came.
   * @throws {Deno.errors.BadResource} (as a rejection) After `close()`.
   * @throws {DOMException} (as a rejection) Named `TimeoutError` when
   * `timeout` ran out.
   *
   * @example Usage
   * ```ts
   * import { Multiplex } from "@weir/weir/net";
   * import { Framed, LinesCodec } from "@weir/weir/framing";
   * import { duplex } from "@weir/weir/io";
   * import { FakeClock } from "@weir/weir/time";
   * import assert from "node:assert/strict";
   *
   * const clock = new FakeClock();
   * const [client, server] = duplex();
   * const rpc = new Multiplex<string, string>(client, new LinesCodec(), {
   *   requestId: (req) => req.split(" ")[0],
   *   responseId: (res) => res.split(" ")[0],
   *   clock,
   * });
   * const peer = new Framed(server, new LinesCodec());
   * const slow = rpc.request("a hello", { timeout: 1_000 });
   * await clock.tick(1_000);
   * await assert.rejects(slow, { name: "TimeoutError" });
   * assert.equal(rpc.inFlight, 1); // its reply is still due
   * await peer.next();
   * await peer.send("a late reply"); // dropped
   * const next = rpc.request("b again");
   * await peer.next();
   * await peer.send("b reply");
   * assert.equal(await next, "b reply");
   * await rpc.close();
   * server.close();
   * ```
   */
  request(req: Req, options?: RequestOptions): Promise<Res> {
    return this.#exchange.request(req, options);
  }

  /**
   * Requests sent (or being sent) whose replies have not been read yet,
   * including abandoned ones whose replies will be dropped; 0 once the
   * connection ended.
   *
   * @example Usage
   * ```ts
   * import { Multiplex } from "@weir/weir/net";
   * import { LinesCodec } from "@weir/weir/framing";
   * import { duplex } from "@weir/weir/io";
   * import assert from "node:assert/strict";
   *
   * const [client, server] = duplex();
   * const rpc = new Multiplex<string, string>(client, new LinesCodec(), {
   *   requestId: (req) => req,
   *   responseId: (res) => res,
   * });
   * const reply = rpc.request("x");
   * assert.equal(rpc.inFlight, 1);
   * rpc.abort();
   * await assert.rejects(reply, { name: "ConnectionLostError" });
   * server.close();
   * ```
   */
  get inFlight(): number {
    return this.#exchange.inFlight;
  }

  /**
   * Settles once the client is finished and its transport closed: resolves
   * after `close()`, rejects with the {@linkcode ConnectionLostError} when
   * the connection ended any other way.
   *
   * @example Usage
   * ```ts
   * import { Multiplex } from "@weir/weir/net";
   * import { LinesCodec } from "@weir/weir/framing";
   * import { duplex } from "@weir/weir/io";
   * import assert from "node:assert/strict";
   *
   * const [client, server] = duplex();
   * const rpc = new Multiplex<string, string>(client, new LinesCodec(), {
   *   requestId: (req) => req,
   *   responseId: (res) => res,
   * });
   * server.close();
   * await assert.rejects(rpc.closed, { name: "ConnectionLostError" });
   * ```
   */
  get closed(): Promise<void> {
    return this.#exchange.closed;
  }

  /**
   * Closes gracefully, as {@linkcode Pipeline.prototype.close}: later
   * requests reject with `Deno.errors.BadResource`, earlier ones get their
   * replies, then FIN and the transport is closed.
   *
   * @returns `closed`.
   * @throws {ConnectionLostError} (as a rejection) If the connection ended
   * before everything was answered.
   *
   * @example Usage
   * ```ts
   * import { Multiplex } from "@weir/weir/net";
   * import { LinesCodec } from "@weir/weir/framing";
   * import { duplex } from "@weir/weir/io";
   *
   * const [client, server] = duplex();
   * const rpc = new Multiplex<string, string>(client, new LinesCodec(), {
   *   requestId: (req) => req,
   *   responseId: (res) => res,
   * });
   * await rpc.close();
   * server.close();
   * ```
   */
  close(): Promise<void> {
    return this.#exchange.close();
  }

  /**
   * Ends at once, as {@linkcode Pipeline.prototype.abort}.
   *
   * @param reason Why; defaults to a `DOMException` named `AbortError`.
   *
   * @example Usage
   * ```ts
   * import { Multiplex } from "@weir/weir/net";
   * import { LinesCodec } from "@weir/weir/framing";
   * import { duplex } from "@weir/weir/io";
   * import assert from "node:assert/strict";
   *
   * const [client, server] = duplex();
   * const rpc = new Multiplex<string, string>(client, new LinesCodec(), {
   *   requestId: (req) => req,
   *   responseId: (res) => res,
   * });
   * rpc.abort();
   * await assert.rejects(rpc.closed, { name: "ConnectionLostError" });
   * server.close();
   * ```
   */
  abort(reason: unknown = new DOMException("The multiplex was aborted", "AbortError")): void {
    this.#exchange.abort(reason);
  }

  /**
   * Closes gracefully, for `await using`; never rejects.
   *
   * @example Usage
   * ```ts
   * import { Multiplex } from "@weir/weir/net";
   * import { LinesCodec } from "@weir/weir/framing";
   * import { duplex } from "@weir/weir/io";
   *
   * const [client, server] = duplex();
   * {
   *   await using _rpc = new Multiplex<string, string>(client, new LinesCodec(), {
   *     requestId: (req) => req,
   *     responseId: (res) => res,
   *   });
   * }
   * server.close();
   * ```
   */
  [Symbol.asyncDispose](): Promise<void> {
    return this.#exchange.dispose();
  }
}
