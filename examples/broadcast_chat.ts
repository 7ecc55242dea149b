/**
 * A multi-client chat server over TCP (seed 002's broadcast channel): one
 * `broadcast` channel carries every chat event; each connection subscribes
 * to it and runs two tasks in a `JoinSet`, one reading the client's lines
 * (`LinesCodec`) into the channel, one writing the channel's events to the
 * client, so a client that is slow to read never holds up the others; the
 * first task to finish ends the session and aborts the other.
 *
 * A client first sends its name; then every line it sends reaches every
 * other client as `name: line`; `/quit` leaves. Joins and leaves are
 * announced as `* name joined` and `* name left`. The channel keeps the
 * last `--capacity` events: a client that falls further behind is told
 * `* you missed N messages` (a `LaggedError`) and goes on from the oldest
 * event kept, so memory stays bounded whatever a client does.
 *
 * ```sh
 * deno run --allow-net=127.0.0.1 examples/broadcast_chat.ts [--hostname 127.0.0.1] \
 *   [--port 8080] [--capacity 64] [--quiet]
 * nc 127.0.0.1 8080   # in a few terminals
 * ```
 *
 * Prints `listening on HOST:PORT` once bound, then who joins and leaves
 * and what they say (unless `--quiet`). Ctrl+C tells every client the
 * server is shutting down and closes.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { Framed, LinesCodec } from "@weir/weir/framing";
import { serve, type ServedConnection } from "@weir/weir/net";
import {
  broadcast,
  type BroadcastReceiver,
  type BroadcastSender,
  ChannelClosedError,
  JoinSet,
  LaggedError,
} from "@weir/weir/sync";
import {
  type EndpointConfig,
  endpointConfig,
  endpointOptions,
  type ExampleRunOptions,
  integerFlag,
  runUntilSignalled,
} from "./_cli.ts";

/** What the command line asks for. */
export interface ChatConfig extends EndpointConfig {
  capacity: number;
}

/** How {@linkcode main} is run: a stop signal and where lines are printed. */
export type RunOptions = Pick<ExampleRunOptions, "signal" | "log">;

/** One chat event: the line to show, and the connection it came from (not shown to it). */
interface ChatEvent {
  from: number;
  text: string;
}

/** The longest line a client may send, in bytes. */
const MAX_LINE = 1024;

/** Parses the flags (see the module doc). */
export function parseChatArgs(args: string[]): ChatConfig {
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      ...endpointOptions(8080),
      capacity: { type: "string", default: "64" },
    },
  });
  const capacity = integerFlag("capacity", values.capacity, 1);
  return { ...endpointConfig(values), capacity };
}

/** Sends `event` to every subscriber; nothing to do once the server is closing the channel. */
function publish(tx: BroadcastSender<ChatEvent>, event: ChatEvent): void {
  try {
    tx.send(event);
  } catch (error) {
    if (!(error instanceof ChannelClosedError)) throw error;
  }
}

/** Reads the client's lines into the channel until `/quit` or the end of input. */
async function readLines(
  framed: Framed<string>,
  tx: BroadcastSender<ChatEvent>,
  id: number,
  name: string,
  log: (line: string) => void,
  signal: AbortSignal,
): Promise<void> {
  for (let next; !(next = await framed.next({ signal })).done;) {
    if (next.value === "/quit") return;
    const text = `${name}: ${next.value}`;
    log(text);
    publish(tx, { from: id, text });
  }
}

/** Writes everyone else's events to the client until the channel closes. */
async function writeEvents(
  framed: Framed<string>,
  rx: BroadcastReceiver<ChatEvent>,
  id: number,
  signal: AbortSignal,
): Promise<void> {
  for (;;) {
    let event;
    try {
      event = await rx.recv({ signal });
    } catch (error) {
      if (!(error instanceof LaggedError)) throw error;
      await framed.send(`* you missed ${error.skipped} messages`, { signal });
      continue;
    }
    if (event.done) return; // the server is shutting down
    if (event.value.from !== id) await framed.send(event.value.text, { signal });
  }
}

/** Serves one client: its name, then its lines out and everyone's events in. */
async function session(
  conn: ServedConnection<Deno.NetAddr>,
  id: number,
  tx: BroadcastSender<ChatEvent>,
  log: (line: string) => void,
  signal: AbortSignal,
): Promise<void> {
  const { hostname, port } = conn.remoteAddr;
  const framed = new Framed(conn, new LinesCodec({ maxLineLength: MAX_LINE }));
  let first;
  try {
    await framed.send("welcome! what is your name?", { signal });
    first = await framed.next({ signal });
  } catch (error) {
    if (signal.aborted) return; // shut down before the client said its name
    throw error;
  }
  if (first.done) return;
  const name = first.value.trim() || `guest${id}`;
  using rx = tx.subscribe(); // before the announcement: from here on it sees every event
  log(`${name} joined from ${hostname}:${port}`);
  publish(tx, { from: id, text: `* ${name} joined` });
  try {
    // The first task to finish (the client left, a write failed, or the
    // server closed the channel) ends the session; leaving the block aborts
    // the other task and waits for it.
    await using tasks = new JoinSet<void>();
    tasks.spawn((stop) => readLines(framed, tx, id, name, log, stop));
    tasks.spawn((stop) => writeEvents(framed, rx, id, stop));
    await tasks.joinNext();
  } finally {
    log(`${name} left`);
    publish(tx, { from: id, text: `* ${name} left` });
  }
  await framed.close(); // flush, then FIN
}

/**
 * Runs the server until `signal` aborts (then says so to every client and
 * shuts down). Resolves once every connection is closed.
 */
export async function main(args: string[], options: RunOptions = {}): Promise<void> {
  const { signal, log = console.log } = options;
  const config = parseChatArgs(args);
  const quietLog = config.quiet ? () => {} : log;
  const [tx, unused] = broadcast<ChatEvent>(config.capacity);
  unused.close(); // every connection subscribes its own receiver
  let connections = 0;
  const server = serve(
    { hostname: config.hostname, port: config.port },
    (conn, { signal }) => session(conn, ++connections, tx, quietLog, signal),
    {
      onError: (error) => quietLog(`connection error: ${error}`),
      signal,
    },
  );
  const goodbye = () => {
    publish(tx, { from: 0, text: "* the server is shutting down" });
    tx.close(); // each writer sends what is left, then ends its session
  };
  signal?.addEventListener("abort", goodbye, { once: true });
  log(`listening on ${server.addr.hostname}:${server.addr.port}`);
  await server.closed;
  signal?.removeEventListener("abort", goodbye);
}

if (import.meta.main) await runUntilSignalled(main);
