import assert from "node:assert/strict";
import { OtelCensus, otelDurationHistogram } from "@weir/weir/sync";
import { MemoryMeter } from "../_util/memory_meter.ts";

interface Source {
  sent: number;
  queued: number;
}

const SPECS = [
  {
    name: "t.sent",
    description: "sent",
    unit: "{item}",
    kind: "counter" as const,
    series: [{ read: (s: Source) => s.sent, attributes: { "t.dir": "out" } }],
  },
  {
    name: "t.queued",
    description: "queued",
    unit: "{item}",
    kind: "updown" as const,
    series: [{ read: (s: Source) => s.queued }],
  },
];

Deno.test("OtelCensus sums live sources, keeps removed counters' last counts, drops removed gauges", () => {
  const meter = new MemoryMeter();
  const census = new OtelCensus(meter, SPECS, { "t.name": "a" });
  assert.deepEqual(meter.collect("t.sent"), [{
    value: 0,
    attributes: { "t.name": "a", "t.dir": "out" },
  }]);
  const x = { sent: 2, queued: 5 };
  const y = { sent: 3, queued: 1 };
  census.add(x);
  census.add(y);
  census.add(y); // a set: counted once
  assert.equal(meter.value("t.sent"), 5);
  assert.equal(meter.value("t.queued"), 6);
  census.remove(x);
  census.remove(x); // twice: nothing more
  x.sent = 100; // changes after removal are not seen
  assert.equal(meter.value("t.sent"), 5);
  assert.equal(meter.value("t.queued"), 1);
  y.sent++;
  assert.equal(meter.value("t.sent"), 6);
  census.close();
  assert.deepEqual(meter.collect("t.sent"), []);
});

Deno.test("OtelCensus: two censuses on one meter share each instrument, each reporting its own attributes", () => {
  const meter = new MemoryMeter();
  const a = new OtelCensus(meter, SPECS, { "t.name": "a" });
  const b = new OtelCensus(meter, SPECS, { "t.name": "b" });
  a.add({ sent: 1, queued: 0 });
  b.add({ sent: 7, queued: 0 });
  assert.equal(meter.created.get("t.sent"), 1);
  assert.equal(meter.value("t.sent", { "t.name": "a" }), 1);
  assert.equal(meter.value("t.sent", { "t.name": "b" }), 7);
  a.close();
  assert.deepEqual(meter.collect("t.sent").map((m) => m.attributes["t.name"]), ["b"]);
  b.close();
});

Deno.test("otelDurationHistogram creates one histogram per meter and name, in seconds with bucket advice", () => {
  const meter = new MemoryMeter();
  const h = otelDurationHistogram(meter, "t.duration", "d");
  assert.equal(otelDurationHistogram(meter, "t.duration", "d"), h);
  assert.equal(meter.created.get("t.duration"), 1);
  const options = meter.instruments.get("t.duration")!.options!;
  assert.equal(options.unit, "s");
  const bounds = options.advice!.explicitBucketBoundaries!;
  assert.ok(bounds.every((b, i) => i === 0 || b > bounds[i - 1]!));
  const other = new MemoryMeter();
  assert.notEqual(otelDurationHistogram(other, "t.duration", "d"), h);
});
