// Renders the speed targets of the project (issue 12 and each module's
// issue) as a horizontal bar chart of ratios, from the JSON of one
// `deno bench --json bench/` run and one run of the shared loopback harness
// (`../shared/bench/run.sh`, one JSON line per measurement).
//
//   deno run --allow-read=bench --allow-write=bench bench/chart.ts \
//     [--bench bench/results/bench-STAMP.json] [--loopback bench/results/STAMP.jsonl] \
//     [--out bench/chart.svg] [--markdown]
//
// Without --bench / --loopback it takes the newest `*.json` / `*.jsonl` in
// bench/results/ (file names start with a UTC timestamp, so the newest
// sorts last). Every bar is weir's speed relative to an anchor measured in
// the same run (> 1 means weir is faster), on a log scale; the tick on a
// bar marks its target, green bars meet it, red bars miss it, grey bars
// have none. --markdown also prints the tables `bench/README.md` embeds.

/** One `deno bench --json` entry with its mean time per iteration. */
interface BenchEntry {
  origin: string;
  group: string | null;
  name: string;
  baseline: boolean;
  /** Nanoseconds per iteration, or `undefined` if the bench failed. */
  avg: number | undefined;
}

/** One line of the loopback harness's output (the fields used here). */
interface LoopbackRecord {
  meta?: boolean;
  label: string;
  mode: string;
  size: number;
  depth?: number;
  "frames_per_s"?: number;
  "server_cpu_pct"?: number;
  "rss_per_conn_bytes"?: number;
  hold?: number;
  errors?: number;
  date?: string;
  kernel?: string;
  deno?: string;
}

/** One measured target: weir's ratio to an anchor and the ratio it needs. */
interface Row {
  section: string;
  label: string;
  /** weir relative to the anchor; > 1 is better for weir. */
  ratio: number | undefined;
  target: number | undefined;
  /** How the ratio was formed, with the raw figures. */
  detail: string;
}

/** An in-process target: weir's entry against the fastest matching anchor. */
interface BenchTarget {
  section: string;
  label: string;
  group: RegExp;
  weir: RegExp;
  anchor: RegExp;
  target?: number;
}

/** A loopback target over one scenario of the harness. */
interface LoopbackTarget {
  label: string;
  mode: string;
  size: number;
  depth?: number;
  weir: string;
  anchor: string;
  /** frames/s (higher wins), or server CPU µs per frame (lower wins). */
  metric: "fps" | "cpu";
  target: number;
}

const LOOPBACK: LoopbackTarget[] = [
  {
    label: "framed 64 B ×16: weir-framed / tokio-framed",
    mode: "framed",
    size: 64,
    depth: 16,
    weir: "weir-framed",
    anchor: "tokio-framed",
    metric: "fps",
    target: 1,
  },
  {
    label: "framed 64 B ×16: weir-framed / deno-rw",
    mode: "framed",
    size: 64,
    depth: 16,
    weir: "weir-framed",
    anchor: "deno-rw",
    metric: "fps",
    target: 0.95,
  },
  {
    label: "framed 64 B ×16: server CPU/frame, tokio-framed / weir-framed",
    mode: "framed",
    size: 64,
    depth: 16,
    weir: "weir-framed",
    anchor: "tokio-framed",
    metric: "cpu",
    target: 1,
  },
  {
    label: "framed 64 B ping-pong: weir-framed / deno-rw",
    mode: "framed",
    size: 64,
    depth: 1,
    weir: "weir-framed",
    anchor: "deno-rw",
    metric: "fps",
    target: 0.95,
  },
  {
    label: "framed 16 KiB ×16: weir-framed / tokio-framed",
    mode: "framed",
    size: 16384,
    depth: 16,
    weir: "weir-framed",
    anchor: "tokio-framed",
    metric: "fps",
    target: 1.3,
  },
  {
    label: "raw 16 KiB ×16: weir-echo / deno-rw",
    mode: "raw",
    size: 16384,
    depth: 16,
    weir: "weir-echo",
    anchor: "deno-rw",
    metric: "fps",
    target: 0.95,
  },
  {
    label: "UDP 64 B: weir-udp / deno-udp",
    mode: "udp",
    size: 64,
    weir: "weir-udp",
    anchor: "deno-udp",
    metric: "fps",
    target: 0.95,
  },
];

/** Idle connections: KiB per connection at this many against the budget. */
const HOLD_N = 19000;
const HOLD_BUDGET_KIB = 12;
const HOLD_SERVERS = ["weir-echo", "weir-framed"];

const NOT_WEIR = /^(?!weir)(?!floor)/;

const BENCH_TARGETS: BenchTarget[] = [
  // framing (issue 8)
  ...[
    ["64 B", /64 B frames.*in memory/],
    ["16 KiB", /16 KiB frames.*in memory/],
    ["64 B to a file", /64 B frames.*file/],
    ["16 KiB to a file", /16 KiB frames.*file/],
  ].flatMap(([size, group]) => [
    {
      section: "framing",
      label: `length-delimited ${size}: weir / it-length-prefixed`,
      group: group as RegExp,
      weir: /^weir .*LengthDelimitedCodec/,
      anchor: /^it-length-prefixed/,
      target: 3,
    },
    {
      section: "framing",
      label: `length-delimited ${size}: weir / hand-written framer`,
      group: group as RegExp,
      weir: /^weir .*LengthDelimitedCodec/,
      anchor: /^hand-written/,
      target: 10,
    },
  ]),
  {
    section: "framing",
    label: "lines decode: weir FramedRead / TextLineStream-style",
    group: /^lines decode/,
    weir: /^weir FramedRead/,
    anchor: /TextLineStream/,
    target: 2,
  },
  // io (issue 7)
  {
    section: "io",
    label: "lines in memory: weir BufReader / TextDecoderStream pipeline",
    group: /^lines in memory/,
    weir: /^weir BufReader\(ReadableStream\)/,
    anchor: /^TextDecoderStream/,
    target: 2,
  },
  {
    section: "io",
    label: "lines from a file: weir BufReader(file) / readable pipeline",
    group: /^lines from a file/,
    weir: /^weir BufReader\(file\)\.lines/,
    anchor: /^file\.readable/,
    target: 2,
  },
  {
    section: "io",
    label: "readExact loop: weir / BYOB read({ min })",
    group: /^exact .* records/,
    weir: /^weir BufReader\.readExact\(p\)/,
    anchor: /^BYOB/,
    target: 1,
  },
  {
    section: "io",
    label: "64-byte writes to a Deno.Conn: weir BufWriter / unbuffered",
    group: /64-byte writes/,
    weir: /^weir BufWriter/,
    anchor: /^unbuffered/,
    target: 10,
  },
  // sync (issue 5): against the best peer
  {
    section: "sync",
    label: "lock uncontended: weir Mutex / best peer",
    group: /^lock uncontended/,
    weir: /^weir Mutex lock/,
    anchor: /^(async-mutex|async-sema|p-limit)(?!.*\(sync\))/,
    target: 2,
  },
  {
    section: "sync",
    label: "lock contended: weir Mutex / best peer",
    group: /^lock contended/,
    weir: /^weir Mutex/,
    anchor: NOT_WEIR,
    target: 2,
  },
  {
    section: "sync",
    label: "semaphore(4) contended: weir Semaphore / best peer",
    group: /^semaphore\(4\) contended/,
    weir: /^weir Semaphore/,
    anchor: NOT_WEIR,
    target: 2,
  },
  {
    section: "sync",
    label: "mpsc throughput: weir mpsc / best peer",
    group: /^mpsc throughput/,
    weir: /^weir mpsc\(\d+\) send\/recv/,
    anchor: NOT_WEIR,
    target: 2,
  },
  {
    section: "sync",
    label: "unbounded push: weir unboundedMpsc / it-pushable",
    group: /^unbounded push/,
    weir: /^weir unboundedMpsc trySend \/ for await/,
    anchor: /^it-pushable push \//,
    target: 2,
  },
  // pool (issue 6): against the faster of generic-pool and tarn
  {
    section: "pool",
    label: "Pool, idle resource: weir / faster peer",
    group: /idle resource/,
    weir: /^weir Pool/,
    anchor: NOT_WEIR,
    target: 2,
  },
  {
    section: "pool",
    label: "Pool, contended: weir / faster peer",
    group: /borrowers on/,
    weir: /^weir Pool/,
    anchor: NOT_WEIR,
    target: 2,
  },
  // streams (issue 10): >= 1x the hand-written loop within 10 %, >= 2x ix
  ...[["async generator", /async generator source/], [
    "ReadableStream",
    /ReadableStream source/,
  ]].flatMap(([source, group]) => [
    {
      section: "streams",
      label: `map + filter (${source}): weir / for await loop`,
      group: group as RegExp,
      weir: /^weir map/,
      anchor: /^inline for await/,
      target: 0.9,
    },
    {
      section: "streams",
      label: `map + filter (${source}): weir / ix`,
      group: group as RegExp,
      weir: /^weir map/,
      anchor: /^ix /,
      target: 2,
    },
  ]),
  {
    section: "streams",
    label: "bufferUnordered: weir / hand-written pool",
    group: /task per item/,
    weir: /^weir bufferUnordered/,
    anchor: /^hand-written/,
    target: 0.9,
  },
  {
    section: "streams",
    label: "bufferUnordered: weir / ix flatMap",
    group: /task per item/,
    weir: /^weir bufferUnordered/,
    anchor: /^ix /,
    target: 2,
  },
  // time (issue 4): ratios reported, no target set
  {
    section: "time",
    label: "timeout per call: weir timeout(ms, promise) / AbortSignal.timeout race",
    group: /^timeout per call/,
    weir: /^weir timeout\(ms, promise\)/,
    anchor: /AbortSignal\.timeout/,
  },
  {
    section: "time",
    label: "timeout per call: weir timeout(ms, promise) / setTimeout race",
    group: /^timeout per call/,
    weir: /^weir timeout\(ms, promise\)/,
    anchor: /setTimeout/,
  },
  {
    section: "time",
    label: "RateLimiter, 100 concurrent: weir / best peer",
    group: /100 concurrent acquires/,
    weir: /^weir RateLimiter\.acquire/,
    anchor: /^npm:/,
  },
  {
    section: "time",
    label: "RateLimiter, 1000 sequential: weir / best peer",
    group: /1000 sequential acquires/,
    weir: /^weir RateLimiter\.acquire/,
    anchor: /^npm:/,
  },
  // net (in process, issue 9 sends its figures here): no target of its own
  {
    section: "net",
    label: "framed echo in process: weir FramedDriver / hand-written coalesced",
    group: /^framed echo/,
    weir: /^weir/,
    anchor: /coalesced/,
  },
  {
    section: "net",
    label: "byte echo in process: weir Connection / hand-written read/write",
    group: /^byte echo/,
    weir: /^weir/,
    anchor: /^hand-written/,
  },
  {
    section: "net",
    label: "UDP echo in process: weir UdpSocket / hand-written listenDatagram",
    group: /^udp echo/,
    weir: /^weir/,
    anchor: /^hand-written/,
  },
];

function parseBench(text: string): BenchEntry[] {
  const json = JSON.parse(text) as {
    benches: {
      origin: string;
      group: string | null;
      name: string;
      baseline: boolean;
      results: { ok?: { avg: number } }[];
    }[];
  };
  return json.benches.map((b) => ({
    origin: b.origin,
    group: b.group,
    name: b.name,
    baseline: b.baseline,
    avg: b.results[0]?.ok?.avg,
  }));
}

function parseLoopback(text: string): LoopbackRecord[] {
  return text.split("\n").filter((line) => line.trim() !== "").map((line) =>
    JSON.parse(line) as LoopbackRecord
  );
}

const file = (entry: BenchEntry): string => entry.origin.replace(/^.*\//, "");

function benchRows(entries: BenchEntry[]): Row[] {
  return BENCH_TARGETS.map((t) => {
    // The first group that matches: one group's entries, never a mix of two.
    const group = entries.find((e) => e.group !== null && t.group.test(e.group))?.group;
    const inGroup = entries.filter((e) => group !== undefined && e.group === group);
    const weir = inGroup.find((e) => t.weir.test(e.name));
    const anchors = inGroup.filter((e) => t.anchor.test(e.name) && e.avg !== undefined);
    const anchor = anchors.reduce<BenchEntry | undefined>(
      (best, e) => best === undefined || e.avg! < best.avg! ? e : best,
      undefined,
    );
    const base = { section: t.section, label: t.label, target: t.target };
    if (weir?.avg === undefined || anchor === undefined) {
      return { ...base, ratio: undefined, detail: "not measured" };
    }
    return {
      ...base,
      ratio: anchor.avg! / weir.avg,
      detail: `${time(weir.avg)} vs ${time(anchor.avg!)} (${anchor.name})`,
    };
  });
}

function loopbackRows(records: LoopbackRecord[]): Row[] {
  const find = (label: string, t: { mode: string; size: number; depth?: number }) =>
    records.find((r) =>
      r.label === label && r.mode === t.mode && r.size === t.size &&
      (t.depth === undefined || r.depth === t.depth) && !r.errors && r["frames_per_s"]
    );
  const rows: Row[] = LOOPBACK.map((t) => {
    const weir = find(t.weir, t);
    const anchor = find(t.anchor, t);
    const base = { section: "loopback", label: t.label, target: t.target };
    if (weir === undefined || anchor === undefined) {
      return { ...base, ratio: undefined, detail: "not measured" };
    }
    if (t.metric === "cpu") {
      const w = cpuPerFrame(weir);
      const a = cpuPerFrame(anchor);
      return {
        ...base,
        ratio: a / w,
        detail: `server CPU ${w.toFixed(2)} vs ${a.toFixed(2)} µs/frame`,
      };
    }
    return {
      ...base,
      ratio: weir["frames_per_s"]! / anchor["frames_per_s"]!,
      detail: `${int(weir["frames_per_s"]!)} vs ${int(anchor["frames_per_s"]!)} /s`,
    };
  });
  for (const label of HOLD_SERVERS) {
    const r = records.find((r) => r.label === label && r.mode === "hold" && r.hold === HOLD_N);
    const kib = r?.["rss_per_conn_bytes"] === undefined
      ? undefined
      : r["rss_per_conn_bytes"] / 1024;
    rows.push({
      section: "loopback",
      label: `idle ${int(HOLD_N)} conns: ${HOLD_BUDGET_KIB} KiB budget / ${label} KiB/conn`,
      ratio: kib === undefined || r?.errors ? undefined : HOLD_BUDGET_KIB / kib,
      target: 1,
      detail: kib === undefined ? "not measured" : `${kib.toFixed(1)} KiB per connection`,
    });
  }
  return rows;
}

function cpuPerFrame(r: LoopbackRecord): number {
  return (r["server_cpu_pct"]! / 100) * 1e6 / r["frames_per_s"]!;
}

function int(n: number): string {
  return Math.round(n).toLocaleString("en-US");
}

function time(ns: number): string {
  if (ns >= 1e6) return `${(ns / 1e6).toFixed(2)} ms`;
  if (ns >= 1e3) return `${(ns / 1e3).toFixed(1)} µs`;
  return `${ns.toFixed(0)} ns`;
}

function escape(s: string): string {
  return s.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");
}

function verdict(row: Row): string {
  if (row.ratio === undefined) return "–";
  if (row.target === undefined) return "no target";
  return row.ratio >= row.target ? "met" : "missed";
}

const ROW_HEIGHT = 18;
const LABEL_WIDTH = 430;
const PLOT_WIDTH = 420;
const VALUE_WIDTH = 150;

/** The SVG: one bar per row, grouped by section, log2 x axis. */
function svg(rows: Row[], title: string, subtitle: string): string {
  const ratios = rows.flatMap((r) => [r.ratio, r.target]).filter((x) => x !== undefined);
  const lo = Math.min(0.25, 2 ** Math.floor(Math.log2(Math.min(...ratios))));
  const hi = Math.max(4, 2 ** Math.ceil(Math.log2(Math.max(...ratios))));
  const x = (v: number) =>
    LABEL_WIDTH + PLOT_WIDTH * (Math.log2(v) - Math.log2(lo)) / (Math.log2(hi) - Math.log2(lo));
  const out: string[] = [];
  let y = 60;
  let section = "";
  for (const row of rows) {
    if (row.section !== section) {
      section = row.section;
      y += 8;
      out.push(
        `<text x="8" y="${y + 12}" font-weight="bold">${
          escape(
            section === "loopback" ? "loopback servers (shared harness)" : `in process: ${section}`,
          )
        }</text>`,
      );
      y += ROW_HEIGHT;
    }
    out.push(`<text x="16" y="${y + 13}">${escape(row.label)}</text>`);
    if (row.ratio !== undefined) {
      const fill = row.target === undefined
        ? "#9e9e9e"
        : row.ratio >= row.target
        ? "#2e7d32"
        : "#c62828";
      const from = x(Math.max(lo, Math.min(1, row.ratio)));
      const to = x(Math.min(hi, Math.max(1, row.ratio)));
      out.push(
        `<rect x="${from.toFixed(1)}" y="${y + 3}" width="${
          Math.max(1, to - from).toFixed(1)
        }" height="${ROW_HEIGHT - 6}" fill="${fill}"><title>${escape(row.detail)}</title></rect>`,
      );
    }
    if (row.target !== undefined) {
      const tx = x(row.target).toFixed(1);
      out.push(
        `<line x1="${tx}" x2="${tx}" y1="${y + 1}" y2="${
          y + ROW_HEIGHT - 1
        }" stroke="#000" stroke-width="2"/>`,
      );
    }
    const value = row.ratio === undefined ? "not measured" : `${row.ratio.toFixed(2)}×`;
    const goal = row.target === undefined ? "" : ` (target ${row.target}×)`;
    out.push(
      `<text x="${LABEL_WIDTH + PLOT_WIDTH + 8}" y="${y + 13}">${escape(value + goal)}</text>`,
    );
    y += ROW_HEIGHT;
  }
  const ticks: string[] = [];
  for (let v = lo; v <= hi; v *= 2) {
    const tx = x(v).toFixed(1);
    ticks.push(
      `<line x1="${tx}" x2="${tx}" y1="54" y2="${y}" stroke="${
        v === 1 ? "#555" : "#ddd"
      }"/><text x="${tx}" y="50" text-anchor="middle">${v}×</text>`,
    );
  }
  const width = LABEL_WIDTH + PLOT_WIDTH + VALUE_WIDTH;
  const height = y + 12;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="#fff"/>`,
    `<text x="8" y="16" font-size="14" font-weight="bold">${escape(title)}</text>`,
    `<text x="8" y="32" fill="#555">${escape(subtitle)}</text>`,
    ...ticks,
    ...out,
    "</svg>",
    "",
  ].join("\n");
}

function table(rows: Row[]): string {
  const lines = ["| target | measured | ratio | needed | verdict |", "|---|---|---|---|---|"];
  for (const row of rows) {
    lines.push(
      `| ${row.label} | ${row.detail} | ${row.ratio === undefined ? "–" : row.ratio.toFixed(2)} | ${
        row.target === undefined ? "–" : `≥ ${row.target}`
      } | ${verdict(row)} |`,
    );
  }
  return lines.join("\n");
}

/** Every group of the bench run: time per iteration and each entry against the group's weir entry. */
function groupTables(entries: BenchEntry[]): string {
  const groups = new Map<string, BenchEntry[]>();
  for (const e of entries) {
    const key = `${file(e)}: ${e.group ?? "(no group)"}`;
    groups.set(key, [...groups.get(key) ?? [], e]);
  }
  const out: string[] = [];
  for (const [key, list] of groups) {
    const weir = list.find((e) => e.baseline && e.name.startsWith("weir")) ??
      list.find((e) => e.name.startsWith("weir"));
    out.push(`**${key}**`, "", "| bench | time/iter | weir is × faster |", "|---|---|---|");
    for (const e of list) {
      const ratio = weir?.avg !== undefined && e.avg !== undefined && e !== weir
        ? (e.avg / weir.avg).toFixed(2)
        : "–";
      out.push(`| ${e.name} | ${e.avg === undefined ? "failed" : time(e.avg)} | ${ratio} |`);
    }
    out.push("");
  }
  return out.join("\n");
}

async function newest(dir: URL, suffix: string): Promise<string | undefined> {
  const names: string[] = [];
  for await (const entry of Deno.readDir(dir)) {
    if (entry.isFile && entry.name.endsWith(suffix)) names.push(entry.name);
  }
  names.sort();
  const last = names.at(-1);
  return last === undefined ? undefined : new URL(last, dir).pathname;
}

function flag(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i === -1 ? undefined : args[i + 1];
}

if (import.meta.main) {
  const args = Deno.args;
  const results = new URL("./results/", import.meta.url);
  const benchFile = flag(args, "--bench") ?? await newest(results, ".json");
  const loopFile = flag(args, "--loopback") ?? await newest(results, ".jsonl");
  const outFile = flag(args, "--out") ?? new URL("./chart.svg", import.meta.url).pathname;
  const entries = benchFile === undefined ? [] : parseBench(await Deno.readTextFile(benchFile));
  const records = loopFile === undefined ? [] : parseLoopback(await Deno.readTextFile(loopFile));
  const meta = records.find((r) => r.meta);
  const rows = [...loopbackRows(records), ...benchRows(entries)];
  const title = "weir vs the anchors: each bar is a ratio from one run (> 1× = weir ahead)";
  const subtitle = `loopback ${meta?.date ?? "?"}, deno bench ${
    benchFile?.replace(/^.*\//, "") ?? "?"
  } · green: target met, red: missed, grey: no target; black tick: the target`;
  await Deno.writeTextFile(outFile, svg(rows, title, subtitle));
  console.error(`${outFile}: ${rows.length} bars from ${benchFile} and ${loopFile}`);
  if (args.includes("--markdown")) {
    console.log(table(rows.filter((r) => r.section === "loopback")), "\n");
    console.log(table(rows.filter((r) => r.section !== "loopback")), "\n");
    console.log(groupTables(entries));
  }
}
