import type { ByteBuffer } from "../io/byte_buffer.ts";
import { UnexpectedEofError } from "../io/unexpected_eof_error.ts";
import type { Decoder } from "./types.ts";

/** Runs `decoder.decodeEof`, or tokio-util's default when it has none. */
export function decodeEof<T>(decoder: Decoder<T>, buf: ByteBuffer): T | undefined {
  if (decoder.decodeEof !== undefined) return decoder.decodeEof(buf);
  const frame = decoder.decode(buf);
  if (frame === undefined && buf.length > 0) throw new UnexpectedEofError(undefined, buf.length);
  return frame;
}
