import assert from "node:assert/strict";
import { FakeClock } from "@weir/weir/time";
import { main } from "../../examples/notify.ts";

Deno.test("notify main wakes on notifyOne, stores one permit, and notifyWaiters stores none", async () => {
  const clock = new FakeClock();
  const lines: string[] = [];
  const run = main(["--delay", "100", "--waiters", "3"], {
    log: (line) => lines.push(line),
    clock,
  });
  await clock.runAll();
  const result = await run;
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
