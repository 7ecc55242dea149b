/**
 * Length-delimited frames over split halves (the seed's
 * `5_client_framed_split`): the connection's read half is wrapped in a
 * `FramedRead` and its write half in a `FramedWrite`, both with
 * `LengthDelimitedCodec` (4-byte big-endian length, then the payload), and
 * each is driven by its own task.
 *
 * A producer queues a `--size`-byte frame (`aaa…`, 100 KiB by default)
 * every `--interval` ms into a bounded channel (`--queue` frames), forever
 * or `--rounds` times; the writer pipes the channel into the framed
 * writable (`rx.readable.pipeTo(framed.writable)`, so a slow socket makes
 * the channel fill and the producer wait), then closes it: flush, then
 * FIN. The reader prints each frame the server sends until it closes.
 * Ctrl+C stops all three tasks.
 *
 * ```sh
 * deno run --allow-net=127.0.0.1 examples/framed_server.ts --port 8080 --echo --quiet
 * deno run --allow-net=127.0.0.1 examples/framed_split_client.ts [--hostname 127.0.0.1] \
 *   [--port 8080] [--size 102400] [--interval 10] [--rounds N] [--queue 64] [--quiet]
 * ```
 *
 * @module
 */
import { FramedRead, FramedWrite, LengthDelimitedCodec } from "@weir/weir/framing";
import { type ReadHalf, split } from "@weir/weir/net";
import { mpsc, type MpscReceiver, tryJoin } from "@weir/weir/sync";
import {
  type ClientConfig,
  connectTo,
  either,
  parseClientArgs,
  payload,
  produce,
  runClient,
  type RunOptions,
} from "./split_client.ts";

/** What one run did. */
export interface FramedSplitResult {
  /** Frames written. */
  sent: number;
  /** The size of each frame received, in order. */
  received: number[];
}

const decoder = new TextDecoder();

/** The reader task: every frame until the server closes. */
async function readFrames(
  reader: ReadHalf,
  result: FramedSplitResult,
  config: ClientConfig,
  log: (line: string) => void,
  signal: AbortSignal,
): Promise<void> {
  const frames = new FramedRead(reader, new LengthDelimitedCodec());
  for (let next; !(next = await frames.next({ signal })).done;) {
    const frame = next.value;
    result.received.push(frame.length);
    if (config.quiet) continue;
    log(
      `recv from server: ${
        frame.length > 64 ? `${frame.length} bytes` : JSON.stringify(decoder.decode(frame))
      }`,
    );
  }
  log("server closed the connection");
}

/** The writer task: forwards the channel into the framed sink, then closes it (FIN). */
async function forward(
  rx: MpscReceiver<Uint8Array>,
  framed: FramedWrite<Uint8Array>,
  result: FramedSplitResult,
  log: (line: string) => void,
  signal: AbortSignal,
): Promise<void> {
  const counted = new TransformStream<Uint8Array, Uint8Array>({
    transform(frame, controller) {
      result.sent++;
      controller.enqueue(frame);
    },
  });
  await rx.readable.pipeThrough(counted).pipeTo(framed.writable, { signal });
  log(`all ${result.sent} frames written, write side closed`);
}

/**
 * Runs the client until the server closes (or `signal` aborts); resolves
 * what was sent and received.
 */
export async function main(args: string[], options: RunOptions = {}): Promise<FramedSplitResult> {
  const { signal, log = console.log } = options;
  const config = parseClientArgs(args);
  const conn = await connectTo(config, signal, log);
  const [reader, writer] = split(conn);
  const framed = new FramedWrite<Uint8Array>(writer, new LengthDelimitedCodec());
  const [tx, rx] = mpsc<Uint8Array>(config.queue);
  const result: FramedSplitResult = { sent: 0, received: [] };
  const stop = (joined: AbortSignal) => either(joined, signal);
  try {
    await tryJoin(
      (joined) => produce(tx, payload(config.size), config, stop(joined)),
      (joined) => forward(rx, framed, result, log, stop(joined)),
      (joined) => readFrames(reader, result, config, log, stop(joined)),
    );
  } catch (error) {
    if (!signal?.aborted) throw error;
  } finally {
    conn.close();
  }
  return result;
}

if (import.meta.main) await runClient((token) => main(Deno.args, { signal: token.signal }));
