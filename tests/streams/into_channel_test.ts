import assert from "node:assert/strict";
import { intoChannel, type SenderLike } from "@weir/weir/streams";
import { ChannelClosedError, mpsc } from "@weir/weir/sync";
import { count, from, ProbeIterable, settle } from "./_probe.ts";

Deno.test("intoChannel sends every item in order and closes the sender", async () => {
  const [tx, rx] = mpsc<number>(1);
  const forwarding = intoChannel(from([1, 2, 3]), tx);
  const got: number[] = [];
  for await (const n of rx) got.push(n);
  await forwarding;
  assert.deepEqual(got, [1, 2, 3]);
});

Deno.test("intoChannel pulls the source only as the channel makes room", async () => {
  const [tx, rx] = mpsc<number>(2);
  const source = new ProbeIterable(count());
  const forwarding = intoChannel(source, tx);
  await settle();
  assert.equal(rx.length, 2);
  assert.equal(source.nexts, 3, "the third item waits for room");
  await rx.recv();
  await settle();
  assert.equal(source.nexts, 4);
  rx.close();
  await assert.rejects(forwarding, ChannelClosedError);
  assert.equal(source.returns, 1);
});

Deno.test("intoChannel keeps the sender open with preventClose", async () => {
  const [tx, rx] = mpsc<string>(4);
  await intoChannel(from(["a"]), tx, { preventClose: true });
  await intoChannel(from(["b"]), tx);
  const got: string[] = [];
  for await (const s of rx) got.push(s);
  assert.deepEqual(got, ["a", "b"]);
});

Deno.test("intoChannel aborts the pending send, cancels the source and closes the sender", async () => {
  const [tx, rx] = mpsc<number>(1);
  const source = new ProbeIterable(count());
  const controller = new AbortController();
  const forwarding = intoChannel(source, tx, { signal: controller.signal });
  await settle();
  controller.abort(new Error("stop"));
  await assert.rejects(forwarding, { message: "stop" });
  await settle();
  assert.equal(source.returns, 1);
  assert.deepEqual(await rx.recv(), { done: false, value: 0 });
  assert.equal((await rx.recv()).done, true, "the aborted send enqueued nothing");
});

Deno.test("intoChannel rejects with a source error and still closes the sender", async () => {
  async function* failing() {
    yield 1;
    throw new Error("broke");
  }
  let closed = false;
  const sent: number[] = [];
  const sender: SenderLike<number> = {
    send: (n) => Promise.resolve(void sent.push(n)),
    close: () => closed = true,
  };
  await assert.rejects(intoChannel(failing(), sender), { message: "broke" });
  assert.deepEqual(sent, [1]);
  assert.ok(closed);
});

Deno.test("intoChannel throws TypeError for bad arguments", async () => {
  await assert.rejects(intoChannel(from([1]), {} as never), {
    name: "TypeError",
    message: "'sender.send' must be a function: received undefined",
  });
  const [tx] = mpsc<number>(1);
  await assert.rejects(intoChannel(7 as never, tx), TypeError);
});
