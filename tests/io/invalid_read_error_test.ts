import assert from "node:assert/strict";
import {
  BufReader,
  checkReadResult,
  copy,
  InvalidReadError,
  readAll,
  type Reader,
  readExact,
  toReadable,
} from "@weir/weir/io";

/**
 * A hostile reader: resolves `result` (after writing `fill` bytes into `p`)
 * on every call. It gives up after `limit` calls, so a consumer that keeps
 * calling it fails with "spun" instead of hanging the test.
 */
function hostile(result: unknown, limit = 10_000): Reader & { calls: number } {
  const reader = {
    calls: 0,
    read(p: Uint8Array): Promise<number | null> {
      if (++reader.calls > limit) return Promise.reject(new Error("spun"));
      p.fill(7);
      return Promise.resolve(result as number | null);
    },
  };
  return reader;
}

const consumers: [string, (r: Reader) => Promise<unknown>][] = [
  ["BufReader.readLine", (r) => new BufReader(r).readLine()],
  ["BufReader.readExact", (r) => new BufReader(r).readExact(20)],
  [
    "BufReader.readExact (large, unbuffered)",
    (r) => new BufReader(r, { bufferSize: 4 }).readExact(20),
  ],
  [
    "BufReader.read (large, unbuffered)",
    (r) => new BufReader(r, { bufferSize: 4 }).read(new Uint8Array(8)),
  ],
  ["BufReader.readUntil", (r) => new BufReader(r).readUntil(0)],
  ["BufReader.readToEnd", (r) => new BufReader(r).readToEnd()],
  ["BufReader.fill", (r) => new BufReader(r).fill()],
  ["readExact", (r) => readExact(r, 20)],
  ["readAll", (r) => readAll(r)],
  ["copy", (r) => copy(r, { write: (p) => Promise.resolve(p.length) })],
  ["toReadable", (r) => new Response(toReadable(r)).arrayBuffer()],
];

for (const [name, consume] of consumers) {
  Deno.test(`${name}: a read of 0 bytes into a non-empty buffer is an InvalidReadError at once`, async () => {
    const reader = hostile(0);
    await assert.rejects(consume(reader), (error) => {
      assert.ok(error instanceof InvalidReadError, String(error));
      assert.equal(error.result, 0);
      assert.ok(error.requested > 0);
      return true;
    });
    assert.equal(reader.calls, 1);
  });

  for (const result of [undefined, NaN, -1, 1.5, "3", 1_000_000]) {
    Deno.test(`${name}: a read resolving ${String(result)} is an InvalidReadError naming it`, async () => {
      const reader = hostile(result);
      await assert.rejects(consume(reader), (error) => {
        assert.ok(error instanceof InvalidReadError, String(error));
        assert.ok(Object.is(error.result, result));
        assert.match(error.message, /^Reader returned /);
        return true;
      });
      assert.equal(reader.calls, 1);
    });
  }
}

Deno.test("checkReadResult: accepts the contract's results and names what breaks it", () => {
  assert.equal(checkReadResult(null, 8), null);
  assert.equal(checkReadResult(1, 8), 1);
  assert.equal(checkReadResult(8, 8), 8);
  assert.equal(checkReadResult(0, 0), 0);
  for (const bad of [0, 9, -1, 0.5, NaN, Infinity, undefined, "1", 1n, {}]) {
    assert.throws(() => checkReadResult(bad, 8), (error) => {
      assert.ok(error instanceof InvalidReadError);
      assert.ok(Object.is(error.result, bad));
      assert.equal(error.requested, 8);
      return true;
    });
  }
  assert.throws(() => checkReadResult(1, 0), InvalidReadError);
  assert.equal(
    new InvalidReadError("3", 0).message,
    'Reader returned "3" for a read of 0 bytes: expected 0 or null',
  );
  assert.equal(
    new InvalidReadError(9, 8).message,
    "Reader returned 9 for a read of 8 bytes: expected an integer in 1..8 or null",
  );
});
