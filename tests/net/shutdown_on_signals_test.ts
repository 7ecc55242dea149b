import assert from "node:assert/strict";
import { shutdownOnSignals } from "@weir/weir/net";
import { CancellationToken } from "@weir/weir/sync";
import { NET_MODULE, runScript } from "../_util/net.ts";

Deno.test("shutdownOnSignals cancels its token on the first signal, naming it", async () => {
  const token = shutdownOnSignals(["SIGUSR2", "SIGUSR1"]);
  assert.equal(token.isCancelled, false);
  // Signal listeners do not keep the event loop alive: a timer does, meanwhile.
  const keepAlive = setTimeout(() => {}, 5_000);
  Deno.kill(Deno.pid, "SIGUSR2");
  await token.cancelled();
  clearTimeout(keepAlive);
  const reason = token.signal.reason;
  assert.ok(reason instanceof DOMException);
  assert.equal(reason.name, "AbortError");
  assert.equal(reason.message, "Received SIGUSR2");
});

Deno.test("shutdownOnSignals removes its listeners when the token is cancelled otherwise", () => {
  const token = shutdownOnSignals(["SIGUSR2"]);
  token.cancel(new Error("done"));
  assert.equal(token.isCancelled, true);
  // The test sanitizers fail this test if a signal listener were left behind.
});

Deno.test("shutdownOnSignals with a parent is cancelled with it", async () => {
  const parent = new CancellationToken();
  const token = shutdownOnSignals(["SIGUSR2"], { parent });
  parent.cancel("parent stopped");
  await token.cancelled();
  assert.equal(token.signal.reason, "parent stopped");
  const late = shutdownOnSignals(["SIGUSR2"], { parent });
  assert.equal(late.isCancelled, true, "a child of a cancelled parent starts cancelled");
});

Deno.test("shutdownOnSignals leaves a second Ctrl+C to its default: the process ends at once", async () => {
  const script = `
    import { shutdownOnSignals } from ${JSON.stringify(NET_MODULE)};
    const token = shutdownOnSignals();
    const keepAlive = setTimeout(() => {}, 5000);
    Deno.kill(Deno.pid, "SIGINT");
    await token.cancelled();
    clearTimeout(keepAlive);
    console.log("first: " + token.signal.reason.message);
    Deno.kill(Deno.pid, "SIGINT");
    await new Promise((resolve) => setTimeout(resolve, 2000));
    console.log("still alive");
  `;
  const { code, stdout } = await runScript(script, ["--allow-read", "--allow-run"]);
  assert.equal(stdout, "first: Received SIGINT\n");
  assert.equal(code, 130);
});
