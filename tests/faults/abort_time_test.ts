// Abort injection over every waiting call of @weir/weir/time, on a
// FakeClock: each scenario is replayed with its signal aborted at every
// microtask turn (the clock's own settling turns included), and after each
// run no timer is left armed and no token, tick or message is lost.
import assert from "node:assert/strict";
import {
  FakeClock,
  interval,
  RateLimiter,
  retry,
  Sleep,
  sleep,
  sleepUntil,
  timeout,
  timeoutAt,
} from "@weir/weir/time";
import { mpsc } from "@weir/weir/sync";
import {
  coverageOf,
  describeCoverage,
  injectAborts,
  soon,
  valueOrNext,
} from "../_util/abort_injection.ts";

Deno.test("sleep and sleepUntil aborted at any point leave no timer", async () => {
  for (
    const [api, start] of [
      ["sleep", (clock: FakeClock, signal: AbortSignal) => sleep(10, { signal, clock })],
      ["sleepUntil", (clock: FakeClock, signal: AbortSignal) => sleepUntil(10, { signal, clock })],
    ] as const
  ) {
    await injectAborts("time", api, () => {
      const clock = new FakeClock();
      return {
        call: (signal) => start(clock, signal),
        async drive(point) {
          await clock.tick(5);
          await point();
          await clock.tick(5);
        },
        check() {
          assert.equal(clock.pending, 0);
        },
      };
    });
  }
});

Deno.test("Sleep aborted at any point, across a reset, leaves no timer", async () => {
  await injectAborts("time", "Sleep", () => {
    const clock = new FakeClock();
    let sleeper: Sleep | undefined;
    return {
      call: async (signal) => {
        sleeper = new Sleep(10, { signal, clock });
        await sleeper;
      },
      async drive() {
        await clock.tick(5);
        sleeper!.reset(10);
        await clock.tick(10);
      },
      check(outcome) {
        assert.equal(clock.pending, 0);
        assert.equal(sleeper!.isElapsed, outcome.status === "fulfilled");
      },
    };
  });
});

// Once the work's recv took the message, the work's result wins over an
// abort or a deadline (the claim protocol): no abort point may drop it.
for (const [api, bound] of [["timeout", timeout], ["timeoutAt", timeoutAt]] as const) {
  Deno.test(`${api} around a recv aborted at any point aborts the work and loses nothing`, async () => {
    await injectAborts("time", api, () => {
      const clock = new FakeClock();
      const [tx, rx] = mpsc<string>(1);
      const taken: string[] = [];
      let workSignal: AbortSignal | undefined;
      return {
        call: (signal) =>
          bound(20, async (s) => {
            workSignal = s;
            const result = await rx.recv({ signal: s });
            if (!result.done) taken.push(result.value);
            return result;
          }, { signal, clock }),
        async drive(point) {
          await clock.tick(5);
          await point();
          tx.trySend("m");
          tx.close();
          await clock.tick(20);
        },
        check(outcome) {
          assert.equal(clock.pending, 0);
          const got: string[] = [];
          if (outcome.status === "fulfilled") {
            if (!outcome.value.done) got.push(outcome.value.value);
            assert.deepEqual(got, taken);
          } else {
            assert.equal(workSignal?.aborted ?? true, true);
            assert.deepEqual(taken, [], "the work took the message, then the call rejected");
          }
          const rest = rx.tryRecv();
          if (rest !== undefined && !rest.done) got.push(rest.value);
          assert.deepEqual(got, ["m"]);
        },
      };
    });
  });
}

Deno.test("Interval tick aborted at any point consumes no tick and leaves no timer", async () => {
  await injectAborts("time", "Interval.tick", async () => {
    const clock = new FakeClock();
    const ticks = interval(10, { clock });
    assert.equal(await ticks.tick(), 0);
    return {
      call: (signal) => ticks.tick({ signal }),
      async drive(point) {
        await clock.tick(5);
        await point();
        await clock.tick(5);
      },
      async check(outcome) {
        assert.equal(clock.pending, 0);
        assert.equal(await valueOrNext(outcome, () => ticks.tick()), 10);
        const after = ticks.tick();
        await clock.tick(10);
        assert.equal(await soon(after, "the tick after"), 20);
        assert.equal(clock.pending, 0);
      },
    };
  });
});

Deno.test("RateLimiter acquire aborted at any point takes no token and lets the next waiter up", async () => {
  await injectAborts("time", "RateLimiter.acquire", () => {
    const clock = new FakeClock();
    const limiter = new RateLimiter({ rate: 1, per: 10, burst: 1, clock });
    assert.ok(limiter.tryAcquire());
    let behind: Promise<void> | undefined;
    let behindAt: number | undefined;
    return {
      call: (signal) => limiter.acquire(1, { signal }),
      async drive(point) {
        behind = limiter.acquire(1).then(() => {
          behindAt = clock.now();
        });
        await clock.tick(5);
        await point();
        await clock.tick(5);
        await point();
        await clock.tick(10);
      },
      async check(outcome) {
        await soon(behind!, "the waiter behind");
        // One token per 10 ms: the waiter behind is served at 20 ms after a
        // successful acquire, at 10 ms when the aborted one took nothing.
        assert.equal(behindAt, outcome.status === "fulfilled" ? 20 : 10);
        assert.ok(Math.abs(limiter.available - (outcome.status === "fulfilled" ? 0 : 1)) < 1e-6);
        assert.equal(clock.pending, 0);
      },
    };
  });
});

Deno.test("retry aborted at any point starts no attempt after the abort and leaves no timer", async () => {
  await injectAborts("time", "retry", () => {
    const clock = new FakeClock();
    const attempts: { signal: AbortSignal; at: number; slept: boolean }[] = [];
    let afterAbort = 0;
    return {
      call(signal) {
        return retry(async (attemptSignal, attempt) => {
          if (signal.aborted) afterAbort++;
          const record = { signal: attemptSignal, at: clock.now(), slept: false };
          attempts.push(record);
          await sleep(4, { signal: attemptSignal, clock });
          record.slept = true;
          if (attempt < 3) throw new Error(`attempt ${attempt} failed`);
          return attempt;
        }, { minDelay: 10, jitter: "none", maxAttempts: 3, signal, clock });
      },
      async drive(point) {
        for (let i = 0; i < 4; i++) {
          await point();
          await clock.tick(7);
        }
        await clock.runAll();
      },
      check(outcome) {
        assert.equal(clock.pending, 0);
        if (outcome.status === "fulfilled") {
          assert.equal(outcome.value, 3);
          assert.deepEqual(attempts.map((a) => a.at), [0, 14, 38]);
        } else {
          assert.equal(afterAbort, 0, "no attempt starts after the abort");
          // The attempt running at the abort was told to stop.
          for (const a of attempts) assert.ok(a.slept || a.signal.aborted);
        }
      },
    };
  });
});

Deno.test("abort injection report for time: every API aborted mid-call more than once", () => {
  console.log(describeCoverage("time"));
  for (const [api, { points, whilePending }] of coverageOf("time")) {
    assert.ok(whilePending >= 2 && points >= whilePending, api);
  }
});
