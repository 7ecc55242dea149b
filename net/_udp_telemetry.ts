import type { OtelMeter, OtelSpan, OtelTracer } from "../sync/otel.ts";
import type { OtelCensus, OtelObservedInstrument } from "../sync/otel_census.ts";
import type { UdpSocket } from "./udp_socket.ts";
import { addrAttributes, censusFor, endSpan } from "./_telemetry.ts";

const UDP_INSTRUMENTS: readonly OtelObservedInstrument<UdpSocket>[] = [
  {
    name: "weir.udp.open_sockets",
    description: "UDP sockets open",
    unit: "{socket}",
    kind: "updown",
    series: [{ read: () => 1 }],
  },
  {
    name: "weir.udp.datagrams",
    description: "Datagrams received whole and datagrams sent",
    unit: "{datagram}",
    kind: "counter",
    series: [
      { read: (s) => s.datagramsReceived, attributes: { "network.io.direction": "receive" } },
      { read: (s) => s.datagramsSent, attributes: { "network.io.direction": "transmit" } },
    ],
  },
  {
    name: "weir.udp.truncated_datagrams",
    description: "Datagrams over maxDatagramLength, refused with DatagramTooLargeError",
    unit: "{datagram}",
    kind: "counter",
    series: [{ read: (s) => s.datagramsTruncated }],
  },
  {
    name: "weir.udp.dropped_datagrams",
    description: "Datagrams dropped: from strangers to a connected socket, or queued at close",
    unit: "{datagram}",
    kind: "counter",
    series: [{ read: (s) => s.datagramsDropped }],
  },
  {
    name: "weir.udp.send_errors",
    description: "Queued datagrams that failed to send",
    unit: "{datagram}",
    kind: "counter",
    series: [{ read: (s) => s.sendErrors }],
  },
  {
    name: "weir.udp.queued_datagrams",
    description: "Datagrams in the outgoing queues",
    unit: "{datagram}",
    kind: "updown",
    series: [{ read: (s) => s.queued }],
  },
];

const censuses = new WeakMap<OtelMeter, OtelCensus<UdpSocket>>();

/** A socket's telemetry: counted in its meter's census, one span for its life. */
export class UdpTelemetry {
  #census: OtelCensus<UdpSocket> | undefined;
  #span: OtelSpan | undefined;

  constructor(socket: UdpSocket, meter: OtelMeter | undefined, tracer: OtelTracer | undefined) {
    this.#census = meter && censusFor(censuses, meter, UDP_INSTRUMENTS);
    this.#census?.add(socket);
    this.#span = tracer?.startSpan("weir.udp.socket", {
      attributes: addrAttributes(socket.addr, "server"),
    });
  }

  closed(socket: UdpSocket): void {
    this.#census?.remove(socket);
    if (this.#span !== undefined) {
      this.#span.setAttribute("weir.udp.datagrams_received", socket.datagramsReceived);
      this.#span.setAttribute("weir.udp.datagrams_sent", socket.datagramsSent);
      this.#span.setAttribute("weir.udp.datagrams_truncated", socket.datagramsTruncated);
      this.#span.setAttribute("weir.udp.datagrams_dropped", socket.datagramsDropped);
      endSpan(this.#span);
    }
  }
}
