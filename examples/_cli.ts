/**
 * Shared command-line helper for the examples (private: not part of weir).
 *
 * @module
 */

/**
 * Parses the value of `--flag` as an integer of at least `min`, or throws a
 * `RangeError` naming the flag.
 */
export function integerFlag(flag: string, value: string, min: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) {
    throw new RangeError(`--${flag} must be an integer >= ${min}: ${value}`);
  }
  return n;
}
