import assert from "node:assert/strict";
import { main as server, parseHttpHelloArgs } from "../../examples/http_hello.ts";
import { readToEnd, startExample, text } from "../_util/net.ts";

async function rawRequest(port: number, request: string | Uint8Array): Promise<string> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  try {
    await conn.write(typeof request === "string" ? new TextEncoder().encode(request) : request);
    await conn.closeWrite();
    return text(await readToEnd(conn));
  } finally {
    conn.close();
  }
}

Deno.test("http_hello answers fetch with its fixed response and logs the request", async () => {
  await using srv = await startExample(server, ["--port", "0"]);
  const response = await fetch(`http://127.0.0.1:${srv.port}/hello?x=1`, {
    headers: { "x-test": "yes" },
  });
  assert.equal(response.status, 200);
  assert.equal(response.headers.get("content-type"), "text/plain");
  assert.equal(await response.text(), "Hello, World!");
  assert.match(srv.lines[1]!, /^127\.0\.0\.1:\d+: GET \/hello\?x=1 \(\d+ headers\)$/);
});

Deno.test("http_hello writes the exact bytes of its response", async () => {
  await using srv = await startExample(server, ["--port", "0", "--quiet"]);
  const reply = await rawRequest(srv.port, "GET / HTTP/1.1\r\nHost: example\r\n\r\n");
  assert.equal(
    reply,
    "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 13\r\nConnection: close\r\n\r\n" +
      "Hello, World!",
  );
  assert.deepEqual(srv.lines.slice(1), []);
});

Deno.test("http_hello rejects requests it cannot parse", async () => {
  await using srv = await startExample(server, ["--port", "0"]);
  const status = async (request: string | Uint8Array) =>
    (await rawRequest(srv.port, request)).split("\r\n")[0];
  assert.equal(await status("hello there\r\n\r\n"), "HTTP/1.1 400 Bad Request");
  assert.equal(await status("GET / HTTP/1.1\r\nno colon\r\n\r\n"), "HTTP/1.1 400 Bad Request");
  assert.equal(await status("GET / HTTP/1.1\r\nHost: x\r\n"), "HTTP/1.1 400 Bad Request");
  assert.equal(
    await status(`GET / HTTP/1.1\r\nX-Big: ${"a".repeat(9000)}\r\n\r\n`),
    "HTTP/1.1 431 Request Header Fields Too Large",
  );
  assert.equal(
    await status(new Uint8Array([0x47, 0x45, 0x54, 0x20, 0xff, 0x0a, 0x0a])),
    "HTTP/1.1 400 Bad Request",
  );
  assert.equal(await rawRequest(srv.port, ""), "", "no request, no response");
  assert.ok(
    srv.lines.some((line) => /^127\.0\.0\.1:\d+: 431 Request Header Fields Too Large$/.test(line)),
  );
});

Deno.test("http_hello drops a client that sends nothing for --idle-timeout ms", async () => {
  await using srv = await startExample(server, ["--port", "0", "--idle-timeout", "20", "--quiet"]);
  const conn = await Deno.connect({ hostname: "127.0.0.1", port: srv.port });
  assert.equal(await conn.read(new Uint8Array(16)), null);
  conn.close();
  assert.throws(() => parseHttpHelloArgs(["--idle-timeout", "0"]), /--idle-timeout/);
});
