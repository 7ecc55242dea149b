import assert from "node:assert/strict";
import { FakeClock } from "@weir/weir/time";
import { main } from "../../examples/barrier.ts";
import { runOnFakeClock } from "./_fake_clock_run.ts";

Deno.test("barrier main releases everyone together, with one leader per round", async () => {
  const { result: passages, lines } = await runOnFakeClock(main, [
    "--tasks",
    "3",
    "--step",
    "50",
    "--rounds",
    "2",
  ]);
  assert.equal(passages.length, 6);
  for (const round of [1, 2]) {
    const inRound = passages.filter((p) => p.round === round);
    const releasedAt = (round - 1) * 100 + 100; // the slowest setup is 2 * 50 ms
    assert.deepEqual(inRound.map((p) => p.at), [releasedAt, releasedAt, releasedAt]);
    const leaders = inRound.filter((p) => p.isLeader);
    assert.deepEqual(leaders.map((p) => p.task), [2], "the last arrival leads");
  }
  assert.equal(lines[0], "[0 ms] round 1: task 0 doing setup");
  assert.ok(lines.includes("[100 ms] round 1: task 2 proceeding (leader)"));
  assert.ok(lines.includes("[200 ms] round 2: task 2 proceeding (leader)"));
});

Deno.test("barrier main lets nobody through before every task arrived", async () => {
  const clock = new FakeClock();
  const lines: string[] = [];
  const run = main(["--tasks", "4", "--step", "10", "--rounds", "1"], {
    log: (line) => lines.push(line),
    clock,
  });
  await clock.tick(29); // task 3 is still doing its 30 ms of setup
  assert.equal(lines.filter((line) => line.includes("proceeding")).length, 0);
  await clock.runAll();
  const passages = await run;
  assert.ok(passages.every((p) => p.at === 30));
});

Deno.test("barrier main rejects bad flags", async () => {
  await assert.rejects(main(["--tasks", "0"], { log: () => {} }), /--tasks/);
  await assert.rejects(main(["--step", "-1"], { log: () => {} }), /--step/);
});
