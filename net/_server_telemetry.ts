import type { OtelAttributes, OtelMeter, OtelSpan, OtelTracer } from "../sync/otel.ts";
import { DurationHistogram } from "../time/duration_histogram.ts";
import type { Connection } from "./connection.ts";
import type { ServerStats } from "./server_stats.ts";
import {
  OtelCensus,
  otelDurationHistogram,
  type OtelObservedInstrument,
} from "../sync/otel_census.ts";
import { addrAttributes, endSpan, errorType, SPAN_KIND_SERVER } from "./_telemetry.ts";

/** The server's side of {@linkcode ServerStats}: plain fields it bumps. */
export class ServerCounters implements ServerStats {
  accepted = 0;
  rejected = 0;
  idleClosed = 0;
  handshakeFailures = 0;
  errors = 0;
  /** Bytes of connections already closed; open ones are summed on reading. */
  closedBytesRead = 0;
  closedBytesWritten = 0;
  readonly handshakeDuration: DurationHistogram = new DurationHistogram();
  #open: ReadonlyMap<Connection, unknown>;

  constructor(open: ReadonlyMap<Connection, unknown>) {
    this.#open = open;
  }

  get active(): number {
    return this.#open.size;
  }

  get bytesRead(): number {
    let total = this.closedBytesRead;
    for (const conn of this.#open.keys()) total += conn.bytesRead;
    return total;
  }

  get bytesWritten(): number {
    let total = this.closedBytesWritten;
    for (const conn of this.#open.keys()) total += conn.bytesWritten;
    return total;
  }

  /** Folds a closing connection's bytes into the totals (call before it leaves the map). */
  closing(conn: Connection): void {
    this.closedBytesRead += conn.bytesRead;
    this.closedBytesWritten += conn.bytesWritten;
  }
}

const SERVER_INSTRUMENTS: readonly OtelObservedInstrument<ServerCounters>[] = [
  {
    name: "weir.server.active_connections",
    description: "Connections open on the server",
    unit: "{connection}",
    kind: "updown",
    series: [{ read: (s) => s.active }],
  },
  {
    name: "weir.server.accepted_connections",
    description: "Connections accepted by the server",
    unit: "{connection}",
    kind: "counter",
    series: [{ read: (s) => s.accepted }],
  },
  {
    name: "weir.server.rejected_connections",
    description: "Connections closed at once because the server was full",
    unit: "{connection}",
    kind: "counter",
    series: [{ read: (s) => s.rejected }],
  },
  {
    name: "weir.server.idle_closed_connections",
    description: "Connections the server closed for being idle too long",
    unit: "{connection}",
    kind: "counter",
    series: [{ read: (s) => s.idleClosed }],
  },
  {
    name: "weir.server.errors",
    description: "Errors reported to onError: handler errors, failed handshakes, accept errors",
    unit: "{error}",
    kind: "counter",
    series: [{ read: (s) => s.errors }],
  },
  {
    name: "weir.server.network.io",
    description: "Bytes read and written on the server's connections",
    unit: "By",
    kind: "counter",
    series: [
      { read: (s) => s.bytesRead, attributes: { "network.io.direction": "receive" } },
      { read: (s) => s.bytesWritten, attributes: { "network.io.direction": "transmit" } },
    ],
  },
];

/** What the server keeps per connection for telemetry. */
export interface ConnectionTrace {
  /** `performance.now()` at accept, for the connection duration. */
  start: number;
  span: OtelSpan | undefined;
}

/** A server's OpenTelemetry instruments; made only when it has a meter or a tracer. */
export class ServerTelemetry {
  #meter: OtelMeter | undefined;
  #tracer: OtelTracer | undefined;
  #attributes: OtelAttributes;
  #census: OtelCensus<ServerCounters> | undefined;

  constructor(
    meter: OtelMeter | undefined,
    tracer: OtelTracer | undefined,
    addr: Deno.Addr,
    counters: ServerCounters,
  ) {
    this.#meter = meter;
    this.#tracer = tracer;
    this.#attributes = addrAttributes(addr, "server");
    if (meter !== undefined) {
      this.#census = new OtelCensus(meter, SERVER_INSTRUMENTS, this.#attributes);
      this.#census.add(counters);
    }
  }

  opened(conn: Connection): ConnectionTrace {
    const span = this.#tracer?.startSpan("weir.server.connection", {
      kind: SPAN_KIND_SERVER,
      attributes: { ...this.#attributes, ...peerAttributes(conn) },
    });
    return { start: performance.now(), span };
  }

  /** Records a connection's end; `error` is what ended it, if anything went wrong. */
  closed(conn: Connection, trace: ConnectionTrace, error: unknown): void {
    if (this.#meter !== undefined) {
      const attributes = error === undefined
        ? this.#attributes
        : { ...this.#attributes, "error.type": errorType(error) };
      otelDurationHistogram(
        this.#meter,
        "weir.server.connection.duration",
        "How long connections stayed open",
      ).record((performance.now() - trace.start) / 1_000, attributes);
    }
    if (trace.span !== undefined) {
      trace.span.setAttribute("weir.connection.bytes_read", conn.bytesRead);
      trace.span.setAttribute("weir.connection.bytes_written", conn.bytesWritten);
      endSpan(trace.span, error);
    }
  }

  handshake(ms: number, error: unknown): void {
    if (this.#meter === undefined) return;
    const attributes = error === undefined
      ? this.#attributes
      : { ...this.#attributes, "error.type": errorType(error) };
    otelDurationHistogram(
      this.#meter,
      "weir.server.tls_handshake.duration",
      "TLS handshake duration",
    )
      .record(ms / 1_000, attributes);
  }

  stop(): void {
    this.#census?.close();
  }
}

function peerAttributes(conn: Connection): OtelAttributes {
  const addr = conn.remoteAddr as Deno.Addr;
  if (addr.transport !== "tcp") return {};
  return { "network.peer.address": addr.hostname, "network.peer.port": addr.port };
}
