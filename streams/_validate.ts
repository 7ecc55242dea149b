import type { StreamOptions } from "./types.ts";

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

/** Separates trailing options from the sources and validates the sources. */
export function splitOptions<S>(
  args: readonly (S | StreamOptions)[],
): [S[], StreamOptions | undefined] {
  const last = args.at(-1);
  const hasOptions = last !== undefined && last !== null && !(last instanceof ReadableStream) &&
    typeof (last as Partial<AsyncIterable<unknown>>)[Symbol.asyncIterator] !== "function" &&
    typeof last === "object";
  const sources = (hasOptions ? args.slice(0, -1) : args.slice()) as S[];
  sources.forEach((source, i) => checkSource(source, `sources[${i}]`));
  return [sources, hasOptions ? last as StreamOptions : undefined];
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
