import { Lane } from "./_lane.ts";
import type { StreamSource } from "./types.ts";

interface Member<K, V> {
  readonly key: K;
  readonly lane: Lane<V>;
  removed: boolean;
}

/** What {@linkcode FanIn.take} returns when its claim was refused. */
export const REFUSED: unique symbol = Symbol("refused");

/** A ready item of a {@linkcode FanIn}. */
export interface Keyed<K, V> {
  readonly key: K;
  readonly value: V;
}

/**
 * Keyed sources read concurrently, one `next()` in flight per source and at
 * most one settled result held per source. Results are taken in the order
 * they settled, so an always-ready source cannot starve the others: after
 * its item is taken it queues behind every source that settled meanwhile.
 */
export class FanIn<K, V> {
  readonly #members = new Map<K, Member<K, V>>();
  /** Members whose `next()` settled, in settle order. */
  readonly #ready: Member<K, V>[] = [];
  /** Members with no `next()` in flight and no settled result. */
  #idle: Member<K, V>[] = [];
  readonly #notify: () => void;

  constructor(notify: () => void) {
    this.#notify = notify;
  }

  get size(): number {
    return this.#members.size;
  }

  has(key: K): boolean {
    return this.#members.has(key);
  }

  keys(): MapIterator<K> {
    return this.#members.keys();
  }

  /** Adds a source; cancels and replaces the one under `key`, if any. */
  insert(key: K, source: StreamSource<V>): boolean {
    const replaced = this.remove(key);
    const member: Member<K, V> = {
      key,
      lane: new Lane(source, () => {
        if (!member.removed) {
          this.#ready.push(member);
          this.#notify();
        }
      }),
      removed: false,
    };
    this.#members.set(key, member);
    this.#idle.push(member);
    this.#notify();
    return replaced;
  }

  /** Cancels the source under `key` (errors dropped); its held item is lost. */
  remove(key: K): boolean {
    const member = this.#members.get(key);
    if (member === undefined) return false;
    this.#drop(member);
    member.lane.close(undefined)?.catch(() => {});
    this.#notify();
    return true;
  }

  /**
   * Takes the next ready item. Otherwise starts a `next()` on every idle
   * source and returns `undefined`. A source that ended is removed; one
   * that threw is removed and its error thrown. Right before taking an
   * item or an error it asks `claim` (a select branch's claim): refused, it
   * takes nothing and returns `REFUSED`.
   */
  take(): Keyed<K, V> | undefined;
  take(claim: (() => boolean) | undefined): Keyed<K, V> | undefined | typeof REFUSED;
  take(claim?: () => boolean): Keyed<K, V> | undefined | typeof REFUSED {
    const idle = this.#idle;
    if (idle.length !== 0) {
      this.#idle = [];
      for (const member of idle) if (!member.removed) member.lane.poll();
    }
    for (;;) {
      const member = this.#ready.shift();
      if (member === undefined) return undefined;
      if (member.removed) continue;
      if (claim !== undefined && member.lane.holdsResult && !claim()) {
        this.#ready.unshift(member);
        return REFUSED;
      }
      let result: IteratorResult<V, undefined>;
      try {
        result = member.lane.poll()!;
      } catch (error) {
        this.#drop(member);
        throw error;
      }
      if (result.done) {
        this.#drop(member);
        continue;
      }
      this.#idle.push(member);
      return { key: member.key, value: result.value };
    }
  }

  /** Cancels every source; resolves once those without a `next()` in flight closed. */
  async clear(reason: unknown): Promise<void> {
    const closing: (Promise<void> | undefined)[] = [];
    for (const member of this.#members.values()) {
      this.#drop(member);
      closing.push(member.lane.close(reason));
    }
    this.#notify();
    await Promise.all(closing);
  }

  #drop(member: Member<K, V>): void {
    member.removed = true;
    this.#members.delete(member.key);
  }
}
