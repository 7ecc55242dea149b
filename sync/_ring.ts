// A growable FIFO over a power-of-two array: O(1) push and shift, no
// Array#shift, and a slot is cleared as soon as its value leaves so the
// buffer never keeps a message alive.

const INITIAL = 16;

/** A FIFO buffer of values. */
export class Ring<T> {
  #items: (T | undefined)[] = [];
  #head = 0;
  #length = 0;

  get length(): number {
    return this.#length;
  }

  push(value: T): void {
    const items = this.#items;
    if (this.#length === items.length) this.#grow();
    this.#items[(this.#head + this.#length) & (this.#items.length - 1)] = value;
    this.#length++;
  }

  /** The oldest value, left in place; the ring must not be empty. */
  peek(): T {
    return this.#items[this.#head] as T;
  }

  /** Removes and returns the oldest value; the ring must not be empty. */
  shift(): T {
    const items = this.#items;
    const head = this.#head;
    const value = items[head] as T;
    items[head] = undefined;
    this.#head = (head + 1) & (items.length - 1);
    this.#length--;
    return value;
  }

  #grow(): void {
    const old = this.#items;
    const size = old.length === 0 ? INITIAL : old.length * 2;
    const items = new Array<T | undefined>(size).fill(undefined);
    for (let i = 0; i < this.#length; i++) items[i] = old[(this.#head + i) & (old.length - 1)];
    this.#items = items;
    this.#head = 0;
  }
}
