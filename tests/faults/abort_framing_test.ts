// Abort injection over every waiting call of @weir/weir/framing, on
// in-memory duplex pipes and a scripted datagram socket: each scenario is
// replayed with its signal aborted at every microtask turn. Reads lose no
// frame; writes put whole frames on the wire, never half of one or twice.
import assert from "node:assert/strict";
import {
  DatagramFramed,
  Framed,
  FramedRead,
  FramedWrite,
  LengthDelimitedCodec,
  LinesCodec,
} from "@weir/weir/framing";
import { duplex, type DuplexStream } from "@weir/weir/io";
import {
  coverageOf,
  describeCoverage,
  injectAborts,
  soon,
  stillPending,
  valueOrNext,
} from "../_util/abort_injection.ts";
import { readRest, readSome } from "./_pipes.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const CHUNKS = ["hel", "lo\nwor", "ld\nbye\n"];
const LINES = ["hello", "world", "bye"];

async function feed(end: DuplexStream, point: () => Promise<void>): Promise<void> {
  for (const chunk of CHUNKS) {
    await point();
    await end.write(encoder.encode(chunk));
  }
  await end.closeWrite();
}

/** Every frame left, to the end (bounded: the source must end). */
async function restOf<T>(frames: { next(): Promise<IteratorResult<T, undefined>> }): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < 100; i++) {
    const r = await soon(frames.next(), "the next frame");
    if (r.done) return out;
    out.push(r.value);
  }
  throw new Error("Frames did not end");
}

for (const source of ["reader", "stream"] as const) {
  Deno.test(`FramedRead next over a ${source} aborted at any point loses no frame`, async () => {
    await injectAborts("framing", `FramedRead.next (${source})`, () => {
      const [a, b] = duplex(64);
      const frames = new FramedRead(source === "reader" ? b : b.readable, new LinesCodec(), {
        minReadSize: 4,
        maxReadSize: 4,
      });
      return {
        call: (signal) => frames.next({ signal }),
        drive: (point) => feed(a, point),
        async check(outcome) {
          const got = outcome.status === "fulfilled" && !outcome.value.done
            ? [outcome.value.value]
            : [];
          assert.deepEqual([...got, ...await restOf(frames)], LINES);
        },
        async dispose() {
          await frames.return();
          a.close();
          b.close();
        },
      };
    });
  });
}

Deno.test("Framed next aborted at any point loses no frame, and the write half still works", async () => {
  await injectAborts("framing", "Framed.next", () => {
    const [a, b] = duplex(64);
    const framed = new Framed(b, new LinesCodec());
    return {
      call: (signal) => framed.next({ signal }),
      drive: (point) => feed(a, point),
      async check(outcome) {
        const got = outcome.status === "fulfilled" && !outcome.value.done
          ? [outcome.value.value]
          : [];
        assert.deepEqual([...got, ...await restOf(framed)], LINES);
        await soon(framed.send("reply"), "a reply");
        const p = new Uint8Array(16);
        assert.equal(decoder.decode(p.subarray(0, (await a.read(p))!)), "reply\n");
      },
      dispose() {
        a.close();
        b.close();
      },
    };
  });
});

/** Length-delimited frames read back from `bytes`: whole frames only. */
function framesIn(bytes: Uint8Array): string[] {
  const out: string[] = [];
  let at = 0;
  while (at < bytes.length) {
    assert.ok(at + 4 <= bytes.length, "a whole header");
    const n = new DataView(bytes.buffer, bytes.byteOffset + at).getUint32(0);
    assert.ok(at + 4 + n <= bytes.length, "a whole payload");
    out.push(decoder.decode(bytes.subarray(at + 4, at + 4 + n)));
    at += 4 + n;
  }
  return out;
}

/**
 * A FramedWrite over an 8-byte pipe that already holds frame "a" unread, so
 * the next write waits; a drive that reads the pipe a few bytes at a time.
 */
async function writeCase(boundary: number) {
  const [a, b] = duplex(8);
  const frames = new FramedWrite(a, new LengthDelimitedCodec(), { highWaterMark: boundary });
  await frames.send(encoder.encode("a"));
  await frames.feed(encoder.encode("b"));
  const received: number[] = [];
  const readNow = async () => received.push(...await readSome(b, 3));
  return {
    frames,
    async drive(point: () => Promise<void>) {
      for (let i = 0; i < 8; i++) {
        await point();
        await readNow();
      }
    },
    /** Closes the writer (flushing) while reading the pipe to its end: the frames on the wire. */
    async wire(): Promise<string[]> {
      const closing = frames.close();
      for (let i = 0; i < 100 && (await stillPending(closing, 20)); i++) await readNow();
      await soon(closing, "close");
      return framesIn(new Uint8Array([...received, ...await readRest(b)]));
    },
    dispose() {
      a.close();
      b.close();
    },
  };
}

Deno.test("FramedWrite send aborted at any point puts the item on the wire whole or not at all", async () => {
  await injectAborts("framing", "FramedWrite.send", async () => {
    const c = await writeCase(8192);
    return {
      call: (signal) => c.frames.send(encoder.encode("item"), { signal }),
      drive: (point) => c.drive(point),
      async check(outcome) {
        const wire = await c.wire();
        // Not cancel safe: once encoded the item goes out anyway.
        assert.ok(
          ["a,b", "a,b,item"].includes(wire.join(",")),
          `wire holds ${JSON.stringify(wire)}`,
        );
        if (outcome.status === "fulfilled") assert.deepEqual(wire, ["a", "b", "item"]);
      },
      dispose: c.dispose,
    };
  });
});

Deno.test("FramedWrite feed past the boundary aborted at any point encodes the item only if it resolved", async () => {
  await injectAborts("framing", "FramedWrite.feed", async () => {
    const c = await writeCase(1);
    return {
      call: (signal) => c.frames.feed(encoder.encode("item"), { signal }),
      drive: (point) => c.drive(point),
      async check(outcome) {
        const expected = outcome.status === "fulfilled" ? ["a", "b", "item"] : ["a", "b"];
        assert.deepEqual(await c.wire(), expected);
      },
      dispose: c.dispose,
    };
  });
});

Deno.test("FramedWrite flush aborted at any point still writes every fed frame once", async () => {
  await injectAborts("framing", "FramedWrite.flush", async () => {
    const c = await writeCase(8192);
    return {
      call: (signal) => c.frames.flush({ signal }),
      drive: (point) => c.drive(point),
      async check() {
        assert.deepEqual(await c.wire(), ["a", "b"]);
      },
      dispose: c.dispose,
    };
  });
});

/**
 * A datagram socket whose receives resolve when the test delivers a
 * datagram; an aborted receive withdraws and takes nothing (UdpSocket's
 * contract).
 */
function scriptedSocket() {
  type Datagram = { data: Uint8Array; addr: string };
  const waiting: ((d: Datagram) => void)[] = [];
  const queued: Datagram[] = [];
  const sent: string[] = [];
  const sends: (() => void)[] = [];
  return {
    socket: {
      recvFrom: (options?: { signal?: AbortSignal | undefined }) => {
        const signal = options?.signal;
        if (signal?.aborted) return Promise.reject(signal.reason);
        if (queued.length > 0) return Promise.resolve(queued.shift()!);
        return new Promise<Datagram>((resolve, reject) => {
          const waiter = (d: Datagram) => {
            signal?.removeEventListener("abort", onAbort);
            resolve(d);
          };
          const onAbort = () => {
            waiting.splice(waiting.indexOf(waiter), 1);
            reject(signal!.reason);
          };
          signal?.addEventListener("abort", onAbort, { once: true });
          waiting.push(waiter);
        });
      },
      sendTo: (p: Uint8Array, to: string) =>
        new Promise<void>((resolve) =>
          sends.push(() => {
            sent.push(`${to}:${decoder.decode(p)}`);
            resolve();
          })
        ),
    },
    deliver(text: string): void {
      const datagram = { data: encoder.encode(text), addr: "peer" };
      const resolve = waiting.shift();
      if (resolve === undefined) queued.push(datagram);
      else resolve(datagram);
    },
    completeSends(): void {
      for (const complete of sends.splice(0)) complete();
    },
    sent,
  };
}

Deno.test("DatagramFramed next aborted at any point keeps the datagram for the next call", async () => {
  await injectAborts("framing", "DatagramFramed.next", () => {
    const s = scriptedSocket();
    const framed = new DatagramFramed(s.socket, new LinesCodec());
    return {
      call: (signal) => framed.next({ signal }),
      async drive(point) {
        await point();
        await point();
        s.deliver("one\n");
      },
      async check(outcome) {
        const result = await valueOrNext(outcome, () => framed.next());
        assert.deepEqual(result.value, ["one", "peer"]);
        const next = framed.next();
        s.deliver("two\n");
        assert.deepEqual((await soon(next, "the next datagram")).value, ["two", "peer"]);
      },
      async dispose() {
        await framed.return();
      },
    };
  });
});

Deno.test("DatagramFramed send aborted at any point sends the datagram at most once", async () => {
  await injectAborts("framing", "DatagramFramed.send", () => {
    const s = scriptedSocket();
    const framed = new DatagramFramed(s.socket, new LinesCodec());
    return {
      call: (signal) => framed.send("hi", "peer", { signal }),
      async drive(point) {
        await point();
        s.completeSends();
      },
      async check(outcome) {
        s.completeSends();
        assert.ok(s.sent.length <= 1);
        if (outcome.status === "fulfilled") assert.deepEqual(s.sent, ["peer:hi\n"]);
        const next = framed.send("next", "peer");
        await stillPending(next, 20);
        s.completeSends();
        await soon(next, "the next send");
        assert.equal(s.sent.at(-1), "peer:next\n");
        await framed.return();
      },
    };
  });
});

Deno.test("abort injection report for framing: every API aborted mid-call more than once", () => {
  console.log(describeCoverage("framing"));
  for (const [api, { points, whilePending }] of coverageOf("framing")) {
    assert.ok(whilePending >= 2 && points >= whilePending, api);
  }
});
