import { claimSignal } from "../sync/select_safety.ts";

/**
 * The claim step (see `sync/select_safety.ts`) of a framed `next`: a frame exists
 * only once it is decoded, so when the caller's claim fails (its `select`
 * chose another branch) the frame is held for the next call, not lost.
 */
export class HeldFrame<T> {
  #frame: T | undefined = undefined;

  /** A frame is held back. */
  get holding(): boolean {
    return this.#frame !== undefined;
  }

  /** Holds `frame` for the next call. */
  hold(frame: T): void {
    this.#frame = frame;
  }

  /** Takes the frame held back, if any; throws `signal.reason` if it is aborted. */
  take(signal: AbortSignal | undefined): T | undefined {
    signal?.throwIfAborted();
    const frame = this.#frame;
    this.#frame = undefined;
    return frame;
  }

  /** Returns `frame` once `signal` is claimed; else holds it and throws `signal.reason`. */
  claim(frame: T | undefined, signal: AbortSignal | undefined): T | undefined {
    if (frame === undefined || claimSignal(signal)) return frame;
    this.#frame = frame;
    throw signal!.reason;
  }
}
