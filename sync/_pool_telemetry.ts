import type { OtelMeter, OtelSpan, OtelTracer } from "./otel.ts";
import { OtelCensus, otelDurationHistogram, type OtelObservedInstrument } from "./otel_census.ts";

/** What the census reads from a pool (its public gauges). */
interface PoolGauges {
  readonly idle: number;
  readonly borrowed: number;
  readonly pending: number;
}

// Named after OpenTelemetry's database connection-pool conventions
// (db.client.connection.count / pending_requests / wait_time).
const POOL_INSTRUMENTS: readonly OtelObservedInstrument<PoolGauges>[] = [
  {
    name: "weir.pool.resources",
    description: "Resources held by pools, idle or lent out",
    unit: "{resource}",
    kind: "updown",
    series: [
      { read: (p) => p.idle, attributes: { "weir.pool.state": "idle" } },
      { read: (p) => p.borrowed, attributes: { "weir.pool.state": "used" } },
    ],
  },
  {
    name: "weir.pool.pending_requests",
    description: "acquire() calls waiting for a resource",
    unit: "{request}",
    kind: "updown",
    series: [{ read: (p) => p.pending }],
  },
];

const censuses = new WeakMap<OtelMeter, OtelCensus<PoolGauges>>();

/** A pool's telemetry: its gauges in its meter's census, acquire waits as a histogram and spans. */
export class PoolTelemetry {
  #meter: OtelMeter | undefined;
  #tracer: OtelTracer | undefined;
  #census: OtelCensus<PoolGauges> | undefined;

  constructor(pool: PoolGauges, meter: OtelMeter | undefined, tracer: OtelTracer | undefined) {
    this.#meter = meter;
    this.#tracer = tracer;
    if (meter !== undefined) {
      let census = censuses.get(meter);
      if (census === undefined) {
        censuses.set(meter, census = new OtelCensus(meter, POOL_INSTRUMENTS));
      }
      census.add(pool);
      this.#census = census;
    }
  }

  /** A span for an acquire that has to wait, if there is a tracer. */
  waiting(): OtelSpan | undefined {
    return this.#tracer?.startSpan("weir.pool.acquire");
  }

  /** Records an acquire's wait (ms); `error` when it gave up (timeout, abort, drain). */
  acquired(ms: number, span: OtelSpan | undefined, error?: unknown): void {
    if (this.#meter !== undefined) {
      otelDurationHistogram(this.#meter, "weir.pool.wait_time", "Time acquire() waited")
        .record(ms / 1_000, error === undefined ? {} : { "error.type": errorName(error) });
    }
    if (span === undefined) return;
    if (error !== undefined) {
      span.setStatus({ code: 2, message: String(error) });
      span.setAttribute("error.type", errorName(error));
    }
    span.end();
  }

  drained(pool: PoolGauges): void {
    this.#census?.remove(pool);
  }
}

function errorName(error: unknown): string {
  return error instanceof Error || error instanceof DOMException ? error.name : "_OTHER";
}
