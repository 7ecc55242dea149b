// Abort injection over the waiting calls of @weir/weir/net. The drivers run
// over in-memory duplex pipes (aborted at every microtask turn); connect,
// UDP and TCP writes run on loopback sockets (aborted at every step of the
// scenario, real I/O happening in between). Nothing is lost or duplicated,
// and Deno's sanitizers see every socket closed.
import assert from "node:assert/strict";
import { LinesCodec } from "@weir/weir/framing";
import { duplex } from "@weir/weir/io";
import { connect, Connection, FramedDriver, UdpSocket } from "@weir/weir/net";
import { coverageOf, describeCoverage, injectAborts, soon } from "../_util/abort_injection.ts";
import { rawPair, waitFor } from "../_util/net.ts";
import { readRest, readSome } from "./_pipes.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const macrotask = () => new Promise((resolve) => setTimeout(resolve, 0));

/** Resolves `promise`, failing after a few seconds instead of hanging. */
async function within<T>(promise: Promise<T>, what: string): Promise<T> {
  let result: { value: T } | { error: unknown } | undefined;
  promise.then((value) => result = { value }, (error) => result = { error });
  await waitFor(() => result !== undefined, what);
  if ("error" in result!) throw result.error;
  return result!.value;
}

/**
 * A line driver over a 4-byte pipe whose writer is blocked on "aaaaaaaa"
 * with "b" queued (highWaterMark 1: the next send waits), and a peer that reads the
 * pipe a little at a time.
 */
async function blockedDriver() {
  const [a, b] = duplex(4);
  const driver = new FramedDriver(a, new LinesCodec(), { highWaterMark: 1 });
  await driver.send("aaaaaaaa");
  await soon(
    (async () => {
      while (b.buffered !== 4) await new Promise((resolve) => setTimeout(resolve, 1));
    })(),
    "the writer to fill the pipe with the first line",
  );
  await driver.send("b");
  const received: number[] = [];
  return {
    driver,
    async drain(point: () => Promise<void>) {
      for (let i = 0; i < 8; i++) {
        await point();
        received.push(...await readSome(b, 3));
      }
    },
    /** Closes the driver (flush, FIN) while reading the pipe: the lines on the wire. */
    async wire(): Promise<string[]> {
      const closing = driver.close();
      const tail = await readRest(b);
      await soon(closing, "the close");
      const text = decoder.decode(new Uint8Array([...received, ...tail]));
      assert.ok(text.endsWith("\n"), "whole lines only");
      return text.slice(0, -1).split("\n");
    },
    async dispose() {
      driver.abort();
      await driver.closed.catch(() => {});
      b.close();
    },
  };
}

for (const api of ["send", "sendWithAck"] as const) {
  Deno.test(`FramedDriver ${api} aborted at any point sends the line exactly when it resolves`, async () => {
    await injectAborts("net", `FramedDriver.${api}`, async () => {
      const c = await blockedDriver();
      return {
        call: (signal) => c.driver[api]("item", { signal }),
        drive: (point) => c.drain(point),
        async check(outcome) {
          const lines = outcome.status === "fulfilled"
            ? ["aaaaaaaa", "b", "item"]
            : ["aaaaaaaa", "b"];
          assert.deepEqual(await c.wire(), lines);
        },
        dispose: c.dispose,
      };
    });
  });
}

Deno.test("FramedDriver close aborted at any point still flushes every queued line once", async () => {
  await injectAborts("net", "FramedDriver.close", async () => {
    const c = await blockedDriver();
    return {
      call: (signal) => c.driver.close({ signal }),
      drive: (point) => c.drain(point),
      async check() {
        assert.deepEqual(await c.wire(), ["aaaaaaaa", "b"]);
      },
      dispose: c.dispose,
    };
  });
});

Deno.test("FramedDriver recv aborted at any point loses no inbound line", async () => {
  await injectAborts("net", "FramedDriver.recv", () => {
    const [a, b] = duplex(64);
    const driver = new FramedDriver(a, new LinesCodec());
    return {
      call: (signal) => driver.recv({ signal }),
      async drive(point) {
        for (const chunk of ["on", "e\ntw", "o\n"]) {
          await point();
          await b.write(encoder.encode(chunk));
        }
        await b.closeWrite();
      },
      async check(outcome) {
        const got = outcome.status === "fulfilled" && !outcome.value.done
          ? [outcome.value.value]
          : [];
        for (let r = await soon(driver.recv(), "a line"); !r.done;) {
          got.push(r.value);
          r = await soon(driver.recv(), "a line");
        }
        assert.deepEqual(got, ["one", "two"]);
      },
      async dispose() {
        driver.abort();
        await driver.closed.catch(() => {});
        b.close();
      },
    };
  });
});

Deno.test("connect aborted at any step leaves no socket open", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const accepted: Deno.Conn[] = [];
  const accepting = (async () => {
    try {
      for (;;) accepted.push(await listener.accept());
    } catch {
      // the listener was closed
    }
  })();
  try {
    await injectAborts("net", "connect", () => ({
      call: (signal) => connect(listener.addr, { signal }),
      async drive(point) {
        for (let i = 0; i < 4; i++) {
          await point();
          await macrotask();
        }
      },
      check(outcome) {
        if (outcome.status === "fulfilled") {
          assert.equal((outcome.value.remoteAddr as Deno.NetAddr).port, listener.addr.port);
          outcome.value.close();
        }
      },
    }), { granularity: "points" });
  } finally {
    listener.close();
    await accepting;
    for (const conn of accepted) conn.close();
  }
});

Deno.test("UdpSocket recvFrom and recv aborted at any step lose no datagram", async () => {
  for (const api of ["UdpSocket.recvFrom", "UdpSocket.recv"] as const) {
    await injectAborts("net", api, () => {
      const a = UdpSocket.bind({ port: 0 });
      const b = UdpSocket.bind({ port: 0 });
      a.connect(b.addr);
      const receive = (signal = new AbortController().signal) =>
        api === "UdpSocket.recv"
          ? a.recv({ signal }).then((data) => decoder.decode(data))
          : a.recvFrom({ signal }).then(({ data }) => decoder.decode(data));
      return {
        call: (signal) => receive(signal),
        async drive(point) {
          await point();
          await b.sendTo(encoder.encode("one"), a.addr);
          for (let i = 0; i < 3; i++) {
            await point();
            await macrotask();
          }
        },
        async check(outcome) {
          const first = outcome.status === "fulfilled"
            ? outcome.value
            : await within(receive(), "the kept datagram");
          assert.equal(first, "one");
          await b.sendTo(encoder.encode("two"), a.addr);
          assert.equal(await within(receive(), "the next datagram"), "two");
        },
        dispose() {
          a.close();
          b.close();
        },
      };
    }, { granularity: "points" });
  }
});

Deno.test("Connection writeAll to a peer that reads slowly, aborted at any step, sends a prefix", async () => {
  const size = 8 << 20;
  const data = new Uint8Array(size).map((_, i) => i % 251);
  await injectAborts("net", "Connection.writeAll", async () => {
    const pair = await rawPair("tcp");
    const conn = new Connection(pair.client);
    const received: Uint8Array[] = [];
    let total = 0;
    let reading: Promise<number | null> | undefined;
    const chunk = new Uint8Array(1 << 20);
    /** Takes what the peer's pending read got, if it finished within a few ms. */
    const readStep = async (): Promise<boolean> => {
      reading ??= pair.server.read(chunk);
      let timer: ReturnType<typeof setTimeout> | undefined;
      const n = await Promise.race([
        reading,
        new Promise<undefined>((resolve) => timer = setTimeout(() => resolve(undefined), 5)),
      ]);
      clearTimeout(timer);
      if (n === undefined) return false;
      reading = undefined;
      if (n !== null) {
        received.push(chunk.slice(0, n));
        total += n;
      }
      return true;
    };
    return {
      call: (signal) => conn.writeAll(data, { signal }),
      async drive(point) {
        for (let i = 0; i < 6; i++) {
          await point();
          await readStep();
        }
        // Then read on until everything arrived or the writer stopped
        // (nothing for 100 ms).
        let idle = 0;
        for (let i = 0; i < 4000 && total < size && idle < 20; i++) {
          idle = (await readStep()) ? 0 : idle + 1;
        }
      },
      async check(outcome) {
        conn.close(); // not cancel safe: close after an abort
        let ended = false;
        for (let i = 0; i < 10_000 && !ended; i++) {
          const n = await (reading ?? pair.server.read(chunk));
          reading = undefined;
          if (n === null) ended = true;
          else {
            received.push(chunk.slice(0, n));
            total += n;
          }
        }
        let at = 0;
        for (const part of received) {
          assert.deepEqual(part, data.subarray(at, at + part.length), `bytes at ${at}`);
          at += part.length;
        }
        if (outcome.status === "fulfilled") assert.equal(total, size);
      },
      async dispose() {
        await pair[Symbol.asyncDispose]();
      },
    };
  }, { granularity: "points" });
});

Deno.test("abort injection report for net: every API aborted mid-call more than once", () => {
  console.log(describeCoverage("net"));
  for (const [api, { points, whilePending }] of coverageOf("net")) {
    assert.ok(whilePending >= 2 && points >= whilePending, api);
  }
});
