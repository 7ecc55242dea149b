import type { Clock } from "../time/clock.ts";

/** One re-armable timer on a {@linkcode Clock}; `onFire` runs when it fires. */
export class Alarm {
  readonly #clock: Clock;
  readonly #onFire: () => void;
  #cancel: (() => void) | undefined;
  #fired = false;

  constructor(clock: Clock, onFire: () => void) {
    this.#clock = clock;
    this.#onFire = onFire;
  }

  /** Whether the timer fired since it was last set. */
  get fired(): boolean {
    return this.#fired;
  }

  /** (Re)arms the timer `ms` from now. */
  set(ms: number): void {
    this.cancel();
    this.#cancel = this.#clock.setTimer(() => {
      this.#cancel = undefined;
      this.#fired = true;
      this.#onFire();
    }, ms);
  }

  /** Disarms the timer and forgets that it fired. */
  cancel(): void {
    this.#cancel?.();
    this.#cancel = undefined;
    this.#fired = false;
  }
}
