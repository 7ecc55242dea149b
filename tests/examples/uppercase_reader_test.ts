import assert from "node:assert/strict";
import { readAll } from "@weir/weir/io";
import { main, UppercaseReader, uppercaseStream } from "../../examples/uppercase_reader.ts";

Deno.test("uppercase_reader main upper-cases ASCII and leaves other UTF-8 intact", async () => {
  const lines: string[] = [];
  const text = await main([], { log: (line) => lines.push(line) });
  assert.equal(text, "HELLO, ASYNC WORLD!\nSECOND LINE, WITH CAFé\n");
  assert.deepEqual(lines, [
    'Uppercased: "HELLO, ASYNC WORLD!\\nSECOND LINE, WITH CAFé\\n"',
    "line: HELLO, ASYNC WORLD!",
    "line: SECOND LINE, WITH CAFé",
    "TransformStream: same bytes",
  ]);
});

Deno.test("uppercase_reader main reads a file", async () => {
  const path = await Deno.makeTempFile();
  try {
    await Deno.writeTextFile(path, "abc\nxyz");
    assert.equal(await main([path], { log: () => {} }), "ABC\nXYZ");
  } finally {
    await Deno.remove(path);
  }
});

Deno.test("uppercase_reader UppercaseReader matches toUpperCase on every ASCII byte", async () => {
  const all = new Uint8Array(128).map((_, i) => i);
  const out = await readAll(
    new UppercaseReader(ReadableStream.from([all.slice(0, 50), all.slice(50)])),
  );
  assert.equal(new TextDecoder().decode(out), new TextDecoder().decode(all).toUpperCase());
});

Deno.test("uppercase_reader uppercaseStream does not rewrite the chunks it is given", async () => {
  const chunk = new TextEncoder().encode("keep me");
  await new Response(ReadableStream.from([chunk]).pipeThrough(uppercaseStream())).text();
  assert.equal(new TextDecoder().decode(chunk), "keep me");
});
