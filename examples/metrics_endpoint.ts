/**
 * Counters without an exporter: a TCP echo server on weir whose
 * `server.stats` are served in the Prometheus text format at
 * `http://HOST:METRICS_PORT/metrics`, for Prometheus (or `curl`) to scrape.
 *
 * ```sh
 * deno run --allow-net=127.0.0.1 examples/metrics_endpoint.ts [--hostname 127.0.0.1] \
 *   [--port 8080] [--metrics-port 9464] [--idle-timeout MS] [--quiet]
 * curl http://127.0.0.1:9464/metrics
 * ```
 *
 * Prints `listening on HOST:PORT`, then `metrics on http://HOST:PORT/metrics`.
 * Ctrl+C shuts both down gracefully. (To export the same counts to an
 * OpenTelemetry collector instead, run any weir server with
 * `OTEL_DENO=true`: no code change.)
 *
 * @module
 */
import { parseArgs } from "node:util";
import { serve, type ServerStats } from "@weir/weir/net";
import {
  type EndpointConfig,
  endpointConfig,
  endpointOptions,
  type ExampleRunOptions,
  integerFlag,
  portFlag,
  runUntilSignalled,
} from "./_cli.ts";
import { echo } from "./tcp_echo_server.ts";

/** What the command line asks for. */
export interface MetricsEndpointConfig extends EndpointConfig {
  metricsPort: number;
  /** Milliseconds; `undefined` for the server's default. */
  idleTimeout: number | undefined;
}

/** How {@linkcode main} is run: a stop signal and where lines are printed. */
export type RunOptions = Pick<ExampleRunOptions, "signal" | "log">;

/** Parses the flags (see the module doc). */
export function parseMetricsEndpointArgs(args: string[]): MetricsEndpointConfig {
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      ...endpointOptions(8080),
      "metrics-port": { type: "string", default: "9464" },
      "idle-timeout": { type: "string" },
    },
  });
  const idle = values["idle-timeout"];
  return {
    ...endpointConfig(values),
    metricsPort: portFlag(values["metrics-port"]),
    idleTimeout: idle === undefined ? undefined : integerFlag("idle-timeout", idle, 1),
  };
}

/**
 * Renders a server's stats in the Prometheus text exposition format
 * (version 0.0.4): counters end in `_total`, durations are in seconds, and
 * the TLS handshake histogram's buckets are cumulative.
 */
export function prometheusText(stats: ServerStats): string {
  const lines: string[] = [];
  const metric = (name: string, type: string, help: string, samples: [string, number][]) => {
    lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    for (const [labels, value] of samples) lines.push(`${name}${labels} ${value}`);
  };
  metric("weir_server_active_connections", "gauge", "Connections open now.", [
    ["", stats.active],
  ]);
  const counters: [string, string, number][] = [
    ["accepted_connections", "Connections accepted.", stats.accepted],
    [
      "rejected_connections",
      "Connections closed at once because the server was full.",
      stats.rejected,
    ],
    ["idle_closed_connections", "Connections closed for being idle.", stats.idleClosed],
    ["tls_handshake_failures", "TLS handshakes that failed or timed out.", stats.handshakeFailures],
    ["errors", "Errors reported to onError.", stats.errors],
  ];
  for (const [name, help, value] of counters) {
    metric(`weir_server_${name}_total`, "counter", help, [["", value]]);
  }
  metric("weir_server_network_io_bytes_total", "counter", "Bytes read and written.", [
    ['{direction="receive"}', stats.bytesRead],
    ['{direction="transmit"}', stats.bytesWritten],
  ]);
  const h = stats.handshakeDuration;
  const counts = h.counts;
  let cumulative = 0;
  const buckets: [string, number][] = h.bounds.map((bound, i) => {
    cumulative += counts[i]!;
    return [`{le="${bound / 1_000}"}`, cumulative];
  });
  const name = "weir_server_tls_handshake_duration_seconds";
  lines.push(`# HELP ${name} TLS handshake duration.`, `# TYPE ${name} histogram`);
  for (const [labels, value] of buckets) lines.push(`${name}_bucket${labels} ${value}`);
  lines.push(`${name}_bucket{le="+Inf"} ${h.count}`);
  lines.push(`${name}_sum ${h.sum / 1_000}`, `${name}_count ${h.count}`);
  return lines.join("\n") + "\n";
}

/** Runs the echo server and the metrics endpoint until `signal` aborts. */
export async function main(args: string[], options: RunOptions = {}): Promise<void> {
  const { signal, log = console.log } = options;
  const config = parseMetricsEndpointArgs(args);
  const server = serve({ hostname: config.hostname, port: config.port }, echo, {
    ...(config.idleTimeout !== undefined ? { idleTimeout: config.idleTimeout } : {}),
    gracePeriod: 1_000,
    ...(signal ? { signal } : {}),
    onError: (error) => {
      if (!config.quiet) log(`connection error: ${error}`);
    },
  });
  log(`listening on ${server.addr.hostname}:${server.addr.port}`);
  const metrics = Deno.serve({
    hostname: config.hostname,
    port: config.metricsPort,
    ...(signal ? { signal } : {}),
    onListen: ({ hostname, port }) => log(`metrics on http://${hostname}:${port}/metrics`),
  }, (request) => {
    if (new URL(request.url).pathname !== "/metrics") {
      return new Response("not found\n", { status: 404 });
    }
    return new Response(prometheusText(server.stats), {
      headers: { "content-type": "text/plain; version=0.0.4; charset=utf-8" },
    });
  });
  await Promise.all([server.closed, metrics.finished]);
}

if (import.meta.main) await runUntilSignalled(main);
