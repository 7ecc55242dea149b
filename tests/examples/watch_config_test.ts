import assert from "node:assert/strict";
import { main } from "../../examples/watch_config.ts";
import { runOnFakeClock } from "./_fake_clock_run.ts";

Deno.test("watch_config main shows a slow receiver seeing only the newest config, both see the last", async () => {
  const { result, lines } = await runOnFakeClock(main, [
    "--updates",
    "3",
    "--interval",
    "100",
    "--slow",
    "250",
  ]);
  assert.deepEqual(result.fast, [1, 2, 3]);
  assert.deepEqual(result.slow, [1, 3], "version 2 was replaced before the slow receiver looked");
  assert.ok(
    lines.includes("[300 ms] fast: config channel closed"),
    "the end comes after the last value",
  );
  assert.ok(lines.includes("[350 ms] slow sees version 3 (log level info)"));
  assert.equal(lines.at(-1), "[600 ms] slow: config channel closed");
});

Deno.test("watch_config main without a slow receiver sees every version", async () => {
  assert.deepEqual(
    (await runOnFakeClock(main, ["--updates", "4", "--interval", "10", "--slow", "0"])).result,
    { fast: [1, 2, 3, 4], slow: [1, 2, 3, 4] },
  );
});

Deno.test("watch_config main rejects bad flags", async () => {
  await assert.rejects(main(["--updates", "0"], { log: () => {} }), /--updates/);
});
