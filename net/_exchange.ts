// The request/response engine under Pipeline and Multiplex: requests are
// fed into one `Framed` and flushed together, one task reads replies from
// it, and a matcher (by order or by id) pairs each reply with its call.
import { Framed, type FramedTransport } from "../framing/framed.ts";
import type { Codec } from "../framing/types.ts";
import { UnexpectedEofError } from "../io/unexpected_eof_error.ts";
import { claimSignal } from "../sync/select_safety.ts";
import { type Clock, systemClock } from "../time/clock.ts";
import { ConnectionLostError } from "./connection_lost_error.ts";
import type { RequestClientOptions, RequestOptions } from "./request_options.ts";

/** One request from `request()` until its reply is read (or it was never sent). */
export class Call<Res> {
  readonly promise: Promise<Res>;
  resolve!: (value: Res) => void;
  reject!: (reason: unknown) => void;
  /** The caller has its answer (a reply, or a rejection): later events only clean up. */
  settled = false;
  /** The request was not encoded: no reply will come for it. */
  unsent = false;
  /** Set by the matcher (the id a Multiplex files it under). */
  id: unknown;
  stopTimer: (() => void) | undefined;
  /** While the call waits for room: its request, and its neighbours in the wait list. */
  req: unknown;
  waiting = false;
  prev: Call<Res> | undefined;
  next: Call<Res> | undefined;
  readonly signal: AbortSignal | undefined;
  readonly #exchange: Exchange<unknown, Res>;

  constructor(exchange: Exchange<unknown, Res>, signal: AbortSignal | undefined) {
    this.#exchange = exchange;
    this.signal = signal;
    this.promise = new Promise<Res>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
  }

  /** The abort listener (the call itself, so no closure per request). */
  handleEvent(): void {
    this.#exchange.abandon(this, this.signal!.reason);
  }

  /** Settles the caller's promise once, dropping the timer and the abort listener. */
  settle(error: unknown, value?: Res): void {
    if (this.settled) return;
    this.settled = true;
    this.stopTimer?.();
    this.signal?.removeEventListener("abort", this);
    if (error === undefined) this.resolve(value as Res);
    else this.reject(error);
  }
}

/** How replies find their calls: by order (Pipeline) or by id (Multiplex). */
export interface Matcher<Req, Res> {
  /** Files `call` for `req`, about to be sent; returns an error to reject it with instead. */
  add(call: Call<Res>, req: Req): Error | undefined;
  /**
   * The call `res` answers, taken out; `undefined` when the reply was
   * handled otherwise (`onUnmatched`). Throws when the reply matches nothing.
   */
  take(res: Res): Call<Res> | undefined;
  /** Forgets a call whose request was not sent. */
  drop(call: Call<Res>): void;
  /** Takes out every filed call (the connection ended). */
  clear(): Iterable<Call<Res>>;
}

const OPEN = 0;
const CLOSING = 1;
const ENDED = 2;

function checkMaxInFlight(value: number): number {
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new RangeError(`'maxInFlight' must be a positive integer: received ${value}`);
  }
  return value;
}

function timeoutError(timeout: number): DOMException {
  return new DOMException(`The request got no reply within ${timeout} ms`, "TimeoutError");
}

/** The engine both clients wrap; `what` names the client in error messages. */
export class Exchange<Req, Res> {
  readonly framed: Framed<Res, Req>;
  readonly #transport: FramedTransport;
  readonly #matcher: Matcher<Req, Res>;
  readonly #maxInFlight: number;
  readonly #clock: Clock;
  readonly #what: string;
  #inFlight = 0;
  /** Calls waiting for room, oldest first (a linked list: an abort unlinks in O(1)). */
  #head: Call<Res> | undefined;
  #tail: Call<Res> | undefined;
  #waiting = 0;
  #state = OPEN;
  #lost: ConnectionLostError | undefined;
  readonly #closed = Promise.withResolvers<void>();

  constructor(
    what: string,
    transport: FramedTransport,
    codec: Codec<Res, Req>,
    options: RequestClientOptions,
    matcher: Matcher<Req, Res>,
  ) {
    const { maxInFlight = 128, ...framedOptions } = options;
    this.#maxInFlight = checkMaxInFlight(maxInFlight);
    this.#what = what;
    this.#clock = options.clock ?? systemClock;
    this.#matcher = matcher;
    this.#transport = transport;
    this.framed = new Framed(transport, codec, framedOptions);
    this.#closed.promise.catch(() => {}); // reported through `closed` and the calls
    this.#readLoop();
  }

  get inFlight(): number {
    return this.#inFlight;
  }

  get closed(): Promise<void> {
    return this.#closed.promise;
  }

  request(req: Req, options: RequestOptions | undefined): Promise<Res> {
    const signal = options?.signal;
    const timeout = options?.timeout;
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (this.#state !== OPEN) return Promise.reject(this.#refusal());
    if (timeout !== undefined && !(timeout >= 0)) {
      return Promise.reject(
        new RangeError(
          `'timeout' must be a non-negative number of milliseconds: received ${timeout}`,
        ),
      );
    }
    const call = new Call<Res>(this as Exchange<unknown, Res>, signal);
    if (timeout !== undefined && timeout !== Infinity) {
      call.stopTimer = this.#clock.setTimer(() => this.#expire(call, timeout), timeout);
    }
    signal?.addEventListener("abort", call, { once: true });
    if (this.#waiting === 0 && this.#inFlight < this.#maxInFlight) {
      // Taking room decides a select branch; a losing branch sends nothing.
      if (claimSignal(signal)) this.#send(call, req);
      else call.settle(signal!.reason);
    } else this.#wait(call, req);
    return call.promise;
  }

  /**
   * The call stops waiting: unlinked if it still waits for room (nothing
   * sent), else its reply is dropped when it comes.
   */
  abandon(call: Call<Res>, reason: unknown): void {
    if (call.waiting) this.#unlink(call);
    call.settle(reason);
    if (this.#state === CLOSING) this.#shutdownIfIdle();
  }

  close(): Promise<void> {
    if (this.#state === OPEN) {
      this.#state = CLOSING;
      this.#shutdownIfIdle();
    }
    return this.#closed.promise;
  }

  abort(reason: unknown): void {
    this.#fail(reason);
  }

  async dispose(): Promise<void> {
    await this.close().catch(() => {});
  }

  #wait(call: Call<Res>, req: Req): void {
    call.req = req;
    call.waiting = true;
    call.prev = this.#tail;
    if (this.#tail === undefined) this.#head = call;
    else this.#tail.next = call;
    this.#tail = call;
    this.#waiting++;
  }

  #unlink(call: Call<Res>): void {
    const { prev, next } = call;
    if (prev === undefined) this.#head = next;
    else prev.next = next;
    if (next === undefined) this.#tail = prev;
    else next.prev = prev;
    call.prev = call.next = undefined;
    call.waiting = false;
    call.req = undefined;
    this.#waiting--;
  }

  /** Sends waiting calls, oldest first, while there is room. */
  #admit(): void {
    for (let call = this.#head; call !== undefined && this.#inFlight < this.#maxInFlight;) {
      const req = call.req as Req;
      this.#unlink(call);
      // A claim may run other calls' abort listeners (they leave the line): the head is read again.
      if (claimSignal(call.signal)) this.#send(call, req);
      else call.settle(call.signal!.reason);
      call = this.#head;
    }
  }

  #send(call: Call<Res>, req: Req): void {
    const refused = this.#matcher.add(call, req);
    if (refused !== undefined) {
      call.settle(refused);
      return;
    }
    this.#inFlight++;
    // Framed writes what was fed once its reader is about to wait for the
    // transport (or at the end of this turn when the reader is idle), so
    // the requests made in one turn, or let in by replies read together,
    // go out in one write.
    let fed: boolean;
    try {
      fed = this.framed.tryFeed(req);
    } catch (error) {
      this.#unsent(call, error);
      return;
    }
    if (!fed) {
      // Over the high-water mark: wait for the write in progress.
      this.framed.feed(req).then(undefined, (error) => this.#unsent(call, error));
    }
  }

  /**
   * The request was not encoded: no reply will come for it. Either the
   * encoder refused it (only this call fails) or an earlier write failed
   * (the connection is lost: a flush reports the same error).
   */
  #unsent(call: Call<Res>, error: unknown): void {
    if (this.#state === ENDED) {
      call.settle(this.#refusal());
      return;
    }
    call.unsent = true;
    this.#matcher.drop(call);
    this.#inFlight--;
    this.framed.flush().then(
      () => call.settle(error),
      (failure) => {
        if (failure === error) this.#fail(error);
        call.settle(this.#lost ?? error);
      },
    );
    this.#admit();
    if (this.#state === CLOSING) this.#shutdownIfIdle();
  }

  #expire(call: Call<Res>, timeout: number): void {
    call.stopTimer = undefined;
    this.abandon(call, timeoutError(timeout));
  }

  async #readLoop(): Promise<void> {
    const framed = this.framed;
    try {
      for (;;) {
        const result = await framed.next();
        if (this.#state === ENDED) return;
        if (result.done) break;
        const call = this.#matcher.take(result.value);
        if (call === undefined) continue;
        this.#inFlight--;
        call.settle(undefined, result.value);
        if (this.#head !== undefined) this.#admit();
        if (this.#state === CLOSING) this.#shutdownIfIdle();
      }
      if (this.#state === ENDED) return;
      if (this.#state === CLOSING && this.#inFlight === 0 && this.#waiting === 0) {
        await this.#shutdown();
        return;
      }
      const outstanding = this.#inFlight;
      this.#fail(
        new UnexpectedEofError(
          undefined,
          0,
          `The peer closed the connection with ${outstanding} repl${
            outstanding === 1 ? "y" : "ies"
          } outstanding`,
        ),
      );
    } catch (error) {
      if (this.#state !== ENDED) this.#fail(error);
    }
  }

  #refusal(): Error {
    return this.#lost ?? new Deno.errors.BadResource(`The ${this.#what} is closed`);
  }

  #shutdownIfIdle(): void {
    if (this.#inFlight === 0 && this.#waiting === 0) this.#shutdown();
  }

  /** The graceful end: everything answered, so FIN and close. */
  async #shutdown(): Promise<void> {
    if (this.#state === ENDED) return;
    this.#state = ENDED;
    try {
      await this.framed.close();
    } catch {
      // Nothing was pending, so a failed FIN loses nothing.
    }
    await this.#release();
    this.#closed.resolve();
  }

  /** The connection failed: every pending call rejects with one ConnectionLostError. */
  #fail(cause: unknown): void {
    if (this.#state === ENDED) return;
    this.#state = ENDED;
    const lost = this.#lost = new ConnectionLostError(cause);
    for (const call of this.#matcher.clear()) call.settle(lost);
    for (let call = this.#head; call !== undefined; call = this.#head) {
      this.#unlink(call);
      call.settle(lost);
    }
    this.#inFlight = 0;
    this.#closed.reject(lost);
    this.#release(lost);
  }

  /** Closes the transport (or, for a pair of streams, both streams); the read loop ends quietly. */
  async #release(reason?: unknown): Promise<void> {
    const transport = this.#transport as { close?: () => void };
    if (typeof transport.close === "function") {
      try {
        transport.close();
      } catch (error) {
        if (!(error instanceof Deno.errors.BadResource)) throw error;
      }
    } else if (reason !== undefined) {
      await this.framed.writable.abort(reason).catch(() => {});
    }
    await this.framed.return().catch(() => {});
  }
}
