import assert from "node:assert/strict";
import { main, parseUnixEchoArgs } from "../../examples/unix_echo.ts";

Deno.test("unix_echo echoes each client's message over a socket in a temp dir", async () => {
  const lines: string[] = [];
  const replies = await main(["--clients", "4", "--message", "hi"], {
    log: (line) => lines.push(line),
  });
  assert.deepEqual(replies, ["hi (1)", "hi (2)", "hi (3)", "hi (4)"]);
  const path = lines[0]!.match(/^listening on (.*\/echo\.sock)$/)?.[1];
  assert.ok(path, `unexpected first line: ${lines[0]}`);
  await assert.rejects(Deno.stat(path.slice(0, path.lastIndexOf("/"))), Deno.errors.NotFound);
  assert.deepEqual(lines.slice(1), replies.map((reply, i) => `client ${i + 1} received: ${reply}`));
});

Deno.test("unix_echo --path replaces a stale socket file and leaves nothing behind", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/given.sock`;
    await Deno.writeTextFile(path, "left by an earlier run");
    const lines: string[] = [];
    assert.deepEqual(
      await main(["--path", path, "--clients", "1"], { log: (line) => lines.push(line) }),
      ["hello over a Unix socket (1)"],
    );
    assert.equal(lines[0], `listening on ${path}`);
    await assert.rejects(Deno.stat(path), Deno.errors.NotFound);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
  assert.throws(() => parseUnixEchoArgs(["--clients", "0"]), /--clients/);
});
