import assert from "node:assert/strict";
import fc from "fast-check";
import { ByteBuffer, UnexpectedEofError } from "@weir/weir/io";
import {
  RespClientCodec,
  RespProtocolError,
  RespServerCodec,
  type RespValue,
} from "../../examples/mini_redis/resp_codec.ts";

const encoder = new TextEncoder();

/** Decodes every frame `decode` yields from `chunks`, fed one chunk at a time. */
function decodeChunks<T>(decode: (buf: ByteBuffer) => T | undefined, chunks: Uint8Array[]): T[] {
  const buf = new ByteBuffer(16);
  const out: T[] = [];
  for (const chunk of chunks) {
    buf.append(chunk);
    for (let frame; (frame = decode(buf)) !== undefined;) out.push(frame);
  }
  assert.equal(buf.length, 0, "every byte consumed");
  return out;
}

/** `bytes` cut at the given offsets. */
function split(bytes: Uint8Array, cuts: number[]): Uint8Array[] {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const chunks: Uint8Array[] = [];
  let from = 0;
  for (const point of [...points, bytes.length]) {
    chunks.push(bytes.slice(from, point));
    from = point;
  }
  return chunks;
}

const command = fc.array(fc.uint8Array({ maxLength: 40 }), { minLength: 1, maxLength: 8 });
const cuts = fc.array(fc.nat(), { maxLength: 12 });

/** A reply value, normalised as the client decodes it (ints as numbers when safe). */
const reply: fc.Arbitrary<RespValue> = fc.letrec<{ value: RespValue }>((tie) => ({
  value: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.stringMatching(/^[ -~]{0,20}$/).map((value) => ({ type: "simple", value }) as const),
    fc.stringMatching(/^[ -~]{0,20}$/).map((value) => ({ type: "error", value }) as const),
    fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }).map((n) =>
      ({
        type: "integer",
        value: Number.isSafeInteger(Number(n)) ? Number(n) : n,
      }) as const
    ),
    fc.option(fc.uint8Array({ maxLength: 40 })).map((value) => ({ type: "bulk", value }) as const),
    fc.option(fc.array(tie("value"), { maxLength: 4 })).map((value) =>
      ({ type: "array", value }) as const
    ),
  ),
})).value;

Deno.test("resp codec: commands round-trip client -> server, whatever the chunk boundaries", () => {
  fc.assert(fc.property(fc.array(command, { minLength: 1, maxLength: 6 }), cuts, (commands, at) => {
    const client = new RespClientCodec();
    const out = new ByteBuffer();
    for (const c of commands) client.encode(c, out);
    const server = new RespServerCodec();
    const decoded = decodeChunks((buf) => server.decode(buf), split(out.bytes().slice(), at));
    assert.deepEqual(
      decoded.map((args) => args.map((a) => [...a])),
      commands.map((c) => c.map((a) => [...a])),
    );
  }));
});

Deno.test("resp codec: inline commands decode the same whatever the chunk boundaries", () => {
  const word = fc.stringMatching(/^[a-zA-Z0-9]{1,8}$/);
  fc.assert(
    fc.property(
      fc.array(fc.array(word, { minLength: 1, maxLength: 5 }), { minLength: 1, maxLength: 5 }),
      cuts,
      (lines, at) => {
        const text = lines.map((words) => words.join("  ") + (words.length % 2 ? "\r\n" : "\n"))
          .join("");
        const server = new RespServerCodec();
        const decoded = decodeChunks((buf) => server.decode(buf), split(encoder.encode(text), at));
        assert.deepEqual(
          decoded.map((args) => args.map((a) => new TextDecoder().decode(a))),
          lines,
        );
      },
    ),
  );
});

Deno.test("resp codec: replies round-trip server -> client, whatever the chunk boundaries", () => {
  fc.assert(fc.property(fc.array(reply, { minLength: 1, maxLength: 5 }), cuts, (replies, at) => {
    const server = new RespServerCodec();
    const out = new ByteBuffer();
    for (const r of replies) server.encode(r, out);
    const client = new RespClientCodec();
    assert.deepEqual(
      decodeChunks((buf) => client.decode(buf), split(out.bytes().slice(), at)),
      replies,
    );
  }));
});

Deno.test("resp codec: inline quoting follows Redis (escapes, single quotes, unbalanced quotes)", () => {
  const decode = (line: string) => {
    const buf = new ByteBuffer();
    buf.append(encoder.encode(line));
    return new RespServerCodec().decode(buf)?.map((a) => [...a]);
  };
  assert.deepEqual(decode('SET k "a\\x41\\n\\q"\r\n'), [[83, 69, 84], [107], [97, 65, 10, 113]]);
  assert.deepEqual(decode("SET k 'it\\'s'\n"), [[83, 69, 84], [107], [...encoder.encode("it's")]]);
  assert.deepEqual(decode('ECHO a"b"\n'), [[69, 67, 72, 79], [97, 98]]);
  assert.throws(() => decode('ECHO "ab\n'), {
    name: "RespProtocolError",
    message: "Protocol error: unbalanced quotes in request",
  });
  assert.throws(() => decode("ECHO 'a'b\n"), RespProtocolError);
});

Deno.test("resp codec: the requests before a protocol error decode first; the error names Redis's reason", () => {
  const buf = new ByteBuffer();
  buf.append(encoder.encode("PING\r\n*0\r\n*-1\r\n*1\r\n$-1\r\n"));
  const server = new RespServerCodec();
  assert.deepEqual(server.decode(buf)?.map((a) => [...a]), [[80, 73, 78, 71]]);
  assert.throws(() => server.decode(buf), { message: "Protocol error: invalid bulk length" });
  for (
    const [input, reason] of [
      ["*x\r\n", "invalid multibulk length"],
      ["*01\r\n", "invalid multibulk length"],
      ["*1\r\n$04\r\n", "invalid bulk length"],
      ["*1\r\n\r\n", "expected '$', got ' '"],
      ["*1\r\n+x\r\n", "expected '$', got '+'"],
      ["*3\r\n$1\r\na\r\n$1\r\nb\r\n$9\r\n", "invalid bulk length"], // over maxRequestSize
      ["*5\r\n", "invalid multibulk length"], // over maxArguments
      ["*1\r\n$9\r\n", "invalid bulk length"], // over maxBulkLength
    ] as const
  ) {
    const b = new ByteBuffer();
    b.append(encoder.encode(input));
    const codec = new RespServerCodec({ maxBulkLength: 8, maxArguments: 4, maxRequestSize: 10 });
    assert.throws(() => codec.decode(b), {
      name: "RespProtocolError",
      message: `Protocol error: ${reason}`,
    }, input);
  }
  assert.throws(() => new RespServerCodec({ maxArguments: 0 }), RangeError);
});

Deno.test("resp codec: a request cut off by the end of input is an UnexpectedEofError", () => {
  const server = new RespServerCodec();
  const buf = new ByteBuffer();
  buf.append(encoder.encode("*2\r\n$3\r\nGET\r\n"));
  assert.equal(server.decode(buf), undefined);
  assert.throws(() => server.decodeEof(buf), UnexpectedEofError);
  const empty = new RespServerCodec();
  assert.equal(empty.decodeEof(new ByteBuffer()), undefined);
});

Deno.test("resp codec: the client refuses malformed replies with a typed error", () => {
  for (const input of ["?x\r\n", ":12a\r\n", "$3\r\nabcde", "*-2\r\n", "+ok\rx"]) {
    const buf = new ByteBuffer();
    buf.append(encoder.encode(input));
    assert.throws(() => new RespClientCodec().decode(buf), RespProtocolError, input);
  }
  const deep = new ByteBuffer();
  deep.append(encoder.encode("*1\r\n".repeat(40) + ":1\r\n"));
  assert.throws(() => new RespClientCodec().decode(deep), /nested deeper than 32/);
  assert.throws(() => new RespClientCodec().encode([], new ByteBuffer()), TypeError);
});
