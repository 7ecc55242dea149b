import type { FramedTransport } from "../framing/framed.ts";
import type { Codec } from "../framing/types.ts";
import { RequestClient } from "./request_client.ts";
import type { MultiplexOptions } from "./request_options.ts";

/**
 * A request/response client over one framed connection whose replies carry
 * the id of the request they answer and may come in any order (Postgres
 * portals, NATS, most RPC protocols): `request(req)` resolves with the
 * reply whose `responseId` equals the request's `requestId`.
 *
 * Everything else (coalesced writes, `maxInFlight` backpressure,
 * cancellation that drops the reply when it comes, one
 * {@linkcode ConnectionLostError} for every pending request, `close()`)
 * is described on {@linkcode RequestClient}; an abandoned request's id
 * stays taken until its reply is read. A reply whose id matches no request
 * in flight goes to `onUnmatched`, or else fails the connection with an
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
 *
 * @example A timed-out request's late reply is dropped
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
export class Multiplex<Req, Res> extends RequestClient<Req, Res> {
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
    super(transport, codec, options, options);
  }
}
