// Shared helpers for network tests: temp-dir Unix socket paths, bounded
// polling, and a few byte helpers. Loopback only; everything is bounded.

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** UTF-8 bytes of `text`. */
export function bytes(text: string): Uint8Array {
  return encoder.encode(text);
}

/** `bytes` decoded as UTF-8. */
export function text(data: Uint8Array): string {
  return decoder.decode(data);
}

/** A Unix socket path in a fresh temp dir, removed (with the dir) on dispose. */
export async function tempSocketPath(
  name = "test.sock",
): Promise<{ path: string } & AsyncDisposable> {
  const dir = await Deno.makeTempDir({ prefix: "weir-net-" });
  return {
    path: `${dir}/${name}`,
    [Symbol.asyncDispose]: () => Deno.remove(dir, { recursive: true }),
  };
}

/**
 * Polls `condition` every millisecond until it holds; throws after
 * `timeoutMs` so a broken test fails instead of hanging.
 */
export async function waitFor(
  condition: () => boolean,
  what = "condition",
  timeoutMs = 5_000,
): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!condition()) {
    if (performance.now() > deadline) {
      throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
}

/** Reads `reader` to its end and returns everything, concatenated. */
export async function readToEnd(
  reader: { read(p: Uint8Array): Promise<number | null> },
  limit = 64 << 20,
): Promise<Uint8Array> {
  let buf = new Uint8Array(4096);
  let length = 0;
  for (;;) {
    if (length === buf.length) {
      if (length >= limit) throw new Error(`More than ${limit} bytes`);
      const bigger = new Uint8Array(buf.length * 2);
      bigger.set(buf);
      buf = bigger;
    }
    const n = await reader.read(buf.subarray(length));
    if (n === null) return buf.subarray(0, length);
    length += n;
  }
}

/** A promise you resolve from outside (a gate a handler waits on). */
export function gate(): { promise: Promise<void>; open(): void } {
  const { promise, resolve } = Promise.withResolvers<void>();
  return { promise, open: () => resolve() };
}

/** The transports every stream test runs over. */
export const TRANSPORTS = ["tcp", "unix"] as const;

/** A connected pair of raw Deno connections over TCP loopback or a temp Unix socket. */
export async function rawPair(
  transport: (typeof TRANSPORTS)[number],
): Promise<{ client: Deno.Conn; server: Deno.Conn } & AsyncDisposable> {
  const socket = transport === "unix" ? await tempSocketPath() : undefined;
  const listener = socket === undefined
    ? Deno.listen({ hostname: "127.0.0.1", port: 0 })
    : Deno.listen({ transport: "unix", path: socket.path });
  try {
    const accepted = listener.accept();
    const client = socket === undefined
      ? await Deno.connect({ hostname: "127.0.0.1", port: (listener.addr as Deno.NetAddr).port })
      : await Deno.connect({ transport: "unix", path: socket.path });
    const server = await accepted;
    return {
      client,
      server,
      async [Symbol.asyncDispose]() {
        for (const conn of [client, server]) {
          try {
            conn.close();
          } catch { /* the test closed it already */ }
        }
        await socket?.[Symbol.asyncDispose]();
      },
    };
  } finally {
    listener.close();
  }
}

/** An example's `main`, as each example exports it. */
export type ExampleMain = (
  args: string[],
  options: { signal?: AbortSignal; log?: (line: string) => void },
) => Promise<unknown>;

/**
 * Runs an example server's `main` in this process with a stop signal,
 * capturing its output, and waits for its `listening on HOST:PORT` line.
 */
export async function startExample(
  main: ExampleMain,
  args: string[],
): Promise<{ port: number; lines: string[]; stop(): Promise<void> } & AsyncDisposable> {
  const controller = new AbortController();
  const lines: string[] = [];
  const listening = Promise.withResolvers<number>();
  const running = main(args, {
    signal: controller.signal,
    log: (line) => {
      lines.push(line);
      const match = line.match(/^listening on [\d.]+:(\d+)$/);
      if (match) listening.resolve(Number(match[1]));
    },
  });
  running.catch((error) => listening.reject(error));
  const port = await listening.promise;
  const stop = async () => {
    controller.abort();
    await running;
  };
  return { port, lines, stop, [Symbol.asyncDispose]: stop };
}

/** The URL of `net/mod.ts`, for scripts run outside this project's config. */
export const NET_MODULE: string = new URL("../../net/mod.ts", import.meta.url).href;

/**
 * Runs `source` as a separate Deno program with `--no-config` (so without
 * the project's `"unstable": ["net"]`) and the given permission flags.
 */
export async function runScript(
  source: string,
  flags: string[],
): Promise<{ code: number; stdout: string; stderr: string }> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "--no-config", ...flags, "-"],
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).spawn();
  const writer = child.stdin.getWriter();
  await writer.write(bytes(source));
  await writer.close();
  const { code, stdout, stderr } = await child.output();
  return { code, stdout: text(stdout), stderr: text(stderr) };
}
