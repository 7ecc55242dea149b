// How replies find their requests: by order (Pipeline) or by id (Multiplex).
import type { Call, Matcher } from "./_exchange.ts";
import type { MultiplexOptions } from "./request_options.ts";
import { UnmatchedResponseError } from "./unmatched_response_error.ts";

/** Replies match requests by order: a FIFO of calls. */
export class OrderMatcher<Req, Res> implements Matcher<Req, Res> {
  #calls: (Call<Res> | undefined)[] = [];
  #head = 0;

  add(call: Call<Res>): undefined {
    this.#calls.push(call);
  }

  take(res: Res): Call<Res> {
    const calls = this.#calls;
    for (;;) {
      const call = calls[this.#head];
      if (call === undefined) throw new UnmatchedResponseError(res);
      calls[this.#head++] = undefined;
      if (this.#head === calls.length) {
        calls.length = 0;
        this.#head = 0;
      } else if (this.#head >= 1024 && this.#head * 2 >= calls.length) {
        // Mostly taken: drop the empty front so the array does not grow forever.
        this.#calls = calls.slice(this.#head);
        this.#head = 0;
      }
      // A request that failed to encode was never sent: no reply is its.
      if (!call.unsent) return call;
    }
  }

  drop(): void {
    // The call is marked unsent and skipped when it reaches the front.
  }

  clear(): Iterable<Call<Res>> {
    const rest = this.#calls.slice(this.#head) as Call<Res>[];
    this.#calls = [];
    this.#head = 0;
    return rest;
  }
}

/** Replies match requests by id: a map of calls. */
export class IdMatcher<Req, Res> implements Matcher<Req, Res> {
  readonly #calls = new Map<unknown, Call<Res>>();
  readonly #requestId: (req: Req) => unknown;
  readonly #responseId: (res: Res) => unknown;
  readonly #onUnmatched: ((res: Res) => void) | undefined;

  constructor(options: MultiplexOptions<Req, Res>) {
    const { requestId, responseId, onUnmatched } = options;
    for (const [name, fn] of [["requestId", requestId], ["responseId", responseId]] as const) {
      if (typeof fn !== "function") {
        throw new TypeError(`'${name}' must be a function: received ${typeof fn}`);
      }
    }
    if (onUnmatched !== undefined && typeof onUnmatched !== "function") {
      throw new TypeError(`'onUnmatched' must be a function: received ${typeof onUnmatched}`);
    }
    this.#requestId = requestId;
    this.#responseId = responseId;
    this.#onUnmatched = onUnmatched;
  }

  add(call: Call<Res>, req: Req): Error | undefined {
    let id;
    try {
      id = this.#requestId(req);
    } catch (error) {
      return error instanceof Error ? error : new TypeError(String(error));
    }
    if (this.#calls.has(id)) {
      return new RangeError(
        `'requestId' must give each request in flight its own id: received ${
          String(id)
        }, already in flight`,
      );
    }
    call.id = id;
    this.#calls.set(id, call);
  }

  take(res: Res): Call<Res> | undefined {
    const id = this.#responseId(res);
    const call = this.#calls.get(id);
    if (call === undefined) {
      if (this.#onUnmatched === undefined) throw new UnmatchedResponseError(res, id);
      this.#onUnmatched(res);
      return undefined;
    }
    this.#calls.delete(id);
    return call;
  }

  drop(call: Call<Res>): void {
    if (this.#calls.get(call.id) === call) this.#calls.delete(call.id);
  }

  clear(): Iterable<Call<Res>> {
    const calls = [...this.#calls.values()];
    this.#calls.clear();
    return calls;
  }
}
