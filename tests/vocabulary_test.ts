// Walks every exported symbol of the package (through `deno doc --json`) and
// checks its public names against the vocabulary in DESIGN.md's "Names" and
// CONTRIBUTING.md: one word per idea, one idea per word, and `try*` methods
// that answer "not now" with `false`/`undefined` instead of throwing.
import assert from "node:assert/strict";

interface Member {
  owner: string;
  name: string;
  kind: string;
  doc: string;
  throws: string[];
  type: string;
}

interface DocTag {
  kind: string;
  doc?: string;
}

interface DocMember {
  name: string;
  kind?: string;
  jsDoc?: { doc?: string; tags?: DocTag[] };
  tsType?: unknown;
  returnType?: unknown;
  functionDef?: { returnType?: unknown };
}

interface DocSymbol {
  name: string;
  declarations: {
    kind: string;
    def?: { properties?: DocMember[]; methods?: DocMember[] };
  }[];
}

async function exportedSymbols(): Promise<DocSymbol[]> {
  const root = new URL("../", import.meta.url);
  const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args: ["doc", "--json", "mod.ts"],
    cwd: root,
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(code, 0, new TextDecoder().decode(stderr));
  const json = JSON.parse(new TextDecoder().decode(stdout)) as {
    nodes: Record<string, { symbols: DocSymbol[] }>;
  };
  const mod = Object.entries(json.nodes).find(([file]) => file.endsWith("/mod.ts"));
  assert.ok(mod, "deno doc returned no node for mod.ts");
  return mod[1].symbols;
}

function members(symbols: DocSymbol[]): Member[] {
  const out: Member[] = [];
  for (const symbol of symbols) {
    for (const declaration of symbol.declarations) {
      const def = declaration.def ?? {};
      for (const member of [...(def.properties ?? []), ...(def.methods ?? [])]) {
        const tags = member.jsDoc?.tags ?? [];
        out.push({
          owner: symbol.name,
          name: member.name,
          kind: member.kind ?? "property",
          doc: member.jsDoc?.doc ?? "",
          throws: tags.filter((tag) => tag.kind === "throws").map((tag) => tag.doc ?? ""),
          type: JSON.stringify(
            member.tsType ?? member.returnType ?? member.functionDef?.returnType ?? null,
          ),
        });
      }
    }
  }
  return out;
}

const symbols = await exportedSymbols();
const all = members(symbols);
const where = (m: Member) => `${m.owner}.${m.name}`;

Deno.test("vocabulary: retired option and member names are gone", () => {
  // Each retired word maps to the vocabulary word that replaced it. The
  // queue words are retired as options (a bound); a member may still name
  // the queue object it belongs to.
  const retired: Record<string, string> = {
    chunkSize: "bufferSize or readSize",
    readBufferSize: "bufferSize or readSize",
    backpressureBoundary: "highWaterMark",
    writeSize: "highWaterMark",
    maxBytes: "maxFrameLength / maxLineLength / maxDatagramLength / maxLength",
    maxDatagramSize: "maxDatagramLength",
    shutdownSignal: "signal",
    abortSignal: "signal",
    finished: "closed",
  };
  const retiredOptions: Record<string, string> = {
    queue: "capacity / inboundCapacity / outboundCapacity / highWaterMark",
    inbound: "inboundCapacity / inboundHighWaterMark",
    sendQueue: "capacity / outboundCapacity",
    abort: "signal",
  };
  const found = all.flatMap((m) => {
    const replacement = retired[m.name] ??
      (m.owner.endsWith("Options") ? retiredOptions[m.name] : undefined);
    return replacement === undefined ? [] : [`${where(m)}: use ${replacement}`];
  });
  assert.deepEqual(found, []);
});

Deno.test("vocabulary: 'capacity' never means bytes, except ByteBuffer's allocation", () => {
  const found = all.filter((m) =>
    m.name === "capacity" && m.owner !== "ByteBuffer" && /\bbytes?\b/i.test(m.doc)
  ).map(where);
  assert.deepEqual(found, []);
});

Deno.test("vocabulary: limits are max<Thing>Length, not sizes or byte counts", () => {
  const allowed = new Set(["maxReadSize"]);
  const found = all.filter((m) => /^max[A-Z]\w*(Size|Bytes)$/.test(m.name) && !allowed.has(m.name))
    .map(where);
  assert.deepEqual(found, []);
});

Deno.test("vocabulary: completion promises are named 'closed'", () => {
  const found = all.filter((m) =>
    (m.name === "done" || m.name === "finished" || m.name === "ended") &&
    m.type.includes('"Promise"')
  ).map(where);
  assert.deepEqual(found, []);
});

Deno.test("vocabulary: flat-namespace types carry their family's prefix", () => {
  const bare = new Set(["Sender", "Receiver", "Permit", "Guard", "Options", "Handle", "Token"]);
  const found = symbols.map((s) => s.name).filter((name) => bare.has(name));
  assert.deepEqual(found, []);
});

Deno.test("vocabulary: try* methods answer 'not now' with false or undefined", () => {
  const tries = all.filter((m) => m.kind === "method" && /^try[A-Z]/.test(m.name));
  assert.ok(tries.length >= 8, `only ${tries.length} try* methods found`);
  const throwing = tries.filter((m) =>
    m.throws.some((doc) => /\b(full|empty|no room|not ready|would block)\b/i.test(doc))
  ).map(where);
  assert.deepEqual(throwing, [], "try* methods that throw for full/empty");
  const noAbsence = tries.filter((m) => !/"repr":"(undefined|boolean|false)"/.test(m.type)).map((
    m,
  ) => `${where(m)} returns ${m.type.slice(0, 80)}`);
  assert.deepEqual(noAbsence, [], "try* methods whose result cannot say 'not now'");
});
