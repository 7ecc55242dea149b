const ignore = () => {};

/**
 * Runs async tasks one at a time, in call order. A caller whose signal
 * aborts while it waits for its turn is rejected at once with
 * `signal.reason`, and its task is skipped when the turn comes (so later
 * callers keep their order). Once a task has started, it handles aborts
 * itself.
 */
export class Serial {
  #tail: Promise<unknown> | undefined;
  #ticket = 0;
  /** The task started with nobody ahead, while it runs. */
  #alone: Promise<unknown> | undefined;
  /** Made on the first task (a line never used holds no function). */
  #clearAlone: (() => void) | undefined;

  /** No task is running or waiting: a caller may act synchronously. */
  get idle(): boolean {
    return this.#tail === undefined;
  }

  run<R>(task: () => Promise<R>, signal: AbortSignal | undefined): Promise<R> {
    const previous = this.#tail;
    if (previous === undefined) {
      // Nobody ahead: the task starts now, with no wrapper of its own. The
      // line is cleared by a reaction registered before the caller's, so
      // the caller's next call can take the synchronous path.
      let work: Promise<R>;
      try {
        signal?.throwIfAborted();
        work = task();
      } catch (error) {
        return Promise.reject(error);
      }
      this.#tail = this.#alone = work;
      const clear = this.#clearAlone ??= () => {
        if (this.#tail === this.#alone) this.#tail = undefined;
        this.#alone = undefined;
      };
      work.then(clear, clear);
      return work;
    }
    const ticket = ++this.#ticket;
    let started = false;
    const work = (async () => {
      if (previous !== undefined) await previous.then(ignore, ignore);
      started = true;
      try {
        signal?.throwIfAborted();
        return await task();
      } finally {
        // Cleared before `work` settles, so its caller's next call can take
        // the synchronous path.
        if (this.#ticket === ticket) this.#tail = undefined;
      }
    })();
    this.#tail = work;
    if (signal === undefined || previous === undefined) return work;
    return new Promise<R>((resolve, reject) => {
      const onAbort = () => {
        if (!started) reject(signal.reason);
      };
      signal.addEventListener("abort", onAbort, { once: true });
      work.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
    });
  }
}
