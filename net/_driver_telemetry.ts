import type { OtelMeter, OtelSpan, OtelTracer } from "../sync/otel.ts";
import type { OtelCensus, OtelObservedInstrument } from "../sync/otel_census.ts";
import { censusFor, endSpan } from "./_telemetry.ts";

/** What the census reads from a driver (its public counters). */
interface DriverCounts {
  readonly framesRead: number;
  readonly framesWritten: number;
  readonly buffered: number;
  readonly inboundBuffered: number;
}

const DRIVER_INSTRUMENTS: readonly OtelObservedInstrument<DriverCounts>[] = [
  {
    name: "weir.driver.open_drivers",
    description: "FramedDrivers not yet closed",
    unit: "{driver}",
    kind: "updown",
    series: [{ read: () => 1 }],
  },
  {
    name: "weir.driver.frames",
    description: "Frames decoded from and encoded to the transports of FramedDrivers",
    unit: "{frame}",
    kind: "counter",
    series: [
      { read: (d) => d.framesRead, attributes: { "network.io.direction": "receive" } },
      { read: (d) => d.framesWritten, attributes: { "network.io.direction": "transmit" } },
    ],
  },
  {
    name: "weir.driver.buffered",
    description: "Bytes queued in FramedDrivers: read and not decoded, or encoded and not written",
    unit: "By",
    kind: "updown",
    series: [
      { read: (d) => d.inboundBuffered, attributes: { "network.io.direction": "receive" } },
      { read: (d) => d.buffered, attributes: { "network.io.direction": "transmit" } },
    ],
  },
];

const censuses = new WeakMap<OtelMeter, OtelCensus<DriverCounts>>();

/** Counts a driver in its meter's census and spans its life, until `closed` settles. */
export function traceDriver(
  driver: DriverCounts,
  closed: Promise<void>,
  meter: OtelMeter | undefined,
  tracer: OtelTracer | undefined,
): void {
  const census = meter && censusFor(censuses, meter, DRIVER_INSTRUMENTS);
  census?.add(driver);
  const span: OtelSpan | undefined = tracer?.startSpan("weir.driver");
  const end = (error?: unknown) => {
    census?.remove(driver);
    if (span === undefined) return;
    span.setAttribute("weir.driver.frames_read", driver.framesRead);
    span.setAttribute("weir.driver.frames_written", driver.framesWritten);
    endSpan(span, error);
  };
  closed.then(() => end(), end);
}
