import assert from "node:assert/strict";
import { abortable } from "@weir/weir/sync";

Deno.test("abortable without a signal returns the promise itself", () => {
  const promise = Promise.resolve(1);
  assert.equal(abortable(promise, undefined), promise);
});

Deno.test("abortable resolves and rejects as the promise does while the signal stays quiet", async () => {
  const controller = new AbortController();
  assert.equal(await abortable(Promise.resolve("v"), controller.signal), "v");
  await assert.rejects(abortable(Promise.reject(new Error("boom")), controller.signal), {
    message: "boom",
  });
});

Deno.test("abortable rejects with the reason at abort and hands a late value to onLate", async () => {
  const controller = new AbortController();
  const { promise, resolve } = Promise.withResolvers<string>();
  const late: string[] = [];
  const waiting = abortable(promise, controller.signal, { onLate: (v) => late.push(v) });
  const reason = new Error("stop");
  controller.abort(reason);
  await assert.rejects(waiting, (error) => error === reason);
  resolve("socket");
  await promise;
  await Promise.resolve();
  assert.deepEqual(late, ["socket"]);
});

Deno.test("abortable with an aborted signal rejects at once; the work's later failure stays handled", async () => {
  const { promise, reject } = Promise.withResolvers<number>();
  const late: number[] = [];
  const waiting = abortable(promise, AbortSignal.abort("early"), { onLate: (v) => late.push(v) });
  await assert.rejects(waiting, (error) => error === "early");
  reject(new Error("no one waits for this")); // must not surface as unhandled
  await new Promise((resolve) => setTimeout(resolve, 0));
  assert.deepEqual(late, []);
});

Deno.test("abortable removes its abort listener once the promise settles", async () => {
  const controller = new AbortController();
  let added = 0;
  let removed = 0;
  const { signal } = controller;
  const add = signal.addEventListener.bind(signal);
  const remove = signal.removeEventListener.bind(signal);
  signal.addEventListener = (...args: Parameters<typeof add>) => {
    added++;
    add(...args);
  };
  signal.removeEventListener = (...args: Parameters<typeof remove>) => {
    removed++;
    remove(...args);
  };
  for (let i = 0; i < 5; i++) await abortable(Promise.resolve(i), signal);
  await assert.rejects(abortable(Promise.reject(new Error("x")), signal));
  assert.equal(added, 6);
  assert.equal(removed, 6);
});
