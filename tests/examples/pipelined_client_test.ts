import assert from "node:assert/strict";
import { main } from "../../examples/pipelined_client.ts";

Deno.test("pipelined_client matches every pipelined reply, drops an abandoned one, and reconnects after a restart", async () => {
  const lines: string[] = [];
  const result = await main(["--requests", "300", "--timeout", "20"], {
    log: (line) => lines.push(line),
  });
  assert.deepEqual(result, { matched: 300, connections: 2, lost: 2 });
  assert.deepEqual(lines, [
    "connected (#1)",
    "300 SETs and 300 GETs pipelined: 300 replies matched",
    "SLOW: TimeoutError (its reply will be dropped)",
    "GET key:0 after it: $0",
    "server restarted: 2 requests in flight failed with ConnectionLostError",
    "connected (#2)",
    "after reconnecting: SET -> +OK",
  ]);
});

Deno.test("pipelined_client rejects bad flags", async () => {
  await assert.rejects(main(["--requests", "0"], { log: () => {} }), /--requests/);
  await assert.rejects(main(["--timeout", "x"], { log: () => {} }), /--timeout/);
});
