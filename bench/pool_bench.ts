import { Pool } from "@weir/weir/sync";
import { createPool } from "generic-pool";
import { Pool as TarnPool } from "tarn";

/** Acquire/release pairs per bench iteration. */
const ROUNDS = 100;
/** Concurrent borrowers in the contended group. */
const WORKERS = 16;
/** Pool size in the contended group. */
const MAX = 4;

interface Conn {
  uses: number;
}

const create = (): Conn => ({ uses: 0 });

const weirIdle = new Pool({ create, max: 1 });
const weirBusy = new Pool({ create, max: MAX });
const genericIdle = createPool(
  { create: () => Promise.resolve(create()), destroy: async () => {} },
  {
    max: 1,
  },
);
const genericBusy = createPool(
  { create: () => Promise.resolve(create()), destroy: async () => {} },
  {
    max: MAX,
  },
);
const tarnIdle = new TarnPool<Conn>({
  create: () => Promise.resolve(create()),
  destroy: () => {},
  min: 0,
  max: 1,
});
const tarnBusy = new TarnPool<Conn>({
  create: () => Promise.resolve(create()),
  destroy: () => {},
  min: 0,
  max: MAX,
});

/** One borrower: `rounds` acquire, touch, release cycles, yielding while it holds. */
type Borrower = (rounds: number, yieldWhileHeld: boolean) => Promise<void>;

const weir = (pool: Pool<Conn>): Borrower => async (rounds, yieldWhileHeld) => {
  for (let i = 0; i < rounds; i++) {
    const lease = await pool.acquire();
    lease.value.uses++;
    if (yieldWhileHeld) await null;
    lease.release();
  }
};

const generic = (pool: typeof genericIdle): Borrower => async (rounds, yieldWhileHeld) => {
  for (let i = 0; i < rounds; i++) {
    const conn = await pool.acquire();
    conn.uses++;
    if (yieldWhileHeld) await null;
    await pool.release(conn);
  }
};

const tarn = (pool: TarnPool<Conn>): Borrower => async (rounds, yieldWhileHeld) => {
  for (let i = 0; i < rounds; i++) {
    const conn = await pool.acquire().promise;
    conn.uses++;
    if (yieldWhileHeld) await null;
    pool.release(conn);
  }
};

const contenders: [string, Borrower, Borrower][] = [
  ["weir Pool", weir(weirIdle), weir(weirBusy)],
  ["npm:generic-pool", generic(genericIdle), generic(genericBusy)],
  ["npm:tarn", tarn(tarnIdle), tarn(tarnBusy)],
];

for (const [name, idle, busy] of contenders) {
  Deno.bench({
    group: `acquire/release x${ROUNDS}, idle resource`,
    name,
    baseline: name === "weir Pool",
    async fn() {
      await idle(ROUNDS, false);
    },
  });
  Deno.bench({
    group: `acquire/release x${ROUNDS}, ${WORKERS} borrowers on ${MAX} resources`,
    name,
    baseline: name === "weir Pool",
    async fn() {
      await Promise.all(Array.from({ length: WORKERS }, () => busy(ROUNDS / 4, true)));
    },
  });
}

// Deno.bench has no teardown hook: release timers once every bench ran.
globalThis.addEventListener("unload", () => {
  weirIdle.drain();
  weirBusy.drain();
  genericIdle.drain().then(() => genericIdle.clear());
  genericBusy.drain().then(() => genericBusy.clear());
  tarnIdle.destroy();
  tarnBusy.destroy();
});
