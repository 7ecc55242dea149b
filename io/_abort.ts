import { claimSignal } from "../sync/select_safety.ts";
import type { IoOptions } from "./io_options.ts";
import type { Reader, Writer } from "./types.ts";

/**
 * A reader or writer called with `{ signal }` as a second argument: weir's
 * own readers and writers (the duplex ends, `BufReader`, `BufWriter`) stop
 * waiting on abort and leave no trace; others (`Deno.Conn`) ignore it.
 */
export type SignalReader = Reader & {
  read(p: Uint8Array, options?: IoOptions): Promise<number | null>;
};
/** See {@linkcode SignalReader}. */
export type SignalWriter = Writer & {
  write(p: Uint8Array, options?: IoOptions): Promise<number>;
};

/**
 * Claims `signal` for its `select` branch right before bytes are taken (see
 * `sync/select_safety.ts`): throws `signal.reason` when it is aborted, or when its
 * select chose another branch, so that nothing is taken.
 */
export function claimOrThrow(signal: AbortSignal | undefined): void {
  if (!claimSignal(signal)) throw signal!.reason;
}
