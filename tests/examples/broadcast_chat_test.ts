import assert from "node:assert/strict";
import { Framed, LinesCodec } from "@weir/weir/framing";
import { connect } from "@weir/weir/net";
import { main as server, parseChatArgs } from "../../examples/broadcast_chat.ts";
import { startExample, waitFor } from "../_util/net.ts";

/** A chat client: joins with `name` and reads lines one at a time. */
async function join(port: number, name: string) {
  const framed = new Framed(await connect({ port }), new LinesCodec());
  assert.deepEqual((await framed.next()).value, "welcome! what is your name?");
  await framed.send(name);
  return {
    say: (line: string) => framed.send(line),
    next: async () => (await framed.next()).value,
    close: () => framed.close(),
  };
}

Deno.test("broadcast_chat relays every line to every other client, with joins and leaves", async () => {
  await using srv = await startExample(server, ["--port", "0"]);
  const alice = await join(srv.port, "alice");
  await waitFor(() => srv.lines.some((line) => line.startsWith("alice joined")), "alice");
  const bob = await join(srv.port, "bob");
  assert.equal(await alice.next(), "* bob joined");
  const carol = await join(srv.port, "carol");
  assert.equal(await alice.next(), "* carol joined");
  assert.equal(await bob.next(), "* carol joined");

  await alice.say("hi all");
  assert.equal(await bob.next(), "alice: hi all");
  assert.equal(await carol.next(), "alice: hi all");
  await bob.say("hey alice");
  assert.equal(await alice.next(), "bob: hey alice");
  assert.equal(await carol.next(), "bob: hey alice");

  await carol.say("/quit");
  assert.equal(await carol.next(), undefined, "carol's connection ends");
  assert.equal(await alice.next(), "* carol left");
  assert.equal(await bob.next(), "* carol left");
  await carol.close();

  await bob.close(); // the end of input: bob leaves too
  assert.equal(await bob.next(), undefined);
  assert.equal(await alice.next(), "* bob left");
  await alice.say("anyone?"); // nobody else is left; the server still takes it
  await waitFor(() => srv.lines.includes("alice: anyone?"), "alice's last line");
  await alice.close();
  assert.equal(await alice.next(), undefined);
  assert.deepEqual(srv.lines.slice(1).map((line) => line.replace(/ from 127\.0\.0\.1:\d+$/, "")), [
    "alice joined",
    "bob joined",
    "carol joined",
    "alice: hi all",
    "bob: hey alice",
    "carol left",
    "bob left",
    "alice: anyone?",
    "alice left",
  ]);
});

Deno.test("broadcast_chat tells its clients it is shutting down, then closes", async () => {
  const srv = await startExample(server, ["--port", "0", "--quiet"]);
  const alice = await join(srv.port, "alice");
  const bob = await join(srv.port, "bob");
  assert.equal(await alice.next(), "* bob joined");
  const stopped = srv.stop();
  assert.equal(await alice.next(), "* the server is shutting down");
  assert.equal(await bob.next(), "* the server is shutting down");
  assert.equal(await alice.next(), undefined);
  assert.equal(await bob.next(), undefined);
  await Promise.all([alice.close(), bob.close()]);
  await stopped;
  assert.deepEqual(srv.lines.slice(1), []);
});

Deno.test("broadcast_chat: a client that reads too slowly is told how many messages it missed", async () => {
  await using srv = await startExample(server, ["--port", "0", "--capacity", "4", "--quiet"]);
  const alice = await join(srv.port, "alice"); // reads nothing for now
  const framed = new Framed(await connect({ port: srv.port }), new LinesCodec());
  await framed.next();
  await framed.send("bob");
  const lines = 10_000;
  for (let i = 0; i < lines; i++) await framed.feed(`${i} ${"x".repeat(1000)}`);
  await framed.send("/quit");
  let received = 0;
  let missed = 0;
  assert.equal(await alice.next(), "* bob joined");
  for (let line; (line = await alice.next()) !== "* bob left";) {
    assert.ok(line !== undefined && received + missed <= lines, "bounded");
    const lag = line.match(/^\* you missed (\d+) messages$/);
    if (lag) missed += Number(lag[1]);
    else received++;
  }
  assert.ok(missed > 0, "alice fell behind");
  assert.equal(received + missed, lines, "every line was either delivered or counted as missed");
  assert.equal(await framed.next().then((next) => next.done), true);
  await framed.close();
  await alice.close();
});

Deno.test("broadcast_chat flags", () => {
  assert.equal(parseChatArgs([]).capacity, 64);
  assert.throws(() => parseChatArgs(["--capacity", "0"]), /--capacity/);
});
