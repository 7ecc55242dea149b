import type {
  OtelAttributes,
  OtelHistogram,
  OtelMeter,
  OtelObservable,
  OtelObservableResult,
} from "./otel.ts";

/**
 * One observable instrument of an {@linkcode OtelCensus}: its name, unit,
 * kind, and the series it reads from each source.
 */
export interface OtelObservedInstrument<S> {
  /** The instrument name (`weir.udp.datagrams`). */
  name: string;
  /** What it measures. */
  description: string;
  /** UCUM unit (`"By"`, `"{datagram}"`). */
  unit: string;
  /**
   * `"counter"`: a monotonic count; a removed source's last value stays in
   * the total. `"updown"`: a current amount (a queue length); a removed
   * source adds nothing.
   */
  kind: "counter" | "updown";
  /** One reading per series; `attributes` tell the series apart. */
  series: { read: (source: S) => number; attributes?: OtelAttributes }[];
}

const instruments = new WeakMap<OtelMeter, Map<string, unknown>>();

function once<I>(meter: OtelMeter, name: string, create: () => I): I {
  let byName = instruments.get(meter);
  if (byName === undefined) instruments.set(meter, byName = new Map());
  let instrument = byName.get(name) as I | undefined;
  if (instrument === undefined) byName.set(name, instrument = create());
  return instrument;
}

/** Bucket bounds in seconds for connection-level durations (OpenTelemetry's advice for them). */
const DURATION_BUCKETS_S = [
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

/**
 * The duration histogram `name` of `meter` (unit seconds, with bucket
 * bounds from 5 ms to 5 min as advice), created on first use and shared
 * afterwards, so many objects of one kind record into one instrument.
 *
 * @param meter Where the histogram lives.
 * @param name Its name (`weir.pool.wait_time`).
 * @param description What it measures.
 * @returns The histogram; record seconds.
 *
 * @example Usage
 * ```ts
 * import { otelDurationHistogram, type OtelMeter } from "@weir/weir/sync";
 * import assert from "node:assert/strict";
 *
 * const created: string[] = [];
 * const meter = {
 *   createHistogram: (name: string) => (created.push(name), { record() {} }),
 * } as unknown as OtelMeter;
 * otelDurationHistogram(meter, "app.job.duration", "Job duration").record(0.25);
 * otelDurationHistogram(meter, "app.job.duration", "Job duration").record(0.5);
 * assert.deepEqual(created, ["app.job.duration"]);
 * ```
 */
export function otelDurationHistogram(
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
 * Reports the plain counters of many live objects of one kind (sockets,
 * drivers, pools) through observable instruments: the meter reads them
 * when it collects, so counting costs a field increment whether telemetry
 * is on or off. Each instrument reports one sum over the objects added,
 * under the census's attributes; a counter keeps the last counts of
 * removed objects. Instruments are created once per meter and name, so
 * several censuses (one per server, say, with its address as attributes)
 * share them.
 *
 * @typeParam S The objects counted.
 *
 * @example Usage
 * ```ts
 * import { OtelCensus, type OtelMeter, type OtelObservableResult } from "@weir/weir/sync";
 * import assert from "node:assert/strict";
 *
 * let collect = (_result: OtelObservableResult) => {};
 * const meter = {
 *   createObservableCounter: () => ({ addCallback: (cb: typeof collect) => collect = cb }),
 * } as unknown as OtelMeter;
 * const census = new OtelCensus<{ jobs: number }>(meter, [
 *   { name: "app.jobs", description: "Jobs done", unit: "{job}", kind: "counter", series: [{ read: (w) => w.jobs }] },
 * ]);
 * const a = { jobs: 3 };
 * const b = { jobs: 4 };
 * census.add(a);
 * census.add(b);
 * census.remove(a); // its 3 jobs stay counted
 * b.jobs++;
 * const seen: number[] = [];
 * collect({ observe: (value) => seen.push(value) });
 * assert.deepEqual(seen, [8]);
 * ```
 */
export class OtelCensus<S> {
  #live = new Set<S>();
  #specs: readonly OtelObservedInstrument<S>[];
  /** Per instrument, per series: what removed sources counted. */
  #gone: number[][];
  #stops: (() => void)[];

  /**
   * Registers one callback per instrument with `meter`.
   *
   * @param meter Where the instruments live.
   * @param specs The instruments and their series.
   * @param attributes Added to every series (a server's address, ...).
   *
   * @example Usage
   * ```ts
   * import { OtelCensus, type OtelMeter } from "@weir/weir/sync";
   *
   * const meter = {
   *   createObservableUpDownCounter: () => ({ addCallback() {}, removeCallback() {} }),
   * } as unknown as OtelMeter;
   * const census = new OtelCensus<{ queued: number }>(meter, [
   *   { name: "app.queued", description: "Queued jobs", unit: "{job}", kind: "updown", series: [{ read: (q) => q.queued }] },
   * ], { "app.queue": "mail" });
   * census.close();
   * ```
   */
  constructor(
    meter: OtelMeter,
    specs: readonly OtelObservedInstrument<S>[],
    attributes: OtelAttributes = {},
  ) {
    this.#specs = specs;
    this.#gone = specs.map((spec) => spec.series.map(() => 0));
    const withAttributes = specs.map((spec) =>
      spec.series.map((series) => ({ ...attributes, ...series.attributes }))
    );
    this.#stops = specs.map((spec, i) => {
      const options = { description: spec.description, unit: spec.unit };
      const instrument = once<OtelObservable>(
        meter,
        spec.name,
        () =>
          spec.kind === "counter"
            ? meter.createObservableCounter(spec.name, options)
            : meter.createObservableUpDownCounter(spec.name, options),
      );
      const callback = (result: OtelObservableResult) => {
        for (let j = 0; j < spec.series.length; j++) {
          const read = spec.series[j]!.read;
          let total = spec.kind === "counter" ? this.#gone[i]![j]! : 0;
          for (const source of this.#live) total += read(source);
          result.observe(total, withAttributes[i]![j]);
        }
      };
      instrument.addCallback(callback);
      return () => instrument.removeCallback(callback);
    });
  }

  /**
   * Counts `source` from now on.
   *
   * @param source An object to read at each collection.
   *
   * @example Usage
   * ```ts
   * import { OtelCensus, type OtelMeter } from "@weir/weir/sync";
   *
   * const meter = { createObservableCounter: () => ({ addCallback() {} }) } as unknown as OtelMeter;
   * const census = new OtelCensus<{ n: number }>(meter, []);
   * census.add({ n: 1 });
   * ```
   */
  add(source: S): void {
    this.#live.add(source);
  }

  /**
   * Stops reading `source`; its counters' last values stay in the totals.
   *
   * @param source An object added before (others are ignored).
   *
   * @example Usage
   * ```ts
   * import { OtelCensus, type OtelMeter } from "@weir/weir/sync";
   *
   * const meter = { createObservableCounter: () => ({ addCallback() {} }) } as unknown as OtelMeter;
   * const census = new OtelCensus<{ n: number }>(meter, []);
   * const source = { n: 1 };
   * census.add(source);
   * census.remove(source);
   * ```
   */
  remove(source: S): void {
    if (!this.#live.delete(source)) return;
    this.#specs.forEach((spec, i) => {
      if (spec.kind !== "counter") return;
      spec.series.forEach((series, j) => this.#gone[i]![j]! += series.read(source));
    });
  }

  /**
   * Removes the callbacks: the census reports nothing more.
   *
   * @example Usage
   * ```ts
   * import { OtelCensus, type OtelMeter } from "@weir/weir/sync";
   *
   * const meter = {
   *   createObservableCounter: () => ({ addCallback() {}, removeCallback() {} }),
   * } as unknown as OtelMeter;
   * new OtelCensus(meter, [
   *   { name: "app.n", description: "n", unit: "1", kind: "counter", series: [] },
   * ]).close();
   * ```
   */
  close(): void {
    for (const stop of this.#stops) stop();
    this.#stops = [];
  }
}
