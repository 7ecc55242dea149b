import assert from "node:assert/strict";
import { UdpSocket } from "@weir/weir/net";
import { FakeClock } from "@weir/weir/time";
import {
  main,
  parseUdpEchoQueueArgs,
  type UdpEchoQueueResult,
} from "../../examples/udp_echo_queue.ts";
import { startExample, waitFor } from "../_util/net.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Runs the server on a fake clock with a client socket. */
async function start(args: string[]) {
  const clock = new FakeClock();
  let result: UdpEchoQueueResult | undefined;
  const srv = await startExample(
    async (argv, options) => result = await main(argv, { ...options, clock }),
    ["--port", "0", ...args],
  );
  const client = UdpSocket.bind({ hostname: "127.0.0.1", port: 0 });
  client.connect({ hostname: "127.0.0.1", port: srv.port });
  const received = () => srv.lines.filter((line) => line.startsWith("recv ")).length;
  return {
    clock,
    lines: srv.lines,
    client,
    /** Sends `text`, waiting until the server has received `expectReceived` datagrams. */
    async send(text: string, expectReceived: number) {
      await client.send(encoder.encode(text));
      await waitFor(() => received() === expectReceived, `${expectReceived} received`);
    },
    async stop() {
      await srv.stop();
      client.close();
      return result;
    },
  };
}

Deno.test("udp_echo_queue --policy wait stops receiving while the queue is full and drops nothing", async () => {
  const srv = await start(["--queue", "2", "--delay", "10"]);
  // #1 goes to the writer (held by --delay), #2 and #3 fill the queue,
  // #4 is received and waits for room: the reader receives nothing more.
  for (let i = 1; i <= 4; i++) await srv.send(`datagram ${i}`, i);
  await srv.client.send(encoder.encode("datagram 5"));
  await srv.client.send(encoder.encode("datagram 6"));
  const echoes: string[] = [];
  for (let i = 1; i <= 6; i++) {
    const reply = srv.client.recv();
    await waitFor(() => srv.clock.pending > 0, "the writer's delay");
    await srv.clock.tick(10);
    echoes.push(decoder.decode(await reply));
  }
  assert.deepEqual(echoes, [1, 2, 3, 4, 5, 6].map((i) => `datagram ${i}`));
  assert.deepEqual(await srv.stop(), { received: 6, sent: 6, dropped: 0 });
  assert.ok(!srv.lines.some((line) => line.startsWith("queue full")));
});

Deno.test("udp_echo_queue --policy wait: a full queue holds the reader back", async () => {
  const srv = await start(["--queue", "1", "--delay", "10"]);
  await srv.send("a", 1); // to the writer
  await srv.send("bb", 2); // fills the queue
  await srv.send("ccc", 3); // received, then the reader waits for room
  await srv.client.send(encoder.encode("dddd")); // stays in the kernel meanwhile
  for (const expected of ["a", "bb", "ccc", "dddd"]) {
    const reply = srv.client.recv();
    await waitFor(() => srv.clock.pending > 0, "the writer's delay");
    await srv.clock.tick(10);
    assert.equal(decoder.decode(await reply), expected);
  }
  assert.deepEqual(await srv.stop(), { received: 4, sent: 4, dropped: 0 });
  const at = (line: string) => srv.lines.findIndex((l) => l.startsWith(line));
  // "dddd" was received only once "a" was sent and "bb" left the queue.
  assert.ok(at("recv 4 bytes") > at("sent 1 bytes to "), srv.lines.join("\n"));
});

Deno.test("udp_echo_queue --policy drop drops and counts what does not fit", async () => {
  const srv = await start(["--queue", "2", "--delay", "10", "--policy", "drop"]);
  for (let i = 1; i <= 6; i++) await srv.send(`datagram ${i}`, i);
  const echoes: string[] = [];
  for (let i = 1; i <= 3; i++) {
    const reply = srv.client.recv();
    await waitFor(() => srv.clock.pending > 0, "the writer's delay");
    await srv.clock.tick(10);
    echoes.push(decoder.decode(await reply));
  }
  assert.deepEqual(echoes, ["datagram 1", "datagram 2", "datagram 3"]);
  assert.deepEqual(await srv.stop(), { received: 6, sent: 3, dropped: 3 });
  assert.deepEqual(
    srv.lines.filter((line) => line.startsWith("queue full")).map((line) =>
      line.replace(/:\d+$/, "")
    ),
    Array(3).fill("queue full: dropped 10 bytes from 127.0.0.1"),
  );
});

Deno.test("udp_echo_queue echoes at once without --delay, and checks its flags", async () => {
  const srv = await start(["--quiet"]);
  for (const text of ["x", "", "y".repeat(1400)]) {
    await srv.client.send(encoder.encode(text));
    assert.equal(decoder.decode(await srv.client.recv()), text);
  }
  assert.deepEqual(await srv.stop(), { received: 3, sent: 3, dropped: 0 });
  assert.deepEqual(srv.lines.length, 1, "--quiet prints only the listening line");
  assert.throws(
    () => parseUdpEchoQueueArgs(["--policy", "block"]),
    /--policy must be wait or drop/,
  );
  assert.throws(() => parseUdpEchoQueueArgs(["--queue", "0"]), /--queue/);
});
