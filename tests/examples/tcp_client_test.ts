import assert from "node:assert/strict";
import { BufferFullError } from "@weir/weir/io";
import { main as client, parseTcpClientArgs } from "../../examples/tcp_client.ts";
import { main as echoServer } from "../../examples/tcp_echo_server.ts";
import { startExample } from "../_util/net.ts";

Deno.test("tcp_client sends its message and prints the echo", async () => {
  await using srv = await startExample(echoServer, ["--port", "0", "--quiet"]);
  const lines: string[] = [];
  const reply = await client(["--port", `${srv.port}`], { log: (line) => lines.push(line) });
  assert.equal(new TextDecoder().decode(reply), "Hello, server!");
  assert.deepEqual(lines, ["sent 14 bytes", "received: Hello, server!"]);
});

Deno.test("tcp_client reads while it writes, so an 8 MiB echo cannot deadlock", async () => {
  await using srv = await startExample(echoServer, ["--port", "0", "--quiet"]);
  const lines: string[] = [];
  const reply = await client(
    ["--port", `${srv.port}`, "--message", "0123456789abcdef", "--repeat", `${1 << 19}`],
    { log: (line) => lines.push(line) },
  );
  assert.equal(reply.length, 8 << 20);
  assert.equal(new TextDecoder().decode(reply.subarray(-16)), "0123456789abcdef");
  assert.deepEqual(lines.toSorted(), ["received 8388608 bytes", "sent 8388608 bytes"]);
});

Deno.test("tcp_client refuses a reply over --max-bytes and closes the connection", async () => {
  await using srv = await startExample(echoServer, ["--port", "0", "--quiet"]);
  await assert.rejects(
    client(["--port", `${srv.port}`, "--repeat", "1000", "--max-bytes", "100"], { log: () => {} }),
    (error) => error instanceof BufferFullError && /maxLength 100/.test(error.message),
  );
});

Deno.test("tcp_client reports a refused connection and checks its flags", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = listener.addr.port;
  listener.close(); // nothing listens there now
  await assert.rejects(
    client(["--port", `${port}`], { log: () => {} }),
    Deno.errors.ConnectionRefused,
  );
  assert.equal(parseTcpClientArgs(["--timeout", "0"]).timeout, 0);
  assert.throws(() => parseTcpClientArgs(["--repeat", "0"]), /--repeat must be an integer >= 1: 0/);
  // A client needs a real port: 0 and anything past 65535 are refused, naming the flag.
  for (const port of ["0", "65536", "x"]) {
    assert.throws(
      () => parseTcpClientArgs(["--port", port]),
      /--port must be a port number from 1 to 65535/,
    );
  }
});
