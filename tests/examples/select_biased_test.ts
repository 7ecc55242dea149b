import assert from "node:assert/strict";
import { main } from "../../examples/select_biased.ts";
import { runOnFakeClock } from "./_fake_clock_run.ts";

Deno.test("select_biased main races three operations and aborts the losers first", async () => {
  const { result, lines } = await runOnFakeClock(main, ["--trials", "1"]);
  assert.deepEqual(result.race, { winner: "B completed", at: 100, aborted: ["A", "C"] });
  assert.equal(lines[0], "[100 ms] race: B completed; aborted: A, C");
});

Deno.test("select_biased main biased always takes the first ready branch, unbiased is fair", async () => {
  const { result } = await runOnFakeClock(main, ["--trials", "2000"]);
  assert.equal(result.biasedWins, 2000);
  // Binomial(2000, 0.5): outside 800..1200 with probability far below 1e-15.
  assert.ok(result.unbiasedWins > 800 && result.unbiasedWins < 1200, `${result.unbiasedWins}`);
});

Deno.test("select_biased main drains every high-priority item before any low one", async () => {
  const { result } = await runOnFakeClock(main, ["--trials", "1"]);
  assert.deepEqual(result.drained, ["HIGH 1", "HIGH 2", "HIGH 3", "low 1", "low 2", "low 3"]);
});

Deno.test("select_biased main loses nothing and never serves low while high waits", async () => {
  for (const [high, low, work] of [[100, 50, 30], [30, 10, 25], [10, 10, 40], [7, 3, 0]]) {
    const { result, lines } = await runOnFakeClock(main, [
      "--trials",
      "1",
      "--high-every",
      `${high}`,
      "--low-every",
      `${low}`,
      "--work",
      `${work}`,
    ]);
    assert.deepEqual(result.live.toSorted(), [
      "HIGH 1",
      "HIGH 2",
      "HIGH 3",
      "low 1",
      "low 2",
      "low 3",
      "low 4",
      "low 5",
      "low 6",
    ]);
    assert.equal(result.inversions, 0, `high ${high}, low ${low}, work ${work}`);
    assert.equal(lines.at(-1), "live: 0 low items handled while a high one waited");
  }
});

Deno.test("select_biased main rejects bad flags", async () => {
  await assert.rejects(main(["--trials", "0"], { log: () => {} }), /--trials/);
});
