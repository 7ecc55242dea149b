import assert from "node:assert/strict";
import { connect, serveParallel, serveWorker } from "@weir/weir/net";
import { NET_MODULE, readToEnd, runScript, text } from "../_util/net.ts";

const WORKER = new URL("../_util/parallel_worker.ts", import.meta.url);

Deno.test("serveParallel spreads connections over Workers sharing one port", async () => {
  await using group = await serveParallel({ module: WORKER, workers: 2, port: 0 });
  assert.equal(group.workers, 2);
  assert.ok(group.addr.port > 0);
  const served = new Map<string, number>();
  for (let i = 0; i < 40; i++) {
    await using conn = await connect(group.addr);
    const name = text(await readToEnd(conn));
    served.set(name, (served.get(name) ?? 0) + 1);
  }
  assert.deepEqual([...served.keys()].sort(), ["weir-serve-0", "weir-serve-1"]);
  assert.equal([...served.values()].reduce((a, b) => a + b), 40);
});

Deno.test("serveParallel shuts down on its signal and ends the Workers", async () => {
  const controller = new AbortController();
  const group = await serveParallel({
    module: WORKER,
    workers: 1,
    port: 0,
    signal: controller.signal,
  });
  controller.abort();
  await group.closed;
  await assert.rejects(connect(group.addr), Deno.errors.ConnectionRefused);
});

Deno.test("serveParallel fails clearly when a Worker cannot listen, ending the others", async () => {
  using taken = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  await assert.rejects(
    serveParallel({ module: WORKER, workers: 2, port: taken.addr.port }),
    /Worker 0 failed: .*(in use|AddrInUse)/i,
  );
  await assert.rejects(
    serveParallel({ module: "data:text/javascript,throw new Error('boom')", workers: 1, port: 0 }),
    /Worker 0 failed: .*boom/,
  );
});

Deno.test("serveParallel rejects a bad worker count; serveWorker refuses to run outside a Worker", async () => {
  await assert.rejects(serveParallel({ module: WORKER, workers: 0, port: 0 }), RangeError);
  assert.throws(() => serveWorker(() => {}), TypeError);
});

Deno.test("serveParallel without --unstable-net throws an error naming the flag", async () => {
  const script = `
    import { serveParallel } from ${JSON.stringify(NET_MODULE)};
    try {
      await serveParallel({ module: "data:,", workers: 1, port: 0 });
    } catch (error) {
      console.log(error.name + ": " + error.message);
    }
  `;
  const { code, stdout, stderr } = await runScript(script, ["--allow-net", "--allow-read"]);
  assert.equal(code, 0, stderr);
  assert.match(
    stdout,
    /^NotSupported: serveParallel needs Deno's unstable net APIs: run with --unstable-net/,
  );
});
