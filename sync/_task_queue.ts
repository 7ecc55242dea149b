/** A place in a {@linkcode TaskQueue}, used to remove it early. */
export interface TaskQueueNode<T> {
  readonly value: T;
  prev: TaskQueueNode<T> | undefined;
  next: TaskQueueNode<T> | undefined;
  /** Whether the node is still in its queue. */
  queued: boolean;
}

/** A FIFO queue with O(1) push, shift and removal of any queued node. */
export class TaskQueue<T> {
  #head: TaskQueueNode<T> | undefined;
  #tail: TaskQueueNode<T> | undefined;
  #length = 0;

  /** The number of queued values. */
  get length(): number {
    return this.#length;
  }

  /** Appends `value` and returns its node. */
  push(value: T): TaskQueueNode<T> {
    const node: TaskQueueNode<T> = { value, prev: this.#tail, next: undefined, queued: true };
    if (this.#tail === undefined) this.#head = node;
    else this.#tail.next = node;
    this.#tail = node;
    this.#length++;
    return node;
  }

  /** Removes and returns the oldest value; `undefined` when empty. */
  shift(): T | undefined {
    const node = this.#head;
    if (node === undefined) return undefined;
    this.remove(node);
    return node.value;
  }

  /** Removes `node` if it is still queued (a no-op otherwise). */
  remove(node: TaskQueueNode<T>): void {
    if (!node.queued) return;
    node.queued = false;
    if (node.prev === undefined) this.#head = node.next;
    else node.prev.next = node.next;
    if (node.next === undefined) this.#tail = node.prev;
    else node.next.prev = node.prev;
    node.prev = node.next = undefined;
    this.#length--;
  }
}
