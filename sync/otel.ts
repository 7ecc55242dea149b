/** An attribute value, as OpenTelemetry takes it. */
export type OtelAttributeValue =
  | string
  | number
  | boolean
  | readonly string[]
  | readonly number[]
  | readonly boolean[];

/** Attributes of a measurement or a span (`{ "server.port": 8080 }`). */
export type OtelAttributes = Record<string, OtelAttributeValue | undefined>;

/** Options of an instrument: its description, unit and bucket advice. */
export interface OtelInstrumentOptions {
  /** What the instrument measures. */
  description?: string;
  /** UCUM unit: `"s"`, `"By"`, `"{connection}"`. */
  unit?: string;
  /** Hints to the SDK, such as a histogram's bucket bounds. */
  advice?: { explicitBucketBoundaries?: number[] };
}

/** A counter or up-down counter: `add` a delta. */
export interface OtelCounter {
  /** Adds `value` (negative only for an up-down counter). */
  add(value: number, attributes?: OtelAttributes): void;
}

/** A histogram: `record` one measurement. */
export interface OtelHistogram {
  /** Records one measurement. */
  record(value: number, attributes?: OtelAttributes): void;
}

/** What an observable instrument's callback reports its values to. */
export interface OtelObservableResult {
  /** Reports the current value for one attribute set. */
  observe(value: number, attributes?: OtelAttributes): void;
}

/** An observable instrument: its callbacks run when metrics are collected. */
export interface OtelObservable {
  /** Adds a callback that reports values at each collection. */
  addCallback(callback: (result: OtelObservableResult) => void): void;
  /** Removes a callback added with `addCallback`. */
  removeCallback(callback: (result: OtelObservableResult) => void): void;
}

/**
 * The part of OpenTelemetry's `Meter` that weir uses, typed by shape: the
 * meter of `@opentelemetry/api`, of Deno's built-in OpenTelemetry, or any
 * object with these methods fits, and weir imports none of them.
 */
export interface OtelMeter {
  /** A monotonic sum measured by `add`. */
  createCounter(name: string, options?: OtelInstrumentOptions): OtelCounter;
  /** A sum that goes up and down, measured by `add`. */
  createUpDownCounter(name: string, options?: OtelInstrumentOptions): OtelCounter;
  /** A distribution measured by `record`. */
  createHistogram(name: string, options?: OtelInstrumentOptions): OtelHistogram;
  /** A monotonic sum read by a callback at collection. */
  createObservableCounter(name: string, options?: OtelInstrumentOptions): OtelObservable;
  /** A sum that goes up and down, read by a callback at collection. */
  createObservableUpDownCounter(name: string, options?: OtelInstrumentOptions): OtelObservable;
  /** A current value read by a callback at collection. */
  createObservableGauge(name: string, options?: OtelInstrumentOptions): OtelObservable;
}

/** The part of OpenTelemetry's `Span` that weir uses. */
export interface OtelSpan {
  /** Sets one attribute. */
  setAttribute(key: string, value: OtelAttributeValue): unknown;
  /** Sets the status: code 1 is OK, 2 is ERROR. */
  setStatus(status: { code: number; message?: string }): unknown;
  /** Records an exception as a span event. */
  recordException(exception: Error | string): void;
  /** Ends the span. */
  end(): void;
}

/** Options of {@linkcode OtelTracer.startSpan}. */
export interface OtelSpanOptions {
  /** 1 server, 2 client, 0 internal (OpenTelemetry's `SpanKind`). */
  kind?: number;
  /** The span's first attributes. */
  attributes?: OtelAttributes;
}

/** The part of OpenTelemetry's `Tracer` that weir uses, typed by shape. */
export interface OtelTracer {
  /** Starts a span (not made the active one). */
  startSpan(name: string, options?: OtelSpanOptions): OtelSpan;
}

/**
 * The `meter` and `tracer` options of everything weir instruments. Left
 * out, each defaults to the global OpenTelemetry API's (see
 * {@linkcode otelMeter}); `null` turns it off even when a global one
 * exists.
 */
export interface TelemetryOptions {
  /**
   * Where metrics go.
   *
   * @default {otelMeter()}
   */
  meter?: OtelMeter | null;
  /**
   * Where spans go.
   *
   * @default {otelTracer()}
   */
  tracer?: OtelTracer | null;
}

/** The instrumentation scope weir's meter and tracer are got under. */
export const OTEL_SCOPE = "@weir/weir";

interface GlobalOtelApi {
  metrics?: { getMeter(name: string): OtelMeter };
  trace?: { getTracer(name: string): OtelTracer };
}

const GLOBAL_API = Symbol.for("opentelemetry.js.api.1");

let meterSource: object | undefined;
let cachedMeter: OtelMeter | undefined;
let tracerSource: object | undefined;
let cachedTracer: OtelTracer | undefined;

function globalApi(): GlobalOtelApi | undefined {
  return (globalThis as Record<symbol, GlobalOtelApi | undefined>)[GLOBAL_API];
}

/**
 * The meter to use given a `meter` option: the option itself when given,
 * none when it is `null`, and otherwise the meter of the global
 * OpenTelemetry API (`globalThis[Symbol.for("opentelemetry.js.api.1")]`,
 * which Deno registers when run with `OTEL_DENO=true` and
 * `@opentelemetry/api` registers with a meter provider), under the scope
 * {@linkcode OTEL_SCOPE}. `undefined` when there is none: telemetry is off.
 *
 * @param option A `meter` option.
 * @returns The meter, or `undefined`.
 *
 * @example Usage
 * ```ts
 * import { otelMeter } from "@weir/weir/sync";
 * import assert from "node:assert/strict";
 *
 * assert.equal(otelMeter(null), undefined);
 * // Without OTEL_DENO=true (and no @opentelemetry/api provider), no global meter:
 * if (Deno.env.get("OTEL_DENO") !== "true") assert.equal(otelMeter(), undefined);
 * ```
 */
export function otelMeter(option?: OtelMeter | null): OtelMeter | undefined {
  if (option !== undefined) return option ?? undefined;
  const provider = globalApi()?.metrics;
  if (provider === undefined) return undefined;
  if (provider !== meterSource) {
    cachedMeter = provider.getMeter(OTEL_SCOPE);
    meterSource = provider;
  }
  return cachedMeter;
}

/**
 * The tracer to use given a `tracer` option: as {@linkcode otelMeter}, for
 * the global API's tracer provider.
 *
 * @param option A `tracer` option.
 * @returns The tracer, or `undefined`.
 *
 * @example Usage
 * ```ts
 * import { otelTracer } from "@weir/weir/sync";
 * import assert from "node:assert/strict";
 *
 * assert.equal(otelTracer(null), undefined);
 * if (Deno.env.get("OTEL_DENO") !== "true") assert.equal(otelTracer(), undefined);
 * ```
 */
export function otelTracer(option?: OtelTracer | null): OtelTracer | undefined {
  if (option !== undefined) return option ?? undefined;
  const provider = globalApi()?.trace;
  if (provider === undefined) return undefined;
  if (provider !== tracerSource) {
    cachedTracer = provider.getTracer(OTEL_SCOPE);
    tracerSource = provider;
  }
  return cachedTracer;
}
