// Length-delimited echo on `Framed`, the plainest loop: `for await`, then
// `await framed.send(frame)` (one write per frame unless sends overlap).
// usage: deno run --allow-net=127.0.0.1 bench/servers/framed_send.ts PORT
import { Framed, LengthDelimitedCodec } from "@weir/weir/framing";
import { serve } from "@weir/weir/net";

const codec = new LengthDelimitedCodec();
const server = serve({ hostname: "127.0.0.1", port: Number(Deno.args[0]) }, async (conn) => {
  const framed = new Framed(conn, codec);
  for await (const frame of framed) await framed.send(frame);
  await framed.close();
}, { onError: () => {} });
console.log(`listening ${server.addr.port}`);
