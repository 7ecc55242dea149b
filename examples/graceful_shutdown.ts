/**
 * Graceful shutdown of worker tasks with a `CancellationToken` and a
 * `TaskTracker` (tokio-util's pair). `--workers` workers each start a job
 * on every tick of an `--interval` ms interval (the first tick at once) and
 * take `--job` ms per job. Each turn a worker `select`s between the
 * shutdown token and the next tick, the token first (`biased`), so it
 * notices shutdown within one tick and never starts a new job afterwards;
 * a job already running is allowed to finish.
 *
 * Shutdown starts on Ctrl+C (SIGINT) or SIGTERM, or after `--duration` ms
 * if given. The main task then waits for the tracker: once every worker
 * has stopped it prints `all workers stopped`. If that takes longer than
 * `--grace` ms, it cancels a second token that aborts the running jobs.
 *
 * ```sh
 * deno run examples/graceful_shutdown.ts [--workers 3] [--interval 100] [--job 30] \
 *   [--duration 0] [--grace 1000]
 * ```
 *
 * `--duration 0` (the default) runs until Ctrl+C.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { CancellationToken, select, TaskTracker } from "@weir/weir/sync";
import { interval, sleep, systemClock, timeout } from "@weir/weir/time";
import { type ExampleRunOptions, integerFlag } from "./_cli.ts";

/** How {@linkcode main} is run: a shutdown signal, where lines are printed, the clock. */
export type RunOptions = Pick<ExampleRunOptions, "signal" | "log" | "clock">;

/** How the shutdown went. */
export interface ShutdownResult {
  /** Jobs started, by worker. */
  jobs: number[];
  /** Whether the grace period ran out and running jobs were aborted. */
  forced: boolean;
  /** Milliseconds from the start until every worker had stopped. */
  stoppedAt: number;
}

/** Runs the workers until shutdown, then drains them (see the module doc). */
export async function main(args: string[], options: RunOptions = {}): Promise<ShutdownResult> {
  const { signal, log = console.log, clock = systemClock } = options;
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      workers: { type: "string", default: "3" },
      interval: { type: "string", default: "100" },
      job: { type: "string", default: "30" },
      duration: { type: "string", default: "0" },
      grace: { type: "string", default: "1000" },
    },
  });
  const workers = integerFlag("workers", values.workers, 1);
  const period = integerFlag("interval", values.interval, 1);
  const jobMs = integerFlag("job", values.job, 0);
  const duration = integerFlag("duration", values.duration, 0);
  const grace = integerFlag("grace", values.grace, 0);
  const start = clock.now();
  const elapsed = () => Math.round(clock.now() - start);
  const print = (line: string) => log(`[${elapsed()} ms] ${line}`);

  const shutdown = new CancellationToken(); // "stop taking new work"
  const force = new CancellationToken(); // "abandon the work in hand"
  const stop = () => shutdown.cancel();
  signal?.addEventListener("abort", stop, { once: true });
  if (signal?.aborted) stop();
  if (duration > 0) sleep(duration, { signal: shutdown.signal, clock }).then(stop, () => {});

  const worker = async (id: number): Promise<number> => {
    const ticks = interval(period, { clock });
    let jobs = 0;
    for (;;) {
      const next = await select([
        (signal) => shutdown.cancelled({ signal }),
        (signal) => ticks.tick({ signal }),
      ], { biased: true });
      if (next.index === 0) break;
      print(`worker ${id}: job ${++jobs} started`);
      try {
        await sleep(jobMs, { signal: force.signal, clock });
      } catch (error) {
        if (error !== force.signal.reason) throw error;
        print(`worker ${id}: job ${jobs} abandoned`);
        return jobs;
      }
      print(`worker ${id}: job ${jobs} done`);
    }
    print(`worker ${id}: stopped after ${jobs} jobs`);
    return jobs;
  };

  const tracker = new TaskTracker();
  const jobs = Array.from({ length: workers }, (_, i) => tracker.track(() => worker(i + 1)));
  tracker.close(); // no more workers are coming: wait() resolves once they all stop

  await shutdown.cancelled();
  signal?.removeEventListener("abort", stop);
  print("shutdown requested: letting running jobs finish");
  let forced = false;
  try {
    await timeout(grace, (signal) => tracker.wait({ signal }), { clock });
  } catch (error) {
    if (!(error instanceof DOMException && error.name === "TimeoutError")) throw error;
    forced = true;
    print(`grace period of ${grace} ms over: aborting ${tracker.size} running jobs`);
    force.cancel();
    await tracker.wait();
  }
  print("all workers stopped");
  return { jobs: await Promise.all(jobs), forced, stoppedAt: elapsed() };
}

if (import.meta.main) {
  const controller = new AbortController();
  const signals: Deno.Signal[] = Deno.build.os === "windows" ? ["SIGINT"] : ["SIGINT", "SIGTERM"];
  const onSignal = () => controller.abort();
  for (const name of signals) Deno.addSignalListener(name, onSignal);
  try {
    await main(Deno.args, { signal: controller.signal });
  } finally {
    for (const name of signals) Deno.removeSignalListener(name, onSignal);
  }
}
