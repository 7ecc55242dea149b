import assert from "node:assert/strict";
import { Barrier } from "@weir/weir/sync";
import { flush, probe } from "./_probe.ts";

Deno.test("Barrier releases a generation at n arrivals with exactly one leader, the last", async () => {
  const barrier = new Barrier(3);
  const a = probe(barrier.wait());
  const b = probe(barrier.wait());
  await flush();
  assert.equal(a.outcome.state, "pending");
  assert.equal(b.outcome.state, "pending");
  assert.equal(barrier.waiting, 2);
  const c = await barrier.wait();
  assert.equal(c.isLeader, true);
  assert.equal((await a.promise).isLeader, false);
  assert.equal((await b.promise).isLeader, false);
  assert.equal(barrier.waiting, 0);
});

Deno.test("Barrier is reusable across generations", async () => {
  const barrier = new Barrier(2);
  for (let generation = 0; generation < 3; generation++) {
    const results = await Promise.all([barrier.wait(), barrier.wait()]);
    assert.deepEqual(results.map((r) => r.isLeader), [false, true]);
  }
});

Deno.test("Barrier withdraws an arrival aborted before its generation is released", async () => {
  const barrier = new Barrier(3);
  const controller = new AbortController();
  const a = probe(barrier.wait());
  const b = probe(barrier.wait({ signal: controller.signal }));
  controller.abort(new Error("left early"));
  await flush();
  assert.equal(b.outcome.state, "rejected");
  assert.equal(barrier.waiting, 1);
  const c = probe(barrier.wait());
  await flush();
  assert.equal(a.outcome.state, "pending", "the aborted arrival no longer counts");
  assert.equal(c.outcome.state, "pending");
  assert.equal((await barrier.wait()).isLeader, true);
  assert.equal((await a.promise).isLeader, false);
  assert.equal((await c.promise).isLeader, false);
});

Deno.test("Barrier result is final once the generation is released", async () => {
  const barrier = new Barrier(2);
  const controller = new AbortController();
  const follower = barrier.wait({ signal: controller.signal });
  await barrier.wait();
  controller.abort(new Error("too late"));
  assert.deepEqual(await follower, { isLeader: false });
});

Deno.test("Barrier wait with an already aborted signal does not arrive", async () => {
  const barrier = new Barrier(2);
  await assert.rejects(barrier.wait({ signal: AbortSignal.abort("no") }), (err) => err === "no");
  assert.equal(barrier.waiting, 0);
  const a = probe(barrier.wait());
  await flush();
  assert.equal(a.outcome.state, "pending");
  await barrier.wait();
  await a.promise;
});

Deno.test("Barrier of 1 makes every caller a leader at once", async () => {
  const barrier = new Barrier(1);
  assert.equal((await barrier.wait()).isLeader, true);
  assert.equal((await barrier.wait()).isLeader, true);
});

Deno.test("Barrier rejects a bad n with RangeError", () => {
  for (const bad of [0, -1, 1.5, NaN]) {
    assert.throws(() => new Barrier(bad), { name: "RangeError", message: /'n'/ });
  }
});
