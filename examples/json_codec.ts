/**
 * JSON messages over a byte stream (the seed's `JsonCodec<T>`, serde_json
 * inside a `LengthDelimitedCodec`): weir's `jsonCodec(inner)` makes each
 * frame of `inner` one UTF-8 JSON document, and `JsonCodec` is the
 * newline-delimited variant (NDJSON).
 *
 * 1. `{"id":1,"text":"hello"}` is 23 bytes, so its length-delimited frame
 *    starts `00 00 00 17`; as NDJSON it is the same text and `\n`.
 * 2. A client sends `--messages` typed messages to a server over weir's
 *    in-memory `duplex` with `Framed`; the server answers each with the
 *    text in capitals.
 * 3. A malformed frame between two good ones: decoding it throws a
 *    `SyntaxError` after consuming exactly that frame, so the next frame
 *    still decodes: one bad message does not desynchronise the stream.
 *    (`Framed` itself ends the stream at the first error, as tokio-util
 *    does; decode by hand, as here, to skip bad messages instead.)
 *
 * ```sh
 * deno run examples/json_codec.ts [--messages 3]
 * ```
 *
 * @module
 */
import { parseArgs } from "node:util";
import { Framed, JsonCodec, jsonCodec, LengthDelimitedCodec } from "@weir/weir/framing";
import { ByteBuffer, duplex } from "@weir/weir/io";
import { type ExampleRunOptions, integerFlag } from "./_cli.ts";

/** How {@linkcode main} is run: where lines are printed. */
export type RunOptions = Pick<ExampleRunOptions, "log">;

/** What client and server exchange. */
export interface Message {
  id: number;
  text: string;
}

/** What went over the wire. */
export interface JsonCodecResult {
  /** The length-delimited frame of the first message, as hex. */
  wire: string;
  /** The NDJSON line of the first message. */
  line: string;
  /** The server's answers. */
  replies: Message[];
  /** Part 3: each frame's outcome, a message or the error's name. */
  decoded: (Message | string)[];
}

const hex = (bytes: Uint8Array) =>
  Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join(" ");

/** Runs the three parts of the module doc. */
export async function main(args: string[], options: RunOptions = {}): Promise<JsonCodecResult> {
  const { log = console.log } = options;
  const { values } = parseArgs({
    args,
    strict: true,
    options: { messages: { type: "string", default: "3" } },
  });
  const count = integerFlag("messages", values.messages, 1);

  // 1. the two wire forms
  const first: Message = { id: 1, text: "hello" };
  const framedJson = jsonCodec<Message>(new LengthDelimitedCodec());
  const buf = new ByteBuffer();
  framedJson.encode(first, buf);
  const wire = hex(buf.bytes());
  log(`length-delimited: ${wire}`);
  const ndjson = new ByteBuffer();
  new JsonCodec<Message>().encode(first, ndjson);
  const line = new TextDecoder().decode(ndjson.bytes());
  log(`NDJSON: ${JSON.stringify(line)}`);

  // 2. request and reply objects over a pipe
  using pair = duplex();
  const [clientEnd, serverEnd] = pair;
  const server = (async () => {
    await using framed = new Framed(
      serverEnd,
      jsonCodec<Message>(new LengthDelimitedCodec()),
    );
    for await (const message of framed) {
      log(`server got message ${message.id}: ${JSON.stringify(message.text)}`);
      await framed.send({ id: message.id, text: message.text.toUpperCase() });
    }
  })();
  const client = new Framed(clientEnd, jsonCodec<Message>(new LengthDelimitedCodec()));
  const replies: Message[] = [];
  for (let id = 1; id <= count; id++) {
    await client.send({ id, text: id === 1 ? "hello" : `message ${id}` });
    const reply = await client.next();
    if (reply.done) throw new Error("the server closed early");
    replies.push(reply.value);
    log(`client got reply ${reply.value.id}: ${JSON.stringify(reply.value.text)}`);
  }
  await client.close();
  await server;

  // 3. a bad frame in the middle
  const mixed = new ByteBuffer();
  const frames = new LengthDelimitedCodec();
  for (const text of ['{"id":1,"text":"a"}', '{"id":2,', '{"id":3,"text":"c"}']) {
    frames.encode(new TextEncoder().encode(text), mixed);
  }
  const decoded: (Message | string)[] = [];
  while (mixed.length > 0) {
    try {
      const message = framedJson.decode(mixed)!;
      decoded.push(message);
      log(`decoded message ${message.id}`);
    } catch (error) {
      if (!(error instanceof SyntaxError)) throw error;
      decoded.push(error.name);
      log(`skipped a bad frame: ${error.name}`);
    }
  }
  return { wire, line, replies, decoded };
}

if (import.meta.main) await main(Deno.args);
