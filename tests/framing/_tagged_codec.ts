import type { Decoder, Encoder } from "@weir/weir/framing";
import type { ByteBuffer } from "@weir/weir/io";

/** The seed's `SimpleCodec`: `[type u8][len u8][payload]`. */
export interface Tagged {
  type: number;
  payload: Uint8Array;
}

/** A codec written against the public Decoder/Encoder contracts. */
export class TaggedCodec implements Decoder<Tagged>, Encoder<Tagged> {
  decode(buf: ByteBuffer): Tagged | undefined {
    const type = buf.at(0);
    const length = buf.at(1);
    if (type === undefined || length === undefined || buf.length < 2 + length) return undefined;
    buf.consume(2);
    return { type, payload: buf.take(length) };
  }

  encode(item: Tagged, out: ByteBuffer): void {
    if (item.payload.length > 255) throw new RangeError("Payload too large");
    out.appendByte(item.type);
    out.appendByte(item.payload.length);
    out.append(item.payload);
  }
}
