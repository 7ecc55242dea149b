// Abort injection over every waiting call of @weir/weir/io, on in-memory
// duplex pipes: each scenario is replayed with its signal aborted at every
// microtask turn. Cancel-safe calls lose no byte (what the aborted call did
// not return is read next); the calls documented as not cancel safe may
// drop bytes in flight but never duplicate or reorder them.
import assert from "node:assert/strict";
import {
  BufReader,
  BufWriter,
  copy,
  copyBidirectional,
  duplex,
  type DuplexStream,
  readAll,
  readExact,
  writeAll,
} from "@weir/weir/io";
import { coverageOf, describeCoverage, injectAborts, soon } from "../_util/abort_injection.ts";
import { readRest, readSome } from "./_pipes.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const CHUNKS = ["hel", "lo wor", "ld\nbye\n"];
const ALL = CHUNKS.join("");

/** `end` read to its end, as text. */
async function rest(end: { read(p: Uint8Array): Promise<number | null> }): Promise<string> {
  return decoder.decode(await readRest(end));
}

/** What `end` has right now, as text (see {@linkcode readSome}). */
async function textNow(end: DuplexStream, size: number): Promise<string> {
  return decoder.decode(await readSome(end, size));
}

/** Writes CHUNKS into `end`, one per step, then half-closes it. */
async function feed(end: DuplexStream, point: () => Promise<void>): Promise<void> {
  for (const chunk of CHUNKS) {
    await point();
    await end.write(encoder.encode(chunk));
  }
  await end.closeWrite();
}

/** Asserts `got` then `left` could be a prefix and a suffix of ALL with a gap (bytes dropped in flight) but no repeat. */
function assertPrefixAndSuffix(got: string, left: string, full = false): void {
  assert.ok(ALL.startsWith(got), `${JSON.stringify(got)} is a prefix`);
  assert.ok(ALL.endsWith(left), `${JSON.stringify(left)} is a suffix`);
  assert.ok(got.length + left.length <= ALL.length, "no byte twice");
  if (full) assert.equal(got + left, ALL);
}

type ReadCall = (reader: BufReader, signal: AbortSignal) => Promise<string>;

const bufReaderCalls: [string, ReadCall][] = [
  ["BufReader.readLine", async (r, signal) => `${await r.readLine({ signal })}\n`],
  ["BufReader.readExact", async (r, signal) => decoder.decode(await r.readExact(6, { signal }))],
  [
    "BufReader.readUntil",
    async (r, signal) => decoder.decode((await r.readUntil(0x20, { signal }))!),
  ],
  ["BufReader.read", async (r, signal) => {
    const p = new Uint8Array(5);
    const n = await r.read(p, { signal });
    return decoder.decode(p.subarray(0, n ?? 0));
  }],
  ["BufReader.readToEnd", async (r, signal) => decoder.decode(await r.readToEnd({ signal }))],
  // peek and fill consume nothing: the whole stream follows.
  ["BufReader.peek", async (r, signal) => (await r.peek(4, { signal }), "")],
  ["BufReader.fill", async (r, signal) => (await r.fill({ signal }), "")],
];

for (const [api, read] of bufReaderCalls) {
  Deno.test(`${api} aborted at any point loses no byte from the BufReader`, async () => {
    await injectAborts("io", api, () => {
      const [a, b] = duplex(64);
      const reader = new BufReader(b, { bufferSize: 4 });
      return {
        call: (signal) => read(reader, signal),
        drive: (point) => feed(a, point),
        async check(outcome) {
          const got = outcome.status === "fulfilled" ? outcome.value : "";
          assertPrefixAndSuffix(got, await rest(reader), true);
        },
        dispose() {
          a.close();
          b.close();
        },
      };
    });
  });
}

Deno.test("duplex read aborted at any point takes no byte", async () => {
  await injectAborts("io", "DuplexStream.read", () => {
    const [a, b] = duplex(64);
    return {
      async call(signal) {
        const p = new Uint8Array(4);
        const n = await b.read(p, { signal });
        return decoder.decode(p.subarray(0, n ?? 0));
      },
      drive: (point) => feed(a, point),
      async check(outcome) {
        assertPrefixAndSuffix(
          outcome.status === "fulfilled" ? outcome.value : "",
          await rest(b),
          true,
        );
      },
      dispose() {
        a.close();
        b.close();
      },
    };
  });
});

Deno.test("duplex write to a full pipe aborted at any point writes nothing", async () => {
  await injectAborts("io", "DuplexStream.write", async () => {
    const [a, b] = duplex(4);
    await a.write(encoder.encode("1234"));
    let received = "";
    return {
      call: (signal) => a.write(encoder.encode("xyz"), { signal }),
      async drive(point) {
        for (let i = 0; i < 2; i++) {
          await point();
          received += await textNow(b, 2);
        }
      },
      async check(outcome) {
        await a.closeWrite();
        received += await rest(b);
        const written = outcome.status === "fulfilled" ? "xyz".slice(0, outcome.value) : "";
        assert.equal(received, "1234" + written);
      },
      dispose() {
        a.close();
        b.close();
      },
    };
  });
});

/** A BufWriter over a 4-byte pipe holding "012345" not yet flushed, and a reader draining the pipe by steps. */
async function bufWriterCase() {
  const [a, b] = duplex(4);
  const writer = new BufWriter(a, { bufferSize: 8 });
  await writer.write(encoder.encode("012345"));
  let received = "";
  return {
    writer,
    async drain(point: () => Promise<void>) {
      for (let i = 0; i < 8; i++) {
        await point();
        received += await textNow(b, 3);
      }
    },
    /** Flushes and half-closes the writer while reading the pipe to its end. */
    async finish(): Promise<string> {
      const [, tail] = await soon(Promise.all([writer.closeWrite(), rest(b)]), "flush and read");
      return received + tail;
    },
    dispose() {
      a.close();
      b.close();
    },
  };
}

Deno.test("BufWriter flush aborted at any point neither loses nor repeats a byte", async () => {
  await injectAborts("io", "BufWriter.flush", async () => {
    const c = await bufWriterCase();
    return {
      call: (signal) => c.writer.flush({ signal }),
      drive: (point) => c.drain(point),
      async check() {
        assert.equal(await c.finish(), "012345");
      },
      dispose: c.dispose,
    };
  });
});

Deno.test("BufWriter write with a signal aborted at any point buffers nothing", async () => {
  await injectAborts("io", "BufWriter.write", async () => {
    const c = await bufWriterCase();
    return {
      call: (signal) => c.writer.write(encoder.encode("abcdefghijkl"), { signal }),
      drive: (point) => c.drain(point),
      async check(outcome) {
        const taken = outcome.status === "fulfilled" ? "abcdefghijkl".slice(0, outcome.value) : "";
        assert.equal(await c.finish(), "012345" + taken);
      },
      dispose: c.dispose,
    };
  });
});

Deno.test("BufWriter writeAll aborted at any point writes a prefix, never a repeat", async () => {
  await injectAborts("io", "BufWriter.writeAll", async () => {
    const c = await bufWriterCase();
    return {
      call: (signal) => c.writer.writeAll(encoder.encode("abcdefghijkl"), { signal }),
      drive: (point) => c.drain(point),
      async check(outcome) {
        const out = await c.finish();
        assert.ok(out.startsWith("012345"));
        assert.ok("abcdefghijkl".startsWith(out.slice(6)));
        if (outcome.status === "fulfilled") assert.equal(out, "012345abcdefghijkl");
      },
      dispose: c.dispose,
    };
  });
});

Deno.test("writeAll aborted at any point writes a prefix, never a repeat", async () => {
  await injectAborts("io", "writeAll", () => {
    const [a, b] = duplex(4);
    let received = "";
    return {
      call: (signal) => writeAll(a, encoder.encode(ALL), { signal }),
      async drive(point) {
        for (let i = 0; i < 4; i++) {
          await point();
          received += await textNow(b, 5);
        }
      },
      async check(outcome) {
        await a.closeWrite();
        received += await rest(b);
        assertPrefixAndSuffix(received, "", outcome.status === "fulfilled");
      },
      dispose() {
        a.close();
        b.close();
      },
    };
  });
});

for (
  const [api, read] of [
    ["readExact", (r: DuplexStream, signal: AbortSignal) => readExact(r, 9, { signal })],
    ["readAll", (r: DuplexStream, signal: AbortSignal) => readAll(r, { signal })],
  ] as const
) {
  Deno.test(`${api} aborted at any point never repeats a byte and leaves the reader usable`, async () => {
    await injectAborts("io", api, () => {
      const [a, b] = duplex(64);
      return {
        call: async (signal) => decoder.decode(await read(b, signal)),
        drive: (point) => feed(a, point),
        async check(outcome) {
          const got = outcome.status === "fulfilled" ? outcome.value : "";
          assertPrefixAndSuffix(got, await rest(b), outcome.status === "fulfilled");
        },
        dispose() {
          a.close();
          b.close();
        },
      };
    });
  });
}

Deno.test("copy aborted at any point delivers a prefix and leaves a suffix, never a repeat", async () => {
  await injectAborts("io", "copy", () => {
    const [srcPeer, src] = duplex(64);
    const [dst, dstPeer] = duplex(64);
    return {
      call: (signal) => copy(src, dst, { signal, bufferSize: 4 }),
      drive: (point) => feed(srcPeer, point),
      async check(outcome) {
        await dst.closeWrite();
        const got = await rest(dstPeer);
        assertPrefixAndSuffix(got, await rest(src), outcome.status === "fulfilled");
        if (outcome.status === "fulfilled") assert.equal(outcome.value, ALL.length);
      },
      dispose() {
        for (const end of [srcPeer, src, dst, dstPeer]) end.close();
      },
    };
  });
});

Deno.test("copyBidirectional aborted at any point delivers prefixes both ways", async () => {
  await injectAborts("io", "copyBidirectional", () => {
    const [client, proxyA] = duplex(64);
    const [proxyB, server] = duplex(64);
    return {
      call: (signal) => copyBidirectional(proxyA, proxyB, { signal, bufferSize: 4 }),
      async drive(point) {
        await Promise.all([feed(client, point), feed(server, point)]);
      },
      async check(outcome) {
        // The proxy ends are closed so each side reads what got through.
        proxyA.close();
        proxyB.close();
        const [atServer, atClient] = [await rest(server), await rest(client)];
        assertPrefixAndSuffix(atServer, "", outcome.status === "fulfilled");
        assertPrefixAndSuffix(atClient, "", outcome.status === "fulfilled");
      },
      dispose() {
        for (const end of [client, proxyA, proxyB, server]) end.close();
      },
    };
  });
});

Deno.test("abort injection report for io: every API aborted mid-call more than once", () => {
  console.log(describeCoverage("io"));
  for (const [api, { points, whilePending }] of coverageOf("io")) {
    assert.ok(whilePending >= 2 && points >= whilePending, api);
  }
});
