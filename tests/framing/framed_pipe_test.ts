// `readable.pipeTo(writable)` between framers moves frames engine to engine;
// these tests hold it to pipeTo's contract, next to the standard pipe.
import assert from "node:assert/strict";
import fc from "fast-check";
import {
  Framed,
  FramedRead,
  FramedWrite,
  FrameTooLargeError,
  LengthDelimitedCodec,
  LinesCodec,
} from "@weir/weir/framing";
import { duplex, LineTooLongError, UnexpectedEofError } from "@weir/weir/io";
import { text } from "./_codec_util.ts";
import { ChunkReader, ManualReader, RecordingWriter, settle } from "./_io_util.ts";

/** A framer on one end of a pipe, and a peer framer on the other. */
function link(maxLineLength = 65536) {
  const [near, far] = duplex();
  return {
    framed: new Framed(near, new LinesCodec({ maxLineLength })),
    peer: new Framed(far, new LinesCodec()),
  };
}

/** Sends `lines` from the peer, then its FIN. */
async function sendAll(peer: Framed<string>, lines: string[]): Promise<void> {
  for (const line of lines) peer.tryFeed(line) || await peer.feed(line);
  await peer.close();
}

Deno.test("pipeTo between framers delivers every frame in order, then closes the destination", async () => {
  const source = link();
  const destination = link();
  const lines = Array.from({ length: 200 }, (_, i) => `line ${i}`);
  const sending = sendAll(source.peer, lines);
  await source.framed.readable.pipeTo(destination.framed.writable);
  await sending;
  assert.deepEqual(await Array.fromAsync(destination.peer), lines); // then FIN
  assert.equal(source.framed.readable.locked, false);
  assert.equal(destination.framed.writable.locked, false);
});

Deno.test("pipeTo into its own framer echoes, one write per read's worth", async () => {
  const { framed, peer } = link();
  const lines = Array.from({ length: 50 }, (_, i) => `echo ${i}`);
  const piping = framed.readable.pipeTo(framed.writable);
  await sendAll(peer, lines);
  assert.deepEqual(await Array.fromAsync(peer), lines);
  await piping;
});

Deno.test("pipeTo with preventClose leaves the destination open", async () => {
  const source = link();
  const destination = link();
  const sending = sendAll(source.peer, ["a", "b"]);
  await source.framed.readable.pipeTo(destination.framed.writable, { preventClose: true });
  await sending;
  await destination.framed.send("more");
  assert.deepEqual(
    [(await destination.peer.next()).value, (await destination.peer.next()).value],
    ["a", "b"],
  );
  assert.equal((await destination.peer.next()).value, "more");
  await destination.framed.close();
  assert.equal((await destination.peer.next()).done, true);
});

Deno.test("pipeTo sends the frames already queued in the readable first", async () => {
  const source = new FramedRead(new ChunkReader([text("one\ntwo\nthree\n")]), new LinesCodec());
  const reader = source.readable.getReader();
  assert.equal((await reader.read()).value, "one"); // the pull queued two and three too
  reader.releaseLock();
  const out = new RecordingWriter();
  await source.readable.pipeTo(new FramedWrite(out, new LinesCodec()).writable);
  assert.equal(new TextDecoder().decode(out.bytes), "two\nthree\n");
  assert.equal(out.closedWrite, true);
});

Deno.test("pipeTo after a read that queued frames and met a decode error delivers those frames, then rejects with it", async () => {
  const codec = () => new LengthDelimitedCodec({ maxFrameLength: 3 });
  const frame = (body: number[]) => [0, 0, 0, body.length, ...body];
  const bytes = new Uint8Array([...frame([1]), ...frame([2]), ...frame([3, 3, 3, 3])]);
  const source = new FramedRead(new ChunkReader([bytes]), codec());
  const reader = source.readable.getReader();
  // The pull queued the second frame and then met the oversized one: the
  // error waits behind that frame.
  assert.deepEqual([...(await reader.read()).value!], [1]);
  reader.releaseLock();
  const out = new RecordingWriter();
  await assert.rejects(
    source.readable.pipeTo(new FramedWrite(out, codec()).writable, { preventAbort: true }),
    FrameTooLargeError,
  );
  assert.deepEqual([...out.bytes], frame([2]));
  assert.equal(out.closedWrite, false);
});

Deno.test("pipeTo after a read that queued frames and met a read error delivers those frames, then rejects with it", async () => {
  const transport = new ManualReader();
  const source = new FramedRead(transport, new LinesCodec(), { inboundHighWaterMark: 1024 });
  transport.push(text("one\ntwo\nthree\n"));
  await settle();
  // The read-ahead starts from the next macrotask, and its read fails.
  await new Promise((resolve) => setTimeout(resolve, 0));
  assert.equal(transport.waiting, 1);
  const reset = new Error("connection reset");
  transport.fail(reset);
  await settle();
  const reader = source.readable.getReader();
  // The pull queued two and three, then met the read error: it waits behind them.
  assert.equal((await reader.read()).value, "one");
  reader.releaseLock();
  const out = new RecordingWriter();
  await assert.rejects(
    source.readable.pipeTo(new FramedWrite(out, new LinesCodec()).writable, { preventAbort: true }),
    (error) => error === reset,
  );
  assert.equal(new TextDecoder().decode(out.bytes), "two\nthree\n");
  assert.equal(out.closedWrite, false);
});

for (const preventAbort of [false, true]) {
  Deno.test(`pipeTo: a source decode error rejects the pipe and errors the readable; preventAbort ${preventAbort}`, async () => {
    const source = link(4);
    const destination = link();
    const sending = sendAll(source.peer, ["ok", "far too long", "never"]);
    await assert.rejects(
      source.framed.readable.pipeTo(destination.framed.writable, { preventAbort }),
      LineTooLongError,
    );
    await sending;
    await assert.rejects(source.framed.readable.getReader().read(), LineTooLongError);
    if (preventAbort) {
      await destination.framed.send("still open");
      assert.deepEqual(
        [(await destination.peer.next()).value, (await destination.peer.next()).value],
        ["ok", "still open"],
      );
    } else {
      await assert.rejects(destination.framed.writable.getWriter().write("x"), LineTooLongError);
    }
  });
}

/** A transport whose writes fail, for a destination that breaks. */
function failingTransport(error: Error) {
  return {
    read: () => new Promise<number | null>(() => {}),
    write: () => Promise.reject(error),
  };
}

for (const preventCancel of [false, true]) {
  Deno.test(`pipeTo: a destination failure rejects the pipe; preventCancel ${preventCancel} decides the source`, async () => {
    const source = link();
    const boom = new Error("boom");
    const destination = new Framed(failingTransport(boom), new LinesCodec());
    await source.peer.send("first"); // the write of it fails while the source waits for more
    const piping = source.framed.readable.pipeTo(destination.writable, { preventCancel });
    await assert.rejects(piping, (error) => error === boom);
    if (preventCancel) {
      await source.peer.send("kept");
      assert.equal((await source.framed.next()).value, "kept");
    } else {
      assert.equal((await source.framed.next()).done, true);
    }
  });
}

for (const [preventAbort, preventCancel] of [[false, false], [true, true]] as const) {
  Deno.test(`pipeTo: an aborted signal rejects with its reason; preventAbort ${preventAbort}, preventCancel ${preventCancel}`, async () => {
    const source = link();
    const destination = link();
    const controller = new AbortController();
    await source.peer.send("before");
    const piping = source.framed.readable.pipeTo(destination.framed.writable, {
      signal: controller.signal,
      preventAbort,
      preventCancel,
    });
    assert.equal((await destination.peer.next()).value, "before");
    controller.abort(new Error("stop"));
    await assert.rejects(piping, /stop/);
    if (preventCancel) {
      await source.peer.send("after");
      assert.equal((await source.framed.next()).value, "after");
    } else {
      assert.equal((await source.framed.next()).done, true);
    }
    if (preventAbort) {
      await destination.framed.send("open");
      assert.equal((await destination.peer.next()).value, "open");
    } else {
      await assert.rejects(destination.framed.writable.getWriter().write("x"), /stop/);
    }
  });
}

Deno.test("pipeTo with a signal already aborted pipes nothing", async () => {
  const source = link();
  const destination = link();
  await source.peer.send("unsent");
  await assert.rejects(
    source.framed.readable.pipeTo(destination.framed.writable, {
      signal: AbortSignal.abort(new Error("early")),
      preventCancel: true,
      preventAbort: true,
    }),
    /early/,
  );
  assert.equal((await source.framed.next()).value, "unsent");
  await destination.framed.close();
  assert.equal((await destination.peer.next()).done, true);
});

Deno.test("pipeTo from or into a locked stream rejects with a TypeError", async () => {
  const source = link();
  const destination = link();
  const writer = destination.framed.writable.getWriter();
  await assert.rejects(source.framed.readable.pipeTo(destination.framed.writable), TypeError);
  writer.releaseLock();
  const reader = source.framed.readable.getReader();
  await assert.rejects(source.framed.readable.pipeTo(destination.framed.writable), TypeError);
  reader.releaseLock();
});

Deno.test("pipeTo between framers gives what the standard pipe gives, any chunking", async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.stringMatching(/^[a-z ]{0,12}$/), { maxLength: 40 }),
      fc.array(fc.integer({ min: 1, max: 30 }), { minLength: 1, maxLength: 20 }),
      async (lines, sizes) => {
        const wire = text(lines.map((line) => `${line}\n`).join(""));
        const chunks: Uint8Array[] = [];
        let at = 0;
        for (let i = 0; at < wire.length; i++) {
          const size = sizes[i % sizes.length]!;
          chunks.push(wire.subarray(at, at + size));
          at += size;
        }
        const run = async (standard: boolean) => {
          const source = new FramedRead(new ChunkReader(chunks), new LinesCodec());
          const out = new RecordingWriter();
          const target = new FramedWrite(out, new LinesCodec());
          // A writable that is not a framer's takes the standard pipe.
          const writable = standard
            ? new WritableStream<string>({
              write: (line) => target.send(line),
              close: () => target.close(),
            })
            : target.writable;
          await source.readable.pipeTo(writable);
          return { bytes: [...out.bytes], closed: out.closedWrite };
        };
        assert.deepEqual(await run(false), await run(true));
      },
    ),
    { numRuns: 100 },
  );
});

Deno.test("pipeTo into a writable that is not a framer's is the standard pipe", async () => {
  const source = new FramedRead(new ChunkReader([text("x\ny\n")]), new LinesCodec());
  const seen: string[] = [];
  await source.readable.pipeTo(new WritableStream({ write: (line) => void seen.push(line) }));
  await settle();
  assert.deepEqual(seen, ["x", "y"]);
});

Deno.test("pipeTo: a frame the destination's encoder refuses rejects the pipe and cancels the source", async () => {
  const wire = new Uint8Array([0, 0, 0, 1, 7, 0, 0, 0, 5, 1, 2, 3, 4, 5, 0, 0, 0, 1, 9]);
  let cancelled = false;
  const source = new FramedRead(
    new ReadableStream<Uint8Array>({
      start: (c) => c.enqueue(wire), // then silence: only a cancel ends it
      cancel: () => void (cancelled = true),
    }),
    new LengthDelimitedCodec(),
  );
  const out = new RecordingWriter();
  const target = new FramedWrite(out, new LengthDelimitedCodec({ maxFrameLength: 2 }));
  await assert.rejects(source.readable.pipeTo(target.writable), FrameTooLargeError);
  assert.equal(cancelled, true);
  await target.flush().catch(() => {});
  assert.deepEqual([...out.bytes], [0, 0, 0, 1, 7]); // the frame before it went through
});

Deno.test("pipeTo: a source cut off mid-frame rejects with UnexpectedEofError and aborts the destination", async () => {
  const source = new FramedRead(
    new ChunkReader([new Uint8Array([0, 0, 0, 1, 7, 0, 0, 0, 9, 1, 2])]),
    new LengthDelimitedCodec(),
  );
  const out = new RecordingWriter();
  const target = new FramedWrite(out, new LengthDelimitedCodec());
  await assert.rejects(source.readable.pipeTo(target.writable), UnexpectedEofError);
  assert.equal(out.closedWrite, false, "no FIN after a truncated source");
  await assert.rejects(target.writable.getWriter().write(new Uint8Array([1])), UnexpectedEofError);
});
