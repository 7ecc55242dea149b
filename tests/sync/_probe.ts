// Watches promises without awaiting them, so tests can assert "still
// pending" and ordering without sleeping.

/** How a watched promise has settled so far. */
export type Outcome<T> =
  | { state: "pending" }
  | { state: "fulfilled"; value: T }
  | { state: "rejected"; reason: unknown };

/** A promise under watch; `outcome` updates when it settles. */
export interface Probe<T> {
  readonly promise: Promise<T>;
  readonly outcome: Outcome<T>;
}

/** Starts watching `promise` (its rejection is handled, never unhandled). */
export function probe<T>(promise: Promise<T>): Probe<T> {
  const watched: { promise: Promise<T>; outcome: Outcome<T> } = {
    promise,
    outcome: { state: "pending" },
  };
  promise.then(
    (value) => watched.outcome = { state: "fulfilled", value },
    (reason) => watched.outcome = { state: "rejected", reason },
  );
  return watched;
}

/** Lets every already-queued promise reaction run. */
export async function flush(): Promise<void> {
  for (let i = 0; i < 8; i++) await Promise.resolve();
}

/** Records the order in which promises settle: `log` gets `name` on fulfilment. */
export function track(log: string[], name: string, promise: Promise<unknown>): Promise<void> {
  return promise.then(() => {
    log.push(name);
  });
}
