import type { FramedTransport } from "../framing/framed.ts";
import type { Codec } from "../framing/types.ts";
import { RequestClient } from "./request_client.ts";
import type { RequestClientOptions } from "./request_options.ts";

/**
 * A request/response client over one framed connection whose replies come
 * back in request order (Redis, memcached's text protocol, HTTP/1.1):
 * `request(req)` resolves with the reply to `req`, and many requests may be
 * in flight at once (pipelining).
 *
 * Everything else (coalesced writes, `maxInFlight` backpressure,
 * cancellation that keeps replies aligned, one
 * {@linkcode ConnectionLostError} for every pending request, `close()`)
 * is described on {@linkcode RequestClient}. A reply with no request
 * waiting for it fails the connection with an
 * {@linkcode UnmatchedResponseError}.
 *
 * @typeParam Req The request type (what the codec encodes).
 * @typeParam Res The reply type (what the codec decodes).
 *
 * @example Pipelined requests to a line server
 * ```ts
 * import { connect, Pipeline, serve } from "@weir/weir/net";
 * import { Framed, LinesCodec } from "@weir/weir/framing";
 * import assert from "node:assert/strict";
 *
 * await using server = serve({ hostname: "127.0.0.1", port: 0 }, async (conn) => {
 *   await using framed = new Framed(conn, new LinesCodec());
 *   for await (const line of framed) await framed.send(line.toUpperCase());
 * });
 * const conn = await connect(server.addr);
 * const pipeline = new Pipeline(conn, new LinesCodec());
 * const replies = await Promise.all(["a", "b", "c"].map((req) => pipeline.request(req)));
 * assert.deepEqual(replies, ["A", "B", "C"]);
 * await pipeline.close();
 * ```
 */
export class Pipeline<Req, Res> extends RequestClient<Req, Res> {
  /**
   * Starts a client on `transport`, which it now owns.
   *
   * @param transport The connection: a reader/writer with `close()`
   * (`Deno.Conn`, a weir `Connection`, a `duplex` end) or a pair of streams.
   * @param codec Encodes requests and decodes replies.
   * @param options `maxInFlight`, `clock`, and the `Framed` options.
   * @throws {RangeError} If `maxInFlight` is not a positive integer.
   *
   * @example Usage
   * ```ts
   * import { Pipeline } from "@weir/weir/net";
   * import { Framed, LinesCodec } from "@weir/weir/framing";
   * import { duplex } from "@weir/weir/io";
   * import assert from "node:assert/strict";
   *
   * const [client, server] = duplex();
   * const pipeline = new Pipeline(client, new LinesCodec(), { maxInFlight: 2 });
   * const peer = new Framed(server, new LinesCodec());
   * const reply = pipeline.request("ping");
   * assert.equal((await peer.next()).value, "ping");
   * await peer.send("pong");
   * assert.equal(await reply, "pong");
   * await pipeline.close();
   * server.close();
   * ```
   */
  constructor(
    transport: FramedTransport,
    codec: Codec<Res, Req>,
    options: RequestClientOptions = {},
  ) {
    super(transport, codec, options, undefined);
  }
}
