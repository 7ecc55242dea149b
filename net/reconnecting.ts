import { type Clock, systemClock } from "../time/clock.ts";
import { retry, type RetryOptions } from "../time/retry.ts";
import { sleep } from "../time/sleep.ts";

/** Where a {@linkcode Reconnecting} stands. */
export type ReconnectingState = "connecting" | "connected" | "backoff" | "closed";

/**
 * Options for {@linkcode reconnecting}: the backoff between attempts (the
 * options of `retry` from `@weir/weir/time`, with the same defaults except
 * that attempts never run out unless `maxAttempts` is given), and how a
 * live connection is checked, prepared and disposed of.
 *
 * @typeParam T The connection type.
 */
export interface ReconnectingOptions<T> extends
  Pick<
    RetryOptions,
    "minDelay" | "maxDelay" | "multiplier" | "jitter" | "random" | "retryIf" | "onRetry"
  > {
  /**
   * Failed attempts in a row after which it gives up: the state becomes
   * `"closed"` and waiting and later `get()` calls reject with the
   * `RetryError` (or the error `retryIf` refused).
   *
   * @default {Infinity}
   */
  maxAttempts?: number | undefined;
  /**
   * A time limit on one attempt (`connect` and `onConnect`), in
   * milliseconds: the attempt's signal aborts and it counts as failed.
   *
   * @default {Infinity}
   */
  connectTimeout?: number | undefined;
  /**
   * Says whether a connection is still usable, checked by every `get()`
   * and every health check; `false` replaces it. A connection whose
   * `closed` promise settles (as `Pipeline`, `Multiplex` and `Connection`
   * have) is replaced without it.
   *
   * @default {undefined}
   */
  isAlive?: ((value: T) => boolean) | undefined;
  /**
   * Probes a connection every `healthCheckInterval` ms (a `PING`, a
   * `SELECT 1`); a throw or rejection replaces it. Its signal aborts when
   * the connection is replaced or `close()` is called.
   *
   * @default {undefined}
   */
  healthCheck?:
    | ((value: T, options: { signal: AbortSignal }) => unknown)
    | undefined;
  /**
   * Milliseconds between the end of one health check and the start of the
   * next.
   *
   * @default {30000}
   */
  healthCheckInterval?: number | undefined;
  /**
   * Prepares each new connection before `get()` hands it out (log in,
   * select a database, subscribe again); a throw or rejection disposes of
   * it and counts as a failed attempt.
   *
   * @default {undefined}
   */
  onConnect?: ((value: T) => unknown) | undefined;
  /**
   * Disposes of a connection that is replaced, or the live one on
   * `close()`. Errors are ignored. A graceful `close()` waits for the
   * replies still due; for a `Pipeline` or `Multiplex` that a health check
   * found stuck, `(client) => client.abort()` ends it at once.
   *
   * @default {calls `value.close()`, else `value[Symbol.asyncDispose]()`, when present}
   */
  destroy?: ((value: T) => unknown) | undefined;
  /**
   * Where backoff delays and health-check intervals read time; pass a
   * `FakeClock` in tests.
   *
   * @default {systemClock}
   */
  clock?: Clock | undefined;
}

/** Options of {@linkcode Reconnecting.prototype.get}. */
export interface ReconnectingGetOptions {
  /**
   * Stops waiting, rejecting with `signal.reason`; the reconnection goes on.
   *
   * @default {undefined}
   */
  signal?: AbortSignal | undefined;
}

interface Waiter<T> {
  resolve(value: T): void;
  reject(error: unknown): void;
}

function checkMs(name: string, value: number): void {
  if (!(value >= 0)) {
    throw new RangeError(
      `'${name}' must be a non-negative number of milliseconds: received ${value}`,
    );
  }
}

function defaultDestroy(value: unknown): unknown {
  const target = value as { close?: () => unknown; [Symbol.asyncDispose]?: () => unknown };
  if (typeof target?.close === "function") return target.close();
  if (typeof target?.[Symbol.asyncDispose] === "function") return target[Symbol.asyncDispose]!();
}

/**
 * One live connection that replaces itself when it fails; made by
 * {@linkcode reconnecting}.
 *
 * `get()` resolves the live connection, waiting while a new one is being
 * made. A connection is replaced when its `closed` promise settles, when
 * `isAlive` says no, or when a health check fails; new ones are made with
 * exponential backoff and jitter between failed attempts (the options of
 * `retry`), and each is prepared by `onConnect` before anyone gets it.
 *
 * Requests that were in flight on a connection that failed are not
 * replayed (only the caller knows whether that is safe): they fail as the
 * connection does, and the caller's next `get()` gets the new connection.
 *
 * @typeParam T The connection type.
 *
 * @example Replaced when its `closed` promise settles
 * ```ts
 * import { Reconnecting } from "@weir/weir/net";
 * import assert from "node:assert/strict";
 *
 * let made = 0;
 * const ends: (() => void)[] = [];
 * const conn = new Reconnecting(() => {
 *   const { promise, resolve } = Promise.withResolvers<void>();
 *   ends.push(resolve);
 *   return { id: ++made, closed: promise };
 * }, { minDelay: 0 });
 * assert.equal((await conn.get()).id, 1);
 * ends[0]!(); // the connection ends
 * await new Promise((resolve) => setTimeout(resolve, 0));
 * assert.equal((await conn.get()).id, 2);
 * await conn.close();
 * ```
 */
export class Reconnecting<T> implements AsyncDisposable {
  readonly #connect: (options: { signal: AbortSignal }) => T | PromiseLike<T>;
  readonly #options: ReconnectingOptions<T>;
  readonly #destroy: (value: T) => unknown;
  readonly #clock: Clock;
  readonly #interval: number;
  /** Aborted by `close()`: stops attempts, backoff and health checks. */
  readonly #stop = new AbortController();
  #state: ReconnectingState = "connecting";
  #current: T | undefined;
  #since = 0;
  /** Aborted when the current connection is replaced. */
  #generation: AbortController | undefined;
  #waiters = new Set<Waiter<T>>();
  #failure: unknown;
  #closing: Promise<void> | undefined;

  /**
   * Use {@linkcode reconnecting} to make one.
   *
   * @param connect Makes a connection.
   * @param options Backoff, checks and disposal.
   * @throws {TypeError} If `connect` is not a function.
   * @throws {RangeError} If `healthCheckInterval`, `connectTimeout` or
   * `maxAttempts` is out of range.
   */
  constructor(
    connect: (options: { signal: AbortSignal }) => T | PromiseLike<T>,
    options: ReconnectingOptions<T> = {},
  ) {
    if (typeof connect !== "function") {
      throw new TypeError(`'connect' must be a function: received ${typeof connect}`);
    }
    checkMs("healthCheckInterval", options.healthCheckInterval ?? 30_000);
    checkMs("connectTimeout", options.connectTimeout ?? Infinity);
    const maxAttempts = options.maxAttempts ?? Infinity;
    if (maxAttempts !== Infinity && !(Number.isSafeInteger(maxAttempts) && maxAttempts >= 1)) {
      throw new RangeError(
        `'maxAttempts' must be a positive integer or Infinity: received ${maxAttempts}`,
      );
    }
    this.#connect = connect;
    this.#options = options;
    this.#destroy = options.destroy ?? defaultDestroy;
    this.#clock = options.clock ?? systemClock;
    this.#interval = options.healthCheckInterval ?? 30_000;
    this.#run(0);
  }

  /**
   * Where it stands: `"connecting"` (an attempt is running),
   * `"connected"` (a live connection is ready), `"backoff"` (waiting
   * before the next attempt), `"closed"` (after `close()`, or after giving
   * up).
   *
   * @example Usage
   * ```ts
   * import { reconnecting } from "@weir/weir/net";
   * import assert from "node:assert/strict";
   *
   * const conn = reconnecting(() => ({ id: 1 }));
   * assert.equal(conn.state, "connecting");
   * await conn.get();
   * assert.equal(conn.state, "connected");
   * await conn.close();
   * assert.equal(conn.state, "closed");
   * ```
   */
  get state(): ReconnectingState {
    return this.#state;
  }

  /**
   * Resolves the live connection, first checking it with `isAlive`; waits
   * through a reconnection.
   *
   * **Cancellation:** an aborted call rejects with `signal.reason`; the
   * reconnection goes on for the next caller.
   *
   * **Select safety:** select-safe: it takes nothing (the connection stays
   * shared), so a losing branch leaves no trace.
   *
   * @param options Cancellation.
   * @returns The live connection.
   * @throws {Deno.errors.BadResource} (as a rejection) After `close()`.
   * @throws The `RetryError` (or the error `retryIf` refused) once it gave up.
   *
   * @example Usage
   * ```ts
   * import { reconnecting } from "@weir/weir/net";
   * import assert from "node:assert/strict";
   *
   * let made = 0;
   * const conn = reconnecting(() => ({ id: ++made, alive: true }), {
   *   isAlive: (c) => c.alive,
   * });
   * const first = await conn.get();
   * first.alive = false;
   * assert.equal((await conn.get()).id, 2); // replaced on the next get()
   * await conn.close();
   * ```
   */
  get(options?: ReconnectingGetOptions): Promise<T> {
    const signal = options?.signal;
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (this.#state === "closed") return Promise.reject(this.#refusal());
    const current = this.#current;
    if (current !== undefined) {
      if (this.#alive(current)) return Promise.resolve(current);
      this.#replace(current);
    }
    return new Promise<T>((resolve, reject) => {
      const onAbort = () => {
        this.#waiters.delete(waiter);
        reject(signal!.reason);
      };
      const waiter: Waiter<T> = {
        resolve: (value) => {
          signal?.removeEventListener("abort", onAbort);
          resolve(value);
        },
        reject: (error) => {
          signal?.removeEventListener("abort", onAbort);
          reject(error);
        },
      };
      this.#waiters.add(waiter);
      signal?.addEventListener("abort", onAbort, { once: true });
    });
  }

  /**
   * Stops: ends the attempt or backoff in progress and the health checks,
   * disposes of the live connection (awaiting `destroy`), and rejects
   * waiting and later `get()` calls with `Deno.errors.BadResource`.
   * Idempotent.
   *
   * @example Usage
   * ```ts
   * import { reconnecting } from "@weir/weir/net";
   * import assert from "node:assert/strict";
   *
   * const closed: number[] = [];
   * const conn = reconnecting(() => ({ close: () => void closed.push(1) }));
   * await conn.get();
   * await conn.close();
   * assert.deepEqual(closed, [1]);
   * await assert.rejects(conn.get(), Deno.errors.BadResource);
   * ```
   */
  close(): Promise<void> {
    return this.#closing ??= this.#shutdown(this.#refusal());
  }

  /**
   * Same as {@linkcode Reconnecting.prototype.close}, for `await using`.
   *
   * @example Usage
   * ```ts
   * import { reconnecting } from "@weir/weir/net";
   * import assert from "node:assert/strict";
   *
   * let closed = false;
   * {
   *   await using conn = reconnecting(() => ({ close: () => closed = true }));
   *   await conn.get();
   * }
   * assert.equal(closed, true);
   * ```
   */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  #refusal(): unknown {
    return this.#failure ?? new Deno.errors.BadResource("The reconnecting connection is closed");
  }

  #alive(value: T): boolean {
    const isAlive = this.#options.isAlive;
    if (isAlive === undefined) return true;
    try {
      return isAlive(value) !== false;
    } catch {
      return false;
    }
  }

  /** Drops `value` if it is still the current connection and starts over. */
  #replace(value: T): void {
    if (this.#current !== value || this.#state === "closed") return;
    this.#current = undefined;
    this.#generation?.abort();
    this.#generation = undefined;
    this.#dispose(value);
    // A connection that died young (a server that accepts and hangs up)
    // must not make a busy loop: wait `minDelay` before the next attempt.
    const lived = this.#clock.now() - this.#since;
    const minDelay = this.#options.minDelay ?? 100;
    this.#run(lived < minDelay ? minDelay : 0);
  }

  #dispose(value: T): Promise<void> {
    try {
      return Promise.resolve(this.#destroy(value)).then(() => {}, () => {});
    } catch {
      return Promise.resolve();
    }
  }

  async #run(delay: number): Promise<void> {
    const stop = this.#stop.signal;
    const options = this.#options;
    let value: T;
    try {
      if (delay > 0) {
        this.#state = "backoff";
        await sleep(delay, { signal: stop, clock: this.#clock });
      }
      this.#state = "connecting";
      const { connectTimeout = Infinity, maxAttempts = Infinity } = options;
      value = await retry((signal) => this.#attempt(signal), {
        minDelay: options.minDelay,
        maxDelay: options.maxDelay,
        multiplier: options.multiplier,
        jitter: options.jitter,
        random: options.random,
        retryIf: options.retryIf,
        maxAttempts: maxAttempts === Infinity ? Number.MAX_SAFE_INTEGER : maxAttempts,
        attemptTimeout: connectTimeout === Infinity ? undefined : connectTimeout,
        onRetry: (error, attempt, wait) => {
          this.#state = "backoff";
          options.onRetry?.(error, attempt, wait);
        },
        signal: stop,
        clock: this.#clock,
      });
    } catch (error) {
      if (stop.aborted) return; // closed
      this.#failure = error;
      this.#shutdown(error);
      return;
    }
    if (stop.aborted) {
      this.#dispose(value);
      return;
    }
    this.#install(value);
  }

  /** One attempt: connect, then `onConnect`; a connection that fails `onConnect` is disposed of. */
  async #attempt(signal: AbortSignal): Promise<T> {
    this.#state = "connecting";
    const value = await this.#connect({ signal });
    try {
      signal.throwIfAborted();
      await this.#options.onConnect?.(value);
      signal.throwIfAborted();
    } catch (error) {
      this.#dispose(value);
      throw error;
    }
    return value;
  }

  #install(value: T): void {
    this.#current = value;
    this.#since = this.#clock.now();
    this.#state = "connected";
    const generation = this.#generation = new AbortController();
    const closed = (value as { closed?: PromiseLike<unknown> } | null)?.closed;
    if (closed !== undefined && typeof closed.then === "function") {
      const replace = () => this.#replace(value);
      closed.then(replace, replace);
    }
    if (this.#options.healthCheck !== undefined) this.#scheduleCheck(value, generation.signal);
    const waiters = this.#waiters;
    this.#waiters = new Set();
    for (const waiter of waiters) waiter.resolve(value);
  }

  #scheduleCheck(value: T, signal: AbortSignal): void {
    const cancel = this.#clock.setTimer(() => {
      signal.removeEventListener("abort", cancel);
      this.#check(value, signal);
    }, this.#interval);
    signal.addEventListener("abort", cancel, { once: true });
  }

  async #check(value: T, signal: AbortSignal): Promise<void> {
    let healthy = this.#alive(value);
    if (healthy) {
      try {
        await this.#options.healthCheck!(value, { signal });
      } catch {
        healthy = false;
      }
    }
    if (signal.aborted) return; // replaced or closed meanwhile
    if (healthy) this.#scheduleCheck(value, signal);
    else this.#replace(value);
  }

  async #shutdown(error: unknown): Promise<void> {
    this.#state = "closed";
    this.#stop.abort(error);
    this.#generation?.abort();
    const waiters = this.#waiters;
    this.#waiters = new Set();
    for (const waiter of waiters) waiter.reject(error);
    const current = this.#current;
    this.#current = undefined;
    if (current !== undefined) await this.#dispose(current);
  }
}

/**
 * Keeps one live connection made by `connect`, replacing it when it fails
 * (its `closed` promise settles, `isAlive` says no, or a health check
 * fails), with `retry`'s backoff and jitter between failed attempts. The
 * first attempt starts at once. It also serves as the `create` of a `Pool`
 * (from `@weir/weir/sync`), so each pooled slot heals itself.
 *
 * @typeParam T The connection type.
 * @param connect Makes a connection; its signal aborts on `close()` or
 * when `connectTimeout` runs out.
 * @param options Backoff, checks, preparation and disposal.
 * @returns The self-healing connection.
 * @throws {TypeError} If `connect` is not a function.
 * @throws {RangeError} If `healthCheckInterval`, `connectTimeout` or
 * `maxAttempts` is out of range.
 *
 * @example A pipelined client that survives server restarts
 * ```ts
 * import { connect, Pipeline, reconnecting, serve } from "@weir/weir/net";
 * import { Framed, LinesCodec } from "@weir/weir/framing";
 * import assert from "node:assert/strict";
 *
 * await using server = serve({ hostname: "127.0.0.1", port: 0 }, async (conn) => {
 *   await using framed = new Framed(conn, new LinesCodec());
 *   for await (const line of framed) await framed.send(`+${line}`);
 * });
 * await using client = reconnecting(
 *   async ({ signal }) => new Pipeline<string, string>(await connect(server.addr, { signal }), new LinesCodec()),
 *   { onConnect: async (pipeline) => assert.equal(await pipeline.request("hello"), "+hello") },
 * );
 * const pipeline = await client.get();
 * assert.equal(await pipeline.request("ping"), "+ping");
 * ```
 *
 * @example As the `create` of a pool
 * ```ts
 * import { reconnecting } from "@weir/weir/net";
 * import { Pool } from "@weir/weir/sync";
 * import assert from "node:assert/strict";
 *
 * let made = 0;
 * const pool = new Pool({
 *   create: () => reconnecting(() => ({ id: ++made })),
 *   destroy: (slot) => slot.close(),
 *   max: 2,
 * });
 * const id = await pool.use(async (slot) => (await slot.get()).id);
 * assert.equal(id, 1);
 * await pool.drain();
 * ```
 */
export function reconnecting<T>(
  connect: (options: { signal: AbortSignal }) => T | PromiseLike<T>,
  options: ReconnectingOptions<T> = {},
): Reconnecting<T> {
  return new Reconnecting(connect, options);
}
