import type { OtelAttributes, OtelMeter, OtelSpan } from "../sync/otel.ts";
import { OtelCensus, type OtelObservedInstrument } from "../sync/otel_census.ts";

// net's side of the OpenTelemetry bridge (sync/otel.ts, sync/otel_census.ts):
// semantic-convention attributes and spans. Counts that move per byte or
// per frame stay plain fields; an OtelCensus reads them when the meter
// collects. Only events per connection (open, close, handshake) call the
// meter directly.

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

/** One census per meter and kind: objects of one kind share one series per instrument. */
export function censusFor<S>(
  cache: WeakMap<OtelMeter, OtelCensus<S>>,
  meter: OtelMeter,
  specs: readonly OtelObservedInstrument<S>[],
): OtelCensus<S> {
  let census = cache.get(meter);
  if (census === undefined) cache.set(meter, census = new OtelCensus(meter, specs));
  return census;
}
