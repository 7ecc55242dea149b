import { type Clock, systemClock } from "../time/clock.ts";
import { UnaryStream } from "./_stream.ts";
import type { StreamSource, TimedStreamOptions } from "./types.ts";

/**
 * A stream over one source with one re-armable timer on the options' clock.
 * The timer wakes `wait()` when it fires and is disarmed when the stream
 * closes.
 */
export abstract class TimedStream<T, U> extends UnaryStream<T, U> {
  readonly #clock: Clock;
  #cancel: (() => void) | undefined;
  #fired = false;

  constructor(source: StreamSource<T>, options: TimedStreamOptions) {
    super(source, options.signal);
    this.#clock = options.clock ?? systemClock;
  }

  /** The clock the timer runs on. */
  protected get clock(): Clock {
    return this.#clock;
  }

  /** Whether the timer fired since it was last armed. */
  protected get fired(): boolean {
    return this.#fired;
  }

  /** (Re)arms the timer `ms` from now. */
  protected arm(ms: number): void {
    this.disarm();
    this.#cancel = this.#clock.setTimer(() => {
      this.#cancel = undefined;
      this.#fired = true;
      this.notify();
    }, ms);
  }

  /** Cancels the timer and forgets that it fired. */
  protected disarm(): void {
    this.#cancel?.();
    this.#cancel = undefined;
    this.#fired = false;
  }

  protected override teardown(reason: unknown): Promise<void> | void {
    this.disarm();
    return super.teardown(reason);
  }
}
