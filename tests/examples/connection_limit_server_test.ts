import assert from "node:assert/strict";
import { BufReader } from "@weir/weir/io";
import { connect } from "@weir/weir/net";
import {
  main as server,
  parseConnectionLimitArgs,
} from "../../examples/connection_limit_server.ts";
import { startExample, waitFor } from "../_util/net.ts";

Deno.test("connection_limit_server serves --max-connections clients; the next waits for a free slot", async () => {
  await using srv = await startExample(server, ["--port", "0", "--max-connections", "2"]);
  const open = async () => {
    const conn = await connect({ port: srv.port });
    return { conn, lines: new BufReader(conn) };
  };
  const c1 = await open();
  assert.equal(await c1.lines.readLine(), "hello #1, 1 of 2 connections in use");
  const c2 = await open();
  assert.equal(await c2.lines.readLine(), "hello #2, 2 of 2 connections in use");

  const c3 = await open(); // the kernel completes the handshake; the server does not accept
  await c3.conn.writeAll(new TextEncoder().encode("ping\n"));
  let greeted = false;
  const greeting = c3.lines.readLine().finally(() => greeted = true);
  // A full round trip on c2 after c3 connected: the server is not serving c3.
  await c2.conn.writeAll(new TextEncoder().encode("still here\n"));
  assert.equal(await c2.lines.readLine(), "still here");
  assert.equal(greeted, false);
  assert.ok(!srv.lines.some((line) => line.startsWith("connection #3")));

  await c1.conn.closeWrite(); // c1 leaves: its slot goes to c3
  assert.equal(await c1.lines.readLine(), null);
  assert.equal(await greeting, "hello #3, 2 of 2 connections in use");
  assert.equal(await c3.lines.readLine(), "ping");
  for (const client of [c1, c2, c3]) client.conn.close();
  await waitFor(() => srv.lines.filter((line) => / closed$/.test(line)).length === 3, "3 closes");
  assert.match(
    srv.lines[1]!,
    /^connection #1 from 127\.0\.0\.1:\d+ \(1 of 2 connections in use\)$/,
  );
});

Deno.test("connection_limit_server checks --max-connections", () => {
  assert.equal(parseConnectionLimitArgs([]).maxConnections, 2);
  assert.throws(() => parseConnectionLimitArgs(["--max-connections", "0"]), /--max-connections/);
});
