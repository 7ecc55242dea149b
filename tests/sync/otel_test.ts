import assert from "node:assert/strict";
import { OTEL_SCOPE, otelMeter, otelTracer } from "@weir/weir/sync";
import { MemoryMeter, MemoryTracer } from "../_util/memory_meter.ts";

const GLOBAL = Symbol.for("opentelemetry.js.api.1");
const slot = globalThis as unknown as Record<symbol, unknown>;

/** Runs `fn` with a global OpenTelemetry API installed, as Deno's OTEL_DENO=true does. */
function withGlobal(api: unknown, fn: () => void): void {
  const before = slot[GLOBAL];
  slot[GLOBAL] = api;
  try {
    fn();
  } finally {
    if (before === undefined) delete slot[GLOBAL];
    else slot[GLOBAL] = before;
  }
}

Deno.test("otelMeter and otelTracer return the option when given, nothing for null", () => {
  const meter = new MemoryMeter();
  const tracer = new MemoryTracer();
  withGlobal({ metrics: { getMeter: () => new MemoryMeter() } }, () => {
    assert.equal(otelMeter(meter), meter);
    assert.equal(otelMeter(null), undefined);
    assert.equal(otelTracer(tracer), tracer);
    assert.equal(otelTracer(null), undefined);
  });
});

Deno.test("otelMeter and otelTracer default to the global API's providers, asked once per provider under OTEL_SCOPE", () => {
  const asked: string[] = [];
  const meter = new MemoryMeter();
  const tracer = new MemoryTracer();
  const api = {
    version: "1.999.999",
    metrics: {
      getMeter(name: string) {
        asked.push(`meter ${name}`);
        return meter;
      },
    },
    trace: {
      getTracer(name: string) {
        asked.push(`tracer ${name}`);
        return tracer;
      },
    },
  };
  withGlobal(api, () => {
    assert.equal(otelMeter(), meter);
    assert.equal(otelMeter(), meter);
    assert.equal(otelTracer(), tracer);
    assert.equal(otelTracer(undefined), tracer);
  });
  assert.deepEqual(asked, [`meter ${OTEL_SCOPE}`, `tracer ${OTEL_SCOPE}`]);
  // A new provider (registered later) is asked again.
  const second = new MemoryMeter();
  withGlobal({ metrics: { getMeter: () => second } }, () => {
    assert.equal(otelMeter(), second);
    assert.equal(otelTracer(), undefined, "no tracer provider, no tracer");
  });
});

Deno.test("otelMeter: without a global API (OTEL_DENO unset) telemetry is off", () => {
  withGlobal(undefined, () => {
    assert.equal(otelMeter(), undefined);
    assert.equal(otelTracer(), undefined);
  });
});
