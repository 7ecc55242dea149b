import type { OtelAttributes, OtelMeter, OtelTracer } from "../sync/otel.ts";
import type { Connection } from "./connection.ts";
import {
  type OtelCensus,
  otelDurationHistogram,
  type OtelObservedInstrument,
} from "../sync/otel_census.ts";
import { censusFor, endSpan, errorType, SPAN_KIND_CLIENT } from "./_telemetry.ts";

const CLIENT_INSTRUMENTS: readonly OtelObservedInstrument<Connection>[] = [
  {
    name: "weir.client.open_connections",
    description: "Connections opened by connect and not yet closed",
    unit: "{connection}",
    kind: "updown",
    series: [{ read: () => 1 }],
  },
  {
    name: "weir.client.network.io",
    description: "Bytes read and written on connections opened by connect",
    unit: "By",
    kind: "counter",
    series: [
      { read: (c) => c.bytesRead, attributes: { "network.io.direction": "receive" } },
      { read: (c) => c.bytesWritten, attributes: { "network.io.direction": "transmit" } },
    ],
  },
];

const censuses = new WeakMap<OtelMeter, OtelCensus<Connection>>();

/** The server a client connects to, as semantic-convention attributes. */
export function targetAttributes(
  address: { hostname?: string; port: number } | { path: string },
): OtelAttributes {
  if ("path" in address) return { "network.transport": "unix", "server.address": address.path };
  return {
    "network.transport": "tcp",
    "server.address": address.hostname ?? "127.0.0.1",
    "server.port": address.port,
  };
}

/**
 * Follows one `connect` call: the time to connect (TLS handshake
 * included), then the connection until it closes.
 */
export class ClientTelemetry {
  #meter: OtelMeter | undefined;
  #attributes: OtelAttributes;
  #start = performance.now();
  #span;

  constructor(
    meter: OtelMeter | undefined,
    tracer: OtelTracer | undefined,
    attributes: OtelAttributes,
  ) {
    this.#meter = meter;
    this.#attributes = attributes;
    this.#span = tracer?.startSpan("weir.client.connection", {
      kind: SPAN_KIND_CLIENT,
      attributes,
    });
  }

  #connectDuration(error: unknown): void {
    if (this.#meter === undefined) return;
    otelDurationHistogram(
      this.#meter,
      "weir.client.connect.duration",
      "Time to connect, TLS included",
    )
      .record(
        (performance.now() - this.#start) / 1_000,
        error === undefined
          ? this.#attributes
          : { ...this.#attributes, "error.type": errorType(error) },
      );
  }

  /** Follows a connect call's outcome, then the connection until it closes. */
  follow(connecting: Promise<Connection>): Promise<Connection> {
    return connecting.then((conn) => {
      this.connected(conn);
      return conn;
    }, (error) => {
      this.failed(error);
      throw error;
    });
  }

  failed(error: unknown): void {
    this.#connectDuration(error);
    if (this.#span !== undefined) endSpan(this.#span, error);
  }

  connected(conn: Connection): void {
    this.#connectDuration(undefined);
    const census = this.#meter && censusFor(censuses, this.#meter, CLIENT_INSTRUMENTS);
    census?.add(conn);
    const opened = performance.now();
    conn.closed.then(() => {
      census?.remove(conn);
      if (this.#meter !== undefined) {
        otelDurationHistogram(
          this.#meter,
          "weir.client.connection.duration",
          "How long connections opened by connect stayed open",
        ).record((performance.now() - opened) / 1_000, this.#attributes);
      }
      if (this.#span !== undefined) {
        this.#span.setAttribute("weir.connection.bytes_read", conn.bytesRead);
        this.#span.setAttribute("weir.connection.bytes_written", conn.bytesWritten);
        endSpan(this.#span);
      }
    });
  }
}
