import assert from "node:assert/strict";
import { main } from "../../examples/notify.ts";
import { runOnFakeClock } from "./_fake_clock_run.ts";

Deno.test("notify main wakes on notifyOne, stores one permit, and notifyWaiters stores none", async () => {
  const { result, lines, clock } = await runOnFakeClock(main, ["--delay", "100", "--waiters", "3"]);
  assert.deepEqual(result, {
    receivedAt: 100,
    permitUsed: true,
    secondPermitMissing: true,
    woken: 3,
    laterWaitBlocked: true,
  });
  assert.deepEqual(lines.slice(0, 3), [
    "[0 ms] Waiting for notification...",
    "[100 ms] Sending notification",
    "[100 ms] Received notification!",
  ]);
  assert.equal(
    lines.at(-1),
    "[300 ms] a notified() after notifyWaiters() still waited after 100 ms",
  );
  assert.equal(clock.pending, 0, "the losing waits left no timer behind");
});

Deno.test("notify main rejects bad flags", async () => {
  await assert.rejects(main(["--delay", "0"], { log: () => {} }), /--delay/);
  await assert.rejects(main(["--waiters", "1.5"], { log: () => {} }), /--waiters/);
});
