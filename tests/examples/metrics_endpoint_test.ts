import assert from "node:assert/strict";
import { connect } from "@weir/weir/net";
import { main, parseMetricsEndpointArgs, prometheusText } from "../../examples/metrics_endpoint.ts";
import { readToEnd, startExample, waitFor } from "../_util/net.ts";

/** The samples of a Prometheus text page, by name and labels. */
function samples(page: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of page.split("\n")) {
    if (line === "" || line.startsWith("#")) continue;
    const at = line.lastIndexOf(" ");
    out.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return out;
}

async function scrape(lines: string[]): Promise<Map<string, number>> {
  const url = lines.map((l) => l.match(/^metrics on (http:\S+)$/)?.[1]).find((u) => u)!;
  const response = await fetch(url);
  assert.equal(response.headers.get("content-type"), "text/plain; version=0.0.4; charset=utf-8");
  return samples(await response.text());
}

Deno.test("metrics_endpoint serves the echo server's connections, bytes and idle closes in Prometheus text", async () => {
  await using srv = await startExample(main, [
    "--port",
    "0",
    "--metrics-port",
    "0",
    "--idle-timeout",
    "40",
    "--quiet",
  ]);
  await waitFor(() => srv.lines.some((l) => l.startsWith("metrics on ")), "the metrics endpoint");
  const before = await scrape(srv.lines);
  assert.equal(before.get("weir_server_accepted_connections_total"), 0);
  for (const message of ["hello", "metrics"]) {
    await using conn = await connect({ port: srv.port });
    await conn.writeAll(new TextEncoder().encode(message));
    await conn.closeWrite();
    await readToEnd(conn);
  }
  // One client that says nothing: the server closes it as idle.
  {
    await using quiet = await connect({ port: srv.port });
    assert.equal(await quiet.read(new Uint8Array(1)), null);
  }
  let after = await scrape(srv.lines);
  for (let i = 0; i < 500 && after.get("weir_server_active_connections") !== 0; i++) {
    await new Promise((r) => setTimeout(r, 5));
    after = await scrape(srv.lines);
  }
  assert.equal(after.get("weir_server_active_connections"), 0);
  assert.equal(after.get("weir_server_accepted_connections_total"), 3);
  assert.equal(after.get("weir_server_idle_closed_connections_total"), 1);
  assert.equal(after.get('weir_server_network_io_bytes_total{direction="receive"}'), 12);
  assert.equal(after.get('weir_server_network_io_bytes_total{direction="transmit"}'), 12);
  assert.equal(after.get("weir_server_errors_total"), 0);
  assert.equal(after.get('weir_server_tls_handshake_duration_seconds_bucket{le="+Inf"}'), 0);
  const notFound = await fetch(
    srv.lines.find((l) => l.startsWith("metrics on "))!.slice(11).replace("/metrics", "/other"),
  );
  assert.equal(notFound.status, 404);
  await notFound.body?.cancel();
});

Deno.test("metrics_endpoint renders a histogram with cumulative buckets in seconds", () => {
  const stats = {
    accepted: 2,
    active: 0,
    rejected: 1,
    idleClosed: 0,
    handshakeFailures: 1,
    errors: 1,
    bytesRead: 10,
    bytesWritten: 20,
    handshakeDuration: { bounds: [1, 10], counts: [1, 0, 1], count: 2, sum: 20.5 },
  } as unknown as Parameters<typeof prometheusText>[0];
  const got = samples(prometheusText(stats));
  assert.equal(got.get('weir_server_tls_handshake_duration_seconds_bucket{le="0.001"}'), 1);
  assert.equal(got.get('weir_server_tls_handshake_duration_seconds_bucket{le="0.01"}'), 1);
  assert.equal(got.get('weir_server_tls_handshake_duration_seconds_bucket{le="+Inf"}'), 2);
  assert.equal(got.get("weir_server_tls_handshake_duration_seconds_sum"), 0.0205);
  assert.equal(got.get("weir_server_rejected_connections_total"), 1);
  assert.equal(got.get("weir_server_tls_handshake_failures_total"), 1);
});

Deno.test("metrics_endpoint rejects a bad --metrics-port or --idle-timeout", () => {
  assert.throws(() => parseMetricsEndpointArgs(["--metrics-port", "70000"]), RangeError);
  assert.throws(() => parseMetricsEndpointArgs(["--idle-timeout", "0"]), RangeError);
  assert.equal(parseMetricsEndpointArgs([]).metricsPort, 9464);
  assert.equal(parseMetricsEndpointArgs([]).idleTimeout, undefined);
});
