/**
 * A connection pool with weir's `Pool` (what bb8 or deadpool are for
 * Tokio): `--tasks` tasks each run one query, but at most `--size`
 * connections ever exist. Opening a connection costs `--connect` ms (the
 * handshake, TLS and authentication the pool saves); a query takes
 * `--query` ms. Tasks beyond the pool's size wait, first come first served,
 * for a connection another task returns.
 *
 * `pool.use(fn)` lends a connection for the length of `fn` and returns it
 * even if `fn` throws. With `--max-uses N`, the pool's `validate` hook
 * retires a connection after N queries (the recycle check deadpool calls
 * before reuse) and opens a fresh one. `pool.drain()` closes everything at
 * the end.
 *
 * ```sh
 * deno run examples/pool.ts [--size 5] [--tasks 20] [--connect 100] [--query 50] [--max-uses 0]
 * ```
 *
 * Prints `[100 ms] Created connection 1`, ...,
 * `[100 ms] Connection 1 executing: Query 0`, ..., then a summary:
 * `20 queries on 5 connections in 300 ms (at most 5 in use at once)`.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { Pool } from "@weir/weir/sync";
import { sleep, systemClock } from "@weir/weir/time";
import { type ExampleRunOptions, integerFlag } from "./_cli.ts";

/** How {@linkcode main} is run: where lines are printed and the clock. */
export type RunOptions = Pick<ExampleRunOptions, "log" | "clock">;

/** A pretend database connection. */
interface Connection {
  id: number;
  uses: number;
}

/** What the run cost. */
export interface PoolResult {
  /** Connections opened over the whole run. */
  created: number;
  /** The most connections in use at once. */
  peakInUse: number;
  /** Milliseconds from the start until the last query finished. */
  elapsed: number;
  /** Queries served, by connection id (from 1). */
  queriesPerConnection: Record<number, number>;
}

/** Runs every task's query through the pool. */
export async function main(args: string[], options: RunOptions = {}): Promise<PoolResult> {
  const { log = console.log, clock = systemClock } = options;
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      size: { type: "string", default: "5" },
      tasks: { type: "string", default: "20" },
      connect: { type: "string", default: "100" },
      query: { type: "string", default: "50" },
      "max-uses": { type: "string", default: "0" },
    },
  });
  const size = integerFlag("size", values.size, 1);
  const tasks = integerFlag("tasks", values.tasks, 0);
  const connectMs = integerFlag("connect", values.connect, 0);
  const queryMs = integerFlag("query", values.query, 0);
  const maxUses = integerFlag("max-uses", values["max-uses"], 0);
  const start = clock.now();
  const elapsed = () => Math.round(clock.now() - start);
  const print = (line: string) => log(`[${elapsed()} ms] ${line}`);

  let created = 0;
  let inUse = 0;
  let peakInUse = 0;
  const queriesPerConnection: Record<number, number> = {};
  const pool = new Pool<Connection>({
    max: size,
    create: async (signal) => {
      await sleep(connectMs, { signal, clock }); // DNS, TCP, TLS, auth...
      const conn = { id: ++created, uses: 0 };
      print(`Created connection ${conn.id}`);
      return conn;
    },
    validate: (conn) => maxUses === 0 || conn.uses < maxUses,
    destroy: (conn) => print(`Closed connection ${conn.id} after ${conn.uses} queries`),
    clock,
  });

  await Promise.all(Array.from({ length: tasks }, (_, i) =>
    pool.use(async (conn) => {
      peakInUse = Math.max(peakInUse, ++inUse);
      print(`Connection ${conn.id} executing: Query ${i}`);
      await sleep(queryMs, { clock });
      conn.uses++;
      queriesPerConnection[conn.id] = (queriesPerConnection[conn.id] ?? 0) + 1;
      inUse--;
    })));
  const done = elapsed();
  log(
    `${tasks} queries on ${created} connections in ${done} ms (at most ${peakInUse} in use at once)`,
  );
  await pool.drain();
  return { created, peakInUse, elapsed: done, queriesPerConnection };
}

if (import.meta.main) await main(Deno.args);
