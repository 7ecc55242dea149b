/**
 * The one call in progress on a reader or writer, so a second call can be
 * refused (with `Deno.errors.Busy`) instead of interleaving with it. A call
 * whose signal aborted counts as over at once: it rejects with the signal's
 * reason and takes nothing more, although its own code still unwinds for a
 * few microtasks (so a `select` loop may start the next call right away).
 */
export class CallGuard {
  #active = 0;
  #next = 0;
  #signal: AbortSignal | undefined;

  /** Whether a call is in progress. */
  get busy(): boolean {
    return this.#active !== 0 && this.#signal?.aborted !== true;
  }

  /** Marks a call as in progress; pass the result to `leave`. */
  enter(signal: AbortSignal | undefined): number {
    this.#signal = signal;
    this.#active = ++this.#next;
    return this.#active;
  }

  /** Ends call `call`, unless a later call has started since. */
  leave(call: number): void {
    if (this.#active === call) this.#active = 0;
  }
}
