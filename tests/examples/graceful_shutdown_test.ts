import assert from "node:assert/strict";
import { FakeClock } from "@weir/weir/time";
import { main } from "../../examples/graceful_shutdown.ts";
import { runOnFakeClock } from "./_fake_clock_run.ts";

Deno.test("graceful_shutdown main stops every worker within one tick, first tick immediate", async () => {
  const { result, lines, clock } = await runOnFakeClock(main, [
    "--workers",
    "2",
    "--interval",
    "100",
    "--job",
    "30",
    "--duration",
    "350",
  ]);
  assert.deepEqual(
    result,
    { jobs: [4, 4], forced: false, stoppedAt: 350 },
    "ticks at 0, 100, 200, 300",
  );
  assert.ok(lines.includes("[300 ms] worker 1: job 4 started"));
  assert.ok(lines.includes("[350 ms] worker 2: stopped after 4 jobs"));
  assert.equal(lines.at(-1), "[350 ms] all workers stopped");
  assert.equal(clock.pending, 0);
});

Deno.test("graceful_shutdown main lets a running job finish", async () => {
  const { result, lines } = await runOnFakeClock(main, [
    "--workers",
    "1",
    "--interval",
    "100",
    "--job",
    "80",
    "--duration",
    "350",
  ]);
  assert.deepEqual(result, { jobs: [4], forced: false, stoppedAt: 380 });
  assert.deepEqual(lines.slice(-4), [
    "[350 ms] shutdown requested: letting running jobs finish",
    "[380 ms] worker 1: job 4 done",
    "[380 ms] worker 1: stopped after 4 jobs",
    "[380 ms] all workers stopped",
  ]);
});

Deno.test("graceful_shutdown main aborts running jobs once the grace period is over", async () => {
  const { result, lines, clock } = await runOnFakeClock(main, [
    "--workers",
    "2",
    "--job",
    "500",
    "--duration",
    "350",
    "--grace",
    "100",
  ]);
  assert.deepEqual(result, { jobs: [1, 1], forced: true, stoppedAt: 450 });
  assert.ok(lines.includes("[450 ms] grace period of 100 ms over: aborting 2 running jobs"));
  assert.ok(lines.includes("[450 ms] worker 1: job 1 abandoned"));
  assert.equal(clock.pending, 0);
});

Deno.test("graceful_shutdown main shuts down when its signal aborts (Ctrl+C)", async () => {
  const controller = new AbortController();
  const clock = new FakeClock();
  const lines: string[] = [];
  const done = main(["--workers", "3", "--job", "10"], {
    log: (line) => lines.push(line),
    clock,
    signal: controller.signal,
  });
  await clock.tick(150);
  assert.ok(!lines.some((line) => line.includes("shutdown")), "runs until the signal");
  controller.abort();
  await clock.runAll();
  const result = await done;
  assert.deepEqual(result, { jobs: [2, 2, 2], forced: false, stoppedAt: 150 });
});

Deno.test("graceful_shutdown main rejects bad flags", async () => {
  await assert.rejects(main(["--workers", "0"], { log: () => {} }), /--workers/);
});
