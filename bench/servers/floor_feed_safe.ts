// Not weir: the floor of the `for await` + `await feed` loop (see _floor.ts)
// that never overwrites a frame handed out (fresh read memory when short, as weir).
// usage: deno run --allow-net=127.0.0.1 bench/servers/floor_feed_safe.ts PORT
import { serveFloor } from "./_floor.ts";

await serveFloor({ reply: "feed", freshReads: true });
