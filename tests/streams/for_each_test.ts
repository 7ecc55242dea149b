import assert from "node:assert/strict";
import { forEach } from "@weir/weir/streams";
import { from, ProbeIterable, settle } from "./_probe.ts";

Deno.test("forEach handles each item in order, one at a time", async () => {
  const log: string[] = [];
  let running = 0;
  await forEach(from([1, 2, 3]), async (n) => {
    assert.equal(++running, 1);
    log.push(`start ${n}`);
    await settle(2);
    log.push(`end ${n}`);
    running--;
  });
  assert.deepEqual(log, ["start 1", "end 1", "start 2", "end 2", "start 3", "end 3"]);
});

Deno.test("forEach rejects with fn's error and cancels the source", async () => {
  const source = new ProbeIterable([1, 2, 3]);
  await assert.rejects(
    forEach(source, (n) => {
      if (n === 2) throw new Error("bad 2");
    }),
    { message: "bad 2" },
  );
  assert.equal(source.returns, 1);
});

Deno.test("forEach throws TypeError for a missing fn", async () => {
  await assert.rejects(forEach(from([1]), "x" as never), TypeError);
});
