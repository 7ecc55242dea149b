import assert from "node:assert/strict";
import { collect, inspect, map } from "@weir/weir/streams";
import { from, ProbeIterable, settle } from "./_probe.ts";

Deno.test("inspect sees each item before it is passed on unchanged", async () => {
  const log: string[] = [];
  const it = inspect(from(["a", "b"]), (s) => log.push(`saw ${s}`));
  for await (const s of it) log.push(`got ${s}`);
  assert.deepEqual(log, ["saw a", "got a", "saw b", "got b"]);
});

Deno.test("inspect awaits a promise returned by fn before passing the item on", async () => {
  const log: string[] = [];
  const out = await collect(inspect(from([1, 2]), async (n) => {
    await settle(5);
    log.push(`done ${n}`);
  }));
  assert.deepEqual(out, [1, 2]);
  assert.deepEqual(log, ["done 1", "done 2"]);
});

Deno.test("inspect fused between maps sees the intermediate value", async () => {
  const seen: number[] = [];
  const source = new ProbeIterable([1, 2]);
  const out = await collect(map(inspect(map(source, (n) => n * 2), (n) => seen.push(n)), String));
  assert.deepEqual(out, ["2", "4"]);
  assert.deepEqual(seen, [2, 4]);
  assert.equal(source.nexts, 3);
});

Deno.test("inspect rejects with fn's error and cancels the source", async () => {
  const source = new ProbeIterable([1, 2]);
  await assert.rejects(
    collect(inspect(source, () => {
      throw new Error("looked wrong");
    })),
    { message: "looked wrong" },
  );
  assert.equal(source.returns, 1);
});

Deno.test("inspect throws TypeError for bad arguments", () => {
  assert.throws(() => inspect(from([1]), null as never), TypeError);
});
