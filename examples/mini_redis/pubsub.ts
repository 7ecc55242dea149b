/**
 * Pub/sub for mini-redis over one weir `broadcast` channel: every published
 * message goes into the channel once, each subscribed connection reads it
 * with its own receiver and keeps the messages of the channels it
 * subscribed to. A registry of who subscribed to what gives PUBLISH its
 * count, and finds subscribers that fell too far behind.
 *
 * @module
 */
import { broadcast, type BroadcastReceiver, type BroadcastSender } from "@weir/weir/sync";
import { byteString } from "./resp_codec.ts";
import type { RespValue } from "./resp_codec.ts";

/** A published message: its channel's key and the reply subscribers are sent. */
export interface PubSubMessage {
  /** The channel, as a byte string. */
  readonly channel: string;
  /** `["message", channel, payload]`, built once for every subscriber. */
  readonly reply: RespValue;
}

/** A subscribed connection, as the hub sees it. */
export interface Subscriber {
  /** Its receiver (open while it has subscriptions). */
  readonly receiver: BroadcastReceiver<PubSubMessage>;
  /** Called once it is more than the hub's capacity behind: disconnect it. */
  lagged(behind: number): void;
}

const MESSAGE = { type: "bulk", value: new TextEncoder().encode("message") } as const;

/**
 * The channels and their subscribers.
 *
 * A subscriber more than `capacity` messages behind (its connection is not
 * reading as fast as messages come) is told through `lagged` when a
 * message for it is published, and the server disconnects it, as Redis
 * disconnects a subscriber over its output-buffer limit; the broadcast
 * channel never holds more than `capacity` messages whatever it does.
 *
 * @example Usage
 * ```ts
 * import { PubSubHub } from "./pubsub.ts";
 * import assert from "node:assert/strict";
 *
 * const hub = new PubSubHub(16);
 * const receiver = hub.receiver();
 * const channel = new TextEncoder().encode("news");
 * hub.add(channel, { receiver, lagged: () => {} });
 * assert.equal(hub.publish(channel, new TextEncoder().encode("hi")), 1);
 * assert.equal(receiver.tryRecv()?.value?.channel, "news");
 * hub.close();
 * ```
 */
export class PubSubHub {
  readonly #capacity: number;
  readonly #tx: BroadcastSender<PubSubMessage>;
  readonly #channels = new Map<string, Set<Subscriber>>();
  #closed = false;

  /** @param capacity Messages kept for the slowest subscriber. */
  constructor(capacity: number) {
    this.#capacity = capacity;
    const [tx, unused] = broadcast<PubSubMessage>(capacity);
    unused.close(); // connections subscribe their own receivers
    this.#tx = tx;
  }

  /** A receiver of every message published from now on. */
  receiver(): BroadcastReceiver<PubSubMessage> {
    return this.#tx.subscribe();
  }

  /** Registers `subscriber` on `channel`. */
  add(channel: Uint8Array, subscriber: Subscriber): void {
    const key = byteString(channel);
    let set = this.#channels.get(key);
    if (set === undefined) this.#channels.set(key, set = new Set());
    set.add(subscriber);
  }

  /** Unregisters `subscriber` from `channel`. */
  remove(channel: Uint8Array, subscriber: Subscriber): void {
    const key = byteString(channel);
    const set = this.#channels.get(key);
    if (set?.delete(subscriber) && set.size === 0) this.#channels.delete(key);
  }

  /**
   * Sends `message` to the subscribers of `channel`; returns how many there
   * are (0 once the hub is closed).
   */
  publish(channel: Uint8Array, message: Uint8Array): number {
    const key = byteString(channel);
    const set = this.#channels.get(key);
    if (set === undefined || this.#closed) return 0;
    const reply: RespValue = {
      type: "array",
      value: [MESSAGE, { type: "bulk", value: channel.slice() }, {
        type: "bulk",
        value: message.slice(),
      }],
    };
    this.#tx.send({ channel: key, reply });
    const count = set.size;
    for (const subscriber of set) {
      const behind = subscriber.receiver.length;
      if (behind > this.#capacity) subscriber.lagged(behind);
    }
    return count;
  }

  /** Ends every receiver once it has read what was published. */
  close(): void {
    this.#closed = true;
    this.#tx.close();
  }
}
