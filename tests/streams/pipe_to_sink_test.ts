import assert from "node:assert/strict";
import { pipeToSink } from "@weir/weir/streams";
import { count, from, ProbeIterable, ProbeStream, settle } from "./_probe.ts";

function sink<T>(options: { failAt?: number; gate?: Promise<void> } = {}) {
  const written: T[] = [];
  let closed = false;
  const aborts: unknown[] = [];
  const writable = new WritableStream<T>({
    write: async (chunk) => {
      if (written.length === options.failAt) throw new Error("sink broke");
      written.push(chunk);
      await options.gate;
    },
    close: () => void (closed = true),
    abort: (reason) => void aborts.push(reason),
  }, { highWaterMark: 1 });
  return { writable, written, aborts, closed: () => closed };
}

Deno.test("pipeToSink writes every item and closes the sink", async () => {
  const fromIterable = sink<number>();
  await pipeToSink(from([1, 2, 3]), fromIterable.writable);
  assert.deepEqual(fromIterable.written, [1, 2, 3]);
  assert.ok(fromIterable.closed());
  const fromStream = sink<number>();
  await pipeToSink(ReadableStream.from([4, 5]), fromStream.writable);
  assert.deepEqual(fromStream.written, [4, 5]);
  assert.ok(fromStream.closed());
});

Deno.test("pipeToSink cancels the source when the sink fails", async () => {
  for (const kind of ["AsyncIterable", "ReadableStream"]) {
    const iterable = new ProbeIterable(count());
    const stream = new ProbeStream(count());
    const target = sink<number>({ failAt: 2 });
    await assert.rejects(
      pipeToSink(kind === "AsyncIterable" ? iterable : stream.stream, target.writable),
      { message: "sink broke" },
    );
    assert.equal(kind === "AsyncIterable" ? iterable.returns : stream.cancels.length, 1, kind);
  }
});

Deno.test("pipeToSink aborts the sink with a source error", async () => {
  async function* failing() {
    yield 1;
    throw new Error("source broke");
  }
  const target = sink<number>();
  await assert.rejects(pipeToSink(failing(), target.writable), { message: "source broke" });
  assert.equal((target.aborts[0] as Error).message, "source broke");
});

Deno.test("pipeToSink respects backpressure and stops on abort", async () => {
  const source = new ProbeIterable(count());
  const gate = Promise.withResolvers<void>();
  const target = sink<number>({ gate: gate.promise });
  const controller = new AbortController();
  const piping = pipeToSink(source, target.writable, { signal: controller.signal });
  await settle(100);
  assert.ok(source.nexts <= 3, `pulled ${source.nexts}`);
  controller.abort(new Error("stop"));
  gate.resolve();
  await assert.rejects(piping, { message: "stop" });
  assert.equal(source.returns, 1);
  assert.equal((target.aborts[0] as Error).message, "stop");
  assert.deepEqual(target.written, [0], "the write in flight finishes, nothing after it");
});

Deno.test("pipeToSink rejects with TypeError for bad arguments", async () => {
  await assert.rejects(pipeToSink(from([1]), {} as never), {
    name: "TypeError",
    message: "'writable' must be a WritableStream: received object",
  });
  await assert.rejects(pipeToSink(1 as never, new WritableStream()), TypeError);
});
