/** Throws unless `value` is a number; `name` is the argument's name. */
function checkNumber(value: unknown, name: string): asserts value is number {
  if (typeof value !== "number") {
    throw new TypeError(`'${name}' must be a number: received ${typeof value}`);
  }
}

/** Throws a `RangeError` naming `name` unless `value` is a finite duration >= 0 (ms). */
export function checkDuration(value: number, name: string): void {
  checkNumber(value, name);
  if (!(value >= 0) || value === Infinity) {
    throw new RangeError(
      `'${name}' must be a non-negative finite number of milliseconds: received ${value}`,
    );
  }
}

/** Throws a `RangeError` naming `name` unless `value` is finite and > 0. */
export function checkPositive(value: number, name: string): void {
  checkNumber(value, name);
  if (!(value > 0) || value === Infinity) {
    throw new RangeError(`'${name}' must be a positive finite number: received ${value}`);
  }
}

/** Throws a `RangeError` naming `name` unless `value` is finite (a clock time or a delay in ms). */
export function checkFinite(value: number, name: string): void {
  checkNumber(value, name);
  if (!Number.isFinite(value)) {
    throw new RangeError(`'${name}' must be a finite number of milliseconds: received ${value}`);
  }
}

/** Throws a `RangeError` naming `name` unless `value` is an integer >= 1 or `Infinity`. */
export function checkCapacity(value: number, name: string): void {
  checkNumber(value, name);
  if (!(value === Infinity || (Number.isInteger(value) && value >= 1))) {
    throw new RangeError(`'${name}' must be an integer from 1, or Infinity: received ${value}`);
  }
}
