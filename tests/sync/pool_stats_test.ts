import assert from "node:assert/strict";
import { Pool } from "@weir/weir/sync";
import { FakeClock } from "@weir/weir/time";
import { MemoryMeter, MemoryTracer } from "../_util/memory_meter.ts";

Deno.test("Pool.waitTime records each acquire's wait by the pool's clock; calls that give up are not in it", async () => {
  const clock = new FakeClock();
  const pool = new Pool({ create: () => ({}), max: 1, clock, acquireTimeout: 100, meter: null });
  const lease = await pool.acquire();
  const second = pool.acquire();
  await clock.tick(40);
  assert.equal(pool.pending, 1);
  lease.release();
  const next = await second;
  const third = pool.acquire();
  await clock.tick(100);
  await assert.rejects(third, { name: "TimeoutError" });
  const controller = new AbortController();
  const fourth = pool.acquire({ signal: controller.signal });
  controller.abort(new Error("stop"));
  await assert.rejects(fourth, { message: "stop" });
  next.release();
  assert.equal(pool.waitTime.count, 2);
  assert.deepEqual([pool.waitTime.min, pool.waitTime.max, pool.waitTime.sum], [0, 40, 40]);
  await pool.drain();
});

Deno.test("Pool with a meter: resources idle and used, pending requests, wait times with error.type, spans for waits", async () => {
  const clock = new FakeClock();
  const meter = new MemoryMeter();
  const tracer = new MemoryTracer();
  const pool = new Pool({ create: () => ({}), max: 2, clock, acquireTimeout: 50, meter, tracer });
  const a = await pool.acquire();
  const b = await pool.acquire();
  const waiting = pool.acquire();
  assert.equal(meter.value("weir.pool.pending_requests"), 1);
  assert.equal(meter.value("weir.pool.resources", { "weir.pool.state": "used" }), 2);
  await clock.tick(20);
  a.release();
  const c = await waiting;
  const late = pool.acquire();
  await clock.tick(50);
  await assert.rejects(late, { name: "TimeoutError" });
  b.release();
  assert.equal(meter.value("weir.pool.resources", { "weir.pool.state": "idle" }), 1);
  assert.equal(meter.value("weir.pool.resources", { "weir.pool.state": "used" }), 1);
  assert.equal(meter.value("weir.pool.pending_requests"), 0);
  const waits = meter.measurements("weir.pool.wait_time");
  assert.deepEqual(waits.map((m) => [m.value, m.attributes["error.type"]]), [
    [0, undefined],
    [0, undefined],
    [0.02, undefined],
    [0.05, "TimeoutError"],
  ]);
  // A span per acquire that waited (the first two, for a creation); none for an idle one.
  assert.deepEqual(tracer.spans.map((s) => [s.name, s.ended, s.status?.code]), [
    ["weir.pool.acquire", true, undefined],
    ["weir.pool.acquire", true, undefined],
    ["weir.pool.acquire", true, undefined],
    ["weir.pool.acquire", true, 2],
  ]);
  (await pool.acquire()).release();
  assert.equal(tracer.spans.length, 4);
  c.release();
  await pool.drain();
  assert.equal(meter.value("weir.pool.resources", { "weir.pool.state": "idle" }), 0);
  // A drained pool leaves the census.
  const other = new Pool({ create: () => 1, min: 1, meter });
  await new Promise((r) => setTimeout(r, 0));
  assert.equal(meter.value("weir.pool.resources", { "weir.pool.state": "idle" }), 1);
  await other.drain();
  assert.equal(meter.value("weir.pool.resources", { "weir.pool.state": "idle" }), 0);
});
