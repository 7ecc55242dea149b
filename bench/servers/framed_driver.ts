// Length-delimited echo on `FramedDriver`: `for await`, then `await driver.send(frame)`.
// usage: deno run --allow-net=127.0.0.1 bench/servers/framed_driver.ts PORT
import { LengthDelimitedCodec } from "@weir/weir/framing";
import { FramedDriver, serve } from "@weir/weir/net";

const codec = new LengthDelimitedCodec();
const server = serve({ hostname: "127.0.0.1", port: Number(Deno.args[0]) }, async (conn) => {
  const driver = new FramedDriver(conn, codec);
  for await (const frame of driver) await driver.send(frame);
  await driver.close();
  await driver.closed;
}, { onError: () => {} });
console.log(`listening ${server.addr.port}`);
