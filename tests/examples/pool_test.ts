import assert from "node:assert/strict";
import { main } from "../../examples/pool.ts";
import { runOnFakeClock } from "./_fake_clock_run.ts";

const run = (args: string[]) => runOnFakeClock(main, args);

Deno.test("pool main never opens more than --size connections and reuses them", async () => {
  const { result, lines, clock } = await run([
    "--size",
    "5",
    "--tasks",
    "20",
    "--connect",
    "100",
    "--query",
    "50",
  ]);
  assert.equal(result.created, 5);
  assert.equal(result.peakInUse, 5);
  assert.equal(result.elapsed, 300, "one 100 ms connect, then four rounds of 50 ms queries");
  assert.deepEqual(Object.values(result.queriesPerConnection), [4, 4, 4, 4, 4]);
  assert.equal(lines.filter((line) => line.includes("Created connection")).length, 5);
  assert.ok(lines.includes("20 queries on 5 connections in 300 ms (at most 5 in use at once)"));
  assert.equal(
    lines.filter((line) => line.includes("Closed connection")).length,
    5,
    "drain closes them all",
  );
  assert.equal(clock.pending, 0);
});

Deno.test("pool main serves every task even with a single connection", async () => {
  const { result } = await run(["--size", "1", "--tasks", "6", "--connect", "10", "--query", "5"]);
  assert.deepEqual(result, {
    created: 1,
    peakInUse: 1,
    elapsed: 40,
    queriesPerConnection: { 1: 6 },
  });
});

Deno.test("pool main retires a connection after --max-uses queries", async () => {
  const { result, lines } = await run(["--size", "2", "--tasks", "8", "--max-uses", "2"]);
  assert.equal(result.created, 4, "each of the 4 connections served 2 queries");
  assert.ok(Object.values(result.queriesPerConnection).every((n) => n === 2));
  assert.ok(lines.some((line) => line.endsWith("Closed connection 1 after 2 queries")));
});

Deno.test("pool main rejects bad flags", async () => {
  await assert.rejects(main(["--size", "0"], { log: () => {} }), /--size/);
});
