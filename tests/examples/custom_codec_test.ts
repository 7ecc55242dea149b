import assert from "node:assert/strict";
import fc from "fast-check";
import { ByteBuffer } from "@weir/weir/io";
import { main, type Message, TaggedCodec } from "../../examples/custom_codec.ts";

Deno.test("custom_codec main encodes exact bytes and decodes each message on its last byte", async () => {
  const lines: string[] = [];
  const result = await main([], { log: (line) => lines.push(line) });
  assert.equal(result.wire, "02 05 48 65 6c 6c 6f");
  assert.deepEqual(result.completedAt, [6, 8], 'error "late" is 2 + 4 bytes, then ping is 2');
  assert.deepEqual(result.replies, ["pong", 'data "Hello, Server!"', 'error "disk full"']);
  assert.deepEqual(result.errors, ["PayloadTooLargeError", "UnknownMessageTypeError"]);
  assert.ok(lines.includes('server received data "Hello, Server!"'));
});

Deno.test("custom_codec TaggedCodec leaves an incomplete message untouched", () => {
  const codec = new TaggedCodec();
  const buf = new ByteBuffer();
  buf.append(new Uint8Array([2, 3, 0x61]));
  assert.equal(codec.decode(buf), undefined);
  assert.deepEqual([...buf.bytes()], [2, 3, 0x61]);
});

Deno.test("custom_codec TaggedCodec decodes any split of a message sequence", () => {
  const message = fc.oneof(
    fc.constant<Message>({ kind: "ping" }),
    fc.constant<Message>({ kind: "pong" }),
    fc.uint8Array({ maxLength: 255 }).map((payload): Message => ({ kind: "data", payload })),
    fc.string({ maxLength: 60 }).map((reason): Message => ({ kind: "error", reason })),
  );
  fc.assert(
    fc.property(fc.array(message, { maxLength: 8 }), fc.array(fc.nat(300)), (messages, cuts) => {
      const codec = new TaggedCodec();
      const wire = new ByteBuffer();
      for (const m of messages) codec.encode(m, wire);
      const bytes = wire.bytes().slice();
      const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
      const buf = new ByteBuffer();
      const out: Message[] = [];
      let from = 0;
      for (const to of [...points, bytes.length]) {
        buf.append(bytes.subarray(from, to));
        from = to;
        for (let m; (m = codec.decode(buf)) !== undefined;) out.push(m);
      }
      assert.equal(buf.length, 0);
      assert.deepEqual(out, messages);
    }),
    { numRuns: 500 },
  );
});
