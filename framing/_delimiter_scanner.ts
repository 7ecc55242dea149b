import type { ByteBuffer } from "../io/byte_buffer.ts";

/** Finds the first delimiter in `[from, to)` of the unread bytes, or -1. */
export type FindDelimiter = (buf: ByteBuffer, from: number, to: number) => number;

/** The first `byte` in `[from, to)` of the unread bytes, or -1, by native `indexOf`. */
export function findByte(byte: number): FindDelimiter {
  return (buf, from, to) => buf.indexOf(byte, from, to);
}

/**
 * tokio-util's line/chunk splitting state machine, shared by `LinesCodec`
 * and `AnyDelimiterCodec`: the search resumes where the last one stopped,
 * looks no further than `maxLength + 1` bytes, reports an over-long frame
 * once and then discards through the next delimiter.
 */
export class DelimiterScanner {
  #next = 0;
  #discarding = false;
  #find: FindDelimiter;
  #tooLong: (size: number, limit: number) => Error;
  readonly maxLength: number;

  constructor(
    maxLength: number,
    find: FindDelimiter,
    tooLong: (size: number, limit: number) => Error,
  ) {
    this.maxLength = maxLength;
    this.#find = find;
    this.#tooLong = tooLong;
  }

  /** Offset of the delimiter ending the next frame, or -1 when more bytes are needed. */
  scan(buf: ByteBuffer): number {
    for (;;) {
      const readTo = Math.min(this.maxLength + 1, buf.length);
      const at = this.#find(buf, this.#next, readTo);
      if (this.#discarding) {
        this.#next = 0;
        if (at >= 0) {
          buf.consume(at + 1);
          this.#discarding = false;
          continue;
        }
        buf.consume(readTo);
        if (buf.length === 0) return -1;
        continue;
      }
      if (at >= 0) {
        this.#next = 0;
        return at;
      }
      if (buf.length > this.maxLength) {
        this.#discarding = true;
        throw this.#tooLong(buf.length, this.maxLength);
      }
      this.#next = readTo;
      return -1;
    }
  }

  /** Forgets where the search stopped (the rest of the buffer is being taken). */
  reset(): void {
    this.#next = 0;
  }
}
