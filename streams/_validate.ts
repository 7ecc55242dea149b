/** Throws a `TypeError` naming `name` unless `source` is an `AsyncIterable` or a `ReadableStream`. */
export function checkSource(source: unknown, name = "source"): void {
  if (
    source instanceof ReadableStream ||
    (source !== null && source !== undefined &&
      typeof (source as Partial<AsyncIterable<unknown>>)[Symbol.asyncIterator] === "function")
  ) return;
  throw new TypeError(
    `${name} must be an AsyncIterable or a ReadableStream, got ${describe(source)}`,
  );
}

/** Throws a `TypeError` naming `name` unless `fn` is a function. */
export function checkFunction(fn: unknown, name = "fn"): void {
  if (typeof fn !== "function") {
    throw new TypeError(`${name} must be a function, got ${describe(fn)}`);
  }
}

/** Throws unless `n` is an integer >= `min`: `TypeError` for a non-number, else `RangeError`. */
export function checkCount(n: unknown, name: string, min: number): void {
  if (typeof n !== "number") throw new TypeError(`${name} must be a number, got ${describe(n)}`);
  if (!Number.isInteger(n) || n < min) {
    throw new RangeError(`${name} must be an integer >= ${min}, got ${n}`);
  }
}

/** Throws unless `ms` is a finite number >= 0: `TypeError` for a non-number, else `RangeError`. */
export function checkMs(ms: unknown, name: string): void {
  if (typeof ms !== "number") throw new TypeError(`${name} must be a number, got ${describe(ms)}`);
  if (!(ms >= 0 && ms !== Infinity)) {
    throw new RangeError(`${name} must be a finite number of milliseconds >= 0, got ${ms}`);
  }
}

function describe(value: unknown): string {
  return value === null ? "null" : typeof value;
}
