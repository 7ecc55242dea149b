import type {
  OtelAttributes,
  OtelHistogram,
  OtelMeter,
  OtelObservable,
  OtelObservableResult,
  OtelSpan,
  OtelTracer,
} from "../sync/otel.ts";

// The bridge from weir's plain counters to an OpenTelemetry meter. Counts
// that move per byte or per frame stay plain fields on the objects; the
// meter reads them through observable instruments when it collects, so
// the hot path costs the same with telemetry on or off. Only events per
// connection (open, close, handshake) call the meter directly.

/** Bucket bounds in seconds for connection-level durations (OpenTelemetry's advice for them). */
export const DURATION_BUCKETS_S = [
  0.005,
  0.01,
  0.025,
  0.05,
  0.075,
  0.1,
  0.25,
  0.5,
  0.75,
  1,
  2.5,
  5,
  7.5,
  10,
  30,
  60,
  120,
  300,
];

/** OpenTelemetry `SpanKind`. */
export const SPAN_KIND_SERVER = 1;
/** OpenTelemetry `SpanKind`. */
export const SPAN_KIND_CLIENT = 2;
/** OpenTelemetry `SpanStatusCode.ERROR`. */
const STATUS_ERROR = 2;

/** The attributes OpenTelemetry's semantic conventions give a connection-level server. */
export function addrAttributes(addr: Deno.Addr, side: "server" | "client"): OtelAttributes {
  if (addr.transport === "unix" || addr.transport === "unixpacket") {
    return { "network.transport": "unix", [`${side}.address`]: addr.path };
  }
  const net = addr as Deno.NetAddr;
  return {
    "network.transport": addr.transport === "udp" ? "udp" : "tcp",
    "network.type": net.hostname.includes(":") ? "ipv6" : "ipv4",
    [`${side}.address`]: net.hostname,
    [`${side}.port`]: net.port,
  };
}

/** An error's `error.type` attribute: its name (`TimeoutError`, `TlsHandshakeError`, ...). */
export function errorType(error: unknown): string {
  if (error instanceof Error || error instanceof DOMException) return error.name;
  return "_OTHER";
}

/** Ends `span`, with error status when `error` is given. */
export function endSpan(span: OtelSpan, error?: unknown): void {
  if (error !== undefined) {
    span.recordException(error instanceof Error ? error : String(error));
    span.setStatus({ code: STATUS_ERROR, message: String(error) });
    span.setAttribute("error.type", errorType(error));
  }
  span.end();
}

/** One observable instrument, the series it reports from a source. */
export interface ObservedInstrument<S> {
  name: string;
  description: string;
  unit: string;
  /** A monotonic counter, or a value that goes up and down. */
  kind: "counter" | "updown";
  series: { read: (source: S) => number; attributes?: OtelAttributes }[];
}

const instruments = new WeakMap<OtelMeter, Map<string, unknown>>();

/** Creates an instrument once per meter and name (sources of one kind share it). */
export function once<I>(meter: OtelMeter, name: string, create: () => I): I {
  let byName = instruments.get(meter);
  if (byName === undefined) instruments.set(meter, byName = new Map());
  let instrument = byName.get(name) as I | undefined;
  if (instrument === undefined) byName.set(name, instrument = create());
  return instrument;
}

function observable<S>(meter: OtelMeter, spec: ObservedInstrument<S>): OtelObservable {
  const options = { description: spec.description, unit: spec.unit };
  return once(
    meter,
    spec.name,
    () =>
      spec.kind === "counter"
        ? meter.createObservableCounter(spec.name, options)
        : meter.createObservableUpDownCounter(spec.name, options),
  );
}

/** A histogram of durations in seconds, once per meter and name. */
export function durationHistogram(
  meter: OtelMeter,
  name: string,
  description: string,
): OtelHistogram {
  return once(
    meter,
    name,
    () =>
      meter.createHistogram(name, {
        description,
        unit: "s",
        advice: { explicitBucketBoundaries: DURATION_BUCKETS_S },
      }),
  );
}

/**
 * Reports the counters of one long-lived source (a server, a pool) with
 * its own attributes, until `stop()`.
 */
export function observeSource<S>(
  meter: OtelMeter,
  specs: readonly ObservedInstrument<S>[],
  source: S,
  attributes: OtelAttributes,
): () => void {
  const stops = specs.map((spec) => {
    const instrument = observable(meter, spec);
    const callback = (result: OtelObservableResult) => {
      for (const series of spec.series) {
        result.observe(series.read(source), { ...attributes, ...series.attributes });
      }
    };
    instrument.addCallback(callback);
    return () => instrument.removeCallback(callback);
  });
  return () => {
    for (const stop of stops) stop();
  };
}

/**
 * Sums the counters of many short-lived sources of one kind (drivers,
 * sockets) into one series per instrument: one callback per meter however
 * many sources there are, and a source's last counts stay in the sum after
 * it is removed.
 */
export class Census<S> {
  #live = new Set<S>();
  #specs: readonly ObservedInstrument<S>[];
  /** Per instrument, per series: what removed sources counted. */
  #gone: number[][];

  constructor(meter: OtelMeter, specs: readonly ObservedInstrument<S>[]) {
    this.#specs = specs;
    this.#gone = specs.map((spec) => spec.series.map(() => 0));
    specs.forEach((spec, i) => {
      observable(meter, spec).addCallback((result) => {
        spec.series.forEach((series, j) => {
          let total = spec.kind === "counter" ? this.#gone[i]![j]! : 0;
          for (const source of this.#live) total += series.read(source);
          result.observe(total, series.attributes);
        });
      });
    });
  }

  add(source: S): void {
    this.#live.add(source);
  }

  remove(source: S): void {
    if (!this.#live.delete(source)) return;
    this.#specs.forEach((spec, i) => {
      if (spec.kind !== "counter") return;
      spec.series.forEach((series, j) => this.#gone[i]![j]! += series.read(source));
    });
  }
}

/** One census per meter and kind, so instruments are created once per meter. */
export function censusFor<S>(
  cache: WeakMap<OtelMeter, Census<S>>,
  meter: OtelMeter,
  specs: readonly ObservedInstrument<S>[],
): Census<S> {
  let census = cache.get(meter);
  if (census === undefined) cache.set(meter, census = new Census(meter, specs));
  return census;
}

/** Starts a span if there is a tracer. */
export function startSpan(
  tracer: OtelTracer | undefined,
  name: string,
  kind: number,
  attributes: OtelAttributes,
): OtelSpan | undefined {
  return tracer?.startSpan(name, { kind, attributes });
}
