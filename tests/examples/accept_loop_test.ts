import assert from "node:assert/strict";
import { BufReader } from "@weir/weir/io";
import { connect } from "@weir/weir/net";
import { main as server, parseAcceptLoopArgs } from "../../examples/accept_loop.ts";
import { startExample, waitFor } from "../_util/net.ts";

async function client(port: number) {
  const conn = await connect({ port });
  const lines = new BufReader(conn);
  return {
    conn,
    async ask(command: string) {
      await conn.writeAll(new TextEncoder().encode(`${command}\n`));
      return await lines.readLine();
    },
    next: () => lines.readLine(),
  };
}

Deno.test("accept_loop serves clients at once over one shared store", async () => {
  await using srv = await startExample(server, ["--port", "0"]);
  const a = await client(srv.port);
  const b = await client(srv.port); // served while a is still connected
  assert.equal(await a.ask("SET greeting hello weir"), "OK");
  assert.equal(await b.ask("GET greeting"), "hello weir");
  assert.equal(await b.ask("GET missing"), "(nil)");
  assert.equal(await a.ask("DEL greeting"), "ERR expected SET key value or GET key: DEL greeting");
  a.conn.close();
  b.conn.close();
  await waitFor(
    () => srv.lines.filter((line) => line.startsWith("closed ")).length === 2,
    "2 closes",
  );
  assert.match(srv.lines[1]!, /^accepted 127\.0\.0\.1:\d+ \(99 slots free\)$/);
  assert.match(srv.lines[2]!, /^accepted 127\.0\.0\.1:\d+ \(98 slots free\)$/);
});

Deno.test("accept_loop takes a slot before accepting: at the limit the next client waits", async () => {
  await using srv = await startExample(server, [
    "--port",
    "0",
    "--max-connections",
    "1",
    "--quiet",
  ]);
  const a = await client(srv.port);
  assert.equal(await a.ask("SET k 1"), "OK");
  const b = await client(srv.port); // connected by the kernel, not accepted
  let answered = false;
  const answer = b.ask("GET k").finally(() => answered = true);
  assert.equal(await a.ask("SET k 2"), "OK"); // a round trip: the loop did not serve b
  assert.equal(answered, false);
  a.conn.close(); // frees the slot
  assert.equal(await answer, "2");
  b.conn.close();
});

Deno.test("accept_loop stops on its signal: open connections end, the loop waits for them", async () => {
  const srv = await startExample(server, ["--port", "0", "--quiet"]);
  const a = await client(srv.port);
  assert.equal(await a.ask("SET k v"), "OK");
  await srv.stop();
  assert.equal(await a.next(), null, "the server closed the connection");
  a.conn.close();
  await assert.rejects(connect({ port: srv.port }), Deno.errors.ConnectionRefused);
  assert.throws(() => parseAcceptLoopArgs(["--max-connections", "0"]), /--max-connections/);
});
