import assert from "node:assert/strict";
import { Connection, intoSplit, ReuniteError, split } from "@weir/weir/net";
import { bytes, rawPair, readToEnd, text, TRANSPORTS } from "../_util/net.ts";

for (const transport of TRANSPORTS) {
  Deno.test(`split reads keep flowing on ${transport} while a write is blocked on a peer that does not read`, async () => {
    await using pair = await rawPair(transport);
    const client = new Connection(pair.client);
    const [reader, writer] = split(client);
    const controller = new AbortController();
    // The seed's backpressure scenario: the client pushes far more than the
    // socket buffers hold to a server that never reads...
    let writeSettled = false;
    const writing = writer.writeAll(new Uint8Array(64 << 20), { signal: controller.signal })
      .finally(() => writeSettled = true);
    writing.catch(() => {});
    // ...while the server keeps sending lines, which must all arrive.
    const lines = 200;
    const serverWrites = (async () => {
      for (let i = 1; i <= lines; i++) {
        await pair.server.write(bytes(`message from server: ${i}\n`));
      }
    })();
    let received = "";
    const buf = new Uint8Array(4096);
    while (received.split("\n").length <= lines) {
      const n = await reader.read(buf);
      assert.notEqual(n, null);
      received += text(buf.subarray(0, n!));
    }
    await serverWrites;
    assert.equal(writeSettled, false, "the blocked write must still be pending");
    assert.ok(received.endsWith(`message from server: ${lines}\n`));
    controller.abort(new Error("done"));
    await assert.rejects(writing);
    client.close();
  });
}

Deno.test("split halves are borrowed: dropping them leaves the connection open", async () => {
  await using pair = await rawPair("tcp");
  const client = new Connection(pair.client);
  {
    const [, writer] = split(client);
    await writer.writeAll(bytes("first"));
  }
  await client.writeAll(bytes(" second"));
  const [, writer] = split(client);
  await writer.closeWrite();
  assert.equal(text(await readToEnd(pair.server)), "first second");
  await pair.server.write(bytes("reply"));
  pair.server.close();
  const [reader] = split(client);
  assert.equal(await new Response(reader.readable).text(), "reply");
  client.close();
});

Deno.test("split writer.writable close() half-closes", async () => {
  await using pair = await rawPair("unix");
  const client = new Connection(pair.client);
  const [reader, writer] = split(client);
  await ReadableStream.from([bytes("x")]).pipeTo(writer.writable);
  assert.equal(text(await readToEnd(pair.server)), "x");
  await pair.server.write(bytes("y"));
  const buf = new Uint8Array(1);
  assert.equal(await reader.read(buf), 1);
  client.close();
});

Deno.test("intoSplit writer close sends FIN while the reader keeps reading; both closed closes the socket", async () => {
  await using pair = await rawPair("tcp");
  const [reader, writer] = intoSplit(new Connection(pair.client));
  await writer.writeAll(bytes("owned"));
  assert.equal(await writer.write(bytes("!")), 1);
  await writer.close();
  await writer.close();
  assert.equal(text(await readToEnd(pair.server)), "owned!");
  await pair.server.write(bytes("still reading"));
  const buf = new Uint8Array(13);
  let got = 0;
  while (got < 13) got += (await reader.read(buf.subarray(got)))!;
  assert.equal(text(buf), "still reading");
  await reader.close();
  // Both halves released: the client socket is gone, the server reads EOF.
  assert.equal(await pair.server.read(new Uint8Array(1)), null);
  await assert.rejects(reader.read(buf), Deno.errors.BadResource);
});

Deno.test("intoSplit read half closed first keeps the write half usable", async () => {
  await using pair = await rawPair("unix");
  const [reader, writer] = intoSplit(new Connection(pair.client));
  await reader.close();
  await writer.writeAll(bytes("after reader closed"));
  await writer[Symbol.asyncDispose]();
  assert.equal(text(await readToEnd(pair.server)), "after reader closed");
});

Deno.test("intoSplit halves work through await using and streams", async () => {
  await using pair = await rawPair("tcp");
  const [reader, writer] = intoSplit(new Connection(pair.client));
  {
    await using w = writer;
    await ReadableStream.from([bytes("s")]).pipeTo(w.writable, { preventClose: true });
    await w.closeWrite();
  }
  assert.equal(text(await readToEnd(pair.server)), "s");
  pair.server.close();
  await using r = reader;
  assert.equal(await new Response(r.readable).text(), "");
});

Deno.test("OwnedReadHalf reunite returns the connection; mismatched or released halves throw ReuniteError", async () => {
  await using a = await rawPair("tcp");
  await using b = await rawPair("tcp");
  const connA = new Connection(a.client);
  const [readerA, writerA] = intoSplit(connA);
  const [readerB, writerB] = intoSplit(new Connection(b.client));
  assert.throws(() => readerA.reunite(writerB), ReuniteError);
  const again = readerA.reunite(writerA);
  assert.equal(again, connA);
  // Reunited halves are spent: closing them does nothing, reuniting twice fails.
  await writerA.close();
  assert.throws(() => readerA.reunite(writerA), ReuniteError);
  await again.writeAll(bytes("whole again"));
  again.close();
  assert.equal(text(await readToEnd(a.server)), "whole again");

  await writerB.close();
  assert.throws(() => readerB.reunite(writerB), ReuniteError);
  await readerB.close();
});
