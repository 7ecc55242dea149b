import assert from "node:assert/strict";
import { BufReader } from "@weir/weir/io";
import { main as server, parseSlowReaderArgs } from "../../examples/slow_reader_server.ts";
import { startExample, waitFor } from "../_util/net.ts";

Deno.test("slow_reader_server writes numbered lines on its interval and closes on shutdown", async () => {
  const srv = await startExample(server, ["--port", "0", "--interval", "1"]);
  const conn = await Deno.connect({ hostname: "127.0.0.1", port: srv.port });
  await conn.write(new TextEncoder().encode("never read\n"));
  const lines = new BufReader(conn);
  for (let i = 1; i <= 5; i++) assert.equal(await lines.readLine(), `message from server: ${i}`);
  await waitFor(() => srv.lines.includes("written: 5"), "the server's log");
  assert.match(srv.lines[1]!, /^accepted connection from 127\.0\.0\.1:\d+$/);
  await srv.stop();
  for (let line; (line = await lines.readLine()) !== null;) {
    assert.match(line, /^message from server: \d+$/);
  }
  conn.close();
});

Deno.test("slow_reader_server reports a client that went away, and --quiet keeps it quiet", async () => {
  await using srv = await startExample(server, ["--port", "0", "--interval", "1", "--quiet"]);
  const conn = await Deno.connect({ hostname: "127.0.0.1", port: srv.port });
  await conn.read(new Uint8Array(1)); // the first line has been written
  conn.close();
  await waitFor(
    () => srv.lines.some((line) => /^connection 127\.0\.0\.1:\d+ closed: /.test(line)),
    "the error",
  );
  assert.ok(!srv.lines.some((line) => line.startsWith("written: ")));
});

Deno.test("slow_reader_server checks its flags", () => {
  assert.deepEqual(parseSlowReaderArgs([]), {
    hostname: "127.0.0.1",
    port: 8080,
    interval: 10,
    quiet: false,
  });
  assert.throws(() => parseSlowReaderArgs(["--interval", "0"]), /--interval/);
  assert.throws(() => parseSlowReaderArgs(["--port", "70000"]), /--port/);
});
