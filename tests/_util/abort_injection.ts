// Abort injection: runs a scenario once per abort point, aborting the
// signal of the call under test at that point, and checks an invariant
// after every run ("no permit held", "no message lost", ...).
//
// Two granularities:
// - "turns": the scenario runs on promises alone (sync primitives, FakeClock,
//   in-memory duplex pipes). A baseline run counts the microtask turns until
//   the call settles; then the scenario is replayed with the abort injected
//   after 0, 1, 2, ... turns, so every await point of the call is hit.
// - "points": the scenario waits on real I/O (sockets), where microtask turns
//   do not make progress. It marks its steps with `await point()`, and the
//   abort is injected at each of them in turn.
// In both, one more run starts with an already aborted signal.

/** How a call under test settled. */
export type Settled<T> =
  | { readonly status: "fulfilled"; readonly value: T }
  | { readonly status: "rejected"; readonly reason: unknown };

/** One scenario, built afresh for every run. */
export interface AbortCase<T> {
  /** Starts the waiting call under test with `signal`. */
  call(signal: AbortSignal): Promise<T>;
  /**
   * Moves the world on (peers, the clock) so that the call can complete.
   * Must not depend on the call's outcome. `await point()` marks a step
   * where a "points" run may inject the abort.
   */
  drive?(point: () => Promise<void>): Promise<void>;
  /**
   * Checks the invariant once the call settled. `aborted` is whether the
   * abort was injected before the call settled.
   */
  check(outcome: Settled<T>, aborted: boolean): void | Promise<void>;
  /** Releases everything the run opened. */
  dispose?(): void | Promise<void>;
}

/** Options for {@linkcode injectAborts}. */
export interface InjectOptions {
  /** See the module comment. Default "turns". */
  granularity?: "turns" | "points";
  /**
   * Whether the call may reject with something other than the injected
   * reason (then `check` judges it). Default false: any other rejection fails.
   */
  otherRejections?: boolean;
  /** Most runs with an injected abort; more turns than this are sampled evenly. Default 1500. */
  maxRuns?: number;
}

/** Abort points covered for one API. */
export interface Coverage {
  /** Runs with an injected abort (one per abort point). */
  points: number;
  /** Of those, runs where the abort landed while the call was still pending. */
  whilePending: number;
}

const MAX_TURNS = 200_000;
const MAX_WAIT_MS = 5_000;
const coverage = new Map<string, Map<string, Coverage>>();

type Plan =
  | { readonly at: "never" }
  | { readonly at: "before" }
  | { readonly at: "turn" | "point"; readonly k: number };

interface RunResult {
  readonly aborted: boolean;
  readonly steps: number;
}

/**
 * Runs `make()`'s scenario once without an abort (which must fulfil), then
 * once per abort point, and records the points under `module`.
 *
 * @returns The number of abort points injected.
 */
export async function injectAborts<T>(
  module: string,
  api: string,
  make: () => AbortCase<T> | Promise<AbortCase<T>>,
  options: InjectOptions = {},
): Promise<number> {
  const { granularity = "turns", otherRejections = false, maxRuns = 1500 } = options;
  const label = `${module} ${api}`;
  const baseline = await runOnce(label, make, { at: "never" }, granularity, otherRejections);
  const plans: Plan[] = [{ at: "before" }];
  const at = granularity === "turns" ? "turn" : "point";
  const first = granularity === "turns" ? 0 : 1;
  const count = baseline.steps - first;
  const stride = Math.max(1, Math.ceil(count / maxRuns));
  for (let k = first; k < baseline.steps; k += stride) plans.push({ at, k });
  let whilePending = 0;
  for (const plan of plans) {
    const { aborted } = await runOnce(label, make, plan, granularity, otherRejections);
    if (aborted) whilePending++;
  }
  // A scenario whose call never waited tests nothing: the call settled
  // before every abort but the one given up front.
  if (whilePending < 2) {
    throw new Error(`${label}: only ${whilePending} of ${plans.length} aborts landed mid-call`);
  }
  const apis = coverage.get(module) ?? new Map<string, Coverage>();
  coverage.set(module, apis);
  const entry = apis.get(api) ?? { points: 0, whilePending: 0 };
  apis.set(api, entry);
  entry.points += plans.length;
  entry.whilePending += whilePending;
  return plans.length;
}

/** What {@linkcode injectAborts} recorded for `module`, per API. */
export function coverageOf(module: string): ReadonlyMap<string, Coverage> {
  return coverage.get(module) ?? new Map();
}

/** A line for the report: APIs, abort points, and how many landed mid-call. */
export function describeCoverage(module: string): string {
  const apis = [...coverageOf(module)];
  const points = apis.reduce((sum, [, c]) => sum + c.points, 0);
  const pending = apis.reduce((sum, [, c]) => sum + c.whilePending, 0);
  const each = apis.map(([api, c]) => `${api} ${c.points}`).join(", ");
  return `abort injection ${module}: ${apis.length} APIs, ${points} abort points ` +
    `(${pending} while the call was pending): ${each}`;
}

async function runOnce<T>(
  label: string,
  make: () => AbortCase<T> | Promise<AbortCase<T>>,
  plan: Plan,
  granularity: "turns" | "points",
  otherRejections: boolean,
): Promise<RunResult> {
  const scenario = await make();
  const controller = new AbortController();
  const listeners = countListeners(controller.signal);
  const reason = new DOMException(`Injected abort (${label})`, "AbortError");
  let outcome: Settled<T> | undefined;
  let aborted = false;
  const abort = () => {
    if (controller.signal.aborted) return;
    aborted = outcome === undefined;
    controller.abort(reason);
  };
  let points = 0;
  const point = (): Promise<void> => {
    points++;
    if (plan.at === "point" && plan.k === points) abort();
    return Promise.resolve();
  };
  try {
    if (plan.at === "before") abort();
    try {
      scenario.call(controller.signal).then(
        (value) => outcome = { status: "fulfilled", value },
        (reason) => outcome = { status: "rejected", reason },
      );
    } catch (error) {
      outcome = { status: "rejected", reason: error };
    }
    let steps: number;
    if (granularity === "turns") {
      steps = await runTurns(label, scenario, plan, abort, () => outcome !== undefined);
    } else {
      await point(); // right after the call started
      await scenario.drive?.(point);
      await point(); // the world is done moving
      await waitFor(label, () => outcome !== undefined);
      steps = points;
    }
    const settled = outcome!;
    if (settled.status === "rejected" && !otherRejections) {
      if (settled.reason !== reason) {
        throw new Error(`${label}: rejected with something other than the abort reason`, {
          cause: settled.reason,
        });
      }
    }
    if (!aborted && settled.status === "rejected" && settled.reason === reason) {
      throw new Error(`${label}: rejected with the abort reason though it settled first`);
    }
    if (plan.at === "never" && settled.status === "rejected" && !otherRejections) {
      throw new Error(`${label}: the run without an abort rejected`, { cause: settled.reason });
    }
    await scenario.check(settled, aborted);
    // A call that settled without an abort must not leave its abort
    // listener behind: long-lived signals would collect them.
    if (!controller.signal.aborted && listeners() > 0) {
      throw new Error(
        `${label}: ${listeners()} abort listeners left on the signal after it settled`,
      );
    }
    return { aborted, steps };
  } finally {
    await scenario.dispose?.();
  }
}

/**
 * Resolves what `promise` resolves, or throws once it stayed pending for
 * `turns` microtask turns: for waits that must complete without I/O or timers,
 * so a broken invariant fails the test instead of hanging it.
 */
export async function soon<T>(promise: Promise<T>, what: string, turns = 10_000): Promise<T> {
  let outcome: Settled<T> | undefined;
  promise.then(
    (value) => outcome = { status: "fulfilled", value },
    (reason) => outcome = { status: "rejected", reason },
  );
  for (let i = 0; outcome === undefined; i++) {
    if (i === turns) throw new Error(`Still pending after ${turns} microtask turns: ${what}`);
    await Promise.resolve();
  }
  if (outcome.status === "rejected") throw outcome.reason;
  return outcome.value;
}

/**
 * The call's value, or when it did not fulfil, what calling again gets:
 * for checking that an aborted call left its result for the next one.
 */
export function valueOrNext<T>(outcome: Settled<T>, again: () => Promise<T>): Promise<T> {
  return outcome.status === "fulfilled"
    ? Promise.resolve(outcome.value)
    : soon(again(), "the result the aborted call left behind");
}

/** Whether `promise` is still pending after `turns` microtask turns. */
export async function stillPending(promise: Promise<unknown>, turns = 50): Promise<boolean> {
  let done = false;
  promise.then(() => done = true, () => done = true);
  for (let i = 0; i < turns && !done; i++) await Promise.resolve();
  return !done;
}

/** Counts the "abort" listeners attached to `signal` and not yet removed. */
function countListeners(signal: AbortSignal): () => number {
  const live = new Set<unknown>();
  const add = signal.addEventListener.bind(signal);
  const remove = signal.removeEventListener.bind(signal);
  signal.addEventListener = (type: string, listener: unknown, options?: unknown) => {
    if (type === "abort" && listener !== null) live.add(listener);
    add(type, listener as EventListener, options as AddEventListenerOptions);
  };
  signal.removeEventListener = (type: string, listener: unknown, options?: unknown) => {
    if (type === "abort") live.delete(listener);
    remove(type, listener as EventListener, options as EventListenerOptions);
  };
  return () => live.size;
}

/** Steps microtask turns until the call settled and the drive finished. */
async function runTurns<T>(
  label: string,
  scenario: AbortCase<T>,
  plan: Plan,
  abort: () => void,
  settled: () => boolean,
): Promise<number> {
  let driven = scenario.drive === undefined;
  let driveError: unknown;
  scenario.drive?.(() => Promise.resolve()).then(
    () => driven = true,
    (error) => {
      driven = true;
      driveError = error;
    },
  );
  let turns = 0;
  while (!settled() || !driven) {
    if (plan.at === "turn" && plan.k === turns) abort();
    if (turns === MAX_TURNS) {
      throw new Error(`${label}: still pending after ${MAX_TURNS} microtask turns`);
    }
    await Promise.resolve();
    turns++;
  }
  if (driveError !== undefined) throw driveError;
  return turns;
}

/** Polls `condition` on macrotasks, failing after a bound instead of hanging. */
async function waitFor(label: string, condition: () => boolean): Promise<void> {
  const deadline = performance.now() + MAX_WAIT_MS;
  while (!condition()) {
    if (performance.now() > deadline) {
      throw new Error(`${label}: the call did not settle within ${MAX_WAIT_MS} ms`);
    }
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
}
