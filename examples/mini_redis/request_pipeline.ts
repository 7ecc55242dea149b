/**
 * Requests matched to replies by order over a `FramedDriver`, with the
 * contract of the protocol toolkit's `Pipeline` (`new X(transport, codec)`,
 * `request(req, { signal })`, `close()`, `closed`), until that is part of
 * weir's net module.
 *
 * @module
 */
import type { Decoder, Encoder } from "@weir/weir/framing";
import { type DriverTransport, FramedDriver } from "@weir/weir/net";

/** A request waiting for its reply. */
interface Waiting<Res> {
  resolve(reply: Res): void;
  reject(error: unknown): void;
  /** Its caller gave up: the reply is read and dropped, so later replies stay aligned. */
  abandoned: boolean;
}

/**
 * Pipelined requests: each `request` is queued for writing at once (the
 * driver coalesces what is queued into one write) and resolves with the
 * reply that comes back in its position.
 *
 * @typeParam Req What is sent.
 * @typeParam Res What comes back.
 */
export class RequestPipeline<Req, Res> {
  readonly #driver: FramedDriver<Res, Req>;
  /** Requests sent, oldest first, from `#head` on. */
  #waiting: (Waiting<Res> | undefined)[] = [];
  #head = 0;
  #failure: unknown;
  #closing = false;
  readonly #closed: Promise<void>;

  /**
   * @param transport The connection (the pipeline owns it).
   * @param codec Encodes requests and decodes replies.
   */
  constructor(transport: DriverTransport, codec: Decoder<Res> & Encoder<Req>) {
    this.#driver = new FramedDriver<Res, Req>(transport, codec);
    this.#closed = this.#readReplies();
  }

  /**
   * Sends `request`; resolves with its reply. Rejects with `signal.reason`
   * when `signal` aborts first (the reply is still read, then dropped), and
   * with the connection's error (or a `Deno.errors.UnexpectedEof`) when it
   * ends before the reply.
   */
  async request(request: Req, options: { signal?: AbortSignal } = {}): Promise<Res> {
    const { signal } = options;
    signal?.throwIfAborted();
    if (this.#closing || this.#failure !== undefined) {
      throw this.#failure ?? new Deno.errors.BadResource("The pipeline is closed");
    }
    const { promise, resolve, reject } = Promise.withResolvers<Res>();
    const entry: Waiting<Res> = { resolve, reject, abandoned: false };
    // Queued before sending, so the order of the queue is the order on the wire.
    this.#waiting.push(entry);
    try {
      await this.#driver.send(request, signal ? { signal } : {});
    } catch (error) {
      // Not sent: no reply will come for it.
      const at = this.#waiting.indexOf(entry, this.#head);
      if (at >= 0) this.#waiting.splice(at, 1);
      throw error;
    }
    if (signal === undefined) return promise;
    if (signal.aborted) {
      entry.abandoned = true;
      throw signal.reason;
    }
    const abort = () => {
      entry.abandoned = true;
      reject(signal.reason);
    };
    signal.addEventListener("abort", abort, { once: true });
    try {
      return await promise;
    } finally {
      signal.removeEventListener("abort", abort);
    }
  }

  /** Requests sent and not answered yet. */
  get inFlight(): number {
    return this.#waiting.length - this.#head;
  }

  /** Resolves once the connection is closed and every request has settled. */
  get closed(): Promise<void> {
    return this.#closed;
  }

  /** Sends nothing more; resolves once the replies owed came back and the connection closed. */
  async close(): Promise<void> {
    this.#closing = true;
    try {
      await this.#driver.close();
    } catch (error) {
      if (this.#failure === undefined) throw error; // else the connection is gone already
    }
    await this.#closed;
  }

  async #readReplies(): Promise<void> {
    try {
      for await (const reply of this.#driver) {
        const entry = this.#waiting[this.#head];
        if (entry === undefined) throw new TypeError("A reply came for no request");
        this.#waiting[this.#head++] = undefined;
        if (this.#head > 1024 && this.#head * 2 > this.#waiting.length) {
          this.#waiting = this.#waiting.slice(this.#head);
          this.#head = 0;
        }
        if (!entry.abandoned) entry.resolve(reply);
      }
      this.#failure = new Deno.errors.UnexpectedEof(
        "The connection closed before every reply came",
      );
    } catch (error) {
      this.#failure = error;
    } finally {
      for (let i = this.#head; i < this.#waiting.length; i++) {
        this.#waiting[i]?.reject(this.#failure);
      }
      this.#waiting = [];
      this.#head = 0;
      this.#driver.abort();
    }
    await this.#driver.closed.catch(() => {});
  }
}
