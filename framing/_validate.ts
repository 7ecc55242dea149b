/** Throws a RangeError naming `name` unless `value` is a non-negative safe integer. */
export function checkCount(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`'${name}' must be a non-negative integer: received ${value}`);
  }
  return value;
}

/** As {@linkcode checkCount}, also allowing `Infinity` (no limit). */
export function checkLimit(name: string, value: number): number {
  return value === Infinity ? value : checkCount(name, value);
}
