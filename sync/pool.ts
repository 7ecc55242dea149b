import { type Clock, systemClock } from "../time/clock.ts";
import { DurationHistogram } from "../time/duration_histogram.ts";
import { otelMeter, type OtelSpan, otelTracer, type TelemetryOptions } from "./otel.ts";
import { PoolTelemetry } from "./_pool_telemetry.ts";
import { claimSignal } from "./select_safety.ts";
import { abortableWait, noop } from "./_task_abort.ts";
import { callAsync } from "./_task_call.ts";
import { Waiter, WaitQueue } from "./wait_queue.ts";
import { PoolDrainedError } from "./pool_drained_error.ts";
import type { SyncWaitOptions } from "./wait_options.ts";

/** How a {@linkcode Pool} makes, checks and disposes of its resources, and its limits. */
export interface PoolOptions<T> extends TelemetryOptions {
  /**
   * Makes a new resource. Its `signal` aborts when the pool is drained while
   * the creation is in flight. A rejection is handed to the longest-waiting
   * {@linkcode Pool.prototype.acquire | acquire()}, if any.
   */
  create(signal: AbortSignal): T | PromiseLike<T>;
  /**
   * Disposes of a resource the pool no longer keeps (invalid, expired,
   * discarded, or drained). Errors are ignored, except that
   * {@linkcode PoolLease.prototype.discard | discard()} rejects with them.
   *
   * @default {undefined} (nothing to dispose of)
   */
  destroy?(value: T): void | PromiseLike<void>;
  /**
   * Checks an idle resource before it is lent; `false` (or a rejection)
   * destroys it and the borrower gets another. Newly created resources are
   * not checked.
   *
   * @default {undefined} (every resource is valid)
   */
  validate?(value: T): boolean | PromiseLike<boolean>;
  /**
   * How many resources the pool keeps, created at construction and topped up
   * after evictions. A failed background creation is not retried; the next
   * `acquire()` creates on demand and sees the error.
   *
   * @default {0}
   */
  min?: number;
  /**
   * The most resources that exist at once (lent, idle, being checked or
   * being created).
   *
   * @default {10}
   */
  max?: number;
  /**
   * How long, in milliseconds, `acquire()` waits before it rejects with a
   * `DOMException` named `TimeoutError`.
   *
   * @default {Infinity}
   */
  acquireTimeout?: number;
  /**
   * How long, in milliseconds, a resource may sit idle before it is
   * destroyed (at least that long; never below `min` resources).
   *
   * @default {Infinity}
   */
  idleTimeout?: number;
  /**
   * How long, in milliseconds after its creation, a resource is used: an
   * older one is destroyed when it is returned or found idle, never lent.
   *
   * @default {Infinity}
   */
  maxLifetime?: number;
  /**
   * The clock for timeouts and expiry; pass a `FakeClock` in tests.
   *
   * @default {systemClock}
   */
  clock?: Clock;
}

/**
 * A resource lent by a {@linkcode Pool}: use `value`, then give it back
 * with {@linkcode PoolLease.prototype.release | release()}, or destroy it
 * with {@linkcode PoolLease.prototype.discard | discard()} if it is broken.
 * `await using lease = await pool.acquire()` releases it when the scope
 * ends. Each lease ends once: later `release()`/`discard()` calls do nothing.
 *
 * @typeParam T The resource type.
 */
export interface PoolLease<T> extends AsyncDisposable {
  /** The borrowed resource. */
  readonly value: T;
  /**
   * Gives the resource back, synchronously: the longest waiting `acquire()`
   * gets it, or it becomes idle.
   *
   * @example Usage
   * ```ts
   * import { Pool } from "@weir/weir/sync";
   * import assert from "node:assert/strict";
   *
   * const pool = new Pool({ create: () => ({ id: 1 }), max: 1 });
   * const lease = await pool.acquire();
   * lease.release();
   * assert.equal(pool.idle, 1);
   * await pool.drain();
   * ```
   */
  release(): void;
  /**
   * Takes the resource out of the pool and destroys it, freeing its slot for
   * a new one.
   *
   * @returns A promise that settles like `destroy` did.
   *
   * @example Usage
   * ```ts
   * import { Pool } from "@weir/weir/sync";
   * import assert from "node:assert/strict";
   *
   * const destroyed: number[] = [];
   * const pool = new Pool({ create: () => 7, destroy: (n) => void destroyed.push(n) });
   * const lease = await pool.acquire();
   * await lease.discard();
   * assert.deepEqual(destroyed, [7]);
   * assert.equal(pool.size, 0);
   * await pool.drain();
   * ```
   */
  discard(): Promise<void>;
}

interface Entry<T> {
  readonly value: T;
  readonly created: number;
  idleSince: number;
}

/** A waiting `acquire`, with the timer of its `acquireTimeout`. */
class Borrower<T> extends Waiter<PoolLease<T>> {
  cancelTimer: () => void = noop;

  protected override aborted(): void {
    this.cancelTimer();
  }
}

/** What a lease calls to end itself. */
interface LeaseOwner<T> {
  release(entry: Entry<T>): void;
  discard(entry: Entry<T>): Promise<void>;
}

class Lease<T> implements PoolLease<T> {
  readonly value: T;
  readonly #entry: Entry<T>;
  #owner: LeaseOwner<T> | undefined;

  constructor(entry: Entry<T>, owner: LeaseOwner<T>) {
    this.value = entry.value;
    this.#entry = entry;
    this.#owner = owner;
  }

  release(): void {
    const owner = this.#owner;
    this.#owner = undefined;
    owner?.release(this.#entry);
  }

  discard(): Promise<void> {
    const owner = this.#owner;
    this.#owner = undefined;
    return owner === undefined ? Promise.resolve() : owner.discard(this.#entry);
  }

  [Symbol.asyncDispose](): Promise<void> {
    this.release();
    return Promise.resolve();
  }
}

function checkCount(name: string, value: number, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`'${name}' must be an integer from ${min} to ${max}: received ${value}`);
  }
}

function checkDuration(name: string, value: number): void {
  if (!(value >= 0)) {
    throw new RangeError(`'${name}' must be a duration of 0 ms or more: received ${value}`);
  }
}

/**
 * A pool of reusable resources (database or network connections, workers),
 * bounded by `max`, as bb8 or deadpool in Rust, with weir's cancellation
 * rules: a waiting {@linkcode Pool.prototype.acquire | acquire()} takes a
 * signal and holds nothing once aborted.
 *
 * - Borrowers are served first come, first served; a returned resource goes
 *   straight to the longest waiter.
 * - Idle resources are reused most recently returned first, so the surplus
 *   stays idle long enough for `idleTimeout` to reclaim it.
 * - `validate` checks an idle resource before lending it; a failed check
 *   destroys it and the borrower gets another.
 * - A failed `create` rejects the longest-waiting `acquire()`.
 * - `idleTimeout` and `maxLifetime` are enforced with one timer on the
 *   pool's clock, armed only while idle resources can expire: drain a pool
 *   that uses them, or the timer keeps the process alive.
 *
 * @typeParam T The resource type.
 *
 * @example Connection pool with a health check
 * ```ts
 * import { Pool } from "@weir/weir/sync";
 * import assert from "node:assert/strict";
 *
 * let made = 0;
 * await using pool = new Pool({
 *   create: () => ({ id: ++made, healthy: true }),
 *   validate: (conn) => conn.healthy,
 *   max: 2,
 * });
 * {
 *   await using lease = await pool.acquire();
 *   lease.value.healthy = false; // the connection broke while in use
 * }
 * const id = await pool.use((conn) => conn.id);
 * assert.equal(id, 2); // the broken one was replaced
 * assert.deepEqual([pool.size, pool.idle, pool.borrowed, pool.pending], [1, 1, 0, 0]);
 * ```
 */
export class Pool<T> implements AsyncDisposable {
  readonly #create: (signal: AbortSignal) => T | PromiseLike<T>;
  readonly #destroy: ((value: T) => void | PromiseLike<void>) | undefined;
  readonly #validate: ((value: T) => boolean | PromiseLike<boolean>) | undefined;
  readonly #min: number;
  readonly #max: number;
  readonly #acquireTimeout: number;
  readonly #idleTimeout: number;
  readonly #maxLifetime: number;
  readonly #clock: Clock;
  readonly #owner: LeaseOwner<T>;
  /** Idle resources, most recently returned last; `idleSince` never decreases. */
  #idle: Entry<T>[] = [];
  readonly #waiters = new WaitQueue<Borrower<T>>();
  #borrowed = 0;
  #creating = 0;
  #checking = 0;
  #destroying = new Set<Promise<unknown>>();
  #creation = new AbortController();
  #cancelReaper: (() => void) | undefined;
  #reaperAt = Infinity;
  #drained: PromiseWithResolvers<void> | undefined;
  #waitTime = new DurationHistogram();
  #telemetry: PoolTelemetry | undefined;

  /**
   * Creates the pool and starts creating `min` resources in the background.
   *
   * @param options The factory, the limits and the clock.
   * @throws {TypeError} If `create` is not a function.
   * @throws {RangeError} If `max` is not a positive integer, `min` not an
   * integer from 0 to `max`, or a duration negative or NaN.
   *
   * @example Usage
   * ```ts
   * import { Pool } from "@weir/weir/sync";
   * import assert from "node:assert/strict";
   *
   * const pool = new Pool({ create: () => "conn", min: 2, max: 4 });
   * assert.equal(pool.size, 2);
   * await pool.drain();
   * assert.throws(() => new Pool({ create: () => 1, min: 5, max: 4 }), RangeError);
   * ```
   */
  constructor(options: PoolOptions<T>) {
    const {
      create,
      destroy,
      validate,
      max = 10,
      min = 0,
      acquireTimeout = Infinity,
      idleTimeout = Infinity,
      maxLifetime = Infinity,
      clock = systemClock,
    } = options;
    if (typeof create !== "function") {
      throw new TypeError(`'create' must be a function: received ${typeof create}`);
    }
    checkCount("max", max, 1, Number.MAX_SAFE_INTEGER);
    checkCount("min", min, 0, max);
    checkDuration("acquireTimeout", acquireTimeout);
    checkDuration("idleTimeout", idleTimeout);
    checkDuration("maxLifetime", maxLifetime);
    this.#create = create;
    this.#destroy = destroy;
    this.#validate = validate;
    this.#min = min;
    this.#max = max;
    this.#acquireTimeout = acquireTimeout;
    this.#idleTimeout = idleTimeout;
    this.#maxLifetime = maxLifetime;
    this.#clock = clock;
    this.#owner = {
      release: (entry) => this.#release(entry),
      discard: (entry) => this.#discard(entry),
    };
    const meter = otelMeter(options.meter);
    const tracer = otelTracer(options.tracer);
    if (meter !== undefined || tracer !== undefined) {
      this.#telemetry = new PoolTelemetry(this, meter, tracer);
    }
    this.#fill();
  }

  /**
   * Every resource the pool holds or is making: idle, lent, being checked
   * by `validate`, or being created.
   *
   * @example Usage
   * ```ts
   * import { Pool } from "@weir/weir/sync";
   * import assert from "node:assert/strict";
   *
   * const pool = new Pool({ create: () => ({}) });
   * const lease = await pool.acquire();
   * assert.equal(pool.size, 1);
   * lease.release();
   * await pool.drain();
   * assert.equal(pool.size, 0);
   * ```
   */
  get size(): number {
    return this.#idle.length + this.#borrowed + this.#checking + this.#creating;
  }

  /**
   * The number of idle resources, ready to lend.
   *
   * @example Usage
   * ```ts
   * import { Pool } from "@weir/weir/sync";
   * import assert from "node:assert/strict";
   *
   * const pool = new Pool({ create: () => ({}) });
   * (await pool.acquire()).release();
   * assert.equal(pool.idle, 1);
   * await pool.drain();
   * ```
   */
  get idle(): number {
    return this.#idle.length;
  }

  /**
   * The number of resources currently lent out.
   *
   * @example Usage
   * ```ts
   * import { Pool } from "@weir/weir/sync";
   * import assert from "node:assert/strict";
   *
   * const pool = new Pool({ create: () => ({}) });
   * const lease = await pool.acquire();
   * assert.equal(pool.borrowed, 1);
   * lease.release();
   * assert.equal(pool.borrowed, 0);
   * await pool.drain();
   * ```
   */
  get borrowed(): number {
    return this.#borrowed;
  }

  /**
   * The number of `acquire()` calls waiting for a resource.
   *
   * @example Usage
   * ```ts
   * import { Pool } from "@weir/weir/sync";
   * import assert from "node:assert/strict";
   *
   * const pool = new Pool({ create: () => ({}), max: 1 });
   * const lease = await pool.acquire();
   * const next = pool.acquire();
   * assert.equal(pool.pending, 1);
   * lease.release();
   * (await next).release();
   * assert.equal(pool.pending, 0);
   * await pool.drain();
   * ```
   */
  get pending(): number {
    return this.#waiters.size;
  }

  /**
   * How long `acquire()` calls waited for a resource, in milliseconds (by
   * the pool's clock): one entry per call that got one, 0 when a resource
   * was idle. Calls that gave up are not in it.
   *
   * @example Usage
   * ```ts
   * import { Pool } from "@weir/weir/sync";
   * import { FakeClock } from "@weir/weir/time";
   * import assert from "node:assert/strict";
   *
   * const clock = new FakeClock();
   * const pool = new Pool({ create: () => ({}), max: 1, clock });
   * const lease = await pool.acquire();
   * const next = pool.acquire();
   * await clock.tick(30);
   * lease.release();
   * (await next).release();
   * assert.equal(pool.waitTime.count, 2);
   * assert.equal(pool.waitTime.max, 30);
   * await pool.drain();
   * ```
   */
  get waitTime(): DurationHistogram {
    return this.#waitTime;
  }

  /**
   * Borrows a resource: an idle one (checked by `validate` first), a new one
   * if the pool has room, or else the next one returned, waiting in FIFO
   * order. With an idle resource and no `validate`, the lease is ready
   * without waiting for anything.
   *
   * Cancel safety: aborting `options.signal` (or reaching `acquireTimeout`)
   * leaves the pool as if the call never happened, except that a resource
   * being created for it is kept for others.
   *
   * Select safety: select-safe (it claims its signal right before it
   * takes, see {@linkcode claimSignal}): a losing `select` branch takes nothing.
   *
   * @param options Optional `signal` to stop waiting.
   * @returns A lease on the resource.
   * @throws {PoolDrainedError} If the pool is draining or drained (also for
   * calls waiting when `drain()` starts).
   * @throws {DOMException} Named `TimeoutError` after `acquireTimeout` ms.
   *
   * @example Usage
   * ```ts
   * import { Pool } from "@weir/weir/sync";
   * import { FakeClock } from "@weir/weir/time";
   * import assert from "node:assert/strict";
   *
   * const clock = new FakeClock();
   * const pool = new Pool({ create: () => "conn", max: 1, acquireTimeout: 500, clock });
   * const lease = await pool.acquire();
   * const waiting = pool.acquire();
   * await clock.tick(500);
   * await assert.rejects(waiting, { name: "TimeoutError" });
   * lease.release();
   * await pool.drain();
   * ```
   */
  acquire(options: SyncWaitOptions = {}): Promise<PoolLease<T>> {
    const { signal } = options;
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (this.#drained !== undefined) return Promise.reject(new PoolDrainedError());
    if (this.#validate === undefined && this.#waiters.size === 0) {
      if (signal !== undefined && this.#idle.length !== 0 && !claimSignal(signal)) {
        return Promise.reject(signal.reason);
      }
      const entry = this.#takeIdle();
      if (entry !== undefined) {
        this.#waited(0);
        return Promise.resolve(this.#lend(entry));
      }
    }
    const start = this.#clock.now();
    const span = this.#telemetry?.waiting();
    const waiter = new Borrower<T>(signal);
    this.#waiters.push(waiter);
    if (this.#acquireTimeout !== Infinity) {
      const ms = this.#acquireTimeout;
      waiter.cancelTimer = this.#clock.setTimer(() => {
        if (waiter.queue !== undefined) this.#waiters.remove(waiter);
        waiter.reject(new DOMException(`Pool acquire timed out after ${ms} ms`, "TimeoutError"));
      }, ms);
    }
    this.#dispatch();
    waiter.promise.then(
      () => this.#waited(this.#clock.now() - start, span),
      (error) => this.#telemetry?.acquired(this.#clock.now() - start, span, error),
    );
    return waiter.promise;
  }

  /**
   * Borrows a resource, calls `fn` with it, and releases it however `fn`
   * ends.
   *
   * @typeParam R What `fn` returns.
   * @param fn Uses the resource.
   * @param options Optional `signal` for the acquire.
   * @returns What `fn` returned (awaited).
   *
   * @example Usage
   * ```ts
   * import { Pool } from "@weir/weir/sync";
   * import assert from "node:assert/strict";
   *
   * const pool = new Pool({ create: () => ({ queries: 0 }) });
   * const n = await pool.use((conn) => ++conn.queries);
   * assert.equal(n, 1);
   * assert.equal(pool.borrowed, 0);
   * await pool.drain();
   * ```
   */
  async use<R>(fn: (value: T) => R | PromiseLike<R>, options?: SyncWaitOptions): Promise<R> {
    const lease = await this.acquire(options);
    try {
      return await fn(lease.value);
    } finally {
      lease.release();
    }
  }

  /**
   * Shuts the pool down: stops lending (pending and later `acquire()` calls
   * reject with {@linkcode PoolDrainedError}), aborts creations in flight,
   * destroys idle resources, and destroys each lent one when it is returned.
   * Resolves once every resource is destroyed. Calling it again returns the
   * same outcome.
   *
   * Cancel safety: aborting `options.signal` only stops this wait; the pool
   * keeps draining.
   *
   * Select safety: select-safe; it takes nothing, so losing a `select`
   * loses nothing.
   *
   * @param options Optional `signal` to stop waiting.
   * @returns A promise that resolves once the pool holds nothing.
   *
   * @example Usage
   * ```ts
   * import { Pool } from "@weir/weir/sync";
   * import assert from "node:assert/strict";
   *
   * const closed: string[] = [];
   * const pool = new Pool({ create: () => "conn", destroy: (c) => void closed.push(c) });
   * const lease = await pool.acquire();
   * const drained = pool.drain();
   * await assert.rejects(pool.acquire(), { name: "PoolDrainedError" });
   * lease.release();
   * await drained;
   * assert.deepEqual(closed, ["conn"]);
   * ```
   */
  drain(options: SyncWaitOptions = {}): Promise<void> {
    if (this.#drained === undefined) {
      this.#drained = Promise.withResolvers();
      this.#creation.abort(new PoolDrainedError());
      this.#cancelReaper?.();
      this.#cancelReaper = undefined;
      for (let w = this.#waiters.shift(); w !== undefined; w = this.#waiters.shift()) {
        w.cancelTimer();
        w.reject(new PoolDrainedError());
      }
      for (const entry of this.#idle.splice(0)) this.#dispose(entry);
      const telemetry = this.#telemetry;
      if (telemetry !== undefined) this.#drained.promise.then(() => telemetry.drained(this));
      this.#settleDrain();
    }
    const drained = this.#drained.promise;
    return abortableWait<void>(options.signal, (resolve) => {
      drained.then(resolve);
      return noop;
    });
  }

  /**
   * Drains the pool: `await using pool = new Pool(...)`.
   *
   * @returns The promise of {@linkcode Pool.prototype.drain | drain()}.
   *
   * @example Usage
   * ```ts
   * import { Pool } from "@weir/weir/sync";
   * import assert from "node:assert/strict";
   *
   * const pool = new Pool({ create: () => 1, min: 1 });
   * await pool[Symbol.asyncDispose]();
   * assert.equal(pool.size, 0);
   * ```
   */
  [Symbol.asyncDispose](): Promise<void> {
    return this.drain();
  }

  #waited(ms: number, span?: OtelSpan): void {
    this.#waitTime.record(ms);
    this.#telemetry?.acquired(ms, span);
  }

  #lend(entry: Entry<T>): PoolLease<T> {
    this.#borrowed++;
    return new Lease(entry, this.#owner);
  }

  #expired(entry: Entry<T>): boolean {
    return this.#maxLifetime !== Infinity &&
      this.#clock.now() - entry.created >= this.#maxLifetime;
  }

  /** Pops the most recently returned idle resource, destroying expired ones. */
  #takeIdle(): Entry<T> | undefined {
    for (let entry = this.#idle.pop(); entry !== undefined; entry = this.#idle.pop()) {
      if (!this.#expired(entry)) return entry;
      this.#dispose(entry);
    }
    return undefined;
  }

  /** Starts supplying resources to borrowers that nothing is on its way to. */
  #dispatch(): void {
    while (this.#waiters.size > this.#checking + this.#creating) {
      const entry = this.#takeIdle();
      if (entry !== undefined) this.#offer(entry, this.#validate === undefined);
      else if (this.size < this.#max) this.#spawnCreate();
      else break;
    }
  }

  /** Tops the pool up to `min`. */
  #fill(): void {
    while (this.#drained === undefined && this.size < this.#min) this.#spawnCreate();
  }

  /** Hands a resource to the longest waiter, or makes it idle; checks it first unless `checked`. */
  #offer(entry: Entry<T>, checked: boolean): void {
    if (this.#drained !== undefined) this.#dispose(entry);
    else if (this.#waiters.size === 0) this.#makeIdle(entry);
    // Whoever is first in line once the check passes gets the resource.
    else if (!checked) this.#check(entry);
    else this.#lendTo(this.#waiters.shift()!, entry);
  }

  /** Lends `entry` to `waiter` unless its claim fails (its select chose another branch). */
  #lendTo(waiter: Borrower<T>, entry: Entry<T>): void {
    if (!waiter.claim()) return this.#offer(entry, true);
    waiter.cancelTimer();
    waiter.resolve(this.#lend(entry));
  }

  #check(entry: Entry<T>): void {
    this.#checking++;
    callAsync(this.#validate!, entry.value).then((valid) => valid === true, () => false).then(
      (valid) => {
        this.#checking--;
        if (valid) this.#offer(entry, true);
        else this.#dispose(entry);
        this.#afterChange();
      },
    );
  }

  #spawnCreate(): void {
    this.#creating++;
    callAsync(this.#create, this.#creation.signal).then(
      (value) => {
        this.#creating--;
        const created = this.#maxLifetime === Infinity ? 0 : this.#clock.now();
        this.#offer({ value, created, idleSince: 0 }, true);
        this.#afterChange();
      },
      (error) => {
        this.#creating--;
        const waiter = this.#waiters.shift();
        waiter?.cancelTimer();
        waiter?.reject(error);
        this.#afterChange();
      },
    );
  }

  #release(entry: Entry<T>): void {
    this.#borrowed--;
    if (this.#expired(entry)) this.#dispose(entry);
    else this.#offer(entry, this.#validate === undefined);
    this.#afterChange();
  }

  #discard(entry: Entry<T>): Promise<void> {
    this.#borrowed--;
    const destroyed = this.#dispose(entry);
    this.#afterChange();
    return destroyed;
  }

  /** Refills after a resource left, or settles a drain. */
  #afterChange(): void {
    if (this.#drained === undefined) this.#dispatch();
    else this.#settleDrain();
  }

  #settleDrain(): void {
    if (this.size > 0) return;
    const drained = this.#drained!;
    Promise.all(this.#destroying).then(() => drained.resolve());
  }

  /**
   * Destroys a resource the pool no longer counts, then tops the pool up to
   * `min` (failed creations do not come here, so they are not retried).
   *
   * @returns A promise that settles like `destroy`.
   */
  #dispose(entry: Entry<T>): Promise<void> {
    const destroy = this.#destroy;
    let destroyed = Promise.resolve();
    if (destroy !== undefined) {
      destroyed = callAsync(destroy, entry.value);
      const tracked = destroyed.then(noop, noop);
      this.#destroying.add(tracked);
      tracked.then(() => this.#destroying.delete(tracked));
    }
    this.#fill();
    return destroyed;
  }

  #makeIdle(entry: Entry<T>): void {
    if (this.#idleTimeout === Infinity && this.#maxLifetime === Infinity) {
      this.#idle.push(entry);
      return;
    }
    entry.idleSince = this.#clock.now();
    this.#idle.push(entry);
    this.#arm(this.#deadline(entry, true));
  }

  /** When `entry` should leave the idle set; its idle expiry only counts if `idling`. */
  #deadline(entry: Entry<T>, idling: boolean): number {
    const idleEnd = idling ? entry.idleSince + this.#idleTimeout : Infinity;
    return Math.min(idleEnd, entry.created + this.#maxLifetime);
  }

  #arm(deadline: number): void {
    if (deadline === Infinity || deadline >= this.#reaperAt) return;
    this.#cancelReaper?.();
    this.#reaperAt = deadline;
    this.#cancelReaper = this.#clock.setTimer(() => this.#reap(), deadline - this.#clock.now());
  }

  /** Destroys idle resources past their lifetime, or idle too long beyond `min`. */
  #reap(): void {
    this.#cancelReaper = undefined;
    this.#reaperAt = Infinity;
    const now = this.#clock.now();
    let surplus = this.size - this.#min;
    const kept: Entry<T>[] = [];
    const evicted: Entry<T>[] = [];
    for (const entry of this.#idle) {
      // Oldest idle first, so the loop evicts the longest idle while over `min`.
      const idleTooLong = now - entry.idleSince >= this.#idleTimeout && surplus > 0;
      if (idleTooLong || this.#expired(entry)) {
        evicted.push(entry);
        surplus--;
      } else {
        kept.push(entry);
      }
    }
    this.#idle = kept;
    for (const entry of evicted) this.#dispose(entry);
    let next = Infinity;
    for (const entry of kept) {
      next = Math.min(next, this.#deadline(entry, now - entry.idleSince < this.#idleTimeout));
    }
    this.#arm(next);
  }
}
