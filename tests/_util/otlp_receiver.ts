// A local OTLP/HTTP receiver for tests: a Deno.serve on loopback that takes
// the JSON encoding (OTEL_EXPORTER_OTLP_PROTOCOL=http/json) Deno's
// built-in OpenTelemetry sends, and keeps every metric data point and span.

/** One metric data point as received, its attributes flattened. */
export interface ReceivedPoint {
  name: string;
  unit: string;
  /** "sum", "gauge" or "histogram". */
  type: string;
  attributes: Record<string, string | number | boolean>;
  /** A sum's or gauge's value. */
  value?: number;
  /** A histogram's count and sum (seconds for durations). */
  count?: number;
  sum?: number;
  /** The export time, to pick the latest point of a series. */
  time: bigint;
}

/** One received span. */
export interface ReceivedSpan {
  name: string;
  kind: number;
  attributes: Record<string, string | number | boolean>;
  status: number;
}

interface AnyValue {
  stringValue?: string;
  intValue?: string | number;
  doubleValue?: number;
  boolValue?: boolean;
}

function flatten(list: { key: string; value: AnyValue }[] = []) {
  const out: Record<string, string | number | boolean> = {};
  for (const { key, value } of list) {
    out[key] = value.stringValue ?? value.boolValue ??
      (value.intValue !== undefined ? Number(value.intValue) : value.doubleValue!);
  }
  return out;
}

// deno-lint-ignore no-explicit-any
type Json = any;

/** A receiver; `await using` stops it. */
export class OtlpReceiver implements AsyncDisposable {
  readonly points: ReceivedPoint[] = [];
  readonly spans: ReceivedSpan[] = [];
  /** How many metric exports arrived. */
  metricExports = 0;
  /** Requests that were not OTLP JSON (the content type), to fail loudly on. */
  readonly rejected: string[] = [];
  #server: Deno.HttpServer<Deno.NetAddr>;

  constructor(scope: string) {
    this.#server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
      const type = req.headers.get("content-type") ?? "";
      if (!type.startsWith("application/json")) {
        this.rejected.push(type);
        await req.body?.cancel();
        return new Response("JSON only", { status: 415 });
      }
      const body: Json = await req.json();
      const path = new URL(req.url).pathname;
      if (path === "/v1/metrics") {
        this.#metrics(body, scope);
        this.metricExports++;
      }
      if (path === "/v1/traces") this.#traces(body, scope);
      return Response.json({});
    });
  }

  /** The endpoint for OTEL_EXPORTER_OTLP_ENDPOINT. */
  get endpoint(): string {
    return `http://127.0.0.1:${this.#server.addr.port}`;
  }

  #metrics(body: Json, scope: string): void {
    for (const rm of body.resourceMetrics ?? []) {
      for (const sm of rm.scopeMetrics ?? []) {
        if (sm.scope?.name !== scope) continue;
        for (const m of sm.metrics) {
          const type = ["sum", "gauge", "histogram"].find((t) => m[t] !== undefined)!;
          for (const dp of m[type].dataPoints) {
            this.points.push({
              name: m.name,
              unit: m.unit,
              type,
              attributes: flatten(dp.attributes),
              value: dp.asDouble ?? (dp.asInt !== undefined ? Number(dp.asInt) : undefined),
              count: dp.count !== undefined ? Number(dp.count) : undefined,
              sum: dp.sum,
              time: BigInt(dp.timeUnixNano),
            } as ReceivedPoint);
          }
        }
      }
    }
  }

  #traces(body: Json, scope: string): void {
    for (const rs of body.resourceSpans ?? []) {
      for (const ss of rs.scopeSpans ?? []) {
        if (ss.scope?.name !== scope) continue;
        for (const span of ss.spans) {
          this.spans.push({
            name: span.name,
            kind: span.kind,
            attributes: flatten(span.attributes),
            status: span.status?.code ?? 0,
          });
        }
      }
    }
  }

  /**
   * The latest point of metric `name` whose attributes include `match`;
   * `undefined` when none arrived.
   */
  latest(name: string, match: Record<string, string | number> = {}): ReceivedPoint | undefined {
    let best: ReceivedPoint | undefined;
    for (const point of this.points) {
      if (point.name !== name) continue;
      if (!Object.entries(match).every(([k, v]) => point.attributes[k] === v)) continue;
      if (best === undefined || point.time >= best.time) best = point;
    }
    return best;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.#server.shutdown();
  }
}
