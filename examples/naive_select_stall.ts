/**
 * The bug pattern (the seed's `1_client_simple`): one task loops over
 * `select` with two branches, "a message to send" and "a line to read",
 * and writes the message *in the branch's handler*. While that write waits
 * for a peer that does not read, the loop is not selecting, so nothing
 * reads: the client stops receiving even though the server keeps sending.
 *
 * Both branches are cancel safe (`rx.recv` and `BufReader.readLine` lose
 * nothing when the other branch wins), so no data is lost; the stall comes
 * from awaiting the write inside the loop. `split_client.ts` is the fix: a
 * reader task and a writer task. It shares this client's flags, producer
 * and stall watch, so only the loop differs.
 *
 * Against `slow_reader_server.ts` it prints the server's lines and
 * `client's written #N` until the socket buffers are full (a few MiB), then
 * `write #N blocked for 500 ms: 0 lines read meanwhile (…), reads stopped`,
 * and stays stuck until Ctrl+C.
 *
 * ```sh
 * deno run --allow-net=127.0.0.1 examples/slow_reader_server.ts --port 8080
 * deno run --allow-net=127.0.0.1 examples/naive_select_stall.ts [--hostname 127.0.0.1] \
 *   [--port 8080] [--size 102400] [--interval 10] [--queue 64] [--stall 500] \
 *   [--rounds N] [--quiet]
 * ```
 *
 * @module
 */
import { BufReader } from "@weir/weir/io";
import { mpsc, select } from "@weir/weir/sync";
import {
  type ClientResult,
  connectTo,
  parseClientArgs,
  payload,
  produce,
  runClient,
  type RunOptions,
  StallWatch,
} from "./split_client.ts";

/**
 * Runs the client until `signal` aborts (then resolves what it did), the
 * server closes, or the connection fails (then rejects).
 */
export async function main(args: string[], options: RunOptions = {}): Promise<ClientResult> {
  const { signal, log = console.log } = options;
  const config = parseClientArgs(args);
  const conn = await connectTo(config, signal, log);
  const [tx, rx] = mpsc<Uint8Array>(config.queue);
  const stopProducer = new AbortController();
  const producing = produce(tx, payload(config.size), config, stopProducer.signal);
  producing.catch(() => {}); // stopped below
  const lines = new BufReader(conn);
  using watch = new StallWatch(config.stall, log);
  // Ctrl+C while stuck in a write: closing the socket is what fails that write.
  const onAbort = () => conn.close();
  signal?.addEventListener("abort", onAbort, { once: true });
  try {
    for (;;) {
      const won = await select([
        (branch) => rx.recv({ signal: branch }),
        (branch) => lines.readLine({ signal: branch }),
      ], signal ? { signal } : {});
      if (won.index === 0) {
        if (won.value.done) break;
        // The bug: the loop waits here, and nobody reads until the write is done.
        watch.writing();
        await conn.writeAll(won.value.value);
        watch.wrote();
        if (!config.quiet) log(`client's written #${watch.written}`);
      } else {
        if (won.value === null) {
          log("server closed the connection");
          break;
        }
        watch.linesRead++;
        if (!config.quiet) log(`read: ${won.value}`);
      }
    }
  } catch (error) {
    if (!signal?.aborted) throw error;
  } finally {
    signal?.removeEventListener("abort", onAbort);
    stopProducer.abort();
    conn.close();
  }
  return { written: watch.written, linesRead: watch.linesRead };
}

if (import.meta.main) await runClient((token) => main(Deno.args, { signal: token.signal }));
