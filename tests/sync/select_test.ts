import assert from "node:assert/strict";
import { select, type SelectBranch } from "@weir/weir/sync";
import { flush, seeded } from "./_task_util.ts";

/** A branch that never settles on its own and rejects with its signal's reason. */
function pending(log?: AbortSignal[]): SelectBranch {
  return (signal) =>
    new Promise<never>((_, reject) => {
      log?.push(signal);
      signal.addEventListener("abort", () => reject(signal.reason));
    });
}

Deno.test("select() resolves with the first branch to fulfil, typed by index", async () => {
  const gate = Promise.withResolvers<number>();
  const result = await select([
    () => gate.promise,
    () => Promise.resolve("fast"),
    pending(),
  ]);
  assert.deepEqual(result, { index: 1, value: "fast" });
  if (result.index === 1) assert.equal(result.value.toUpperCase(), "FAST");
  gate.resolve(0);
});

Deno.test("select() aborts every losing branch before it settles", async () => {
  const signals: AbortSignal[] = [];
  const winner = Promise.withResolvers<string>();
  const selecting = select([
    pending(signals),
    (signal) => {
      signals.push(signal);
      return winner.promise;
    },
    pending(signals),
  ], { biased: true });
  winner.resolve("won");
  const result = await selecting;
  // Nothing else ran between the winner settling and this line: the losers
  // must already be aborted.
  assert.deepEqual(signals.map((s) => s.aborted), [true, false, true]);
  assert.equal(result.index, 1);
  const reason = signals[0]!.reason as DOMException;
  assert.equal(reason.name, "AbortError");
  assert.match(reason.message, /branch 1/);
});

Deno.test("select() rejects like the first branch to reject and aborts the rest", async () => {
  const signals: AbortSignal[] = [];
  await assert.rejects(
    select([
      pending(signals),
      () => Promise.reject(new Error("first failure")),
      pending(signals),
    ]),
    { message: "first failure" },
  );
  assert.deepEqual(signals.map((s) => s.aborted), [true, true]);
});

Deno.test("select() counts a synchronous throw as that branch rejecting", async () => {
  const signals: AbortSignal[] = [];
  await assert.rejects(
    select([pending(signals), () => {
      throw new RangeError("sync");
    }]),
    RangeError,
  );
  assert.equal(signals[0]!.aborted, true);
});

Deno.test("select() biased: among branches ready in the same turn, the first listed wins", async () => {
  for (let i = 0; i < 50; i++) {
    const result = await select(
      [() => Promise.resolve("a"), () => Promise.resolve("b"), () => "c"],
      {
        biased: true,
        random: () => {
          throw new Error("biased select must not draw a random number");
        },
      },
    );
    assert.deepEqual(result, { index: 0, value: "a" });
  }
});

Deno.test("select() starts branches round the list from a random one", async () => {
  const cases: [number, number[]][] = [[0, [0, 1, 2]], [0.4, [1, 2, 0]], [0.99, [2, 0, 1]]];
  for (const [roll, expected] of cases) {
    const started: number[] = [];
    const branch = (i: number) => () => {
      started.push(i);
      return i;
    };
    const result = await select([branch(0), branch(1), branch(2)], { random: () => roll });
    assert.deepEqual(started, expected);
    assert.equal(result.index, expected[0], "the first started of equally ready branches wins");
  }
});

Deno.test("select() unbiased ties are shared fairly", async () => {
  const random = seeded(42);
  const wins = [0, 0];
  for (let i = 0; i < 400; i++) {
    const result = await select([() => Promise.resolve(0), () => Promise.resolve(1)], { random });
    wins[result.index]!++;
  }
  assert.ok(wins[0]! > 120 && wins[1]! > 120, `wins ${wins}`);
});

Deno.test("select() unbiased by default uses Math.random and both tied branches can win", async () => {
  const winners = new Set<number>();
  for (let i = 0; i < 200 && winners.size < 2; i++) {
    winners.add((await select([() => 0, () => 1])).index);
  }
  assert.deepEqual([...winners].sort(), [0, 1]);
});

Deno.test("select() skips disabled branches and keeps indexes stable", async () => {
  const ready = false as boolean;
  const calls: number[] = [];
  const result = await select([
    ready && (() => calls.push(0)),
    null,
    undefined,
    () => {
      calls.push(3);
      return "three";
    },
  ]);
  assert.deepEqual(result, { index: 3, value: "three" });
  assert.deepEqual(calls, [3]);
});

Deno.test("select() with every branch disabled rejects with a TypeError", async () => {
  await assert.rejects(select([false, null, undefined]), {
    name: "TypeError",
    message: /'branches'.*all 3 are disabled/,
  });
  await assert.rejects(select([]), TypeError);
});

Deno.test("select() rejects a random number outside [0, 1)", async () => {
  for (const bad of [1, -0.1, NaN]) {
    let called = false;
    await assert.rejects(
      select([() => called = true], { random: () => bad }),
      { name: "RangeError", message: /'random'/ },
    );
    assert.equal(called, false);
  }
});

Deno.test("select() with an aborted signal rejects without starting any branch", async () => {
  let started = false;
  const reason = new Error("already stopped");
  await assert.rejects(
    select([() => started = true], { signal: AbortSignal.abort(reason) }),
    (error) => error === reason,
  );
  assert.equal(started, false);
});

Deno.test("select() aborting its signal aborts every branch with that reason", async () => {
  const signals: AbortSignal[] = [];
  const stop = new AbortController();
  const selecting = select([pending(signals), pending(signals)], { signal: stop.signal });
  const reason = new Error("shutdown");
  stop.abort(reason);
  await assert.rejects(selecting, (error) => error === reason);
  assert.deepEqual(signals.map((s) => s.reason), [reason, reason]);
});

Deno.test("select() ignores what losers do after losing, rejections included", async () => {
  const late = Promise.withResolvers<string>();
  const result = await select([() => late.promise, () => "now"], {
    biased: false,
    random: () => 0.9,
  });
  assert.equal(result.index, 1);
  late.reject(new Error("too late"));
  await flush();
});

Deno.test("select() in a loop: a long operation started once survives losing turns", async () => {
  const header = Promise.withResolvers<string>();
  const reused = header.promise;
  let turns = 0;
  let result: string | undefined;
  while (result === undefined && turns < 10) {
    const won = await select([() => reused, () => Promise.resolve("tick" as const)], {
      biased: true,
    });
    if (won.index === 0) result = won.value;
    else if (++turns === 3) header.resolve("HEADER");
  }
  assert.equal(result, "HEADER");
  assert.equal(turns, 3);
});
