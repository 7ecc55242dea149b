import assert from "node:assert/strict";
import { FakeClock } from "@weir/weir/time";
import { main, parseHttpWithWeirArgs } from "../../examples/http_with_weir.ts";
import { startExample, waitFor } from "../_util/net.ts";

/** Runs the server on a fake clock; `get` fetches a path and reads the whole response. */
async function start(args: string[]) {
  const clock = new FakeClock();
  const srv = await startExample(
    (argv, options) => main(argv, { ...options, clock }),
    ["--port", "0", ...args],
  );
  const get = async (path: string) => {
    const response = await fetch(`http://127.0.0.1:${srv.port}${path}`);
    return { status: response.status, body: await response.text(), headers: response.headers };
  };
  return { clock, lines: srv.lines, get, [Symbol.asyncDispose]: srv.stop };
}

Deno.test("http_with_weir serves requests that pass its guards", async () => {
  await using srv = await start([]);
  assert.deepEqual((await srv.get("/")).body, "Hello, World!\n");
  const work = srv.get("/work?ms=30");
  await waitFor(() => srv.clock.pending > 0, "the handler's work");
  await srv.clock.tick(30);
  assert.deepEqual(await work.then((r) => [r.status, r.body]), [200, "worked 30 ms\n"]);
  assert.equal((await srv.get("/nope")).status, 404);
  assert.equal((await srv.get("/work?ms=-1")).status, 400);
  assert.deepEqual(srv.lines.slice(1), [
    "GET / → 200",
    "GET /work → 200",
    "GET /nope → 404",
    "GET /work → 400",
  ]);
});

Deno.test("http_with_weir answers 504 when the handler outlives --timeout, and aborts the work", async () => {
  await using srv = await start(["--timeout", "50", "--quiet"]);
  const slow = srv.get("/work?ms=1000");
  await waitFor(() => srv.clock.pending === 2, "the work and the timeout");
  await srv.clock.tick(50);
  const response = await slow;
  assert.deepEqual([response.status, response.body], [504, "Gateway Timeout\n"]);
  assert.equal(srv.clock.pending, 0, "the work's timer was cancelled with it");
});

Deno.test("http_with_weir answers 503 while every permit is taken", async () => {
  await using srv = await start(["--max-concurrent", "1", "--quiet"]);
  const busy = srv.get("/work?ms=100");
  await waitFor(() => srv.clock.pending > 0, "the first request to hold the permit");
  const shed = await srv.get("/");
  assert.deepEqual([shed.status, shed.headers.get("retry-after")], [503, "1"]);
  await srv.clock.tick(100);
  assert.equal((await busy).status, 200);
  assert.equal((await srv.get("/")).status, 200, "the permit came back");
});

Deno.test("http_with_weir answers 429 over the rate, until tokens come back", async () => {
  await using srv = await start(["--rate", "2", "--per", "10000", "--quiet"]);
  assert.equal((await srv.get("/")).status, 200);
  assert.equal((await srv.get("/")).status, 200);
  const limited = await srv.get("/");
  assert.deepEqual([limited.status, limited.headers.get("retry-after")], [429, "5"]);
  await srv.clock.tick(5000); // one token back
  assert.equal((await srv.get("/")).status, 200);
  assert.equal((await srv.get("/")).status, 429);
});

Deno.test("http_with_weir flags", () => {
  const config = parseHttpWithWeirArgs(["--rate", "7"]);
  assert.equal(config.burst, 7);
  assert.throws(() => parseHttpWithWeirArgs(["--max-concurrent", "0"]), /--max-concurrent/);
});
