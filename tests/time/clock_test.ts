import assert from "node:assert/strict";
import { systemClock } from "@weir/weir/time";

Deno.test("systemClock.now() is monotonic", () => {
  let last = systemClock.now();
  for (let i = 0; i < 1000; i++) {
    const now = systemClock.now();
    assert.ok(now >= last);
    last = now;
  }
});

Deno.test("systemClock.setTimer() cancel leaves no timer behind and never fires", () => {
  let fired = false;
  const cancel = systemClock.setTimer(() => {
    fired = true;
  }, 60_000);
  cancel();
  cancel();
  assert.equal(fired, false);
});

Deno.test("systemClock.setTimer() fires a zero-delay timer once", async () => {
  let count = 0;
  await new Promise<void>((resolve) => {
    systemClock.setTimer(() => {
      count++;
      resolve();
    }, 0);
  });
  assert.equal(count, 1);
});
