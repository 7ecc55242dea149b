import assert from "node:assert/strict";
import { collect, zip } from "@weir/weir/streams";
import { count, from, ProbeIterable, ProbeStream, settle } from "./_probe.ts";

Deno.test("zip pairs items and stops at the shortest source, cancelling the others", async () => {
  const letters = new ProbeStream(["a", "b", "c"]);
  const numbers = new ProbeIterable([1, 2]);
  const pairs: [string, number][] = await collect(zip(letters.stream, numbers));
  assert.deepEqual(pairs, [["a", 1], ["b", 2]]);
  await settle();
  assert.equal(letters.cancels.length, 1, "the unmatched c is dropped and its source cancelled");
  assert.equal(numbers.returns, 0);
});

Deno.test("zip takes any number of sources", async () => {
  const triples = await collect(zip(from([1, 2]), from(["x", "y"]), from([true, false])));
  assert.deepEqual(triples, [[1, "x", true], [2, "y", false]]);
  assert.deepEqual(await collect(zip()), []);
});

Deno.test("zip reads its sources concurrently", async () => {
  const slow = new ProbeIterable<number>([], { hang: true });
  const fast = new ProbeIterable(count());
  const it = zip(slow, fast);
  const pending = it.next();
  await settle();
  assert.equal(slow.nexts, 1);
  assert.equal(fast.nexts, 1);
  await it.return();
  assert.deepEqual(await pending, { done: true, value: undefined });
});

Deno.test("zip rejects with a source's error and cancels the others", async () => {
  async function* failing() {
    yield 1;
    throw new Error("broke");
  }
  const other = new ProbeIterable(count());
  const it = zip(failing(), other);
  assert.deepEqual(await it.next(), { done: false, value: [1, 0] });
  await assert.rejects(it.next(), { message: "broke" });
  await settle();
  assert.equal(other.returns, 1);
});

Deno.test("zip throws TypeError for a bad source", () => {
  assert.throws(() => zip(from([1]), null as never), TypeError);
});
