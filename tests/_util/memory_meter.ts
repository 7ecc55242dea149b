// An in-memory OpenTelemetry meter and tracer for tests (and the telemetry
// bench): instruments keep what they are given; collect() runs the
// observable callbacks as an SDK does at export time.
import type {
  OtelAttributes,
  OtelAttributeValue,
  OtelCounter,
  OtelHistogram,
  OtelInstrumentOptions,
  OtelMeter,
  OtelObservable,
  OtelObservableResult,
  OtelSpan,
  OtelSpanOptions,
  OtelTracer,
} from "@weir/weir/sync";

/** One measurement. */
export interface Measurement {
  value: number;
  attributes: OtelAttributes;
}

/** An instrument as created, and what it received. */
export interface MemoryInstrument {
  kind: string;
  name: string;
  options: OtelInstrumentOptions | undefined;
  /** `add`/`record` calls, in order. */
  measurements: Measurement[];
  callbacks: Set<(result: OtelObservableResult) => void>;
}

/** A meter that keeps everything. */
export class MemoryMeter implements OtelMeter {
  readonly instruments = new Map<string, MemoryInstrument>();
  /** How many times an instrument name was created (weir creates each once per meter). */
  readonly created = new Map<string, number>();

  #make(kind: string, name: string, options?: OtelInstrumentOptions): MemoryInstrument {
    this.created.set(name, (this.created.get(name) ?? 0) + 1);
    let instrument = this.instruments.get(name);
    if (instrument === undefined) {
      instrument = { kind, name, options, measurements: [], callbacks: new Set() };
      this.instruments.set(name, instrument);
    }
    return instrument;
  }

  #sync(kind: string, name: string, options?: OtelInstrumentOptions): OtelCounter & OtelHistogram {
    const instrument = this.#make(kind, name, options);
    const push = (value: number, attributes: OtelAttributes = {}) => {
      instrument.measurements.push({ value, attributes });
    };
    return { add: push, record: push };
  }

  #observable(kind: string, name: string, options?: OtelInstrumentOptions): OtelObservable {
    const instrument = this.#make(kind, name, options);
    return {
      addCallback: (callback) => instrument.callbacks.add(callback),
      removeCallback: (callback) => instrument.callbacks.delete(callback),
    };
  }

  createCounter(name: string, options?: OtelInstrumentOptions): OtelCounter {
    return this.#sync("counter", name, options);
  }
  createUpDownCounter(name: string, options?: OtelInstrumentOptions): OtelCounter {
    return this.#sync("updown", name, options);
  }
  createHistogram(name: string, options?: OtelInstrumentOptions): OtelHistogram {
    return this.#sync("histogram", name, options);
  }
  createObservableCounter(name: string, options?: OtelInstrumentOptions): OtelObservable {
    return this.#observable("observable counter", name, options);
  }
  createObservableUpDownCounter(name: string, options?: OtelInstrumentOptions): OtelObservable {
    return this.#observable("observable updown", name, options);
  }
  createObservableGauge(name: string, options?: OtelInstrumentOptions): OtelObservable {
    return this.#observable("observable gauge", name, options);
  }

  /** Runs the callbacks of observable instrument `name`: what an export would see. */
  collect(name: string): Measurement[] {
    const instrument = this.instruments.get(name);
    if (instrument === undefined) throw new Error(`no instrument ${name}`);
    const out: Measurement[] = [];
    const result = {
      observe: (value: number, attributes: OtelAttributes = {}) => out.push({ value, attributes }),
    };
    for (const callback of instrument.callbacks) callback(result);
    return out;
  }

  /** The single value `collect(name)` reports for attributes including `match`. */
  value(name: string, match: OtelAttributes = {}): number | undefined {
    const found = this.collect(name).filter((m) =>
      Object.entries(match).every(([k, v]) => m.attributes[k] === v)
    );
    if (found.length > 1) throw new Error(`${found.length} series of ${name} match`);
    return found[0]?.value;
  }

  /** The `add`/`record` calls of instrument `name` (empty when never created). */
  measurements(name: string): Measurement[] {
    return this.instruments.get(name)?.measurements ?? [];
  }
}

/** A span as recorded. */
export interface MemorySpan extends OtelSpan {
  name: string;
  options: OtelSpanOptions | undefined;
  attributes: Record<string, OtelAttributeValue>;
  status: { code: number; message?: string } | undefined;
  exceptions: (Error | string)[];
  ended: boolean;
}

/** A tracer that keeps every span. */
export class MemoryTracer implements OtelTracer {
  readonly spans: MemorySpan[] = [];

  startSpan(name: string, options?: OtelSpanOptions): MemorySpan {
    const span: MemorySpan = {
      name,
      options,
      attributes: {},
      status: undefined,
      exceptions: [],
      ended: false,
      setAttribute(key, value) {
        span.attributes[key] = value;
        return span;
      },
      setStatus(status) {
        span.status = status;
        return span;
      },
      recordException(exception) {
        span.exceptions.push(exception);
      },
      end() {
        if (span.ended) throw new Error(`span ${name} ended twice`);
        span.ended = true;
      },
    };
    this.spans.push(span);
    return span;
  }
}
