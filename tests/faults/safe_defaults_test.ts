// The safe defaults a server relies on when a peer misbehaves, checked by
// behaviour rather than by reading option values: with no options at all,
// line readers stop at 64 KiB and every queue between a peer and the
// application is bounded.
import assert from "node:assert/strict";
import { LengthDelimitedCodec, LinesCodec } from "@weir/weir/framing";
import { BufReader, ByteBuffer, duplex, LineTooLongError } from "@weir/weir/io";
import { FramedDriver, UdpSocket } from "@weir/weir/net";
import { soon, stillPending } from "../_util/abort_injection.ts";

Deno.test("BufReader stops a line at 64 KiB by default instead of buffering on", async () => {
  const [a, b] = duplex(1 << 20);
  await a.write(new Uint8Array(70_000).fill(0x61));
  const reader = new BufReader(b);
  const error = await soon(reader.readLine().catch((e) => e), "readLine");
  assert.ok(error instanceof LineTooLongError, String(error));
  assert.equal(error.limit, 65536);
  assert.ok(reader.buffered <= 65536 + 8192, `${reader.buffered} bytes buffered`);
  a.close();
  b.close();
});

Deno.test("FramedDriver bounds both queues by default: sends wait, and unread frames stop the reading", async () => {
  // Outgoing: the peer never reads, so the writer blocks and sends pile up to the queue.
  const [a, b] = duplex(16);
  const driver = new FramedDriver(a, new LinesCodec());
  let queued = 0;
  let blocked: Promise<void> | undefined;
  for (let i = 0; i < 20_000 && blocked === undefined; i++) {
    const sending = driver.send(`message ${i}`);
    if (await stillPending(sending)) blocked = sending;
    else queued++;
  }
  assert.ok(blocked !== undefined, "a send waits for room");
  // 64 KiB queued (one line past it at most), plus the blocked write.
  const line = "message 00000\n".length;
  assert.ok(queued * line <= 2 * (65536 + line), `${queued} sends went through before one waited`);
  assert.ok(driver.buffered <= 2 * (65536 + line), `${driver.buffered} bytes queued`);
  // Inbound: frames nobody takes stop the reading, so the peer's writes block.
  const frame = new TextEncoder().encode("x".repeat(15) + "\n"); // the pipe's 16 bytes
  let written = 0;
  let stalled = false;
  for (let i = 0; i < 10_000 && !stalled; i++) {
    const writing = b.write(frame);
    if (await stillPending(writing, 200)) stalled = true;
    else written += await writing;
  }
  assert.ok(stalled, "the peer's writes block once 64 KiB wait unread");
  // 64 KiB read ahead, one read past it (64 KiB at most) and the pipe's 16 bytes.
  assert.ok(written <= 65536 + 65536 + 16 + frame.length, `${written} bytes accepted`);
  driver.abort();
  await driver.closed.catch(() => {});
  await blocked!.catch(() => {});
  b.close();
});

Deno.test("UdpSocket queues at most 64 datagrams by default", async () => {
  const a = UdpSocket.bind({ port: 0 });
  const b = UdpSocket.bind({ port: 0 });
  try {
    const data = new Uint8Array(8);
    let accepted = 0;
    // One synchronous burst: the background sender takes one, the rest queue.
    for (let i = 0; i < 200; i++) if (a.trySendTo(data, b.addr)) accepted++;
    assert.ok(accepted <= 65, `${accepted} datagrams accepted at once`);
    assert.ok(a.queued <= 64);
    await a.flush();
  } finally {
    a.close();
    b.close();
  }
});

Deno.test("LengthDelimitedCodec refuses to encode more than 8 MiB by default", () => {
  const out = new ByteBuffer();
  assert.throws(
    () => new LengthDelimitedCodec().encode(new Uint8Array(8 * 1024 * 1024 + 1), out),
    /exceeds maxFrameLength 8388608/,
  );
  assert.equal(out.length, 0, "nothing appended");
});
