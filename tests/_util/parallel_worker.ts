// A worker module for serveParallel tests: replies with the Worker's name.
import { serveWorker } from "@weir/weir/net";

serveWorker(async (conn) => {
  await conn.writeAll(new TextEncoder().encode((globalThis as { name?: string }).name ?? "?"));
});
