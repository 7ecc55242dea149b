// A `closed` promise made only when someone asks for it. Most framers are
// never asked, and an eager promise (its resolver functions, and the
// handler that keeps an unobserved rejection quiet) is memory every idle
// connection would hold.

const RESOLVED = Promise.resolve();

/** How something ended, and its `closed` promise on demand. */
export class Outcome {
  #ended: { error: { value: unknown } | undefined } | undefined;
  #promise: Promise<void> | undefined;
  #settle: PromiseWithResolvers<void> | undefined;

  /** Settled already. */
  get ended(): boolean {
    return this.#ended !== undefined;
  }

  /** Settles when it ends; rejects with the error that ended it. */
  get promise(): Promise<void> {
    if (this.#promise !== undefined) return this.#promise;
    const ended = this.#ended;
    if (ended === undefined) {
      this.#settle = Promise.withResolvers<void>();
      this.#promise = this.#settle.promise;
    } else {
      this.#promise = ended.error === undefined ? RESOLVED : Promise.reject(ended.error.value);
    }
    // Asking is not observing: a rejection nobody awaits stays quiet.
    this.#promise.catch(() => {});
    return this.#promise;
  }

  /** Ends it (the first call wins). */
  resolve(): void {
    this.#end(undefined);
  }

  /** Ends it with `error` (the first call wins). */
  reject(error: unknown): void {
    this.#end({ value: error });
  }

  #end(error: { value: unknown } | undefined): void {
    if (this.#ended !== undefined) return;
    this.#ended = { error };
    const settle = this.#settle;
    if (settle === undefined) return;
    this.#settle = undefined;
    if (error === undefined) settle.resolve();
    else settle.reject(error.value);
  }
}
