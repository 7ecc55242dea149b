// Not weir: the floor of the `for await` + `await feed` loop (see _floor.ts),
// reusing its read buffer unsafely.
// usage: deno run --allow-net=127.0.0.1 bench/servers/floor_feed.ts PORT
import { serveFloor } from "./_floor.ts";

await serveFloor({ reply: "feed", freshReads: false });
