import assert from "node:assert/strict";
import { main } from "../../examples/length_prefixed.ts";

Deno.test("length_prefixed main frames with a 4-byte big-endian length, whatever the chunking", async () => {
  const lines: string[] = [];
  const result = await main(["--messages", "3", "--chunk", "3"], {
    log: (line) => lines.push(line),
  });
  assert.equal(result.wire, "00 00 00 0d 48 65 6c 6c 6f 2c 20 57 6f 72 6c 64 21");
  const sent = ["Hello, World!", "message 1", "message 2"];
  assert.deepEqual(
    result.serverReceived,
    [...sent, ...sent],
    "framed and raw chunked sends decode alike",
  );
  assert.deepEqual(result.echoed, [...sent, ...sent]);
  assert.equal(result.rawWrites, Math.ceil((3 * 4 + 13 + 9 + 9) / 3));
  assert.ok(lines.includes('server received 13 bytes: "Hello, World!"'));
  assert.equal(
    lines.at(-1),
    "refused: FrameTooLargeError: Frame of 17 bytes exceeds maxFrameLength 16",
  );
});

Deno.test("length_prefixed main decodes the same frames at any chunk size", async () => {
  for (const chunk of ["1", "2", "7", "1000"]) {
    const result = await main(["--messages", "5", "--chunk", chunk], { log: () => {} });
    assert.deepEqual(
      result.serverReceived.slice(5),
      result.serverReceived.slice(0, 5),
      `chunk ${chunk}`,
    );
  }
});

Deno.test("length_prefixed main rejects bad flags", async () => {
  await assert.rejects(main(["--chunk", "0"], { log: () => {} }), /--chunk/);
});
