/**
 * The seed's framed driver client (B6) on weir: connects, sends `--messages`
 * length-delimited frames `client message: {i}\n` (one every `--interval`
 * ms), then a frame `\n`, then half-closes (FIN after every queued frame is
 * flushed). It prints every frame the server sends and exits 0 once the
 * server closes its side.
 *
 * With `--ca` (a PEM file of the CA to trust) it speaks TLS, verifying the
 * server's certificate against `--hostname`.
 *
 * ```sh
 * deno run -A examples/framed_client.ts [--hostname 127.0.0.1] [--port 8080] \
 *   [--interval 100] [--messages 99] [--quiet] [--ca tests/fixtures/ca.pem]
 * ```
 *
 * Run it against `examples/framed_server.ts` (or the seed's Tokio server);
 * with `--ca`, against `framed_server.ts --cert ... --key ...`.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { LengthDelimitedCodec } from "@weir/weir/framing";
import { connect, FramedDriver, shutdownOnSignals } from "@weir/weir/net";
import { interval } from "@weir/weir/time";
import {
  type EndpointConfig,
  endpointConfig,
  endpointOptions,
  type ExampleRunOptions,
  integerFlag,
} from "./_cli.ts";

/** What the command line asks for. */
export interface FramedClientConfig extends EndpointConfig {
  interval: number;
  messages: number;
  /** Path of the PEM CA certificate to trust, to connect over TLS. */
  ca?: string;
}

/** How {@linkcode main} is run: a stop signal and where lines are printed. */
export type RunOptions = Pick<ExampleRunOptions, "signal" | "log">;

/** What one run saw. */
export interface FramedClientResult {
  sent: number;
  received: string[];
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Parses the flags (see the module doc). */
export function parseFramedClientArgs(args: string[]): FramedClientConfig {
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      ...endpointOptions(8080),
      interval: { type: "string", default: "100" },
      messages: { type: "string", default: "99" },
      ca: { type: "string" },
    },
  });
  return {
    ...endpointConfig(values, 1),
    interval: integerFlag("interval", values.interval, 1),
    messages: integerFlag("messages", values.messages, 0),
    ...(values.ca !== undefined ? { ca: values.ca } : {}),
  };
}

/** Sends the messages on the interval, then `\n`, then half-closes. */
async function produce(
  driver: FramedDriver<Uint8Array>,
  config: FramedClientConfig,
  signal: AbortSignal | undefined,
): Promise<number> {
  const ticks = interval(config.interval, { missedTick: "delay", ...(signal ? { signal } : {}) });
  let sent = 0;
  try {
    for (let i = 1; i <= config.messages; i++) {
      await ticks.tick();
      await driver.send(encoder.encode(`client message: ${i}\n`));
      sent++;
    }
    await driver.send(encoder.encode("\n"));
  } catch (error) {
    if (!signal?.aborted) throw error;
  }
  await driver.close(); // flush everything queued, then FIN
  return sent;
}

/**
 * Runs the client; resolves once the server closed the connection (or
 * `signal` aborted and the connection wound down).
 */
export async function main(args: string[], options: RunOptions = {}): Promise<FramedClientResult> {
  const { signal, log = console.log } = options;
  const config = parseFramedClientArgs(args);
  const address = { hostname: config.hostname, port: config.port };
  const conn = await connect(
    config.ca ? { ...address, tls: { caCerts: [await Deno.readTextFile(config.ca)] } } : address,
    { ...(signal ? { signal } : {}) },
  );
  const driver = new FramedDriver(conn, new LengthDelimitedCodec());
  const sending = produce(driver, config, signal);
  const received: string[] = [];
  try {
    for await (const frame of driver) {
      const text = decoder.decode(frame);
      received.push(text);
      if (!config.quiet) log(`recv from server: ${JSON.stringify(text)}`);
    }
    const sent = await sending;
    await driver.closed;
    return { sent, received };
  } finally {
    driver.abort(); // no-op once done
    await sending.catch(() => {});
  }
}

if (import.meta.main) {
  const token = shutdownOnSignals();
  try {
    await main(Deno.args, { signal: token.signal });
  } catch (error) {
    console.error(`error: ${error instanceof Error ? error.message : error}`);
    Deno.exitCode = 1;
  } finally {
    token.cancel();
  }
}
