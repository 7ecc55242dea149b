// Runs an example as its own `deno run` process and waits for its
// `listening on HOST:PORT` line, for tests that exercise real signals.

/** A running example process and the port it printed. */
export interface SpawnedExample {
  child: Deno.ChildProcess;
  port: number;
  /** Sends SIGINT and resolves the exit code once the process is gone. */
  stop(): Promise<number>;
}

/**
 * Starts `examples/<file>` with `permissions` and `args`; rejects with the
 * output seen if the first line is not `listening on 127.0.0.1:PORT`.
 */
export async function spawnExample(
  file: string,
  permissions: string[],
  args: string[],
): Promise<SpawnedExample> {
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      ...permissions,
      new URL(`../../examples/${file}`, import.meta.url).pathname,
      ...args,
    ],
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).spawn();
  const reader = child.stdout.getReader();
  const decoder = new TextDecoder();
  let out = "";
  while (!out.includes("\n")) {
    const { value, done } = await reader.read();
    if (done) break;
    out += decoder.decode(value, { stream: true });
  }
  reader.releaseLock();
  const match = out.match(/^listening on 127\.0\.0\.1:(\d+)\n/);
  if (!match) {
    child.kill("SIGKILL");
    await child.output();
    throw new Error(`${file} did not print its listening line: ${JSON.stringify(out)}`);
  }
  return {
    child,
    port: Number(match[1]),
    async stop() {
      child.kill("SIGINT");
      return (await child.output()).code;
    },
  };
}
