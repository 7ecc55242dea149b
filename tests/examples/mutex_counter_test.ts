import assert from "node:assert/strict";
import { main } from "../../examples/mutex_counter.ts";

Deno.test("mutex_counter main loses updates without the lock and keeps all with it", async () => {
  const lines: string[] = [];
  const result = await main(["--tasks", "10"], { log: (line) => lines.push(line) });
  assert.equal(result.unlocked, 1, "every unlocked task read 0 before any wrote");
  assert.equal(result.locked, 10);
  assert.deepEqual(result.order, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], "the lock is FIFO");
  assert.deepEqual(lines, [
    "without a lock: Counter: 1",
    "with Mutex: Counter: 10",
    "lock order: 0, 1, 2, 3, 4, 5, 6, 7, 8, 9",
  ]);
});

Deno.test("mutex_counter main rejects a bad --tasks", async () => {
  await assert.rejects(main(["--tasks", "0"], { log: () => {} }), RangeError);
  await assert.rejects(main(["--tasks", "x"], { log: () => {} }), /--tasks/);
});
