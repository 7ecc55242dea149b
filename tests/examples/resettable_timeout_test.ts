import assert from "node:assert/strict";
import { main } from "../../examples/resettable_timeout.ts";
import { runOnFakeClock } from "./_fake_clock_run.ts";

const run = (args: string[]) => runOnFakeClock(main, args);

Deno.test("resettable_timeout main fires exactly --idle ms after the last message", async () => {
  const { result: { receivedAt, timedOutAt }, lines, clock } = await run([]);
  assert.deepEqual(receivedAt, [80, 160, 240], "each message arrived before the idle deadline");
  assert.equal(timedOutAt, 440, "240 ms (last activity) + 200 ms");
  assert.deepEqual(lines, [
    "[80 ms] Received: Message 0",
    "[160 ms] Received: Message 1",
    "[240 ms] Received: Message 2",
    "[440 ms] Timeout - no messages for 200 ms",
    "[540 ms] producer: the consumer is gone, Message 3 not delivered",
  ]);
  assert.equal(clock.pending, 0, "no timer is left");
});

Deno.test("resettable_timeout main keeps going while messages come faster than the timeout", async () => {
  const { result: { receivedAt, timedOutAt } } = await run([
    "--idle",
    "50",
    "--every",
    "49",
    "--messages",
    "10",
    "--pause",
    "0",
  ]);
  assert.equal(receivedAt.length, 11, "10 messages and the one after the (zero) pause");
  assert.ok(Number.isNaN(timedOutAt), "never timed out: the producer finished first");
});

Deno.test("resettable_timeout main times out without any message", async () => {
  const { result: { receivedAt, timedOutAt } } = await run(["--idle", "30", "--every", "100"]);
  assert.deepEqual(receivedAt, []);
  assert.equal(timedOutAt, 30);
});

Deno.test("resettable_timeout main rejects bad flags", async () => {
  await assert.rejects(main(["--idle", "0"], { log: () => {} }), /--idle/);
});
