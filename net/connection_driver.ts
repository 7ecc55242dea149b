import { BytesCodec } from "../framing/bytes_codec.ts";
import { type DriverOptions, type DriverTransport, FramedDriver } from "./framed_driver.ts";

/**
 * Drives one connection in both directions with raw byte chunks: messages you `send` are queued (bounded) and
 * coalesced into as few writes as possible, and inbound data arrives as
 * chunks (whatever each socket read returned, not messages), read ahead
 * up to a bound in bytes. It is a {@linkcode FramedDriver} over `BytesCodec`; every
 * method is documented there.
 *
 * Many tasks may `send` at once: each message goes out whole, never
 * interleaved with another. `sendWithAck` resolves once the message was
 * written; `close()` flushes everything queued, then sends FIN.
 *
 * @example Usage
 * ```ts
 * import { connect, ConnectionDriver, serve } from "@weir/weir/net";
 * import assert from "node:assert/strict";
 *
 * await using server = serve({ hostname: "127.0.0.1", port: 0 }, async (conn) => {
 *   await conn.readable.pipeTo(conn.writable); // echo until FIN
 * });
 * const driver = new ConnectionDriver(await connect(server.addr));
 * for (let i = 1; i <= 3; i++) {
 *   await driver.send(new TextEncoder().encode(`client message: ${i}\n`));
 * }
 * await driver.close();
 * let echoed = "";
 * for await (const chunk of driver) echoed += new TextDecoder().decode(chunk);
 * assert.equal(echoed.split("\n").length, 4);
 * await driver.closed;
 * ```
 */
export class ConnectionDriver extends FramedDriver<Uint8Array> {
  /**
   * Starts driving `transport`; the driver now owns it.
   *
   * @param transport The connection.
   * @param options Queue bounds in bytes (`highWaterMark` outgoing,
   * `inboundHighWaterMark` read ahead) and read sizes.
   * @throws {RangeError} When an option is out of range, naming it.
   *
   * @example Usage
   * ```ts
   * import { ConnectionDriver } from "@weir/weir/net";
   * import { duplex } from "@weir/weir/io";
   * import assert from "node:assert/strict";
   *
   * const [a, b] = duplex();
   * const driver = new ConnectionDriver(a, { highWaterMark: 65536 });
   * await driver.sendWithAck(new Uint8Array([1]));
   * assert.equal(await b.read(new Uint8Array(1)), 1);
   * await driver.close();
   * b.close();
   * await driver.closed;
   * ```
   */
  constructor(transport: DriverTransport, options?: DriverOptions) {
    super(transport, new BytesCodec(), options);
  }
}
