import assert from "node:assert/strict";
import { main } from "../../examples/json_codec.ts";

Deno.test("json_codec main frames JSON with an exact length header and as NDJSON", async () => {
  const result = await main(["--messages", "1"], { log: () => {} });
  const text = '{"id":1,"text":"hello"}';
  assert.equal(text.length, 23);
  const payload = Array.from(
    new TextEncoder().encode(text),
    (b) => b.toString(16).padStart(2, "0"),
  );
  assert.equal(result.wire, ["00", "00", "00", "17", ...payload].join(" "));
  assert.equal(result.line, `${text}\n`);
});

Deno.test("json_codec main round-trips typed messages and replies", async () => {
  const lines: string[] = [];
  const result = await main(["--messages", "3"], { log: (line) => lines.push(line) });
  assert.deepEqual(result.replies, [
    { id: 1, text: "HELLO" },
    { id: 2, text: "MESSAGE 2" },
    { id: 3, text: "MESSAGE 3" },
  ]);
  assert.ok(lines.includes('server got message 2: "message 2"'));
});

Deno.test("json_codec main skips a malformed frame without losing the next one", async () => {
  const result = await main([], { log: () => {} });
  assert.deepEqual(result.decoded, [{ id: 1, text: "a" }, "SyntaxError", { id: 3, text: "c" }]);
});

Deno.test("json_codec main rejects a bad --messages", async () => {
  await assert.rejects(main(["--messages", "0"], { log: () => {} }), /--messages/);
});
