import type { RecvResult } from "./recv_result.ts";

/** A settled promise shared by every fast path that resolves `void`. */
export const RESOLVED: Promise<void> = Promise.resolve();

/** The one "closed and drained" result every receive hands out. */
export const DONE: RecvResult<never> = Object.freeze({ done: true, value: undefined });

/** A RangeError naming `name` unless `value` is an integer in `[min, max]`. */
export function integerError(
  name: string,
  value: number,
  min: number,
  max: number = Number.MAX_SAFE_INTEGER,
): RangeError | undefined {
  if (Number.isInteger(value) && value >= min && value <= max) return undefined;
  return new RangeError(`'${name}' must be an integer from ${min} to ${max}: received ${value}`);
}

/** Throws {@linkcode integerError}'s error, if any. */
export function checkInteger(name: string, value: number, min: number, max?: number): void {
  const error = integerError(name, value, min, max);
  if (error) throw error;
}

/**
 * The receivers of a broadcast or watch channel: how many are open, and the
 * senders' `closed`, which settles each time the count drops to 0 (a later
 * subscribe opens the channel again).
 */
export class ReceiverCount {
  receiverCount = 0;
  #closed: PromiseWithResolvers<void> | undefined;

  get closed(): Promise<void> {
    if (this.receiverCount === 0) return RESOLVED;
    return (this.#closed ??= Promise.withResolvers()).promise;
  }

  /** Counts a receiver gone; the last one settles `closed`. */
  leave(): void {
    if (--this.receiverCount !== 0) return;
    this.#closed?.resolve();
    this.#closed = undefined;
  }
}
