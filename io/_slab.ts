// Memory for small buffers, carved from shared slabs. Creating an
// ArrayBuffer costs microseconds whatever its size (the allocator, the
// engine's external-memory accounting and the collections it triggers), so
// a read buffer that moves to fresh memory every few reads, because frames
// taken from it are views that pin it, would pay that price per read. One
// slab serves many small buffers, each region handed out once and never
// reused (so no view ever sees another buffer's bytes), and is freed when
// no region of it is referenced any more. Node's `Buffer` pool does the same.

/** Size of one slab. */
export const SLAB_SIZE = 64 * 1024;
/** Requests larger than this get memory of their own (a slab would waste too much). */
export const SLAB_MAX_REQUEST = 8 * 1024;

let slab = new Uint8Array(0);
let next = 0;

/** Zeroed memory of exactly `size` bytes, from the current slab when small. */
export function allocate(size: number): Uint8Array {
  if (size > SLAB_MAX_REQUEST) return new Uint8Array(size);
  // (A slab detached by a transfer reads as length 0: it is replaced too.)
  if (next + size > slab.length) {
    slab = new Uint8Array(SLAB_SIZE);
    next = 0;
  }
  const region = new Uint8Array(slab.buffer, next, size);
  // Regions start 8-byte aligned, so a Float64Array over one stays possible.
  next += (size + 7) & ~7;
  return region;
}
