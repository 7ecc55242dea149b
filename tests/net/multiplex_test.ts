import assert from "node:assert/strict";
import fc from "fast-check";
import {
  connect,
  ConnectionLostError,
  Multiplex,
  type MultiplexOptions,
  serve,
  UnmatchedResponseError,
} from "@weir/weir/net";
import { Framed, LinesCodec } from "@weir/weir/framing";
import { duplex } from "@weir/weir/io";
import { FakeClock } from "@weir/weir/time";
import { countingWrites, LinePeer } from "./_request_peer.ts";

/** Requests and replies are lines "<id> <text>". */
const idOf = (line: string) => line.slice(0, line.indexOf(" "));

function setup(options: Partial<MultiplexOptions<string, string>> = {}) {
  const [client, server] = duplex();
  const rpc = new Multiplex<string, string>(client, new LinesCodec(), {
    requestId: idOf,
    responseId: idOf,
    ...options,
  });
  return { rpc, peer: new LinePeer(server) };
}

Deno.test("Multiplex replies in any order reach the requests with their ids", async () => {
  const { rpc, peer } = setup();
  const replies = ["1 a", "2 b", "3 c"].map((req) => rpc.request(req));
  assert.deepEqual(await peer.takeMany(3), ["1 a", "2 b", "3 c"]);
  await peer.reply("3 C", "1 A", "2 B");
  assert.deepEqual(await Promise.all(replies), ["1 A", "2 B", "3 C"]);
  await rpc.close();
  assert.equal(await peer.ended(), true);
  peer.close();
});

Deno.test("Multiplex requests made in one turn go out in one write", async () => {
  const [client, server] = duplex();
  const counted = countingWrites(client);
  const rpc = new Multiplex<string, string>(counted, new LinesCodec(), {
    requestId: idOf,
    responseId: idOf,
  });
  const peer = new LinePeer(server);
  const replies = ["1 a", "2 b", "3 c"].map((req) => rpc.request(req));
  await peer.takeMany(3);
  assert.equal(counted.writes, 1);
  await peer.reply("2 x", "3 y", "1 z");
  assert.deepEqual(await Promise.all(replies), ["1 z", "2 x", "3 y"]);
  await rpc.close();
  peer.close();
});

Deno.test("Multiplex a reply with an unknown id fails the connection by default", async () => {
  const { rpc, peer } = setup();
  const pending = rpc.request("1 a");
  await peer.take();
  await peer.reply("9 stray");
  await assert.rejects(pending, (error) => {
    assert.ok(error instanceof ConnectionLostError);
    assert.ok(error.cause instanceof UnmatchedResponseError);
    assert.equal(error.cause.id, "9");
    assert.equal(error.cause.response, "9 stray");
    return true;
  });
  await assert.rejects(rpc.closed, ConnectionLostError);
  peer.close();
});

Deno.test("Multiplex onUnmatched takes unknown replies and the connection goes on", async () => {
  const strays: string[] = [];
  const { rpc, peer } = setup({ onUnmatched: (res) => void strays.push(res) });
  const pending = rpc.request("1 a");
  await peer.take();
  await peer.reply("push news", "1 A");
  assert.equal(await pending, "1 A");
  assert.deepEqual(strays, ["push news"]);
  await rpc.close();
  peer.close();
});

Deno.test("Multiplex an onUnmatched that throws fails the connection with its error", async () => {
  const boom = new Error("cannot handle");
  const { rpc, peer } = setup({
    onUnmatched: () => {
      throw boom;
    },
  });
  const pending = rpc.request("1 a");
  await peer.reply("7 ?");
  await assert.rejects(
    pending,
    (error) => error instanceof ConnectionLostError && error.cause === boom,
  );
  peer.close();
});

Deno.test("Multiplex a second request with an id in flight is refused and nothing is sent", async () => {
  const { rpc, peer } = setup();
  const first = rpc.request("1 a");
  await assert.rejects(rpc.request("1 again"), {
    name: "RangeError",
    message:
      "'requestId' must give each request in flight its own id: received 1, already in flight",
  });
  const other = rpc.request("2 b");
  assert.deepEqual(await peer.takeMany(2), ["1 a", "2 b"]);
  await peer.reply("1 A", "2 B");
  assert.deepEqual(await Promise.all([first, other]), ["1 A", "2 B"]);
  const reused = rpc.request("1 reused"); // the id is free once answered
  assert.equal(await peer.take(), "1 reused");
  await peer.reply("1 R");
  assert.equal(await reused, "1 R");
  await rpc.close();
  peer.close();
});

Deno.test("Multiplex an abandoned request keeps its id until its reply is read and dropped", async () => {
  const clock = new FakeClock();
  const { rpc, peer } = setup({ clock });
  const slow = rpc.request("1 slow", { timeout: 10 });
  await peer.take();
  await clock.tick(10);
  await assert.rejects(slow, { name: "TimeoutError" });
  await assert.rejects(rpc.request("1 too soon"), RangeError);
  await peer.reply("1 late");
  await new Promise((resolve) => setTimeout(resolve, 0));
  assert.equal(rpc.inFlight, 0);
  const again = rpc.request("1 now");
  assert.equal(await peer.take(), "1 now");
  await peer.reply("1 fresh");
  assert.equal(await again, "1 fresh");
  await rpc.close();
  peer.close();
});

Deno.test("Multiplex maxInFlight and an abort while waiting for room", async () => {
  const { rpc, peer } = setup({ maxInFlight: 1 });
  const first = rpc.request("1 a");
  const controller = new AbortController();
  const waiting = rpc.request("2 b", { signal: controller.signal });
  const third = rpc.request("3 c");
  assert.equal(rpc.inFlight, 1);
  controller.abort();
  await assert.rejects(waiting, { name: "AbortError" });
  assert.equal(await peer.take(), "1 a");
  await peer.reply("1 A");
  assert.equal(await peer.take(), "3 c", "the aborted request was never sent");
  await peer.reply("3 C");
  assert.deepEqual(await Promise.all([first, third]), ["1 A", "3 C"]);
  await rpc.close();
  peer.close();
});

Deno.test("Multiplex connection loss rejects all pending with one ConnectionLostError", async () => {
  const { rpc, peer } = setup({ maxInFlight: 2 });
  const pending = ["1 a", "2 b", "3 c"].map((req) => rpc.request(req).catch((error) => error));
  await peer.takeMany(2);
  peer.close();
  const errors = await Promise.all(pending);
  assert.ok(errors[0] instanceof ConnectionLostError);
  assert.ok(errors.every((error) => error === errors[0]));
  assert.equal(rpc.inFlight, 0);
});

Deno.test("Multiplex rejects options that are not functions", () => {
  const [client, server] = duplex();
  const codec = new LinesCodec();
  assert.throws(
    () => new Multiplex(client, codec, { requestId: idOf, responseId: 5 } as never),
    { name: "TypeError", message: "'responseId' must be a function: received number" },
  );
  assert.throws(
    () =>
      new Multiplex(client, codec, { requestId: idOf, responseId: idOf, onUnmatched: 1 } as never),
    { name: "TypeError", message: "'onUnmatched' must be a function: received number" },
  );
  client.close();
  server.close();
});

Deno.test("Multiplex property: any reply order with abandoned requests matches every reply", async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.integer({ min: 1, max: 20 }).chain((n) =>
        fc.tuple(
          fc.shuffledSubarray([...Array(n).keys()], { minLength: n, maxLength: n }),
          fc.array(fc.boolean(), { minLength: n, maxLength: n }),
        )
      ),
      async ([order, abandon]) => {
        const { rpc, peer } = setup();
        const controllers = order.map(() => new AbortController());
        const results = order.map((_, i) =>
          rpc.request(`${i} q`, { signal: controllers[i]!.signal }).then(
            (reply) => reply,
            () => "abandoned",
          )
        );
        await peer.takeMany(order.length);
        abandon.forEach((gone, i) => gone && controllers[i]!.abort());
        await peer.reply(...order.map((i) => `${i} r`));
        const outcomes = await Promise.all(results);
        outcomes.forEach((outcome, i) =>
          assert.equal(outcome, abandon[i] ? "abandoned" : `${i} r`)
        );
        await rpc.close();
        peer.close();
      },
    ),
    { numRuns: 40 },
  );
});

Deno.test("Multiplex over loopback TCP: a server answering each batch in reverse", async () => {
  await using server = serve({ hostname: "127.0.0.1", port: 0 }, async (conn) => {
    await using framed = new Framed(conn, new LinesCodec());
    const batch: string[] = [];
    for await (const line of framed) {
      batch.push(line);
      if (batch.length === 4) {
        for (const req of batch.reverse()) await framed.feed(`${idOf(req)} done`);
        await framed.flush();
        batch.length = 0;
      }
    }
  });
  const rpc = new Multiplex<string, string>(await connect(server.addr), new LinesCodec(), {
    requestId: idOf,
    responseId: idOf,
    maxInFlight: 8,
  });
  const replies = await Promise.all(
    Array.from({ length: 64 }, (_, i) => rpc.request(`${i} work`)),
  );
  assert.deepEqual(replies, Array.from({ length: 64 }, (_, i) => `${i} done`));
  await rpc.close();
});
