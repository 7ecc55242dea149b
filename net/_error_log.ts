import type { Clock } from "../time/clock.ts";

/** Lines printed per window before the rest are only counted. */
const LINES_PER_WINDOW = 10;
const WINDOW_MS = 1_000;

/** The peer of `conn`, as `host:port` or a path, when there is one. */
function peerOf(conn: { remoteAddr: Deno.Addr } | undefined): string {
  if (conn === undefined) return "";
  try {
    const addr = conn.remoteAddr;
    if ("hostname" in addr) return `${addr.hostname}:${addr.port}: `;
    if ("path" in addr && addr.path) return `${addr.path}: `;
  } catch {
    // A socket closed under us may no longer know its peer.
  }
  return "";
}

/**
 * A server's default `onError`: one line per error (`name: message`, with
 * the peer's address), at most 10 per second; the ones over that are
 * counted and the count is printed with the next line that gets through.
 * A flood of failing peers costs a few lines a second, not a stack trace
 * each.
 */
export function rateLimitedLog(
  clock: Clock,
  print: (line: string) => void = (line) => console.error(line),
): (error: unknown, conn: { remoteAddr: Deno.Addr } | undefined) => void {
  let windowStart = -Infinity;
  let printed = 0;
  let suppressed = 0;
  return (error, conn) => {
    const now = clock.now();
    if (now - windowStart >= WINDOW_MS) {
      windowStart = now;
      printed = 0;
    }
    if (printed >= LINES_PER_WINDOW) {
      suppressed++;
      return;
    }
    printed++;
    const what = error instanceof Error
      ? `${error.name}: ${error.message}`
      : `${(error as { name?: unknown })?.name ?? "Error"}: ${String(error)}`;
    const more = suppressed > 0 ? ` (${suppressed} more not shown)` : "";
    suppressed = 0;
    print(`weir serve: ${peerOf(conn)}${what.replace(/\s*\n\s*/g, " ")}${more}`);
  };
}
