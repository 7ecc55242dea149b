// Pipelined request/response over loopback TCP: weir's Pipeline against the
// hand-written client most drivers carry (a FIFO of resolvers over a
// FramedDriver, with the same bound on requests in flight), same server,
// same run. Each iteration sends REQUESTS small line requests at once on one
// connection and awaits every reply; connecting is outside the timed part.
//
//   deno bench -A bench/pipeline_bench.ts
import { LinesCodec } from "@weir/weir/framing";
import { connect, FramedDriver, Pipeline, serve } from "@weir/weir/net";

const REQUESTS = 1000;
const MAX_IN_FLIGHT = 128;

/** A line server that answers each request with "+OK <request>" as it decodes it. */
const server = serve({ hostname: "127.0.0.1", port: 0 }, async (conn) => {
  const driver = new FramedDriver(conn, new LinesCodec());
  for (;;) {
    const next = driver.tryRecv() ?? await driver.recv();
    if (next.done) break;
    const reply = `+OK ${next.value}`;
    if (!driver.trySend(reply)) await driver.send(reply);
  }
  await driver.close();
  await driver.closed;
});
const addr = server.addr;
const requests = Array.from({ length: REQUESTS }, (_, i) => `GET key:${i}`);

/** The hand-written alternative: replies resolve a FIFO of waiting calls. */
class HandQueue {
  readonly #driver: FramedDriver<string, string>;
  readonly #waiting: ((reply: string) => void)[] = [];
  #head = 0;
  #inFlight = 0;
  readonly #room: (() => void)[] = [];
  readonly #reading: Promise<void>;

  constructor(driver: FramedDriver<string, string>) {
    this.#driver = driver;
    this.#reading = this.#read();
  }

  async request(req: string): Promise<string> {
    while (this.#inFlight >= MAX_IN_FLIGHT) {
      await new Promise<void>((resolve) => this.#room.push(resolve));
    }
    this.#inFlight++;
    const reply = new Promise<string>((resolve) => this.#waiting.push(resolve));
    await this.#driver.send(req);
    return reply;
  }

  async #read(): Promise<void> {
    for await (const reply of this.#driver) {
      const resolve = this.#waiting[this.#head++]!;
      if (this.#head === this.#waiting.length) {
        this.#waiting.length = 0;
        this.#head = 0;
      }
      this.#inFlight--;
      this.#room.shift()?.();
      resolve(reply);
    }
  }

  async close(): Promise<void> {
    await this.#driver.close();
    await this.#reading;
    await this.#driver.closed;
  }
}

const pipeline = new Pipeline<string, string>(await connect(addr), new LinesCodec(), {
  maxInFlight: MAX_IN_FLIGHT,
});
const hand = new HandQueue(new FramedDriver(await connect(addr), new LinesCodec()));

Deno.bench({
  name: `Pipeline: ${REQUESTS} pipelined requests`,
  group: "pipelined requests",
  baseline: true,
  warmup: 50,
  n: 400,
  async fn() {
    const replies = await Promise.all(requests.map((req) => pipeline.request(req)));
    if (replies.length !== REQUESTS || replies[REQUESTS - 1] !== `+OK ${requests.at(-1)}`) {
      throw new Error("wrong replies");
    }
  },
});

Deno.bench({
  name: `hand-written FIFO over FramedDriver: ${REQUESTS} pipelined requests`,
  group: "pipelined requests",
  warmup: 50,
  n: 400,
  async fn() {
    const replies = await Promise.all(requests.map((req) => hand.request(req)));
    if (replies.length !== REQUESTS || replies[REQUESTS - 1] !== `+OK ${requests.at(-1)}`) {
      throw new Error("wrong replies");
    }
  },
});

globalThis.addEventListener("unload", () => {
  pipeline.abort();
  hand.close().catch(() => {});
  server.shutdown({ gracePeriod: 0 });
});
