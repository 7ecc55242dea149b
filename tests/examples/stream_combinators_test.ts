import assert from "node:assert/strict";
import { main } from "../../examples/stream_combinators.ts";
import { runOnFakeClock } from "./_fake_clock_run.ts";

Deno.test("stream_combinators main gives the seed's results, lazily and on time", async () => {
  const { result, lines, clock } = await runOnFakeClock(main, []);
  assert.deepEqual(result.fromChannel, [0, 1, 2, 3, 4]);
  assert.deepEqual(result.lazy, [0, 4, 8]);
  assert.equal(result.pulled, 5, "take(3) stopped the endless counter after 0..4");
  assert.deepEqual(result.skipTake, [4, 5, 6, 7]);
  assert.equal(result.sum, 55);
  assert.deepEqual(result.merged.toSorted(), [
    "S1:1@50",
    "S1:2@100",
    "S1:3@150",
    "S2:1@75",
    "S2:2@150",
    "S2:3@225",
  ]);
  assert.deepEqual(
    result.merged.slice(0, 3),
    ["S1:1@50", "S2:1@75", "S1:2@100"],
    "in arrival order",
  );
  assert.deepEqual(
    result.throttled,
    ["1@0", "2@100", "3@200", "4@300", "5@400"],
    "first tick at once",
  );
  assert.deepEqual(result.fibonacci, [0n, 1n, 1n, 2n, 3n, 5n, 8n, 13n, 21n, 34n]);
  assert.equal(lines.length, 7);
  assert.equal(clock.pending, 0, "no timer outlives its stream");
});
