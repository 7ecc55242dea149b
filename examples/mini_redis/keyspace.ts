/**
 * The mini-redis keyspace: keys (byte strings: one character per byte, see
 * `byteString`, so any bytes are a key) to byte-string values, with
 * expiry times, expired on access and by a periodic sweep (Redis's lazy
 * and active expiry).
 *
 * @module
 */
import { type Clock, systemClock } from "@weir/weir/time";

/** Options for {@linkcode Keyspace}. */
export interface KeyspaceOptions {
  /** Where expiry times are read. Default `systemClock`. */
  clock?: Clock;
}

/**
 * Keys to values, with optional expiry times (clock milliseconds).
 *
 * An expired key is gone for every reader at once (`get`, `has`), and its
 * memory is reclaimed when it is next touched or by {@linkcode Keyspace.prototype.sweep}.
 * `size` counts keys not reclaimed yet, as Redis's `DBSIZE` does.
 *
 * @example Usage
 * ```ts
 * import { Keyspace } from "./keyspace.ts";
 * import { FakeClock } from "@weir/weir/time";
 * import assert from "node:assert/strict";
 *
 * const clock = new FakeClock();
 * const db = new Keyspace({ clock });
 * db.set("k", new Uint8Array([1]), clock.now() + 100);
 * assert.ok(db.has("k"));
 * await clock.tick(100);
 * assert.ok(!db.has("k"));
 * ```
 */
export class Keyspace {
  readonly #clock: Clock;
  readonly #data = new Map<string, Uint8Array>();
  /** Keys with an expiry time; kept apart so keys without one cost no check. */
  readonly #expires = new Map<string, number>();
  /** Where the sweep goes on from: a live iterator over `#expires`. */
  #cursor: Iterator<[string, number]> | undefined;

  /** @param options The clock. */
  constructor(options: KeyspaceOptions = {}) {
    this.#clock = options.clock ?? systemClock;
  }

  /** How many keys are held (expired ones included until reclaimed). */
  get size(): number {
    return this.#data.size;
  }

  /** The current time on this keyspace's clock. */
  now(): number {
    return this.#clock.now();
  }

  /** The value of `key`, or `undefined` when it is absent or expired. */
  get(key: string): Uint8Array | undefined {
    const value = this.#data.get(key);
    if (value === undefined || this.#expires.size === 0) return value;
    return this.#expired(key) ? undefined : value;
  }

  /** Whether `key` is present and not expired. */
  has(key: string): boolean {
    return this.get(key) !== undefined;
  }

  /**
   * Sets `key`. `expiresAt` is a clock time, `undefined` for none, or
   * `"keep"` to keep the key's current expiry (Redis's `KEEPTTL`).
   */
  set(key: string, value: Uint8Array, expiresAt: number | "keep" | undefined): void {
    this.#data.set(key, value);
    if (expiresAt === "keep") return;
    if (expiresAt === undefined) {
      if (this.#expires.size > 0) this.#expires.delete(key);
    } else {
      this.#expires.set(key, expiresAt);
    }
  }

  /**
   * Milliseconds until `key` expires: `-1` when it has no expiry, `-2`
   * when it is absent (Redis's `PTTL`).
   */
  ttl(key: string): number {
    if (!this.has(key)) return -2;
    const expiresAt = this.#expires.get(key);
    return expiresAt === undefined ? -1 : Math.max(0, Math.ceil(expiresAt - this.#clock.now()));
  }

  /** Removes every key. */
  clear(): void {
    this.#data.clear();
    this.#expires.clear();
    this.#cursor = undefined;
  }

  /** Removes `key`; `true` when it was present and not expired. */
  delete(key: string): boolean {
    const present = this.has(key);
    this.#data.delete(key);
    this.#expires.delete(key);
    return present;
  }

  /**
   * Reclaims expired keys, looking at no more than `budget` keys with an
   * expiry, going on next time where this call stopped, so every such key
   * is visited in turn however large the keyspace. Returns how many keys it
   * removed.
   */
  sweep(budget: number): number {
    const now = this.#clock.now();
    let removed = 0;
    for (let seen = 0; seen < budget && this.#expires.size > 0; seen++) {
      this.#cursor ??= this.#expires.entries();
      const next = this.#cursor.next();
      if (next.done) {
        this.#cursor = undefined;
        continue;
      }
      const [key, expiresAt] = next.value;
      if (expiresAt <= now) {
        this.#data.delete(key);
        this.#expires.delete(key);
        removed++;
      }
    }
    return removed;
  }

  #expired(key: string): boolean {
    const expiresAt = this.#expires.get(key);
    if (expiresAt === undefined || expiresAt > this.#clock.now()) return false;
    this.#data.delete(key);
    this.#expires.delete(key);
    return true;
  }
}
