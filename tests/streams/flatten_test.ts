import assert from "node:assert/strict";
import { collect, flatten } from "@weir/weir/streams";
import { count, from, ProbeIterable, ProbeStream } from "./_probe.ts";

Deno.test("flatten yields arrays, async iterables and streams in order", async () => {
  const inner = [[1, 2], from([3]), ReadableStream.from([4, 5]), [], new Set([6])];
  assert.deepEqual(await collect(flatten(from(inner))), [1, 2, 3, 4, 5, 6]);
});

Deno.test("flatten pulls the next inner source only after the current one ended", async () => {
  const outer = new ProbeIterable([[1, 2], [3]]);
  const it = flatten(outer);
  assert.deepEqual(await it.next(), { done: false, value: 1 });
  assert.deepEqual(await it.next(), { done: false, value: 2 });
  assert.equal(outer.nexts, 1);
  assert.deepEqual(await it.next(), { done: false, value: 3 });
  assert.equal(outer.nexts, 2);
});

Deno.test("flatten cancels the current inner source and the outer one on break", async () => {
  const innerIterable = new ProbeIterable(count());
  const innerStream = new ProbeStream(count());
  const outer = new ProbeIterable<AsyncIterable<number> | ReadableStream<number>>(
    [innerIterable, innerStream.stream],
  );
  const it = flatten(outer);
  assert.deepEqual(await it.next(), { done: false, value: 0 });
  await it.return();
  assert.equal(innerIterable.returns, 1);
  assert.equal(outer.returns, 1);
  assert.equal(innerStream.pulls, 0);

  const outer2 = new ProbeIterable([innerStream.stream]);
  for await (const _ of flatten(outer2)) break;
  assert.equal(innerStream.cancels.length, 1);
  assert.equal(outer2.returns, 1);
});

Deno.test("flatten rejects with TypeError for an inner value that is not iterable", async () => {
  const outer = new ProbeIterable<unknown>([[1], 7]);
  const it = flatten(outer as never);
  assert.deepEqual(await it.next(), { done: false, value: 1 });
  await assert.rejects(it.next(), {
    name: "TypeError",
    message: "each inner source must be an AsyncIterable or a ReadableStream: received number",
  });
  assert.equal(outer.returns, 1);
});

Deno.test("flatten throws TypeError for a bad source", () => {
  assert.throws(() => flatten([[1]] as never), TypeError);
});
