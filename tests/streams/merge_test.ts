import assert from "node:assert/strict";
import { collect, map, merge, take } from "@weir/weir/streams";
import { count, from, ProbeIterable, ProbeStream, settle } from "./_probe.ts";

Deno.test("merge yields every item, keeps each source's order and ends when all end", async () => {
  const a = from(["a1", "a2", "a3"]);
  const b = ReadableStream.from(["b1", "b2"]);
  const out = await collect(merge(a, b));
  assert.deepEqual(out.filter((s) => s.startsWith("a")), ["a1", "a2", "a3"]);
  assert.deepEqual(out.filter((s) => s.startsWith("b")), ["b1", "b2"]);
  assert.equal(out.length, 5);
});

Deno.test("merge is fair between always-ready sources", async () => {
  const a = new ProbeIterable(count());
  const b = new ProbeStream(count());
  const c = new ProbeIterable(count());
  const tagged = merge(
    map(a, (n) => `a${n}`),
    map(b.stream, (n) => `b${n}`),
    map(c, (n) => `c${n}`),
  );
  const out = await collect(take(tagged, 30));
  for (const tag of ["a", "b", "c"]) {
    const mine = out.filter((s) => s.startsWith(tag));
    assert.ok(mine.length >= 9, `${tag}: ${out.join(" ")}`);
    assert.deepEqual(mine, mine.map((_, i) => `${tag}${i}`));
  }
  assert.equal(a.returns, 1);
  assert.equal(b.cancels.length, 1);
  assert.equal(c.returns, 1);
});

Deno.test("merge keeps reading the others after one source ended", async () => {
  const short = from([1]);
  const long = new ProbeIterable([10, 20, 30]);
  assert.deepEqual((await collect(merge(short, long))).toSorted((x, y) => x - y), [1, 10, 20, 30]);
});

Deno.test("merge rejects with a source's error and cancels the others", async () => {
  async function* failing(): AsyncGenerator<number> {
    await settle(5);
    yield* [];
    throw new Error("source broke");
  }
  const other = new ProbeIterable<number>([], { hang: true });
  await assert.rejects(collect(merge(failing(), other)), { message: "source broke" });
  await settle();
  assert.equal(other.returns, 1);
});

Deno.test("merge of no sources ends at once", async () => {
  assert.deepEqual(await collect(merge()), []);
  assert.deepEqual(await collect(merge({})), []);
});

Deno.test("merge holds at most one item per source", async () => {
  const a = new ProbeIterable(count());
  const b = new ProbeIterable(count());
  const it = merge(a, b);
  await it.next();
  await settle(100);
  assert.ok(a.nexts + b.nexts <= 3, `${a.nexts} + ${b.nexts}`);
  await it.return();
});

Deno.test("merge throws TypeError for a bad source", () => {
  assert.throws(() => merge(from([1]), 5 as never), {
    name: "TypeError",
    message: "'sources[1]' must be an AsyncIterable or a ReadableStream: received number",
  });
});
