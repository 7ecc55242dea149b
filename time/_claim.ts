// time/'s side of the select-safety contract that sync/select_safety.ts
// defines and documents. time/ is a leaf (sync/ builds on it), so it cannot
// import that module; it takes part the way the contract lets any library
// take part: through the arbiter a signal carries under the registered
// symbol. `RateLimiter.acquire` claims before taking tokens; `timeout` and
// `retry` arbitrate the signal they hand their work, so once the work has
// taken something its result wins over a later deadline or abort.

const ARBITER: unique symbol = Symbol.for("@weir/weir/select-arbiter") as never;

type Arbitrated = AbortSignal & { [ARBITER]?: () => boolean };

/** `claimSignal` of sync/select_safety.ts. */
export function claim(signal: AbortSignal | undefined): boolean {
  if (signal === undefined) return true;
  if (signal.aborted) return false;
  const arbiter = (signal as Arbitrated)[ARBITER];
  return arbiter === undefined || arbiter();
}

/** `arbitrateSignal` of sync/select_safety.ts. */
export function registerClaim(signal: AbortSignal, arbiter: () => boolean): void {
  Object.defineProperty(signal, ARBITER, { value: arbiter, configurable: true, writable: true });
}
