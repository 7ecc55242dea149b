/**
 * Length-prefixed messages over a byte stream (tokio-util's
 * `LengthDelimitedCodec`, the seed's custom `LengthPrefixedCodec`): each
 * message goes on the wire as a 4-byte big-endian length and the payload,
 * so the receiver knows where one message ends and the next begins however
 * the bytes are split in transit.
 *
 * A client and an echo server talk over weir's in-memory `duplex` pipe
 * (swap in a `Deno.Conn` for TCP; nothing else changes), each end wrapped
 * in a `Framed` with the codec:
 *
 * 1. The client sends `--messages` messages with `framed.send()`; the
 *    server decodes each and echoes it back.
 * 2. The client writes the encoded bytes of the same messages raw, in
 *    pieces of `--chunk` bytes, as a slow network might deliver them: the
 *    server still decodes exactly the same frames.
 * 3. A codec with `maxFrameLength: 16` refuses a 17-byte message with a
 *    `FrameTooLargeError` that names the limit.
 *
 * ```sh
 * deno run examples/length_prefixed.ts [--messages 3] [--chunk 3]
 * ```
 *
 * Prints the wire form `00 00 00 0d 48 65 6c 6c 6f ...` of `Hello, World!`,
 * then `server received 13 bytes: "Hello, World!"`,
 * `client got back 13 bytes: "Hello, World!"`, ...
 *
 * @module
 */
import { parseArgs } from "node:util";
import { Framed, FrameTooLargeError, LengthDelimitedCodec } from "@weir/weir/framing";
import { ByteBuffer, duplex, type DuplexStream, writeAll } from "@weir/weir/io";
import { type ExampleRunOptions, integerFlag } from "./_cli.ts";

/** How {@linkcode main} is run: where lines are printed. */
export type RunOptions = Pick<ExampleRunOptions, "log">;

/** What went over the pipe. */
export interface LengthPrefixedResult {
  /** The wire bytes of the first message, as hex. */
  wire: string;
  /** Payloads the server decoded, in order. */
  serverReceived: string[];
  /** Payloads the client got back, in order. */
  echoed: string[];
  /** How many raw writes part 2 took. */
  rawWrites: number;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const hex = (bytes: Uint8Array) =>
  Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join(" ");

/** Echoes every frame until the client half-closes, then closes. */
async function echoServer(
  end: DuplexStream,
  received: string[],
  log: (line: string) => void,
): Promise<void> {
  await using framed = new Framed(end, new LengthDelimitedCodec());
  for await (const frame of framed) {
    received.push(decoder.decode(frame));
    log(`server received ${frame.length} bytes: ${JSON.stringify(decoder.decode(frame))}`);
    await framed.send(frame);
  }
}

/** Runs the three parts of the module doc. */
export async function main(
  args: string[],
  options: RunOptions = {},
): Promise<LengthPrefixedResult> {
  const { log = console.log } = options;
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      messages: { type: "string", default: "3" },
      chunk: { type: "string", default: "3" },
    },
  });
  const count = integerFlag("messages", values.messages, 1);
  const chunk = integerFlag("chunk", values.chunk, 1);
  const messages = Array.from(
    { length: count },
    (_, i) => i === 0 ? "Hello, World!" : `message ${i}`,
  );

  const codec = new LengthDelimitedCodec();
  const wireBuf = new ByteBuffer();
  codec.encode(encoder.encode(messages[0]), wireBuf);
  const wire = hex(wireBuf.bytes());
  log(`on the wire: ${wire}`);

  using pair = duplex();
  const [clientEnd, serverEnd] = pair;
  const serverReceived: string[] = [];
  const server = echoServer(serverEnd, serverReceived, log);
  const client = new Framed(clientEnd, codec);
  const echoed: string[] = [];
  const readEchoes = async () => {
    for (let i = 0; i < count; i++) {
      const next = await client.next();
      if (next.done) throw new Error("the server closed early");
      echoed.push(decoder.decode(next.value));
      log(
        `client got back ${next.value.length} bytes: ${JSON.stringify(decoder.decode(next.value))}`,
      );
    }
  };

  // 1. framed sends
  for (const message of messages) await client.send(encoder.encode(message));
  await readEchoes();

  // 2. the same frames, cut into small raw writes
  const all = new ByteBuffer();
  for (const message of messages) codec.encode(encoder.encode(message), all);
  const bytes = all.bytes();
  let rawWrites = 0;
  for (let at = 0; at < bytes.length; at += chunk, rawWrites++) {
    await writeAll(clientEnd, bytes.subarray(at, at + chunk));
  }
  log(
    `wrote the ${bytes.length} bytes of ${count} frames in ${rawWrites} pieces of at most ${chunk} bytes`,
  );
  await readEchoes();

  await client.close(); // half-close: the server's loop ends, it closes too
  await server;
  if (!(await client.next()).done) throw new Error("expected the server to close");

  // 3. the limit
  try {
    new LengthDelimitedCodec({ maxFrameLength: 16 }).encode(new Uint8Array(17), new ByteBuffer());
  } catch (error) {
    if (!(error instanceof FrameTooLargeError)) throw error;
    log(`refused: ${error.name}: ${error.message}`);
  }
  return { wire, serverReceived, echoed, rawWrites };
}

if (import.meta.main) await main(Deno.args);
