/**
 * Reads in a row after which a read loop waits one macrotask. A source whose
 * reads resolve at once (in memory, or hostile) would otherwise keep a loop
 * in microtasks for good: timers, I/O, and the abort signals they fire would
 * never get a turn. Against a socket, reads wait for I/O anyway, so one timer
 * per this many reads costs nothing measurable.
 */
const READS_PER_TURN = 64;

/**
 * Counts one read of a loop; every {@linkcode READS_PER_TURN}th call returns
 * a promise that settles on the next macrotask (await it), else `undefined`.
 */
export class Pacer {
  #reads = 0;

  step(): Promise<void> | undefined {
    if (++this.#reads < READS_PER_TURN) return undefined;
    this.#reads = 0;
    return new Promise((resolve) => setTimeout(resolve, 0));
  }
}
