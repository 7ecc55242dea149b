import assert from "node:assert/strict";
import { main } from "../../examples/mutex_counter.ts";

Deno.test("mutex_counter main loses updates without the lock and keeps all with it", async () => {
  const lines: string[] = [];
  const result = await main(["--tasks", "10", "--lock-timeout", "5"], {
    log: (line) => lines.push(line),
  });
  assert.equal(result.unlocked, 1, "every unlocked task read 0 before any wrote");
  assert.equal(result.locked, 10);
  assert.deepEqual(result.order, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], "the lock is FIFO");
  assert.deepEqual(lines.slice(0, 3), [
    "without a lock: Counter: 1",
    "with Mutex: Counter: 10",
    "lock order: 0, 1, 2, 3, 4, 5, 6, 7, 8, 9",
  ]);
});

Deno.test("mutex_counter main breaks the lock-order deadlock with a lock timeout", async () => {
  const lines: string[] = [];
  const { deadlock } = await main(["--tasks", "1", "--lock-timeout", "20"], {
    log: (line) => lines.push(line),
  });
  assert.deepEqual(deadlock, { completed: [1], gaveUp: [2] });
  assert.deepEqual(lines.slice(-2), ["Task 2 timed out, releasing locks", "Task 1 got both locks"]);
});

Deno.test("mutex_counter main rejects a bad --tasks", async () => {
  await assert.rejects(main(["--tasks", "0"], { log: () => {} }), RangeError);
  await assert.rejects(main(["--tasks", "x"], { log: () => {} }), /--tasks/);
  await assert.rejects(main(["--lock-timeout", "0"], { log: () => {} }), /--lock-timeout/);
});
