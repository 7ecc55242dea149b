import assert from "node:assert/strict";
import fc from "fast-check";
import {
  connect,
  ConnectionLostError,
  Pipeline,
  serve,
  UnmatchedResponseError,
} from "@weir/weir/net";
import { Framed, LinesCodec } from "@weir/weir/framing";
import { type ByteBuffer, duplex, LineTooLongError, UnexpectedEofError } from "@weir/weir/io";
import { FakeClock } from "@weir/weir/time";
import { mpsc, select } from "@weir/weir/sync";
import { countingWrites, LinePeer } from "./_request_peer.ts";

function setup(options: ConstructorParameters<typeof Pipeline<string, string>>[2] = {}) {
  const [client, server] = duplex();
  const pipeline = new Pipeline<string, string>(client, new LinesCodec(), options);
  const peer = new LinePeer(server);
  return { pipeline, peer };
}

/** Lets queued microtasks and resolved I/O run. */
function settle(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

Deno.test("Pipeline pipelined requests each get their own reply, in order", async () => {
  const { pipeline, peer } = setup();
  const requests = Array.from({ length: 50 }, (_, i) => `req${i}`);
  const replies = Promise.all(requests.map((req) => pipeline.request(req)));
  assert.equal(pipeline.inFlight, 50);
  assert.deepEqual(await peer.takeMany(50), requests);
  await peer.reply(...requests.map((req) => req.toUpperCase()));
  assert.deepEqual(await replies, requests.map((req) => req.toUpperCase()));
  assert.equal(pipeline.inFlight, 0);
  await pipeline.close();
  assert.equal(await peer.ended(), true);
  peer.close();
});

Deno.test("Pipeline requests made in one turn go out in one write", async () => {
  const [client, server] = duplex();
  const counted = countingWrites(client);
  const pipeline = new Pipeline<string, string>(counted, new LinesCodec());
  const peer = new LinePeer(server);
  const replies = ["a", "b", "c", "d"].map((req) => pipeline.request(req));
  assert.deepEqual(await peer.takeMany(4), ["a", "b", "c", "d"]);
  assert.equal(counted.writes, 1);
  await peer.reply("1", "2", "3", "4");
  assert.deepEqual(await Promise.all(replies), ["1", "2", "3", "4"]);
  await pipeline.close();
  peer.close();
});

Deno.test("Pipeline a request aborted after it was sent keeps the later replies aligned", async () => {
  const { pipeline, peer } = setup();
  const controller = new AbortController();
  const first = pipeline.request("one", { signal: controller.signal });
  const second = pipeline.request("two");
  assert.deepEqual(await peer.takeMany(2), ["one", "two"]);
  const reason = new Error("caller gave up");
  controller.abort(reason);
  await assert.rejects(first, (error) => error === reason);
  assert.equal(pipeline.inFlight, 2, "the abandoned reply is still due");
  await peer.reply("ONE");
  await settle();
  assert.equal(pipeline.inFlight, 1);
  await peer.reply("TWO");
  assert.equal(await second, "TWO");
  const third = pipeline.request("three");
  assert.equal(await peer.take(), "three");
  await peer.reply("THREE");
  assert.equal(await third, "THREE");
  await pipeline.close();
  peer.close();
});

Deno.test("Pipeline timeouts run on the clock: waiting for room and waiting for the reply", async () => {
  const clock = new FakeClock();
  const { pipeline, peer } = setup({ maxInFlight: 1, clock });
  const first = pipeline.request("first", { timeout: 100 });
  const second = pipeline.request("second", { timeout: 50 }); // waits for room
  assert.equal(await peer.take(), "first");
  await clock.tick(50);
  await assert.rejects(second, { name: "TimeoutError" });
  await clock.tick(50);
  await assert.rejects(first, (error: DOMException) => {
    assert.equal(error.name, "TimeoutError");
    assert.match(error.message, /100 ms/);
    return true;
  });
  assert.equal(clock.pending, 0, "no timer is left behind");
  const third = pipeline.request("third");
  await peer.reply("late reply to first"); // dropped; frees the room
  assert.equal(await peer.take(), "third", "second was never sent");
  await peer.reply("THIRD");
  assert.equal(await third, "THIRD");
  await pipeline.close();
  peer.close();
});

Deno.test("Pipeline maxInFlight: requests wait for room, in call order", async () => {
  const { pipeline, peer } = setup({ maxInFlight: 2 });
  const replies = ["a", "b", "c", "d"].map((req) => pipeline.request(req));
  assert.equal(pipeline.inFlight, 2);
  assert.deepEqual(await peer.takeMany(2), ["a", "b"]);
  await peer.reply("A");
  assert.equal(await replies[0], "A");
  assert.equal(await peer.take(), "c", "a reply lets the oldest waiting request in");
  assert.equal(pipeline.inFlight, 2);
  await peer.reply("B", "C");
  assert.equal(await peer.take(), "d");
  await peer.reply("D");
  assert.deepEqual(await Promise.all(replies), ["A", "B", "C", "D"]);
  await pipeline.close();
  peer.close();
});

Deno.test("Pipeline an abort while waiting for room sends nothing and frees the place in line", async () => {
  const { pipeline, peer } = setup({ maxInFlight: 1 });
  const first = pipeline.request("first");
  const controller = new AbortController();
  const waiting = pipeline.request("dropped", { signal: controller.signal });
  const last = pipeline.request("last");
  controller.abort();
  await assert.rejects(waiting, { name: "AbortError" });
  assert.equal(await peer.take(), "first");
  await peer.reply("1");
  assert.equal(await first, "1");
  assert.equal(await peer.take(), "last");
  await peer.reply("2");
  assert.equal(await last, "2");
  await assert.rejects(
    pipeline.request("x", { signal: AbortSignal.abort(new Error("already")) }),
    { message: "already" },
  );
  await pipeline.close();
  peer.close();
});

Deno.test("Pipeline the peer closing rejects every pending request, waiting or sent, with one ConnectionLostError", async () => {
  const { pipeline, peer } = setup({ maxInFlight: 2 });
  const pending = ["a", "b", "c"].map((req) =>
    pipeline.request(req).then(() => assert.fail("no reply was sent"), (error) => error)
  );
  await peer.takeMany(2);
  await peer.framed.close(); // FIN: the peer will not answer
  const errors = await Promise.all(pending);
  assert.ok(errors[0] instanceof ConnectionLostError);
  assert.ok(errors.every((error) => error === errors[0]), "one error for all");
  assert.ok(errors[0].cause instanceof UnexpectedEofError);
  assert.match(errors[0].message, /2 replies outstanding/);
  await assert.rejects(pipeline.closed, (error) => error === errors[0]);
  await assert.rejects(pipeline.request("late"), (error) => error === errors[0]);
  assert.equal(pipeline.inFlight, 0);
  peer.close();
});

Deno.test("Pipeline a reply with no request waiting fails the connection", async () => {
  const { pipeline, peer } = setup();
  await peer.reply("unsolicited");
  await assert.rejects(pipeline.closed, (error) => {
    assert.ok(error instanceof ConnectionLostError);
    assert.ok(error.cause instanceof UnmatchedResponseError);
    assert.equal(error.cause.response, "unsolicited");
    return true;
  });
  peer.close();
});

Deno.test("Pipeline a decode error fails the connection with it as the cause", async () => {
  const [client, server] = duplex();
  const pipeline = new Pipeline<string, string>(client, new LinesCodec({ maxLineLength: 4 }));
  const pending = pipeline.request("hi");
  await server.write(new TextEncoder().encode("far too long\n"));
  await assert.rejects(pending, (error) => {
    assert.ok(error instanceof ConnectionLostError);
    assert.ok(error.cause instanceof LineTooLongError);
    return true;
  });
  server.close();
});

Deno.test("Pipeline a request the encoder refuses rejects alone; the others go on", async () => {
  const lines = new LinesCodec();
  const refused = new RangeError("cannot encode this");
  const codec = {
    decode: (buf: ByteBuffer) => lines.decode(buf),
    encode(line: string, out: ByteBuffer) {
      if (line === "bad") throw refused;
      lines.encode(line, out);
    },
  };
  const [client, server] = duplex();
  const pipeline = new Pipeline<string, string>(client, codec);
  const peer = new LinePeer(server);
  const before = pipeline.request("before");
  const bad = pipeline.request("bad");
  const after = pipeline.request("after");
  await assert.rejects(bad, (error) => error === refused);
  assert.deepEqual(await peer.takeMany(2), ["before", "after"]);
  await peer.reply("B", "A");
  assert.equal(await before, "B");
  assert.equal(await after, "A");
  assert.equal(pipeline.inFlight, 0);
  await pipeline.close();
  peer.close();
});

Deno.test("Pipeline close lets requests already made finish, refuses new ones, then sends FIN", async () => {
  const { pipeline, peer } = setup({ maxInFlight: 1 });
  const sent = pipeline.request("sent");
  const waiting = pipeline.request("waiting");
  let closed = false;
  const closing = pipeline.close().then(() => closed = true);
  await assert.rejects(pipeline.request("late"), Deno.errors.BadResource);
  assert.equal(await peer.take(), "sent");
  await peer.reply("1");
  assert.equal(await peer.take(), "waiting");
  await settle();
  assert.equal(closed, false);
  await peer.reply("2");
  assert.deepEqual(await Promise.all([sent, waiting]), ["1", "2"]);
  await closing;
  assert.equal(await peer.ended(), true);
  assert.equal(pipeline.close(), pipeline.closed, "idempotent");
  peer.close();
});

Deno.test("Pipeline abort rejects pending requests with its reason as the cause and closes the transport", async () => {
  const { pipeline, peer } = setup();
  const pending = pipeline.request("a");
  await peer.take();
  const reason = new Error("stop");
  pipeline.abort(reason);
  await assert.rejects(
    pending,
    (error) => error instanceof ConnectionLostError && error.cause === reason,
  );
  await assert.rejects(pipeline.closed, ConnectionLostError);
  assert.equal(await peer.ended(), true, "the client end is closed");
  pipeline.abort(new Error("again")); // no effect
  peer.close();
});

Deno.test("Pipeline works over a pair of streams", async () => {
  const toServer = new TransformStream<Uint8Array, Uint8Array>();
  const toClient = new TransformStream<Uint8Array, Uint8Array>();
  const pipeline = new Pipeline<string, string>(
    { readable: toClient.readable, writable: toServer.writable },
    new LinesCodec(),
  );
  const server = new Framed<string, string>(
    { readable: toServer.readable, writable: toClient.writable },
    new LinesCodec(),
  );
  const replies = [pipeline.request("x"), pipeline.request("y")];
  assert.equal((await server.next()).value, "x");
  assert.equal((await server.next()).value, "y");
  await server.send("X");
  await server.send("Y");
  assert.deepEqual(await Promise.all(replies), ["X", "Y"]);
  await pipeline.close();
  assert.equal((await server.next()).done, true);
  await server.return();
});

Deno.test("Pipeline rejects bad options and bad timeouts", async () => {
  const [client, server] = duplex();
  for (const maxInFlight of [0, -1, 1.5, NaN]) {
    assert.throws(() => new Pipeline(client, new LinesCodec(), { maxInFlight }), {
      name: "RangeError",
      message: `'maxInFlight' must be a positive integer: received ${maxInFlight}`,
    });
  }
  const pipeline = new Pipeline<string, string>(client, new LinesCodec());
  for (const timeout of [-1, NaN]) {
    await assert.rejects(pipeline.request("x", { timeout }), {
      name: "RangeError",
      message: `'timeout' must be a non-negative number of milliseconds: received ${timeout}`,
    });
  }
  assert.equal(pipeline.inFlight, 0);
  await pipeline.close();
  server.close();
});

Deno.test("Pipeline property: any mix of abandoned requests leaves every other reply matched", async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.record({ abort: fc.constantFrom("no", "before send", "after send") }), {
        minLength: 1,
        maxLength: 30,
      }),
      fc.integer({ min: 1, max: 8 }),
      async (plan, maxInFlight) => {
        const { pipeline, peer } = setup({ maxInFlight });
        const controllers = plan.map(() => new AbortController());
        const results = plan.map((_, i) =>
          pipeline.request(`r${i}`, { signal: controllers[i]!.signal }).then(
            (reply) => ({ reply }),
            () => ({ aborted: true }),
          )
        );
        plan.forEach((step, i) => {
          if (step.abort === "before send" && i >= maxInFlight) controllers[i]!.abort();
        });
        const expectedSent = plan.map((_, i) => `r${i}`).filter((_, i) =>
          !(plan[i]!.abort === "before send" && i >= maxInFlight)
        );
        // The peer answers each request as it arrives; some callers give up after sending.
        for (let n = 0; n < expectedSent.length; n++) {
          const req = await peer.take();
          assert.equal(req, expectedSent[n]);
          const i = Number(req.slice(1));
          if (plan[i]!.abort === "after send") controllers[i]!.abort();
          await peer.reply(req.toUpperCase());
        }
        const outcomes = await Promise.all(results);
        outcomes.forEach((outcome, i) => {
          const abort = plan[i]!.abort;
          const aborted = abort === "after send" || (abort === "before send" && i >= maxInFlight);
          if (aborted) assert.deepEqual(outcome, { aborted: true });
          else assert.deepEqual(outcome, { reply: `R${i}` });
        });
        assert.equal(pipeline.inFlight, 0);
        await pipeline.close();
        peer.close();
      },
    ),
    { numRuns: 40 },
  );
});

Deno.test("Pipeline over loopback TCP: pipelined requests and a cancellation mid-flight", async () => {
  await using server = serve({ hostname: "127.0.0.1", port: 0 }, async (conn) => {
    await using framed = new Framed(conn, new LinesCodec());
    for await (const line of framed) await framed.feed(`echo ${line}`).then(() => framed.flush());
  });
  const pipeline = new Pipeline<string, string>(await connect(server.addr), new LinesCodec(), {
    maxInFlight: 16,
  });
  const controller = new AbortController();
  const requests = Array.from(
    { length: 200 },
    (_, i) => pipeline.request(`${i}`, i === 100 ? { signal: controller.signal } : {}),
  );
  controller.abort();
  const outcomes = await Promise.allSettled(requests);
  outcomes.forEach((outcome, i) => {
    if (i === 100) assert.equal(outcome.status, "rejected");
    else assert.deepEqual(outcome, { status: "fulfilled", value: `echo ${i}` });
  });
  assert.equal(await pipeline.request("after"), "echo after");
  await pipeline.close();
});

Deno.test("Pipeline request is select-safe: a losing branch sends nothing, waiting or not", async () => {
  const one = setup();
  const two = setup();
  const won = select([
    (signal) => one.pipeline.request("a", { signal }),
    (signal) => two.pipeline.request("b", { signal }),
  ], { biased: true });
  assert.equal(await one.peer.take(), "a");
  await one.peer.reply("A");
  assert.deepEqual(await won, { index: 0, value: "A" });
  assert.equal(two.pipeline.inFlight, 0, "the losing pipeline sent nothing");

  // A request waiting for room loses to a channel message: it leaves the line unsent.
  const { pipeline, peer } = setup({ maxInFlight: 1 });
  const first = pipeline.request("first");
  const [tx, rx] = mpsc<string>(1);
  const raced = select([
    (signal) => pipeline.request("waiting", { signal }),
    (signal) => rx.recv({ signal }),
  ], { biased: true });
  await tx.send("message");
  assert.deepEqual(await raced, { index: 1, value: { done: false, value: "message" } });
  assert.equal(await peer.take(), "first");
  await peer.reply("1");
  assert.equal(await first, "1");
  const last = pipeline.request("last");
  assert.equal(await peer.take(), "last", "the losing request was never sent");
  await peer.reply("2");
  assert.equal(await last, "2");
  for (const client of [one, two, { pipeline, peer }]) {
    await client.pipeline.close();
    client.peer.close();
  }
});
