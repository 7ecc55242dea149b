import assert from "node:assert/strict";
import { duplex } from "@weir/weir/io";
import {
  exchange,
  main,
  parseGenericTransportArgs,
  shout,
} from "../../examples/generic_transport.ts";

Deno.test("generic_transport runs the same exchange over TCP, a Unix socket and duplex", async () => {
  const logged: string[] = [];
  const results = await main(["--lines", "300"], { log: (line) => logged.push(line) });
  const expected = Array.from({ length: 300 }, (_, i) => `LINE ${i + 1}`);
  assert.deepEqual(results, { tcp: expected, unix: expected, duplex: expected });
  assert.deepEqual(logged, [
    `tcp: 300 lines sent, 300 replies, last "LINE 300"`,
    `unix: 300 lines sent, 300 replies, last "LINE 300"`,
    `duplex: 300 lines sent, 300 replies, last "LINE 300"`,
  ]);
});

Deno.test("generic_transport --path puts the Unix socket there and removes it after", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/given.sock`;
    await Deno.writeTextFile(path, "stale");
    const results = await main(["--transport", "unix", "--lines", "3", "--path", path, "--quiet"]);
    assert.deepEqual(results, { unix: ["LINE 1", "LINE 2", "LINE 3"] });
    await assert.rejects(Deno.stat(path), Deno.errors.NotFound);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("generic_transport exchange does not deadlock on a pipe smaller than one line", async () => {
  // 4 bytes each way: every write blocks until the peer reads, both ways at once.
  using pair = duplex(4);
  const lines = ["hello", "weir", "", "ünïcode"];
  const [replies] = await Promise.all([exchange(pair[0], lines), shout(pair[1])]);
  assert.deepEqual(replies, ["HELLO", "WEIR", "", "ÜNÏCODE"]);
});

Deno.test("generic_transport exchange rejects with the read error while its write is blocked", async () => {
  using pair = duplex(8);
  const [client, peer] = pair;
  const running = exchange(client, Array.from({ length: 100 }, () => "x".repeat(32)));
  await peer.write(new Uint8Array([0xff, 0x0a])); // not UTF-8
  await assert.rejects(running, { name: "InvalidUtf8Error" });
});

Deno.test("generic_transport parses its flags", () => {
  assert.deepEqual(parseGenericTransportArgs(["--transport", "unix", "--lines", "0"]), {
    transports: ["unix"],
    lines: 0,
    capacity: 64,
    path: undefined,
    quiet: false,
  });
  assert.throws(() => parseGenericTransportArgs(["--transport", "udp"]), /--transport/);
  assert.throws(() => parseGenericTransportArgs(["--capacity", "0"]), /--capacity/);
});
