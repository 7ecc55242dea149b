// Length-delimited echo on `Framed`: `for await`, then `await framed.feed(frame)`;
// the framer writes a read's worth of replies at once.
// usage: deno run --allow-net=127.0.0.1 bench/servers/framed_feed.ts PORT
import { Framed, LengthDelimitedCodec } from "@weir/weir/framing";
import { serve } from "@weir/weir/net";

const codec = new LengthDelimitedCodec();
const server = serve({ hostname: "127.0.0.1", port: Number(Deno.args[0]) }, async (conn) => {
  const framed = new Framed(conn, codec);
  for await (const frame of framed) await framed.feed(frame);
  await framed.close();
}, { onError: () => {} });
console.log(`listening ${server.addr.port}`);
