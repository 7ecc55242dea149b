import assert from "node:assert/strict";
import { main } from "../../examples/mpsc_many_senders.ts";

Deno.test("mpsc_many_senders main receives every message, in order per sender", async () => {
  const lines: string[] = [];
  const result = await main(["--senders", "3", "--messages", "5"], {
    log: (line) => lines.push(line),
  });
  assert.equal(result.received.length, 15);
  for (const sender of [0, 1, 2]) {
    const own = result.received.filter((m) => m.sender === sender).map((m) => m.seq);
    assert.deepEqual(own, [0, 1, 2, 3, 4], `sender ${sender} in order`);
  }
  const senders = result.received.map((m) => m.sender);
  assert.notDeepEqual(senders, [...senders].sort(), "senders interleave");
  assert.equal(lines.length, 17);
});

Deno.test("mpsc_many_senders main ends only after the original sender is closed too", async () => {
  const lines: string[] = [];
  const result = await main([], { log: (line) => lines.push(line) });
  assert.equal(result.openWithOriginal, true);
  assert.equal(result.endedAfterClose, true);
  assert.deepEqual(lines.slice(-2), [
    "all clones closed, original open: channel empty but not ended",
    "original closed: channel ended after 9 messages",
  ]);
});

Deno.test("mpsc_many_senders main rejects bad flags", async () => {
  await assert.rejects(main(["--senders", "0"], { log: () => {} }), /--senders/);
});
