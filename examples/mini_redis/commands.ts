/**
 * The mini-redis commands, with redis-server 7's replies and error texts:
 * PING, ECHO, GET, SET (EX, PX, EXAT, PXAT, NX, XX, KEEPTTL, GET), DEL,
 * EXISTS, INCR, DECR, INCRBY, DECRBY, TTL, PTTL, DBSIZE, FLUSHALL, QUIT,
 * CONFIG GET, PUBLISH, SUBSCRIBE, UNSUBSCRIBE. In subscribe mode only (UN)SUBSCRIBE, PING and QUIT run.
 *
 * @module
 */
import type { Keyspace } from "./keyspace.ts";
import { byteString, INT64_MAX, INT64_MIN, parseInt64, type RespValue } from "./resp_codec.ts";

/** What a command acts on: the keyspace, settings, and its connection's pub/sub state. */
export interface CommandContext {
  /** The keyspace. */
  readonly db: Keyspace;
  /** `CONFIG GET` values by lower-case name. */
  readonly config: ReadonlyMap<string, string>;
  /** How many channels the connection is subscribed to (subscribe mode when above 0). */
  readonly subscriptionCount: number;
  /** The connection's channels, in the order subscribed. */
  subscriptions(): Uint8Array[];
  /** Subscribes the connection to `channel` (no-op when it is already); returns the new count. */
  subscribe(channel: Uint8Array): number;
  /** Unsubscribes the connection from `channel` (no-op when it is not); returns the new count. */
  unsubscribe(channel: Uint8Array): number;
  /** Sends `message` to the channel's subscribers; returns how many there are. */
  publish(channel: Uint8Array, message: Uint8Array): number;
  /** Closes the connection once the reply is written. */
  quit(): void;
}

/** Several replies to one command (SUBSCRIBE and UNSUBSCRIBE give one per channel). */
export class Replies {
  /** @param list The replies, in order. */
  constructor(readonly list: readonly RespValue[]) {}
}

const utf8 = new TextEncoder();

function simple(value: string): RespValue {
  return { type: "simple", value };
}

function error(value: string): RespValue {
  return { type: "error", value };
}

function integer(value: number | bigint): RespValue {
  return { type: "integer", value };
}

function bulk(value: Uint8Array | null): RespValue {
  return { type: "bulk", value };
}

const OK = simple("OK");
const PONG = simple("PONG");
const NIL = bulk(null);
const ZERO = integer(0);
const ONE = integer(1);
const SYNTAX_ERROR = error("ERR syntax error");
const NOT_INTEGER = error("ERR value is not an integer or out of range");
const OVERFLOW = error("ERR increment or decrement would overflow");
const SUBSCRIBE = bulk(utf8.encode("subscribe"));
const UNSUBSCRIBE = bulk(utf8.encode("unsubscribe"));
const PONG_LOWER = bulk(utf8.encode("pong"));
const EMPTY = bulk(new Uint8Array(0));

/** An error text as Redis sends it: CR and LF inside it become spaces. */
function sanitized(text: string): RespValue {
  return error(text.replace(/[\r\n]/g, " "));
}

/** What C's `%.Ns` prints of an argument: up to its first NUL, at most `max` bytes. */
function cString(arg: Uint8Array, max: number): string {
  const nul = arg.indexOf(0);
  return byteString(arg.subarray(0, Math.min(nul < 0 ? arg.length : nul, max)));
}

/** Redis's reply to a command it does not know. */
function unknownCommand(args: Uint8Array[]): RespValue {
  let quoted = "";
  for (let i = 1; i < args.length && quoted.length < 128; i++) {
    quoted += `'${cString(args[i]!, 128 - quoted.length)}' `;
  }
  return sanitized(
    `ERR unknown command '${cString(args[0]!, 128)}', with args beginning with: ${quoted}`,
  );
}

function wrongArity(name: string): RespValue {
  return error(`ERR wrong number of arguments for '${name}' command`);
}

function expireError(): RespValue {
  return error("ERR invalid expire time in 'set' command");
}

/** The decimal text of `value` as bytes (at most 20, so no encoder call). */
function decimal(value: number | bigint): Uint8Array {
  const text = String(value);
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return bytes;
}

/** Adds two int64 values exactly; `undefined` when the sum leaves the int64 range. */
function addInt64(a: number | bigint, b: number | bigint): number | bigint | undefined {
  if (typeof a === "number" && typeof b === "number") {
    const sum = a + b;
    if (Number.isSafeInteger(sum)) return sum;
  }
  const sum = BigInt(a) + BigInt(b);
  if (sum < INT64_MIN || sum > INT64_MAX) return undefined;
  return Number.isSafeInteger(Number(sum)) && BigInt(Number(sum)) === sum ? Number(sum) : sum;
}

function incrBy(ctx: CommandContext, keyBytes: Uint8Array, delta: number | bigint): RespValue {
  const key = byteString(keyBytes);
  const current = ctx.db.get(key);
  let value: number | bigint = 0;
  if (current !== undefined) {
    const parsed = parseInt64(current);
    if (parsed === undefined) return NOT_INTEGER;
    value = parsed;
  }
  const next = addInt64(value, delta);
  if (next === undefined) return OVERFLOW;
  ctx.db.set(key, decimal(next), "keep");
  return integer(next);
}

/** `NX`, `XX`, ... matched case-insensitively against ASCII `word`. */
function isWord(arg: Uint8Array, word: string): boolean {
  if (arg.length !== word.length) return false;
  for (let i = 0; i < word.length; i++) {
    if ((arg[i]! | 0x20) !== word.charCodeAt(i)) return false;
  }
  return true;
}

const NX = 1;
const XX = 2;
const GET = 4;
const KEEPTTL = 8;
const EX = 16;
const PX = 32;
const EXAT = 64;
const PXAT = 128;
const ANY_EXPIRY = EX | PX | EXAT | PXAT;

/**
 * SET key value [NX | XX] [GET] [EX s | PX ms | EXAT unix-s | PXAT unix-ms |
 * KEEPTTL], checked in Redis 7's order (options, then the expiry's value).
 */
function set(ctx: CommandContext, args: Uint8Array[]): RespValue {
  let flags = 0;
  let expire: Uint8Array | undefined;
  for (let j = 3; j < args.length; j++) {
    const opt = args[j]!;
    const hasNext = j < args.length - 1;
    if (isWord(opt, "nx") && !(flags & XX)) flags |= NX;
    else if (isWord(opt, "xx") && !(flags & NX)) flags |= XX;
    else if (isWord(opt, "get")) flags |= GET;
    else if (isWord(opt, "keepttl") && !(flags & ANY_EXPIRY)) flags |= KEEPTTL;
    else {
      // EX may repeat (the last one counts); it excludes the other expiries.
      const unit = isWord(opt, "ex")
        ? EX
        : isWord(opt, "px")
        ? PX
        : isWord(opt, "exat")
        ? EXAT
        : isWord(opt, "pxat")
        ? PXAT
        : 0;
      if (unit === 0 || flags & KEEPTTL || flags & (ANY_EXPIRY & ~unit) || !hasNext) {
        return SYNTAX_ERROR;
      }
      flags |= unit;
      expire = args[++j];
    }
  }
  let expiresAt: number | "keep" | undefined = flags & KEEPTTL ? "keep" : undefined;
  if (expire !== undefined) {
    const amount = parseInt64(expire);
    if (amount === undefined) return NOT_INTEGER;
    const seconds = (flags & (EX | EXAT)) !== 0;
    if (amount <= 0 || (seconds && BigInt(amount) > INT64_MAX / 1000n)) return expireError();
    const ms = BigInt(amount) * (seconds ? 1000n : 1n);
    const wallNow = BigInt(Date.now());
    // Redis adds the wall-clock time to a relative expiry in int64 and
    // refuses an overflow; an absolute one is turned into this clock's time.
    if (flags & (EX | PX)) {
      if (ms > INT64_MAX - wallNow) return expireError();
      expiresAt = ctx.db.now() + Number(ms);
    } else {
      expiresAt = ctx.db.now() + Number(ms - wallNow);
    }
  }
  const key = byteString(args[1]!);
  const old = flags & (GET | NX | XX) ? ctx.db.get(key) : undefined;
  const reply = flags & GET ? bulk(old ?? null) : OK;
  if ((flags & NX && old !== undefined) || (flags & XX && old === undefined)) {
    return flags & GET ? reply : NIL;
  }
  // An absolute expiry already past deletes the key, as in Redis.
  if (typeof expiresAt === "number" && expiresAt <= ctx.db.now()) ctx.db.delete(key);
  else ctx.db.set(key, args[2]!.slice(), expiresAt);
  return reply;
}

/** Whether `name` matches Redis glob `pattern` (`*`, `?`, `[a-z]`, `[^x]`, `\x`), ignoring case. */
export function globMatch(pattern: string, name: string): boolean {
  const p = pattern.toLowerCase();
  const s = name.toLowerCase();
  const match = (pi: number, si: number): boolean => {
    while (pi < p.length) {
      const c = p[pi]!;
      if (c === "*") {
        while (p[pi + 1] === "*") pi++;
        if (pi + 1 === p.length) return true;
        for (let k = si; k <= s.length; k++) if (match(pi + 1, k)) return true;
        return false;
      }
      if (si >= s.length) return false;
      if (c === "?") {
        pi++;
        si++;
        continue;
      }
      if (c === "[") {
        let i = pi + 1;
        const negate = p[i] === "^";
        if (negate) i++;
        let hit = false;
        for (; i < p.length && p[i] !== "]"; i++) {
          if (p[i] === "\\" && i + 1 < p.length) {
            if (p[++i] === s[si]) hit = true;
          } else if (p[i + 1] === "-" && i + 2 < p.length && p[i + 2] !== "]") {
            const [lo, hi] = [p[i]!, p[i + 2]!].sort();
            if (s[si]! >= lo! && s[si]! <= hi!) hit = true;
            i += 2;
          } else if (p[i] === s[si]) hit = true;
        }
        if (hit === negate) return false;
        pi = i + 1;
        si++;
        continue;
      }
      const literal = c === "\\" && pi + 1 < p.length ? p[++pi]! : c;
      if (literal !== s[si]) return false;
      pi++;
      si++;
    }
    return si === s.length;
  };
  return match(0, 0);
}

/** CONFIG GET pattern [pattern ...]: exact names echo as given; globs give the canonical names. */
function configGet(ctx: CommandContext, args: Uint8Array[]): RespValue {
  const found = new Map<string, string>();
  for (let i = 2; i < args.length; i++) {
    const pattern = byteString(args[i]!);
    if (!/[[*?]/.test(pattern)) {
      const canonical = pattern.toLowerCase();
      if (ctx.config.has(canonical) && !found.has(canonical)) found.set(canonical, pattern);
      continue;
    }
    for (const name of ctx.config.keys()) {
      if (!found.has(name) && globMatch(pattern, name)) found.set(name, name);
    }
  }
  const items: RespValue[] = [];
  for (const [canonical, shown] of found) {
    items.push(bulk(utf8.encode(shown)), bulk(utf8.encode(ctx.config.get(canonical)!)));
  }
  return { type: "array", value: items };
}

function subscribeReply(kind: RespValue, channel: Uint8Array | null, count: number): RespValue {
  return { type: "array", value: [kind, bulk(channel), integer(count)] };
}

/** How many of the keys `args[1..]` pass `test` (each is tested, in order), as a reply. */
function countKeys(args: Uint8Array[], test: (key: string) => boolean): RespValue {
  let count = 0;
  for (let i = 1; i < args.length; i++) if (test(byteString(args[i]!))) count++;
  return count === 0 ? ZERO : count === 1 ? ONE : integer(count);
}

/** A command: its arity as Redis gives it (negative: at least that many), and what it does. */
interface Command {
  arity: number;
  run(ctx: CommandContext, args: Uint8Array[]): RespValue | Replies;
}

const COMMANDS = new Map<string, Command>([
  ["ping", {
    arity: -1,
    run: (ctx, args) => {
      if (args.length > 2) return wrongArity("ping");
      if (ctx.subscriptionCount > 0) {
        return { type: "array", value: [PONG_LOWER, args.length === 2 ? bulk(args[1]!) : EMPTY] };
      }
      return args.length === 2 ? bulk(args[1]!) : PONG;
    },
  }],
  ["echo", { arity: 2, run: (_ctx, args) => bulk(args[1]!) }],
  ["get", { arity: 2, run: (ctx, args) => bulk(ctx.db.get(byteString(args[1]!)) ?? null) }],
  ["set", { arity: -3, run: set }],
  ["del", { arity: -2, run: (ctx, args) => countKeys(args, (key) => ctx.db.delete(key)) }],
  ["exists", { arity: -2, run: (ctx, args) => countKeys(args, (key) => ctx.db.has(key)) }],
  ["incr", { arity: 2, run: (ctx, args) => incrBy(ctx, args[1]!, 1) }],
  ["decr", { arity: 2, run: (ctx, args) => incrBy(ctx, args[1]!, -1) }],
  ["incrby", {
    arity: 3,
    run: (ctx, args) => {
      const delta = parseInt64(args[2]!);
      return delta === undefined ? NOT_INTEGER : incrBy(ctx, args[1]!, delta);
    },
  }],
  ["decrby", {
    arity: 3,
    run: (ctx, args) => {
      const delta = parseInt64(args[2]!);
      if (delta === undefined) return NOT_INTEGER;
      if (delta === INT64_MIN) return error("ERR decrement would overflow");
      return incrBy(ctx, args[1]!, typeof delta === "number" ? -delta : -delta);
    },
  }],
  ["dbsize", { arity: 1, run: (ctx) => integer(ctx.db.size) }],
  ["ttl", {
    arity: 2,
    run: (ctx, args) => {
      const ms = ctx.db.ttl(byteString(args[1]!));
      return integer(ms < 0 ? ms : Math.floor((ms + 500) / 1000));
    },
  }],
  ["pttl", { arity: 2, run: (ctx, args) => integer(ctx.db.ttl(byteString(args[1]!))) }],
  ["flushall", {
    arity: -1,
    run: (ctx, args) => {
      if (
        args.length > 2 ||
        (args.length === 2 && !isWord(args[1]!, "sync") && !isWord(args[1]!, "async"))
      ) {
        return SYNTAX_ERROR;
      }
      ctx.db.clear();
      return OK;
    },
  }],
  ["quit", {
    arity: -1,
    run: (ctx) => {
      ctx.quit();
      return OK;
    },
  }],
  ["publish", { arity: 3, run: (ctx, args) => integer(ctx.publish(args[1]!, args[2]!)) }],
  ["subscribe", {
    arity: -2,
    run: (ctx, args) => {
      const replies: RespValue[] = [];
      for (let i = 1; i < args.length; i++) {
        const channel = args[i]!.slice();
        replies.push(subscribeReply(SUBSCRIBE, channel, ctx.subscribe(channel)));
      }
      return new Replies(replies);
    },
  }],
  ["unsubscribe", {
    arity: -1,
    run: (ctx, args) => {
      const channels = args.length > 1 ? args.slice(1) : ctx.subscriptions();
      if (channels.length === 0) return new Replies([subscribeReply(UNSUBSCRIBE, null, 0)]);
      return new Replies(
        channels.map((channel) => subscribeReply(UNSUBSCRIBE, channel, ctx.unsubscribe(channel))),
      );
    },
  }],
]);

/** Commands that run in subscribe mode. */
const SUBSCRIBE_MODE = new Set(["subscribe", "unsubscribe", "ping", "quit"]);

/** The commands by name length, so a request's name is matched without making a string of it. */
const BY_LENGTH = new Map<number, string[]>();
for (const name of [...COMMANDS.keys(), "config"]) {
  const list = BY_LENGTH.get(name.length) ?? [];
  list.push(name);
  BY_LENGTH.set(name.length, list);
}

/** The lower-case name of the command `arg` names (any case), or `undefined`. */
function commandName(arg: Uint8Array): string | undefined {
  const names = BY_LENGTH.get(arg.length);
  if (names === undefined) return undefined;
  for (const name of names) if (isWord(arg, name)) return name;
  return undefined;
}

/**
 * Runs one request (`args[0]` is the command name) and returns its reply
 * (or replies), as redis-server 7 would: unknown commands, wrong argument
 * counts and commands not allowed in subscribe mode get Redis's error
 * texts.
 */
export function execute(ctx: CommandContext, args: Uint8Array[]): RespValue | Replies {
  const name = commandName(args[0]!);
  if (name === undefined) return unknownCommand(args);
  let command = COMMANDS.get(name);
  let fullName = name;
  if (name === "config") {
    if (args.length < 2) return wrongArity("config");
    if (!isWord(args[1]!, "get")) {
      return sanitized(`ERR unknown subcommand '${cString(args[1]!, 128)}'. Try CONFIG HELP.`);
    }
    fullName = "config|get";
    command = { arity: -3, run: configGet };
  }
  const { arity } = command!;
  if ((arity > 0 && args.length !== arity) || args.length < -arity) return wrongArity(fullName);
  if (ctx.subscriptionCount > 0 && !SUBSCRIBE_MODE.has(name)) {
    return error(
      `ERR Can't execute '${fullName}': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context`,
    );
  }
  return command!.run(ctx, args);
}
