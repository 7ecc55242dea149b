import assert from "node:assert/strict";
import { OtlpReceiver } from "../_util/otlp_receiver.ts";
import { waitFor } from "../_util/net.ts";

const EXPORT_INTERVAL_MS = 100;

Deno.test("with OTEL_DENO=true, the counters and durations of servers, clients, drivers, UDP sockets and pools arrive at an OTLP/HTTP receiver with the values it counted", async () => {
  await using receiver = new OtlpReceiver("@weir/weir");
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", "--quiet", new URL("./_otel_workload.ts", import.meta.url).href],
    env: {
      OTEL_DENO: "true",
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
      OTEL_EXPORTER_OTLP_PROTOCOL: "http/json",
      OTEL_METRIC_EXPORT_INTERVAL: String(EXPORT_INTERVAL_MS),
      OTEL_SERVICE_NAME: "weir-test",
    },
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const stderr = new Response(child.stderr).text();
  const stdout = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let line = "";
  while (!line.includes("\n")) {
    const { value, done } = await stdout.read();
    if (done) break;
    line += value;
  }
  // Every count is final once the report is printed: wait for two exports after it.
  const exportsBefore = receiver.metricExports;
  await waitFor(() => receiver.metricExports >= exportsBefore + 2, "two more exports", 20_000)
    .finally(() => child.stdin.close());
  for (let next; !(next = await stdout.read()).done;) line += next.value;
  const status = await child.status;
  assert.equal(status.code, 0, await stderr);
  assert.deepEqual(receiver.rejected, []);
  const { servers: report, udp, pool, drivers } = JSON.parse(line);
  const { echo, idle, tls, full } = report;

  // What the workload did, as its own counters saw it.
  assert.equal(echo.accepted, 4);
  assert.equal(echo.errors, 1);
  assert.equal(echo.bytesRead, 3 * 1000 + 1);
  assert.equal(echo.bytesWritten, 3 * 1000);
  assert.equal(idle.idleClosed, 1);
  assert.equal(tls.handshakes, 2);
  assert.equal(tls.handshakeFailures, 1);
  assert.equal(full.rejected, 1);
  assert.equal(full.accepted, 2);

  // The same numbers, exported.
  for (const [name, stats] of Object.entries<Record<string, number>>(report)) {
    const at = { "server.port": stats.port!, "network.transport": "tcp" };
    const value = (metric: string, extra: Record<string, string> = {}) => {
      const point = receiver.latest(metric, { ...at, ...extra });
      assert.ok(point !== undefined, `${metric} of the ${name} server never arrived`);
      return point.value;
    };
    assert.equal(value("weir.server.accepted_connections"), stats.accepted, name);
    assert.equal(value("weir.server.active_connections"), 0, name);
    assert.equal(value("weir.server.idle_closed_connections"), stats.idleClosed, name);
    assert.equal(value("weir.server.rejected_connections"), stats.rejected, name);
    assert.equal(value("weir.server.errors"), stats.errors, name);
    assert.equal(
      value("weir.server.network.io", { "network.io.direction": "receive" }),
      stats.bytesRead,
      name,
    );
    assert.equal(
      value("weir.server.network.io", { "network.io.direction": "transmit" }),
      stats.bytesWritten,
      name,
    );
    // Every connection's duration was recorded when it closed.
    const durations = receiver.points.filter((p) =>
      p.name === "weir.server.connection.duration" && p.attributes["server.port"] === stats.port
    );
    const latestCount = new Map<string, number>();
    for (const p of durations) latestCount.set(String(p.attributes["error.type"]), p.count!);
    // (A refused connection is never served, so it has no duration.)
    assert.equal(
      [...latestCount.values()].reduce((a, b) => a + b, 0),
      stats.accepted! - stats.rejected!,
      name,
    );
    assert.equal(durations[0]!.unit, "s");
  }
  // The idle close and the handler error carry their error.type.
  assert.equal(
    receiver.latest("weir.server.connection.duration", {
      "server.port": idle.port,
      "error.type": "TimeoutError",
    })?.count,
    1,
  );
  assert.equal(
    receiver.latest("weir.server.connection.duration", {
      "server.port": echo.port,
      "error.type": "Error",
    })?.count,
    1,
  );
  const ok = receiver.points.filter((p) =>
    p.name === "weir.server.tls_handshake.duration" && p.attributes["error.type"] === undefined
  );
  const failed = receiver.points.filter((p) =>
    p.name === "weir.server.tls_handshake.duration" && p.attributes["error.type"] !== undefined
  );
  assert.equal(ok.at(-1)?.count, 1);
  assert.equal(failed.at(-1)?.count, 1);

  // Clients: 7 connections made (4 echo, 1 idle, 2 TLS of which one failed).
  const connects = receiver.points.filter((p) => p.name === "weir.client.connect.duration");
  const connectCount = (port: number, failed: boolean) =>
    connects.filter((p) =>
      p.attributes["server.port"] === port && (p.attributes["error.type"] !== undefined) === failed
    ).at(-1)?.count;
  assert.equal(connectCount(echo.port, false), 4);
  assert.equal(connectCount(tls.port, false), 1);
  assert.equal(connectCount(tls.port, true), 1);
  assert.equal(receiver.latest("weir.client.open_connections")?.value, 0);
  assert.equal(
    receiver.latest("weir.client.network.io", { "network.io.direction": "transmit" })?.value,
    3 * 1000 + 1,
  );

  // UDP and the pool.
  assert.deepEqual(udp, { received: 6, sent: 7, truncated: 1 });
  const udpValue = (name: string, match: Record<string, string> = {}) =>
    receiver.latest(name, match)?.value;
  assert.equal(udpValue("weir.udp.datagrams", { "network.io.direction": "receive" }), 6);
  assert.equal(udpValue("weir.udp.datagrams", { "network.io.direction": "transmit" }), 7);
  assert.equal(udpValue("weir.udp.truncated_datagrams"), 1);
  assert.equal(udpValue("weir.udp.open_sockets"), 2);
  assert.equal(pool.waits, 2);
  assert.equal(receiver.latest("weir.pool.wait_time")?.count, 2);
  assert.equal(
    receiver.latest("weir.pool.resources", { "weir.pool.state": "idle" })?.value,
    pool.idle,
  );

  // Drivers, closed by then: their frames stay in the totals.
  assert.deepEqual(drivers, { framesRead: 7, framesWritten: 7 });
  assert.equal(
    receiver.latest("weir.driver.frames", { "network.io.direction": "receive" })?.value,
    7,
  );
  assert.equal(
    receiver.latest("weir.driver.frames", { "network.io.direction": "transmit" })?.value,
    7,
  );
  assert.equal(receiver.latest("weir.driver.open_drivers")?.value, 0);

  // Spans: one per served connection, with the server's attributes.
  const served = receiver.spans.filter((s) => s.name === "weir.server.connection");
  assert.equal(served.length, echo.accepted + idle.accepted + tls.accepted + full.accepted - 1);
  assert.ok(served.every((s) => s.kind === 2 /* OTLP's SPAN_KIND_SERVER */));
  assert.equal(served.filter((s) => s.status === 2).length, 1 + 1 + 1);
});
