import assert from "node:assert/strict";
import { StreamMap, takeUntil } from "@weir/weir/streams";
import { mpsc, select } from "@weir/weir/sync";
import { count, from, ProbeIterable, ProbeStream, settle } from "./_probe.ts";

Deno.test("StreamMap yields [key, item] pairs and drops sources that ended", async () => {
  const map = new StreamMap<string, number>([["a", from([1, 2])], [
    "b",
    ReadableStream.from([10]),
  ]]);
  const seen: [string, number][] = [];
  for await (const entry of map) seen.push(entry);
  assert.deepEqual(seen.filter(([k]) => k === "a"), [["a", 1], ["a", 2]]);
  assert.deepEqual(seen.filter(([k]) => k === "b"), [["b", 10]]);
  assert.equal(map.size, 0);
});

Deno.test("StreamMap is done while empty and usable again after an insert", async () => {
  const map = new StreamMap<string, number>();
  assert.deepEqual(await map.next(), { done: true, value: undefined });
  map.insert("x", from([1]));
  assert.deepEqual(await map.next(), { done: false, value: ["x", 1] });
  assert.deepEqual(await map.next(), { done: true, value: undefined });
});

Deno.test("StreamMap starts reading a source inserted while next() waits", async () => {
  const map = new StreamMap<string, number>();
  const silent = new ProbeIterable<number>([], { hang: true });
  map.insert("silent", silent);
  const pending = map.next();
  await settle();
  map.insert("late", from([7]));
  assert.deepEqual(await pending, { done: false, value: ["late", 7] });
  await map.return();
  assert.equal(silent.returns, 1);
});

Deno.test("StreamMap remove cancels the source and a waiting next() ends when the map empties", async () => {
  const stream = new ProbeStream<number>([], { hang: true });
  const map = new StreamMap([["k", stream.stream]]);
  const pending = map.next();
  await settle();
  assert.equal(map.remove("k"), true);
  assert.equal(map.remove("k"), false);
  assert.deepEqual(await pending, { done: true, value: undefined });
  await settle();
  assert.equal(stream.cancels.length, 1);
});

Deno.test("StreamMap insert replaces and cancels the source under the same key", async () => {
  const old = new ProbeIterable(count());
  const map = new StreamMap<string, number>();
  assert.equal(map.insert("k", old), false);
  assert.deepEqual(await map.next(), { done: false, value: ["k", 0] });
  assert.equal(map.insert("k", from([100])), true);
  assert.equal(old.returns, 1);
  assert.deepEqual(await map.next(), { done: false, value: ["k", 100] });
  assert.deepEqual(await map.next(), { done: true, value: undefined });
});

Deno.test("StreamMap is fair between always-ready sources", async () => {
  const map = new StreamMap([["a", from(count())], ["b", from(count())], ["c", from(count())]]);
  const keys: string[] = [];
  for (let i = 0; i < 30; i++) keys.push((await map.next()).value![0]);
  for (const key of ["a", "b", "c"]) {
    assert.ok(keys.filter((k) => k === key).length >= 9, keys.join(""));
  }
  await map.return();
});

Deno.test("StreamMap cancels every source on break and on dispose", async () => {
  const a = new ProbeIterable(count());
  const b = new ProbeStream(count());
  const map = new StreamMap<string, number>([["a", a], ["b", b.stream]]);
  for await (const _ of map) break;
  assert.equal(a.returns, 1);
  assert.equal(b.cancels.length, 1);
  assert.equal(map.size, 0);
  const c = new ProbeIterable(count());
  {
    await using scoped = new StreamMap([["c", c]]);
    assert.ok(scoped.has("c"));
  }
  assert.equal(c.returns, 1);
});

Deno.test("StreamMap rejects with a source's error and cancels the rest", async () => {
  async function* failing() {
    yield 1;
    throw new Error("broke");
  }
  const other = new ProbeIterable<number>([], { hang: true });
  const map = new StreamMap<string, number>([["bad", failing()], ["other", other]]);
  assert.deepEqual(await map.next(), { done: false, value: ["bad", 1] });
  await assert.rejects(map.next(), { message: "broke" });
  await settle();
  assert.equal(other.returns, 1);
  assert.equal(map.size, 0);
});

Deno.test("StreamMap serves several waiting next() calls", async () => {
  const map = new StreamMap([["a", from([1, 2])]]);
  const results = await Promise.all([map.next(), map.next(), map.next()]);
  assert.deepEqual(results.map((r) => r.value?.[1]).sort(), [1, 2, undefined]);
});

Deno.test("StreamMap keys, has and size track the sources", async () => {
  const map = new StreamMap<number, number>();
  map.insert(1, from(count()));
  map.insert(2, from(count()));
  assert.deepEqual([...map.keys()], [1, 2]);
  assert.ok(map.has(2));
  assert.equal(map.size, 2);
  await map.return();
  assert.equal(map.size, 0);
});

Deno.test("StreamMap throws TypeError for a bad source", () => {
  const map = new StreamMap<string, number>();
  assert.throws(() => map.insert("k", [1] as never), TypeError);
  assert.throws(() => new StreamMap([["k", 3 as never]]), TypeError);
});

Deno.test("StreamMap read through takeUntil stops on a signal and cancels its sources", async () => {
  const stop = new AbortController();
  const source = new ProbeIterable<number>([1], { hang: true });
  const map = new StreamMap([["k", source]]);
  const it = takeUntil(map, stop.signal);
  assert.deepEqual(await it.next(), { done: false, value: ["k", 1] });
  const pending = it.next();
  await settle();
  stop.abort();
  assert.deepEqual(await pending, { done: true, value: undefined });
  await settle();
  assert.equal(source.returns, 1);
  assert.equal(map.size, 0);
});

/** A map whose source has an item settled and waiting to be taken (no call waiting). */
async function readyMap(key: string, items: number[]): Promise<StreamMap<string, number>> {
  const gate = Promise.withResolvers<void>();
  const inner = from(items);
  const source: AsyncIterable<number> = {
    [Symbol.asyncIterator]: () => ({
      next: async () => {
        await gate.promise;
        return inner.next();
      },
      return: () => inner.return(undefined),
    }),
  };
  const map = new StreamMap([[key, source]]);
  const poke = new AbortController();
  const waiting = map.next({ signal: poke.signal }); // starts the source's next()
  await settle();
  poke.abort();
  await assert.rejects(waiting, { name: "AbortError" });
  gate.resolve();
  await settle();
  return map;
}

Deno.test("StreamMap next({ signal }) stops waiting and takes nothing", async () => {
  const map = await readyMap("a", [1, 2]);
  assert.deepEqual(
    await map.next(),
    { done: false, value: ["a", 1] },
    "the aborted call took nothing",
  );
  await assert.rejects(map.next({ signal: AbortSignal.abort(new Error("no")) }), { message: "no" });
  assert.deepEqual(await map.next(), { done: false, value: ["a", 2] });
  await map.return();
});

Deno.test("StreamMap next is select-safe: its claim decides the select, so a ready item is never lost", async () => {
  const map = await readyMap("a", [1, 2]);
  // The plain branch settles first but takes nothing; the map's branch claims as it takes.
  const won = await select([
    () => Promise.resolve("plain"),
    (signal) => map.next({ signal }),
  ], { biased: true });
  assert.deepEqual(won, { index: 1, value: { done: false, value: ["a", 1] } });
  assert.deepEqual(await map.next(), { done: false, value: ["a", 2] });

  // A map branch that loses to a channel message keeps its item.
  const other = await readyMap("b", [10]);
  const [tx, rx] = mpsc<string>(1);
  tx.trySend("message");
  const lost = await select([
    (signal) => rx.recv({ signal }),
    (signal) => other.next({ signal }),
  ], { biased: true });
  assert.equal(lost.index, 0);
  assert.deepEqual(await other.next(), { done: false, value: ["b", 10] });
  await map.return();
  await other.return();
});
