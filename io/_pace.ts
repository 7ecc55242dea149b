/** Reads between two looks at the clock. */
const READS_PER_CHECK = 64;
/** Longest a read loop runs before it waits one macrotask. */
const SLICE_MS = 50;

/**
 * Lets a read loop give the event loop a turn. A source whose reads resolve
 * at once (in memory, or hostile) would otherwise keep a loop in microtasks
 * for good: timers, I/O, and the abort signals they fire would never run.
 * Every {@linkcode READS_PER_CHECK} reads the loop looks at the clock, and
 * once {@linkcode SLICE_MS} ms passed since its last turn it waits for one
 * timer. A timer costs about a millisecond, so this stays a small share of
 * any loop, and a socket loop (whose reads wait for I/O anyway) pays it at
 * most once per slice.
 */
export class Pacer {
  #reads = 0;
  #since = performance.now();

  /**
   * Counts one read; returns a promise to await when the loop must let the
   * event loop turn, else `undefined`.
   */
  step(): Promise<void> | undefined {
    if (++this.#reads < READS_PER_CHECK) return undefined;
    this.#reads = 0;
    if (performance.now() - this.#since < SLICE_MS) return undefined;
    return new Promise((resolve) =>
      setTimeout(() => {
        this.#since = performance.now();
        resolve();
      }, 0)
    );
  }
}
