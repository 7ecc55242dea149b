import { closeWrite } from "./close_write.ts";
import type { Reader, Writer } from "./types.ts";

type Closable = {
  cancel?: (reason?: unknown) => Promise<void>;
  close?: () => void | Promise<void>;
};

// Closing twice is not an error worth surfacing from a dispose or a cancel.
async function quietly(close: () => void | Promise<void>): Promise<void> {
  try {
    await close();
  } catch (error) {
    if (!(error instanceof Deno.errors.BadResource)) throw error;
  }
}

/** Stops a reader's source: `cancel(reason)` (streams), else `close()`. */
export function closeReader(reader: Reader, reason?: unknown): Promise<void> {
  const r = reader as Reader & Closable;
  if (typeof r.cancel === "function") return r.cancel(reason);
  if (typeof r.close === "function") return quietly(() => r.close!());
  return Promise.resolve();
}

/** Closes a writer entirely: `close()`, else `closeWrite()`. */
export function closeWriter(writer: Writer): Promise<void> {
  const w = writer as Writer & Closable;
  if (typeof w.close === "function") return quietly(() => w.close!());
  return closeWrite(writer);
}
