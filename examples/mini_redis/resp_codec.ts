/**
 * RESP2, the Redis serialization protocol, as weir codecs.
 *
 * - {@linkcode RespServerCodec} decodes what clients send (arrays of bulk
 *   strings, and the inline commands typed into `telnet`) and encodes
 *   replies: simple strings, errors, integers, bulk strings, nulls, arrays.
 * - {@linkcode RespClientCodec} is the other side: it encodes commands as
 *   arrays of bulk strings and decodes any reply.
 *
 * Request parsing follows redis-server 7 byte for byte, including its
 * protocol errors (`Protocol error: invalid bulk length`, ...), which the
 * server answers with `-ERR ` and then closes the connection. The limits
 * (bulk length, argument count, request size) are options; over a limit a
 * request gets the error Redis gives for it.
 *
 * Simple strings and errors are byte strings: one character per byte
 * (code points 0-255), as Redis treats them, so an error that quotes a
 * client's bytes goes back unchanged.
 *
 * @module
 */
import type { Decoder, Encoder } from "@weir/weir/framing";
import { type ByteBuffer, UnexpectedEofError } from "@weir/weir/io";

/** A RESP2 value: what a server replies. */
export type RespValue =
  | { readonly type: "simple"; readonly value: string }
  | { readonly type: "error"; readonly value: string }
  | { readonly type: "integer"; readonly value: number | bigint }
  | { readonly type: "bulk"; readonly value: Uint8Array | null }
  | { readonly type: "array"; readonly value: readonly RespValue[] | null };

/**
 * A request that breaks the protocol or a limit. Its message is the text
 * Redis replies after `-ERR `, e.g. `Protocol error: invalid bulk length`.
 */
export class RespProtocolError extends Error {
  override readonly name = "RespProtocolError";

  /** @param reason What was wrong, as Redis words it (after `Protocol error: `). */
  constructor(reason: string) {
    super(`Protocol error: ${reason}`);
  }
}

/** Limits of {@linkcode RespServerCodec}. */
export interface RespServerCodecOptions {
  /** The longest bulk string a request may declare, in bytes (Redis: `proto-max-bulk-len`). Default 512 MiB. */
  maxBulkLength?: number;
  /** The most arguments a request may declare. Default 1,048,576. */
  maxArguments?: number;
  /** The most bulk bytes one request may declare in total. Default 1 GiB (Redis's query buffer limit). */
  maxRequestSize?: number;
}

/** Longest inline command, and longest `*N` / `$N` line, as in Redis (`PROTO_INLINE_MAX_SIZE`). */
const INLINE_MAX = 64 * 1024;
const CR = 13;
const LF = 10;
const STAR = 42;
const DOLLAR = 36;
const utf8 = new TextEncoder();

/** Whether `byte` is an ASCII digit. */
function isDigit(byte: number): boolean {
  return byte >= 48 && byte <= 57;
}

/**
 * Parses `bytes` as Redis's `string2ll` does: an optional `-`, then digits
 * without a leading zero (`0` alone is fine), within a signed 64-bit
 * integer. Returns a number when it is a safe integer, else a bigint, or
 * `undefined` when the text is not such an integer.
 */
export function parseInt64(bytes: Uint8Array): number | bigint | undefined {
  const length = bytes.length;
  if (length === 0 || length > 20) return undefined;
  if (length === 1 && bytes[0] === 48) return 0;
  const negative = bytes[0] === 45;
  const start = negative ? 1 : 0;
  if (start === length || !(bytes[start]! >= 49 && bytes[start]! <= 57)) return undefined;
  // At most 20 bytes: a length field or a counter, never a payload.
  let value = 0;
  for (let i = start; i < length; i++) {
    const byte = bytes[i]!;
    if (!isDigit(byte)) return undefined;
    value = value * 10 + (byte - 48);
  }
  if (length - start <= 15) return negative ? -value : value;
  let big = 0n;
  for (let i = start; i < length; i++) big = big * 10n + BigInt(bytes[i]! - 48);
  if (negative) big = -big;
  if (big < INT64_MIN || big > INT64_MAX) return undefined;
  return Number.isSafeInteger(Number(big)) && BigInt(Number(big)) === big ? Number(big) : big;
}

/**
 * `parseInt64` of the bytes from 1 to `end` of `buf` (a `$N` line), read in
 * place: lengths are parsed once per argument, so no view is made for them.
 */
function parseLength(buf: ByteBuffer, end: number): number | bigint | undefined {
  const digits = end - 1;
  if (digits < 1 || digits > 15) return parseInt64(buf.bytes().subarray(1, end));
  const first = buf.at(1)!;
  if (first === 48) return digits === 1 ? 0 : undefined;
  if (first < 49 || first > 57) {
    return digits > 1 && first === 45 ? parseInt64(buf.bytes().subarray(1, end)) : undefined;
  }
  let value = 0;
  for (let i = 1; i < end; i++) {
    const byte = buf.at(i)!;
    if (!isDigit(byte)) return undefined;
    value = value * 10 + (byte - 48);
  }
  return value;
}

/** The bounds of a signed 64-bit integer. */
export const INT64_MIN = -(2n ** 63n);
/** See {@linkcode INT64_MIN}. */
export const INT64_MAX = 2n ** 63n - 1n;

/** Appends ASCII `text` (or, slowly, a byte string with code points up to 255). */
function appendText(out: ByteBuffer, text: string): void {
  out.reserve(text.length);
  const { read, written } = utf8.encodeInto(text, out.spare());
  if (read === text.length && written === text.length) {
    out.commit(written);
    return;
  }
  // A character above 127: a byte string quoting a client's bytes (a rare
  // error reply). One byte per character, not UTF-8.
  for (let i = 0; i < text.length; i++) out.appendByte(text.charCodeAt(i) & 0xff);
}

/**
 * `bytes` as a byte string: one character (code point 0-255) per byte, so
 * distinct byte sequences give distinct strings (keys and channel names).
 */
export function byteString(bytes: Uint8Array): string {
  if (bytes.length <= 4096) return String.fromCharCode.apply(null, bytes as unknown as number[]);
  let text = "";
  for (let i = 0; i < bytes.length; i += 4096) {
    text += String.fromCharCode.apply(null, bytes.subarray(i, i + 4096) as unknown as number[]);
  }
  return text;
}

/**
 * Appends `prefix`, the decimal digits of the integer `value`, and CRLF
 * (`$12\r\n`, `:7\r\n`), written straight into the buffer.
 */
function appendHeader(out: ByteBuffer, prefix: number, value: number | bigint): void {
  if (typeof value !== "number" || !Number.isSafeInteger(value)) {
    appendText(out, `${String.fromCharCode(prefix)}${value}\r\n`);
    return;
  }
  out.reserve(20);
  const room = out.spare();
  let at = 0;
  room[at++] = prefix;
  let n = value;
  if (n < 0) {
    room[at++] = 45;
    n = -n;
  }
  let digits = 1;
  for (let rest = n; rest >= 10; rest = Math.floor(rest / 10)) digits++;
  for (let i = at + digits - 1; i >= at; i--) {
    room[i] = 48 + (n % 10);
    n = Math.floor(n / 10);
  }
  at += digits;
  room[at++] = CR;
  room[at++] = LF;
  out.commit(at);
}

function appendBulk(out: ByteBuffer, value: Uint8Array | null): void {
  if (value === null) {
    out.append(NULL_BULK_BYTES);
    return;
  }
  appendHeader(out, DOLLAR, value.length);
  out.append(value);
  out.append(CRLF);
}

const CRLF = new Uint8Array([CR, LF]);
const NULL_BULK_BYTES = utf8.encode("$-1\r\n");

/** Appends the RESP2 encoding of `value` to `out`. */
function encodeValue(value: RespValue, out: ByteBuffer): void {
  switch (value.type) {
    case "simple":
      appendText(out, `+${value.value}\r\n`);
      return;
    case "error":
      appendText(out, `-${value.value}\r\n`);
      return;
    case "integer":
      appendHeader(out, 58, value.value);
      return;
    case "bulk":
      appendBulk(out, value.value);
      return;
    case "array": {
      const items = value.value;
      if (items === null) {
        appendText(out, "*-1\r\n");
        return;
      }
      appendHeader(out, STAR, items.length);
      for (const item of items) encodeValue(item, out);
    }
  }
}

/** Checks an option is a positive safe integer. */
function checkLimit(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new RangeError(`'${name}' must be a positive integer: received ${value}`);
  }
  return value;
}

/** A byte Redis quotes in an error, with CR and LF turned to spaces as Redis does. */
function quotedByte(byte: number): string {
  return byte === CR || byte === LF ? " " : String.fromCharCode(byte);
}

/**
 * The server side of RESP2: decodes requests (`Uint8Array[]`, the command
 * name first) and encodes {@linkcode RespValue} replies.
 *
 * One codec per connection: it keeps the position inside a request that is
 * still arriving, so a request of many arguments costs linear time however
 * it is split. Arguments are views into the read buffer (no copy): `slice()`
 * one you keep.
 *
 * Protocol errors and limits throw {@linkcode RespProtocolError} from the
 * decode of the request that broke them; the requests before it are
 * decoded first, so they can be answered in order.
 *
 * @example Usage
 * ```ts
 * import { RespServerCodec } from "./resp_codec.ts";
 * import { ByteBuffer } from "@weir/weir/io";
 * import assert from "node:assert/strict";
 *
 * const codec = new RespServerCodec();
 * const buf = new ByteBuffer();
 * buf.append(new TextEncoder().encode("*2\r\n$4\r\nECHO\r\n$2\r\nhi\r\nPING\r\n"));
 * const decoder = new TextDecoder();
 * assert.deepEqual(codec.decode(buf)?.map((a) => decoder.decode(a)), ["ECHO", "hi"]);
 * assert.deepEqual(codec.decode(buf)?.map((a) => decoder.decode(a)), ["PING"]);
 * assert.equal(codec.decode(buf), undefined);
 * ```
 */
export class RespServerCodec implements Decoder<Uint8Array[]>, Encoder<RespValue> {
  readonly #maxBulkLength: number;
  readonly #maxArguments: number;
  readonly #maxRequestSize: number;
  /** The arguments of a multibulk request read so far, or `undefined` between requests. */
  #args: Uint8Array[] | undefined;
  #expected = 0;
  /** The length of the bulk string whose header was read, or -1 before its header. */
  #bulkLength = -1;
  #requestBytes = 0;

  /** @param options Limits; see {@linkcode RespServerCodecOptions}. */
  constructor(options: RespServerCodecOptions = {}) {
    this.#maxBulkLength = checkLimit("maxBulkLength", options.maxBulkLength ?? 512 * 1024 * 1024);
    this.#maxArguments = checkLimit("maxArguments", options.maxArguments ?? 1024 * 1024);
    this.#maxRequestSize = checkLimit("maxRequestSize", options.maxRequestSize ?? 1024 ** 3);
  }

  /** Decodes one request from the front of `buf`, or returns `undefined` for more bytes. */
  decode(buf: ByteBuffer): Uint8Array[] | undefined {
    return this.#decode(buf);
  }

  /**
   * At the end of input: the last requests, then `UnexpectedEofError` if
   * one was cut off (the peer left mid-request; nothing is answered).
   */
  decodeEof(buf: ByteBuffer): Uint8Array[] | undefined {
    const request = this.decode(buf);
    if (request === undefined && (buf.length > 0 || this.#args !== undefined)) {
      throw new UnexpectedEofError(undefined, buf.length);
    }
    return request;
  }

  /** Appends the encoding of a reply. */
  encode(value: RespValue, out: ByteBuffer): void {
    encodeValue(value, out);
  }

  #decode(buf: ByteBuffer): Uint8Array[] | undefined {
    for (;;) {
      if (this.#args !== undefined) return this.#bulks(buf);
      if (buf.length === 0) return undefined;
      if (buf.at(0) !== STAR) {
        const args = this.#inline(buf);
        if (args === undefined || args.length > 0) return args;
        continue; // a blank line: no command, as in Redis
      }
      const cr = this.#lineEnd(buf, "too big mbulk count string");
      if (cr < 0) return undefined;
      const n = parseLength(buf, cr);
      buf.consume(cr + 2);
      if (n === undefined || n > this.#maxArguments) {
        throw new RespProtocolError("invalid multibulk length");
      }
      if (n <= 0) continue; // `*0` and `*-1` are skipped, as in Redis
      this.#args = [];
      this.#expected = Number(n);
      this.#requestBytes = 0;
    }
  }

  /**
   * Where the CR of the `*N` or `$N` line at the front is, or -1 until it
   * and one more byte arrived (Redis skips that byte unchecked).
   */
  #lineEnd(buf: ByteBuffer, tooBig: string): number {
    const cr = buf.indexOf(CR);
    if (cr < 0) {
      if (buf.length > INLINE_MAX) throw new RespProtocolError(tooBig);
      return -1;
    }
    return cr > buf.length - 2 ? -1 : cr;
  }

  #bulks(buf: ByteBuffer): Uint8Array[] | undefined {
    const args = this.#args!;
    while (args.length < this.#expected) {
      if (this.#bulkLength < 0) {
        const cr = this.#lineEnd(buf, "too big bulk count string");
        if (cr < 0) return undefined;
        const type = buf.at(0)!;
        if (type !== DOLLAR) {
          throw new RespProtocolError(`expected '$', got '${quotedByte(type)}'`);
        }
        const length = parseLength(buf, cr);
        if (
          length === undefined || length < 0 || length > this.#maxBulkLength ||
          this.#requestBytes + Number(length) > this.#maxRequestSize
        ) {
          throw new RespProtocolError("invalid bulk length");
        }
        buf.consume(cr + 2);
        this.#bulkLength = Number(length);
        this.#requestBytes += this.#bulkLength;
      }
      // The bulk and the two bytes after it, which Redis skips unchecked.
      if (buf.length < this.#bulkLength + 2) return undefined;
      args.push(buf.take(this.#bulkLength));
      buf.consume(2);
      this.#bulkLength = -1;
    }
    this.#args = undefined;
    return args;
  }

  /** An inline command (`SET k "a b"\r\n`), split as Redis's `sdssplitargs` does. */
  #inline(buf: ByteBuffer): Uint8Array[] | undefined {
    const lf = buf.indexOf(LF);
    if (lf < 0) {
      if (buf.length > INLINE_MAX) throw new RespProtocolError("too big inline request");
      return undefined;
    }
    let end = lf;
    if (end > 0 && buf.at(end - 1) === CR) end--;
    const line = buf.take(lf + 1).subarray(0, end);
    const args = splitInline(line);
    if (args === undefined) throw new RespProtocolError("unbalanced quotes in request");
    return args;
  }
}

/** Redis's `isspace` set: space, \t, \n, \v, \f, \r. */
function isSpace(byte: number | undefined): boolean {
  return byte === 32 || (byte !== undefined && byte >= 9 && byte <= 13);
}

function hexValue(byte: number | undefined): number {
  if (byte === undefined) return -1;
  if (byte >= 48 && byte <= 57) return byte - 48;
  if (byte >= 97 && byte <= 102) return byte - 87;
  if (byte >= 65 && byte <= 70) return byte - 55;
  return -1;
}

/** Escapes after a backslash inside double quotes. */
const ESCAPES: Record<number, number> = { 110: 10, 114: 13, 116: 9, 98: 8, 97: 7 };

/**
 * Splits an inline command line into arguments with Redis's quoting rules
 * (`"..."` with `\xHH`, `\n`, `\r`, `\t`, `\b`, `\a` escapes; `'...'` with
 * `\'`; a closing quote must be followed by a space), or `undefined` for
 * unbalanced quotes. A byte loop, but only over inline commands: the
 * hand-typed path, at most 64 KiB a line.
 */
function splitInline(line: Uint8Array): Uint8Array[] | undefined {
  const args: Uint8Array[] = [];
  const end = line.length;
  let p = 0;
  for (;;) {
    while (p < end && isSpace(line[p])) p++;
    if (p >= end) return args;
    const current: number[] = [];
    let inDouble = false;
    let inSingle = false;
    for (let done = false; !done;) {
      const c = line[p];
      if (inDouble || inSingle) {
        if (c === undefined) return undefined; // unterminated quotes
        if (c === (inDouble ? 34 : 39)) {
          // A closing quote must be followed by a space or the end.
          if (p + 1 < end && !isSpace(line[p + 1])) return undefined;
          done = true;
        } else if (c === 92 && inSingle && line[p + 1] === 39) {
          p++;
          current.push(39);
        } else if (
          c === 92 && inDouble && line[p + 1] === 120 && hexValue(line[p + 2]) >= 0 &&
          hexValue(line[p + 3]) >= 0
        ) {
          current.push(hexValue(line[p + 2]) * 16 + hexValue(line[p + 3]));
          p += 3;
        } else if (c === 92 && inDouble && p + 1 < end) {
          p++;
          current.push(ESCAPES[line[p]!] ?? line[p]!);
        } else {
          current.push(c);
        }
      } else if (c === undefined || c === 32 || c === 10 || c === 13 || c === 9) {
        done = true;
      } else if (c === 34) {
        inDouble = true;
      } else if (c === 39) {
        inSingle = true;
      } else {
        current.push(c);
      }
      if (p < end) p++;
    }
    args.push(new Uint8Array(current));
  }
}

/** Limits of {@linkcode RespClientCodec}. */
export interface RespClientCodecOptions {
  /** The longest bulk string accepted in a reply, in bytes. Default 512 MiB. */
  maxBulkLength?: number;
  /** The most elements of one array in a reply. Default 1,048,576. */
  maxArrayLength?: number;
  /** How deeply arrays may nest. Default 32. */
  maxDepth?: number;
}

const textDecoder = new TextDecoder();

/**
 * The client side of RESP2: encodes commands (arrays of strings or bytes,
 * strings as UTF-8) as arrays of bulk strings and decodes replies into
 * {@linkcode RespValue}s (integers as numbers when they are safe integers,
 * else bigints; bulk strings copied out of the read buffer).
 *
 * A reply still arriving is parsed again from its start when more bytes
 * come, which is cheap for the replies a server sends in answer to
 * commands (scalars and short arrays).
 *
 * @example Usage
 * ```ts
 * import { RespClientCodec } from "./resp_codec.ts";
 * import { ByteBuffer } from "@weir/weir/io";
 * import assert from "node:assert/strict";
 *
 * const codec = new RespClientCodec();
 * const out = new ByteBuffer();
 * codec.encode(["GET", "k"], out);
 * assert.equal(new TextDecoder().decode(out.bytes()), "*2\r\n$3\r\nGET\r\n$1\r\nk\r\n");
 * const buf = new ByteBuffer();
 * buf.append(new TextEncoder().encode(":42\r\n+OK\r\n"));
 * assert.deepEqual(codec.decode(buf), { type: "integer", value: 42 });
 * assert.deepEqual(codec.decode(buf), { type: "simple", value: "OK" });
 * ```
 */
export class RespClientCodec
  implements Decoder<RespValue>, Encoder<readonly (string | Uint8Array)[]> {
  readonly #maxBulkLength: number;
  readonly #maxArrayLength: number;
  readonly #maxDepth: number;

  /** @param options Limits; see {@linkcode RespClientCodecOptions}. */
  constructor(options: RespClientCodecOptions = {}) {
    this.#maxBulkLength = checkLimit("maxBulkLength", options.maxBulkLength ?? 512 * 1024 * 1024);
    this.#maxArrayLength = checkLimit("maxArrayLength", options.maxArrayLength ?? 1024 * 1024);
    this.#maxDepth = checkLimit("maxDepth", options.maxDepth ?? 32);
  }

  /** Appends a command as an array of bulk strings. */
  encode(command: readonly (string | Uint8Array)[], out: ByteBuffer): void {
    if (command.length === 0) throw new TypeError("A command needs at least its name");
    appendHeader(out, STAR, command.length);
    for (const arg of command) appendBulk(out, typeof arg === "string" ? utf8.encode(arg) : arg);
  }

  /** Decodes one reply from the front of `buf`, or returns `undefined` for more bytes. */
  decode(buf: ByteBuffer): RespValue | undefined {
    if (buf.length === 0) return undefined;
    const bytes = buf.bytes();
    const parsed = this.#parse(bytes, 0, 0);
    if (parsed === undefined) return undefined;
    buf.consume(parsed.end);
    return parsed.value;
  }

  #line(bytes: Uint8Array, from: number): number {
    const cr = bytes.indexOf(CR, from);
    if (cr < 0) {
      if (bytes.length - from > INLINE_MAX) throw new RespProtocolError("reply line too long");
      return -1;
    }
    if (cr + 1 >= bytes.length) return -1;
    if (bytes[cr + 1] !== LF) throw new RespProtocolError("expected LF after CR");
    return cr;
  }

  #integer(bytes: Uint8Array, from: number, to: number): number | bigint {
    const value = parseInt64(bytes.subarray(from, to));
    if (value === undefined) {
      throw new RespProtocolError(
        `invalid integer '${byteString(bytes.subarray(from, Math.min(to, from + 32)))}'`,
      );
    }
    return value;
  }

  #parse(
    bytes: Uint8Array,
    at: number,
    depth: number,
  ): { value: RespValue; end: number } | undefined {
    if (at >= bytes.length) return undefined;
    const cr = this.#line(bytes, at + 1);
    if (cr < 0) return undefined;
    const type = bytes[at]!;
    const end = cr + 2;
    switch (type) {
      case 43: // +
        return { value: { type: "simple", value: byteString(bytes.subarray(at + 1, cr)) }, end };
      case 45: // -
        return { value: { type: "error", value: byteString(bytes.subarray(at + 1, cr)) }, end };
      case 58: // :
        return { value: { type: "integer", value: this.#integer(bytes, at + 1, cr) }, end };
      case DOLLAR: {
        const length = this.#integer(bytes, at + 1, cr);
        if (length === -1) return { value: { type: "bulk", value: null }, end };
        if (length < 0 || length > this.#maxBulkLength) {
          throw new RespProtocolError(`invalid bulk length ${length}`);
        }
        const stop = end + Number(length);
        if (bytes.length < stop + 2) return undefined;
        if (bytes[stop] !== CR || bytes[stop + 1] !== LF) {
          throw new RespProtocolError("bulk string not followed by CRLF");
        }
        return { value: { type: "bulk", value: bytes.slice(end, stop) }, end: stop + 2 };
      }
      case STAR: {
        const count = this.#integer(bytes, at + 1, cr);
        if (count === -1) return { value: { type: "array", value: null }, end };
        if (count < 0 || count > this.#maxArrayLength) {
          throw new RespProtocolError(`invalid array length ${count}`);
        }
        if (depth >= this.#maxDepth) {
          throw new RespProtocolError(`arrays nested deeper than ${this.#maxDepth}`);
        }
        const items: RespValue[] = [];
        let next = end;
        for (let i = 0; i < count; i++) {
          const item = this.#parse(bytes, next, depth + 1);
          if (item === undefined) return undefined;
          items.push(item.value);
          next = item.end;
        }
        return { value: { type: "array", value: items }, end: next };
      }
      default:
        throw new RespProtocolError(`unexpected type byte '${quotedByte(type)}'`);
    }
  }
}

/**
 * A reply as a short human-readable text, as `redis-cli` prints it:
 * `OK`, `"v"`, `(nil)`, `(integer) 1`, `(error) ERR ...`, numbered arrays.
 *
 * @example Usage
 * ```ts
 * import { formatReply } from "./resp_codec.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(formatReply({ type: "integer", value: 3 }), "(integer) 3");
 * assert.equal(formatReply({ type: "bulk", value: null }), "(nil)");
 * ```
 */
export function formatReply(value: RespValue, indent = ""): string {
  switch (value.type) {
    case "simple":
      return value.value;
    case "error":
      return `(error) ${value.value}`;
    case "integer":
      return `(integer) ${value.value}`;
    case "bulk":
      return value.value === null ? "(nil)" : JSON.stringify(textDecoder.decode(value.value));
    case "array": {
      const items = value.value;
      if (items === null) return "(nil)";
      if (items.length === 0) return "(empty array)";
      const width = String(items.length).length;
      return items.map((item, i) => {
        const label = `${String(i + 1).padStart(width)}) `;
        const pad = indent + " ".repeat(label.length);
        return `${i === 0 ? "" : indent}${label}${formatReply(item, pad)}`;
      }).join("\n");
    }
  }
}
