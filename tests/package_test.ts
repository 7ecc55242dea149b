import assert from "node:assert/strict";
import * as root from "@weir/weir";

const folders = ["io", "framing", "sync", "time", "streams", "net"] as const;

Deno.test("every folder is a subpath export whose mod.ts exists", async () => {
  const config = JSON.parse(await Deno.readTextFile(new URL("../deno.json", import.meta.url)));
  for (const folder of folders) {
    assert.equal(config.exports[`./${folder}`], `./${folder}/mod.ts`);
    const stat = await Deno.stat(new URL(`../${folder}/mod.ts`, import.meta.url));
    assert.ok(stat.isFile);
  }
  assert.equal(config.exports["."], "./mod.ts");
  assert.equal(config.name, "@weir/weir");
});

Deno.test("the root re-exports every name of every folder, and no name is exported twice", async () => {
  const owner = new Map<string, string>();
  for (const folder of folders) {
    const mod = await import(`../${folder}/mod.ts`);
    for (const [name, value] of Object.entries(mod)) {
      const previous = owner.get(name);
      assert.equal(previous, undefined, `${name} is exported by both ${previous} and ${folder}`);
      owner.set(name, folder);
      assert.equal((root as Record<string, unknown>)[name], value, `root drops ${folder}.${name}`);
    }
  }
  assert.deepEqual(Object.keys(root).sort(), [...owner.keys()].sort());
});
