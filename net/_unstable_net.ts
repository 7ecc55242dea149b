/**
 * Whether `--unstable-net` (or `"unstable": ["net"]` in deno.json) is on.
 * `Deno.listenDatagram` exists exactly then; passing `reusePort` without the
 * flag makes Deno exit the process with code 70 instead of throwing, so
 * every caller checks first.
 */
export function unstableNetEnabled(): boolean {
  return typeof Deno.listenDatagram === "function";
}

/** Throws a clear error naming the flag when `--unstable-net` is off. */
export function requireUnstableNet(feature: string): void {
  if (!unstableNetEnabled()) {
    throw new Deno.errors.NotSupported(
      `${feature} needs Deno's unstable net APIs: run with --unstable-net or add "unstable": ["net"] to deno.json`,
    );
  }
}
