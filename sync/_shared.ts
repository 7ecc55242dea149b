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
