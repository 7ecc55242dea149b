/**
 * Owned halves with cancellation (the seed's
 * `2_client_with_split_cancel_short_circuit`): the connection is split
 * with `intoSplit` into halves that each task owns and closes (closing the
 * write half sends FIN; the socket closes once both are closed). A
 * `CancellationToken` (Ctrl+C) stops both halves at once, even a write
 * blocked on a peer that does not read, and the first error of either half
 * stops the other (`tryJoin` short-circuits).
 *
 * The producer queues `--rounds` lines of `--size` bytes (`aaa…\n`, 99 of
 * 100 KiB by default), one every `--interval` ms; the writer writes them,
 * then half-closes; the reader prints the server's lines until it closes.
 * The run ends when both halves are done; on Ctrl+C it prints
 * `cancelled: stopping both halves` and exits with status 1 and the
 * cancellation as the error, as the seed does.
 *
 * ```sh
 * deno run --allow-net=127.0.0.1 examples/slow_reader_server.ts --port 8080
 * deno run --allow-net=127.0.0.1 examples/split_cancel_client.ts [--hostname 127.0.0.1] \
 *   [--port 8080] [--size 102400] [--interval 10] [--rounds 99] [--queue 64] \
 *   [--stall 500] [--quiet]
 * ```
 *
 * @module
 */
import { intoSplit } from "@weir/weir/net";
import { CancellationToken, mpsc, tryJoin } from "@weir/weir/sync";
import {
  type ClientResult,
  connectTo,
  parseClientArgs,
  payload,
  produce,
  readLines,
  runClient,
  StallWatch,
  writeMessages,
} from "./split_client.ts";

/** How {@linkcode main} is run: a cancellation token and where lines are printed. */
export interface CancelRunOptions {
  token?: CancellationToken;
  log?: (line: string) => void;
}

/**
 * Runs the client until both halves are done. Rejects with the token's
 * reason when it is cancelled, or with the first error of either half.
 */
export async function main(args: string[], options: CancelRunOptions = {}): Promise<ClientResult> {
  const { token = new CancellationToken(), log = console.log } = options;
  const config = parseClientArgs(["--rounds", "99", ...args]); // the seed's 99, unless --rounds
  const conn = await connectTo(config, token.signal, log);
  const [reader, writer] = intoSplit(conn);
  const [tx, rx] = mpsc<Uint8Array>(config.queue);
  const line = payload(config.size + 1);
  line[config.size] = 0x0a;
  using watch = new StallWatch(config.stall, log);
  const onCancel = () => log("cancelled: stopping both halves");
  token.signal.addEventListener("abort", onCancel, { once: true });
  // Each task stops on the token or on the first error of another task.
  const stop = (joined: AbortSignal) => AbortSignal.any([joined, token.signal]);
  const halves: Promise<void>[] = [];
  try {
    await tryJoin(
      (joined) => produce(tx, line, config, stop(joined)),
      (joined) =>
        halves[0] = readLines(reader, watch, config, log, stop(joined)).finally(() =>
          reader.close()
        ),
      (joined) =>
        halves[1] = writeMessages(writer, rx, watch, config, log, stop(joined))
          .finally(() => writer.close()),
    );
  } finally {
    token.signal.removeEventListener("abort", onCancel);
    // tryJoin settles at the first error; the other half is stopping: wait for it.
    await Promise.allSettled(halves);
  }
  return { written: watch.written, linesRead: watch.linesRead };
}

if (import.meta.main) await runClient((token) => main(Deno.args, { token }));
