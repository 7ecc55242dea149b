import type { Connection } from "./connection.ts";

/**
 * Called when a served connection's `idleTimeout` is set, so its server can
 * sweep sooner for a shorter timeout. Set by the server for each connection
 * it runs; a connection outside a server has no entry.
 */
export const idleTimeoutChanged: WeakMap<Connection, (conn: Connection) => void> = new WeakMap();
