import type { FramedTransport } from "../framing/framed.ts";
import type { Codec } from "../framing/types.ts";
import { Exchange } from "./_exchange.ts";
import { IdMatcher, OrderMatcher } from "./_matchers.ts";
import type { MultiplexOptions, RequestClientOptions, RequestOptions } from "./request_options.ts";

/**
 * What {@linkcode Pipeline} and {@linkcode Multiplex} share: requests over
 * one framed connection, each resolving with its reply.
 *
 * Requests are encoded as they are made and written together (the requests
 * made in one turn of the event loop, or let in by replies read together,
 * go out in one write), through the public {@linkcode Framed} of
 * `@weir/weir/framing`, so they use the same framed engine as every other
 * framed connection. One task reads replies and hands each to its request.
 * The client owns the transport and closes it when done.
 *
 * - **Backpressure:** at most `maxInFlight` requests (default 128) are in
 *   flight; `request` waits for room beyond that (abortably).
 * - **Cancellation:** a request aborted or timed out before its reply keeps
 *   its place: its reply is read and dropped, so later replies still go to
 *   the right requests. Before it was sent (while waiting for room) nothing
 *   is sent at all.
 * - **Failure:** when the connection fails (a read, write or decode error,
 *   a reply that matches no request, `abort()`, or the peer closing), every
 *   pending request, and every later one, rejects with one
 *   {@linkcode ConnectionLostError} whose `cause` says why, and `closed`
 *   rejects with it.
 * - **Closing:** `close()` refuses new requests, lets those already made
 *   get their replies, then sends FIN and closes the transport.
 *
 * @typeParam Req The request type (what the codec encodes).
 * @typeParam Res The reply type (what the codec decodes).
 *
 * @example Usage
 * ```ts
 * import { Pipeline, type RequestClient } from "@weir/weir/net";
 * import { Framed, LinesCodec } from "@weir/weir/framing";
 * import { duplex } from "@weir/weir/io";
 * import assert from "node:assert/strict";
 *
 * async function ask(client: RequestClient<string, string>, question: string) {
 *   return await client.request(question, { timeout: 1_000 });
 * }
 * const [client, server] = duplex();
 * const pipeline = new Pipeline<string, string>(client, new LinesCodec());
 * const peer = new Framed(server, new LinesCodec());
 * const answer = ask(pipeline, "ping");
 * assert.equal((await peer.next()).value, "ping");
 * await peer.send("pong");
 * assert.equal(await answer, "pong");
 * await pipeline.close();
 * server.close();
 * ```
 */
export abstract class RequestClient<Req, Res> implements AsyncDisposable {
  readonly #exchange: Exchange<Req, Res>;
  readonly #what: string;

  /**
   * Starts the client on `transport`; see {@linkcode Pipeline} and
   * {@linkcode Multiplex}.
   *
   * @param transport The connection.
   * @param codec Encodes requests and decodes replies.
   * @param options The client's options.
   * @param byId The id options of a `Multiplex`; `undefined` matches
   * replies by order.
   */
  protected constructor(
    transport: FramedTransport,
    codec: Codec<Res, Req>,
    options: RequestClientOptions,
    byId: MultiplexOptions<Req, Res> | undefined,
  ) {
    this.#what = byId === undefined ? "pipeline" : "multiplex";
    const matcher = byId === undefined ? new OrderMatcher<Req, Res>() : new IdMatcher(byId);
    this.#exchange = new Exchange(this.#what, transport, codec, options, matcher);
  }

  /**
   * Sends `req` and resolves with its reply: on a {@linkcode Pipeline} the
   * reply that comes back in its turn, on a {@linkcode Multiplex} the reply
   * carrying its id.
   *
   * Requests are sent in the order `request` was called: a request that
   * finds room is encoded at once, before the call returns; one that finds
   * `maxInFlight` requests in flight waits in line and is sent as soon as a
   * reply frees room.
   *
   * **Cancellation:** aborting `signal` (or running out of `timeout`) while
   * the call waits for room sends nothing and gives up its place in line;
   * once sent, the call rejects at once and its reply is read and dropped
   * when it comes, so the replies after it still find their requests.
   *
   * **Select safety:** select-safe (it claims its signal when it gets room,
   * see `claimSignal` in `@weir/weir/sync`): a losing `select` branch sends
   * nothing. A branch is decided once its request is sent, however long the
   * reply takes; to bound the reply with a timer branch, make the request
   * first and race only its promise.
   *
   * @param req The request.
   * @param options Cancellation and a time limit.
   * @returns The reply.
   * @throws {ConnectionLostError} (as a rejection) If the connection ended
   * before the reply came.
   * @throws {Deno.errors.BadResource} (as a rejection) After `close()`.
   * @throws {DOMException} (as a rejection) Named `TimeoutError` when
   * `timeout` ran out.
   * @throws {RangeError} (as a rejection) If `timeout` is negative or not a number.
   * @throws {RangeError} (as a rejection) On a `Multiplex`, if another
   * request in flight has the same id (nothing is sent).
   * @throws What the encoder throws for `req` (nothing is sent).
   *
   * @example Usage
   * ```ts
   * import { Pipeline } from "@weir/weir/net";
   * import { Framed, LinesCodec } from "@weir/weir/framing";
   * import { duplex } from "@weir/weir/io";
   * import assert from "node:assert/strict";
   *
   * const [client, server] = duplex();
   * const pipeline = new Pipeline(client, new LinesCodec());
   * const peer = new Framed(server, new LinesCodec());
   * const controller = new AbortController();
   * const first = pipeline.request("slow", { signal: controller.signal });
   * const second = pipeline.request("fast");
   * assert.equal((await peer.next()).value, "slow"); // sent: its reply will come
   * controller.abort();
   * await assert.rejects(first, { name: "AbortError" });
   * assert.equal((await peer.next()).value, "fast");
   * await peer.send("reply to slow"); // read and dropped
   * await peer.send("reply to fast");
   * assert.equal(await second, "reply to fast");
   * await pipeline.close();
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
   * import { Pipeline } from "@weir/weir/net";
   * import { LinesCodec } from "@weir/weir/framing";
   * import { duplex } from "@weir/weir/io";
   * import assert from "node:assert/strict";
   *
   * const [client, server] = duplex();
   * const pipeline = new Pipeline(client, new LinesCodec());
   * const reply = pipeline.request("a");
   * assert.equal(pipeline.inFlight, 1);
   * pipeline.abort();
   * await assert.rejects(reply, { name: "ConnectionLostError" });
   * assert.equal(pipeline.inFlight, 0);
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
   * import { Pipeline } from "@weir/weir/net";
   * import { LinesCodec } from "@weir/weir/framing";
   * import { duplex } from "@weir/weir/io";
   * import assert from "node:assert/strict";
   *
   * const [client, server] = duplex();
   * const pipeline = new Pipeline(client, new LinesCodec());
   * server.close(); // the peer goes away
   * await assert.rejects(pipeline.closed, { name: "ConnectionLostError" });
   * ```
   */
  get closed(): Promise<void> {
    return this.#exchange.closed;
  }

  /**
   * Closes gracefully: later requests reject with `Deno.errors.BadResource`;
   * those already made (waiting for room included) are sent and get their
   * replies; then FIN is sent and the transport closed. Resolves with
   * `closed`. Idempotent.
   *
   * @returns `closed`.
   * @throws {ConnectionLostError} (as a rejection) If the connection ended
   * before everything was answered.
   *
   * @example Usage
   * ```ts
   * import { Pipeline } from "@weir/weir/net";
   * import { Framed, LinesCodec } from "@weir/weir/framing";
   * import { duplex } from "@weir/weir/io";
   * import assert from "node:assert/strict";
   *
   * const [client, server] = duplex();
   * const pipeline = new Pipeline(client, new LinesCodec());
   * const peer = new Framed(server, new LinesCodec());
   * const reply = pipeline.request("last");
   * const closing = pipeline.close();
   * await assert.rejects(pipeline.request("late"), Deno.errors.BadResource);
   * assert.equal((await peer.next()).value, "last");
   * await peer.send("answered");
   * assert.equal(await reply, "answered");
   * await closing;
   * assert.equal((await peer.next()).done, true); // FIN after the last request
   * server.close();
   * ```
   */
  close(): Promise<void> {
    return this.#exchange.close();
  }

  /**
   * Ends at once: closes the transport, and every pending request rejects
   * with a {@linkcode ConnectionLostError} whose `cause` is `reason` (as
   * `closed` does). Does nothing once the client ended.
   *
   * @param reason Why; defaults to a `DOMException` named `AbortError`.
   *
   * @example Usage
   * ```ts
   * import { ConnectionLostError, Pipeline } from "@weir/weir/net";
   * import { LinesCodec } from "@weir/weir/framing";
   * import { duplex } from "@weir/weir/io";
   * import assert from "node:assert/strict";
   *
   * const [client, server] = duplex();
   * const pipeline = new Pipeline(client, new LinesCodec());
   * const reply = pipeline.request("never answered");
   * const reason = new Error("shutting down");
   * pipeline.abort(reason);
   * await assert.rejects(reply, (error) => error instanceof ConnectionLostError && error.cause === reason);
   * server.close();
   * ```
   */
  abort(reason?: unknown): void {
    this.#exchange.abort(reason ?? new DOMException(`The ${this.#what} was aborted`, "AbortError"));
  }

  /**
   * Closes gracefully (as {@linkcode RequestClient.prototype.close}), for
   * `await using`; never rejects.
   *
   * @example Usage
   * ```ts
   * import { Pipeline } from "@weir/weir/net";
   * import { LinesCodec } from "@weir/weir/framing";
   * import { duplex } from "@weir/weir/io";
   *
   * const [client, server] = duplex();
   * {
   *   await using _pipeline = new Pipeline(client, new LinesCodec());
   * } // FIN sent, transport closed
   * server.close();
   * ```
   */
  [Symbol.asyncDispose](): Promise<void> {
    return this.#exchange.dispose();
  }
}
