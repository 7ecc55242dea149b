// Server memory while one peer sends 8 MiB frames to a handler that is busy
// elsewhere (issue 24's finding 3; not in CI). The server is this process;
// the peer is a child process, so the figure is the victim's alone.
//
//   deno run -A bench/framed_rss.ts [frames]
import { LengthDelimitedCodec } from "@weir/weir/framing";
import { FramedDriver, serve } from "@weir/weir/net";

const FRAME = 8 << 20;
const frames = Number(Deno.args[0] ?? 130);
const mib = (n: number) => (n / (1 << 20)).toFixed(1);

let peak = 0;
const sample = setInterval(() => peak = Math.max(peak, Deno.memoryUsage().rss), 20);
const idle = Deno.memoryUsage().rss;
const busy = Promise.withResolvers<void>();
let received = 0;
const server = serve({ hostname: "127.0.0.1", port: 0 }, async (conn) => {
  const driver = new FramedDriver(conn, new LengthDelimitedCodec({ maxFrameLength: FRAME }));
  await busy.promise; // the handler is busy elsewhere; the peer keeps sending
  for await (const frame of driver) {
    received += frame.length === FRAME ? 1 : 0;
    if (received === frames) break;
  }
  await driver.close();
});

const peer = new Deno.Command(Deno.execPath(), {
  args: [
    "eval",
    `const c = await Deno.connect({ hostname: "127.0.0.1", port: ${server.addr.port} });
     const f = new Uint8Array(4 + ${FRAME}); new DataView(f.buffer).setUint32(0, ${FRAME});
     for (let i = 0; i < ${frames}; i++) for (let at = 0; at < f.length;) at += await c.write(f.subarray(at));
     c.close();`,
  ],
}).spawn();

await new Promise((resolve) => setTimeout(resolve, 3000));
const whileBusy = peak;
busy.resolve();
await peer.status;
while (received < frames) await new Promise((resolve) => setTimeout(resolve, 20));
clearInterval(sample);
await server.shutdown();
console.log(
  `idle ${mib(idle)} MiB; peak while the handler was busy for 3 s: +${
    mib(whileBusy - idle)
  } MiB; peak over the whole run (${frames} frames of 8 MiB received): +${mib(peak - idle)} MiB`,
);
