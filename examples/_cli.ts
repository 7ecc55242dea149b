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

/**
 * Parses the value of `--port` as a TCP/UDP port (0 asks for an ephemeral
 * one), or throws a `RangeError`.
 */
export function portFlag(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new RangeError(`--port must be a port number: ${value}`);
  }
  return port;
}
