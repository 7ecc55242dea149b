import type { Writer } from "./types.ts";

/**
 * Half-closes a writer: ends its write direction with `closeWrite()` when it
 * has one (a `Deno.Conn`, a weir `duplex` end, a `BufWriter`), else closes
 * it with `close()`; a writer with neither is left as it is. Closing what is
 * already closed is not an error: `Deno.errors.BadResource` is swallowed, so
 * shutdown paths can call it unconditionally.
 *
 * @param writer The writer to half-close.
 * @returns Settles once the write direction is closed.
 * @throws Any error of `closeWrite()`/`close()` other than `BadResource`.
 *
 * @example Ending one direction of an in-memory pipe
 * ```ts
 * import { closeWrite, duplex, readAll } from "@weir/weir/io";
 * import assert from "node:assert/strict";
 *
 * using pair = duplex();
 * const [client, server] = pair;
 * await client.write(new TextEncoder().encode("bye"));
 * await closeWrite(client);
 * await closeWrite(client); // already closed: nothing to do
 * assert.equal(new TextDecoder().decode(await readAll(server)), "bye");
 * ```
 */
export async function closeWrite(writer: Writer): Promise<void> {
  const w = writer as Writer & {
    closeWrite?: () => Promise<void>;
    close?: () => void | Promise<void>;
  };
  try {
    if (typeof w.closeWrite === "function") await w.closeWrite();
    else if (typeof w.close === "function") await w.close();
  } catch (error) {
    if (!(error instanceof Deno.errors.BadResource)) throw error;
  }
}
