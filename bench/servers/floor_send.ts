// Not weir: the floor of the `for await` + `await send` loop (see _floor.ts):
// one awaited write per reply, as tokio-send.
// usage: deno run --allow-net=127.0.0.1 bench/servers/floor_send.ts PORT
import { serveFloor } from "./_floor.ts";

await serveFloor({ reply: "send", freshReads: false });
