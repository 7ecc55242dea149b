import assert from "node:assert/strict";
import { Framed, LinesCodec } from "@weir/weir/framing";
import { connect } from "@weir/weir/net";
import { main as server, parseLineServerArgs, reply } from "../../examples/line_server.ts";
import { readToEnd, startExample, text, waitFor } from "../_util/net.ts";

Deno.test("line_server answers each command line, in order, until QUIT", async () => {
  await using srv = await startExample(server, ["--port", "0"]);
  const framed = new Framed(await connect({ port: srv.port }), new LinesCodec());
  for (const line of ["PING", "ECHO hello there", "upper weir", "NOPE x", "QUIT"]) {
    await framed.feed(line);
  }
  await framed.flush(); // all five in one write: the server still sees five lines
  const replies: string[] = [];
  for await (const line of framed) replies.push(line);
  assert.deepEqual(replies, ["PONG", "hello there", "WEIR", "ERR unknown command: NOPE", "BYE"]);
  await framed.close();
  await waitFor(() => srv.lines.at(-1)!.startsWith("closed connection"), "the server's log");
  const peer = srv.lines[1]!.replace("accepted connection from ", "");
  assert.deepEqual(srv.lines.slice(1), [
    `accepted connection from ${peer}`,
    ...["PING", "ECHO hello there", "upper weir", "NOPE x", "QUIT"].map((line) =>
      `${peer}: ${line}`
    ),
    `closed connection from ${peer}`,
  ]);
});

Deno.test("line_server decodes lines split at any byte", async () => {
  await using srv = await startExample(server, ["--port", "0", "--quiet"]);
  const conn = await Deno.connect({ hostname: "127.0.0.1", port: srv.port });
  const request = new TextEncoder().encode("ECHO ünï\r\nPING\nQUIT\n");
  for (let i = 0; i < request.length; i++) await conn.write(request.subarray(i, i + 1));
  assert.equal(text(await readToEnd(conn)), "ünï\nPONG\nBYE\n");
  conn.close();
});

Deno.test("line_server refuses a line over --max-length and a line that is not UTF-8", async () => {
  await using srv = await startExample(server, ["--port", "0", "--max-length", "16"]);
  for (
    const [request, expected] of [
      [
        new TextEncoder().encode(`PING\nECHO ${"x".repeat(20)}\nPING\n`),
        "PONG\nERR line too long (max 16 bytes)\n",
      ],
      [new Uint8Array([0x50, 0xff, 0x0a]), "ERR invalid UTF-8\n"],
    ] as const
  ) {
    const conn = await Deno.connect({ hostname: "127.0.0.1", port: srv.port });
    await conn.write(request);
    assert.equal(text(await readToEnd(conn)), expected);
    conn.close();
  }
  await waitFor(
    () => srv.lines.filter((line) => line.startsWith("closed connection")).length === 2,
    "both connections closed",
  );
});

Deno.test("line_server reply and flags", () => {
  assert.deepEqual(reply("echo"), { text: "", close: false });
  assert.deepEqual(reply("quit"), { text: "BYE", close: true });
  assert.throws(() => parseLineServerArgs(["--max-length", "0"]), /--max-length/);
});
