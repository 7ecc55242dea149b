import assert from "node:assert/strict";
import { connect } from "@weir/weir/net";
import { main, parseTcpEchoArgs } from "../../examples/tcp_echo_server.ts";
import { readToEnd, startExample } from "../_util/net.ts";

Deno.test("tcp_echo_server echoes every byte and half-closes after the client does", async () => {
  await using srv = await startExample(main, ["--port", "0", "--quiet"]);
  await using conn = await connect({ port: srv.port });
  const data = new Uint8Array(1 << 20).map((_, i) => (i * 31 + (i >> 9)) & 255); // grows the buffer
  const [, echoed] = await Promise.all([
    (async () => {
      for (let at = 0; at < data.length; at += 1000) {
        await conn.writeAll(data.subarray(at, Math.min(data.length, at + 1000)));
      }
      await conn.closeWrite();
    })(),
    readToEnd(conn),
  ]);
  assert.deepEqual(echoed, data);
  assert.deepEqual(srv.lines.length, 1);
});

Deno.test("tcp_echo_server serves many clients at once and logs them unless --quiet", async () => {
  await using srv = await startExample(main, ["--port", "0"]);
  const replies = await Promise.all(Array.from({ length: 20 }, async (_, i) => {
    await using conn = await connect({ port: srv.port });
    await conn.writeAll(new TextEncoder().encode(`client ${i}`));
    await conn.closeWrite();
    return new TextDecoder().decode(await readToEnd(conn));
  }));
  assert.deepEqual(replies, Array.from({ length: 20 }, (_, i) => `client ${i}`));
  await srv.stop();
  assert.equal(
    srv.lines.filter((l) => l.startsWith("accepted connection from 127.0.0.1:")).length,
    20,
  );
});

Deno.test("tcp_echo_server --max-connections leaves extra clients waiting, then serves them", async () => {
  await using srv = await startExample(main, ["--port", "0", "--max-connections", "1", "--quiet"]);
  await using first = await connect({ port: srv.port });
  await using second = await connect({ port: srv.port });
  await second.writeAll(new Uint8Array([2]));
  await first.writeAll(new Uint8Array([1]));
  assert.deepEqual([...new Uint8Array(await readOne(first))], [1]);
  await first.closeWrite();
  assert.equal(await first.read(new Uint8Array(1)), null);
  assert.deepEqual([...new Uint8Array(await readOne(second))], [2]);
});

async function readOne(conn: { read(p: Uint8Array): Promise<number | null> }): Promise<Uint8Array> {
  const buf = new Uint8Array(1);
  assert.equal(await conn.read(buf), 1);
  return buf;
}

Deno.test("tcp_echo_server rejects bad flags", () => {
  assert.throws(() => parseTcpEchoArgs(["--port=-1"]), RangeError);
  assert.throws(() => parseTcpEchoArgs(["--max-connections", "0"]), RangeError);
  assert.throws(() => parseTcpEchoArgs(["--nope"]));
  assert.deepEqual(parseTcpEchoArgs([]), {
    hostname: "127.0.0.1",
    port: 8080,
    maxConnections: Infinity,
    quiet: false,
  });
});
