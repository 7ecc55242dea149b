import type { StreamOptions } from "./types.ts";

// Every bad-argument error reads `'name' must be ...: received X`, as in the
// rest of the package.

/** `name` quoted when it names an argument or property, as is when it describes one. */
function label(name: string): string {
  return /^[\w.[\]]+$/.test(name) ? `'${name}'` : name;
}

function describe(value: unknown): string {
  return value === null ? "null" : typeof value;
}

/** Throws a `TypeError` naming `name` unless `source` is an `AsyncIterable` or a `ReadableStream`. */
export function checkSource(name: string, source: unknown): void {
  if (
    source instanceof ReadableStream ||
    (source !== null && source !== undefined &&
      typeof (source as Partial<AsyncIterable<unknown>>)[Symbol.asyncIterator] === "function")
  ) return;
  throw new TypeError(
    `${label(name)} must be an AsyncIterable or a ReadableStream: received ${describe(source)}`,
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
  sources.forEach((source, i) => checkSource(`sources[${i}]`, source));
  return [sources, hasOptions ? last as StreamOptions : undefined];
}

/** Throws a `TypeError` naming `name` unless `fn` is a function. */
export function checkFunction(name: string, fn: unknown): void {
  if (typeof fn !== "function") {
    throw new TypeError(`${label(name)} must be a function: received ${describe(fn)}`);
  }
}

/** Throws unless `n` is an integer >= `min` (0 or 1): `TypeError` for a non-number, else `RangeError`. */
export function checkCount(name: string, n: unknown, min: 0 | 1): void {
  const kind = min === 0 ? "a non-negative integer" : "a positive integer";
  if (typeof n !== "number") {
    throw new TypeError(`${label(name)} must be ${kind}: received ${describe(n)}`);
  }
  if (!Number.isInteger(n) || n < min) {
    throw new RangeError(`${label(name)} must be ${kind}: received ${n}`);
  }
}

/** Throws unless `ms` is a finite number >= 0: `TypeError` for a non-number, else `RangeError`. */
export function checkMs(name: string, ms: unknown): void {
  const kind = "a non-negative finite number of milliseconds";
  if (typeof ms !== "number") {
    throw new TypeError(`${label(name)} must be ${kind}: received ${describe(ms)}`);
  }
  if (!(ms >= 0 && ms !== Infinity)) {
    throw new RangeError(`${label(name)} must be ${kind}: received ${ms}`);
  }
}
