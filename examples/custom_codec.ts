/**
 * A binary protocol of your own, with a custom `Decoder` and `Encoder`
 * (the seed's `SimpleDecoder`/`SimpleEncoder`/`SimpleCodec`): each message
 * is a type byte, a length byte and up to 255 bytes of payload,
 * `[type u8][len u8][payload]`, with four message types (0 ping, 1 pong,
 * 2 data, 3 error).
 *
 * The decoder follows weir's contract: return `undefined` without
 * consuming anything until a whole message is buffered, then consume
 * exactly that message. So the codec works for any split of the bytes, and
 * `Framed` turns it into a message stream over any transport.
 *
 * 1. `data "Hello"` encodes to `02 05 48 65 6c 6c 6f`.
 * 2. Two messages fed one byte at a time: each decodes exactly when its
 *    last byte arrives; before that the buffer is left as it was.
 * 3. An echo server over weir's in-memory `duplex`, speaking the protocol
 *    through `Framed`: it answers ping with pong and echoes the rest.
 * 4. A payload over 255 bytes and an unknown type byte throw typed errors.
 *
 * ```sh
 * deno run examples/custom_codec.ts
 * ```
 *
 * @module
 */
import { parseArgs } from "node:util";
import { type Decoder, type Encoder, Framed } from "@weir/weir/framing";
import { ByteBuffer, duplex } from "@weir/weir/io";
import type { ExampleRunOptions } from "./_cli.ts";

/** How {@linkcode main} is run: where lines are printed. */
export type RunOptions = Pick<ExampleRunOptions, "log">;

/** The protocol's messages. */
export type Message =
  | { kind: "ping" }
  | { kind: "pong" }
  | { kind: "data"; payload: Uint8Array }
  | { kind: "error"; reason: string };

/** A payload does not fit the one-byte length field. */
export class PayloadTooLargeError extends Error {
  /**
   * Creates the error.
   *
   * @param size The payload's length in bytes.
   */
  constructor(size: number) {
    super(`Payload of ${size} bytes exceeds the protocol limit of 255`);
    this.name = "PayloadTooLargeError";
  }
}

/** A type byte that is not one of the four message types. */
export class UnknownMessageTypeError extends Error {
  /**
   * Creates the error.
   *
   * @param type The type byte received.
   */
  constructor(type: number) {
    super(`Unknown message type ${type}: expected 0 to 3`);
    this.name = "UnknownMessageTypeError";
  }
}

const KINDS = ["ping", "pong", "data", "error"] as const;
const utf8 = new TextEncoder();
const text = new TextDecoder();

/** `[type u8][len u8][payload]`, both ways. */
export class TaggedCodec implements Decoder<Message>, Encoder<Message> {
  /** Decodes one message, or returns `undefined` (consuming nothing) until it is all there. */
  decode(buf: ByteBuffer): Message | undefined {
    if (buf.length < 2) return undefined;
    const type = buf.at(0)!;
    const length = buf.at(1)!;
    const kind = KINDS[type];
    if (kind === undefined) throw new UnknownMessageTypeError(type);
    if (buf.length < 2 + length) return undefined; // the header stays for the next call
    buf.consume(2);
    const payload = buf.take(length);
    if (kind === "data") return { kind, payload };
    if (kind === "error") return { kind, reason: text.decode(payload) };
    return { kind };
  }

  /** Appends one message, or throws before appending anything. */
  encode(message: Message, out: ByteBuffer): void {
    const payload = message.kind === "data"
      ? message.payload
      : message.kind === "error"
      ? utf8.encode(message.reason)
      : new Uint8Array(0);
    if (payload.length > 255) throw new PayloadTooLargeError(payload.length);
    out.appendByte(KINDS.indexOf(message.kind));
    out.appendByte(payload.length);
    out.append(payload);
  }
}

/** What {@linkcode main} observed. */
export interface CustomCodecResult {
  /** The wire form of `data "Hello"`, as hex. */
  wire: string;
  /** Part 2: after which byte (from 1) each message decoded. */
  completedAt: number[];
  /** Part 3: the replies, described. */
  replies: string[];
  /** Part 4: the error names. */
  errors: string[];
}

const describe = (m: Message) =>
  m.kind === "data"
    ? `data ${JSON.stringify(text.decode(m.payload))}`
    : m.kind === "error"
    ? `error ${JSON.stringify(m.reason)}`
    : m.kind;

/** Runs the four parts of the module doc. */
export async function main(args: string[], options: RunOptions = {}): Promise<CustomCodecResult> {
  const { log = console.log } = options;
  parseArgs({ args, strict: true, options: {} });
  const codec = new TaggedCodec();

  // 1. the wire form
  const out = new ByteBuffer();
  codec.encode({ kind: "data", payload: utf8.encode("Hello") }, out);
  const wire = Array.from(out.bytes(), (b) => b.toString(16).padStart(2, "0")).join(" ");
  log(`data "Hello" on the wire: ${wire}`);

  // 2. partial frames
  const two = new ByteBuffer();
  codec.encode({ kind: "error", reason: "late" }, two);
  codec.encode({ kind: "ping" }, two);
  const bytes = two.bytes();
  const incoming = new ByteBuffer();
  const completedAt: number[] = [];
  for (let i = 0; i < bytes.length; i++) {
    incoming.append(bytes.subarray(i, i + 1));
    const message = codec.decode(incoming);
    if (message === undefined) continue; // nothing consumed: `incoming` still holds every byte so far
    completedAt.push(i + 1);
    log(`byte ${i + 1} of ${bytes.length} completed: ${describe(message)}`);
  }

  // 3. an echo server speaking the protocol
  using pair = duplex();
  const [clientEnd, serverEnd] = pair;
  const server = (async () => {
    await using framed = new Framed(serverEnd, new TaggedCodec());
    for await (const message of framed) {
      log(`server received ${describe(message)}`);
      await framed.send(message.kind === "ping" ? { kind: "pong" } : message);
    }
  })();
  const client = new Framed(clientEnd, new TaggedCodec());
  const requests: Message[] = [
    { kind: "ping" },
    { kind: "data", payload: utf8.encode("Hello, Server!") },
    { kind: "error", reason: "disk full" },
  ];
  const replies: string[] = [];
  for (const request of requests) {
    await client.send(request);
    const reply = await client.next();
    if (reply.done) throw new Error("the server closed early");
    replies.push(describe(reply.value));
    log(`client got ${describe(reply.value)}`);
  }
  await client.close();
  await server;

  // 4. errors
  const errors: string[] = [];
  for (
    const attempt of [
      () => codec.encode({ kind: "data", payload: new Uint8Array(256) }, new ByteBuffer()),
      () => {
        const bad = new ByteBuffer();
        bad.append(new Uint8Array([9, 0]));
        codec.decode(bad);
      },
    ]
  ) {
    try {
      attempt();
    } catch (error) {
      if (!(error instanceof PayloadTooLargeError || error instanceof UnknownMessageTypeError)) {
        throw error;
      }
      errors.push(error.name);
      log(`${error.name}: ${error.message}`);
    }
  }
  return { wire, completedAt, replies, errors };
}

if (import.meta.main) await main(Deno.args);
