// Length-delimited echo on `Framed` as Web Streams: `readable.pipeTo(writable)`.
// usage: deno run --allow-net=127.0.0.1 bench/servers/framed_pipeto.ts PORT
import { Framed, LengthDelimitedCodec } from "@weir/weir/framing";
import { serve } from "@weir/weir/net";

const codec = new LengthDelimitedCodec();
const server = serve({ hostname: "127.0.0.1", port: Number(Deno.args[0]) }, async (conn) => {
  const framed = new Framed(conn, codec);
  await framed.readable.pipeTo(framed.writable);
}, { onError: () => {} });
console.log(`listening ${server.addr.port}`);
