// Matcher benchmark: the extension's index (extension/lib/matcher.js) against
// a naive linear scan with endsWith (the floor) and a bare Set.has on the
// exact host (the ceiling), at 1,000 / 100,000 / 1,000,000 synthetic entries.
// Also: index build time from the list JSON, heap bytes per entry.
//
//   node bench/matcher_bench.js [--quick] [--out DIR]
//
// It re-runs itself with --expose-gc (heap deltas need a forced GC).
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { buildIndex } from "../extension/lib/matcher.js";
import { label, listDocument, prng, syntheticEntries } from "./synthetic.js";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.dirname(HERE);

if (typeof globalThis.gc !== "function") {
  const child = spawnSync(process.execPath, ["--expose-gc", "--max-old-space-size=6144", fileURLToPath(import.meta.url), ...process.argv.slice(2)], { stdio: "inherit" });
  process.exit(child.status ?? 1);
}

function parseArgs(argv) {
  const args = { quick: false, out: path.join(HERE, "results") };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--quick") args.quick = true;
    else if (argv[i] === "--out") args.out = path.resolve(argv[++i]);
    else if (argv[i] === "-h" || argv[i] === "--help") {
      console.log("usage: node bench/matcher_bench.js [--quick] [--out DIR]");
      process.exit(0);
    } else {
      console.error(`matcher_bench.js: unknown argument ${argv[i]}`);
      process.exit(2);
    }
  }
  return args;
}

const ARGS = parseArgs(process.argv.slice(2));
const LOAD_AT_START = Math.round(os.loadavg()[0] * 100) / 100; // the machine is shared: keep its load with the figures
const SIZES = ARGS.quick ? [1_000, 5_000] : [1_000, 100_000, 1_000_000];
const LOOKUP_HOSTS = ARGS.quick ? 5_000 : 200_000;
const MIN_MS = ARGS.quick ? 20 : 600; // each timed loop runs at least this long
const LINEAR_BUDGET = ARGS.quick ? 2e6 : 5e7; // entry comparisons for the naive scan

const now = () => Number(process.hrtime.bigint()) / 1e6; // ms

function heapUsed() {
  globalThis.gc();
  globalThis.gc();
  return process.memoryUsage().heapUsed;
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/**
 * Lookup hosts: half listed (an entry's domain with 0+ extra labels, 2–6
 * labels in all), half unlisted (1–6 labels on reserved names), shuffled.
 */
function lookupHosts(entries, index, count, seed = 11) {
  const rand = prng(seed);
  const tlds = ["example", "test", "invalid"];
  const hosts = [];
  for (let i = 0; i < count; i++) {
    if (i % 2 === 0) {
      const e = entries[Math.floor(rand() * entries.length)];
      const labels = e.domain.split(".").length;
      let host = e.domain;
      if (e.include_subdomains !== false) {
        const total = labels + Math.floor(rand() * (6 - labels + 1));
        for (let k = labels; k < total; k++) host = `${label(rand, 2, 8)}.${host}`;
      }
      hosts.push(host);
    } else {
      for (;;) {
        const total = 1 + Math.floor(rand() * 6);
        let host = total === 1 ? label(rand) : `${label(rand)}.${tlds[Math.floor(rand() * 3)]}`;
        for (let k = 2; k < total; k++) host = `${label(rand, 2, 8)}.${host}`;
        if (index.match(host) === null) {
          hosts.push(host);
          break;
        }
      }
    }
  }
  for (let i = hosts.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [hosts[i], hosts[j]] = [hosts[j], hosts[i]];
  }
  return hosts;
}

/** ns per call of fn over hosts, looping over the array until minMs has passed (after a warm-up pass unless warm is false). */
function timePerLookup(fn, hosts, minMs = MIN_MS, warm = true) {
  let sink = 0;
  if (warm) for (const h of hosts) if (fn(h)) sink++;
  let calls = 0;
  const start = now();
  let elapsed = 0;
  do {
    for (const h of hosts) if (fn(h)) sink++;
    calls += hosts.length;
    elapsed = now() - start;
  } while (elapsed < minMs);
  if (sink < 0) console.log(sink); // keep the results alive
  return (elapsed * 1e6) / calls;
}

/** The naive matcher: every entry, endsWith at a label boundary, most specific wins. */
function linearMatcher(entries) {
  const list = entries.map((e) => ({ domain: e.domain, dotted: "." + e.domain, subs: e.include_subdomains !== false, entry: e }));
  return (host) => {
    let best = null;
    for (const d of list) {
      if ((host === d.domain || (d.subs && host.endsWith(d.dotted))) && (best === null || d.domain.length > best.domain.length)) best = d;
    }
    return best ? best.entry : null;
  };
}

/** uBO's setBasedDictTest: walk the labels over a bare Set (no normalization, no include_subdomains). */
function labelWalkSet(set) {
  return (needle) => {
    for (;;) {
      if (set.has(needle)) return true;
      const pos = needle.indexOf(".");
      if (pos === -1) return false;
      needle = needle.slice(pos + 1);
    }
  };
}

/**
 * Parse the list JSON and build the index, timing both, with the heap held by
 * each. A function of its own, so that no interpreter register of the caller
 * keeps an earlier parse alive while the heap is measured.
 */
function parseAndIndex(json) {
  const h0 = heapUsed();
  let t = now();
  const doc = JSON.parse(json);
  const parseMs = now() - t;
  const h1 = heapUsed();
  t = now();
  const index = buildIndex(doc.entries);
  const buildMs = now() - t;
  const h2 = heapUsed();
  const setBuildMs = setBuildTime(doc.entries);
  if (!doc.entries.length || index.size !== new Set(doc.entries.map((e) => e.domain)).size) {
    throw new Error("index and Set disagree on size");
  }
  return { doc, index, parseMs, buildMs, setBuildMs, listBytes: h1 - h0, indexBytes: h2 - h1 };
}

function setBuildTime(entries) {
  const t = now();
  const set = new Set(entries.map((e) => e.domain));
  const ms = now() - t;
  if (set.size === 0) throw new Error("empty list");
  return ms;
}

/** The list document's JSON; the generated objects die with this frame. */
function listJson(n) {
  return JSON.stringify(listDocument(syntheticEntries(n)));
}

function benchSize(n) {
  const json = listJson(n); // only the JSON stays: the parse below is what the extension holds

  const repeats = n >= 1_000_000 ? 2 : 3;
  let run = null;
  const runs = [];
  for (let r = 0; r < repeats; r++) {
    run = null; // drop the previous parse before measuring the next one
    run = parseAndIndex(json);
    runs.push({ parseMs: run.parseMs, buildMs: run.buildMs, setBuildMs: run.setBuildMs, listBytes: run.listBytes, indexBytes: run.indexBytes });
  }
  const parseMs = runs.map((x) => x.parseMs);
  const buildMs = runs.map((x) => x.buildMs);
  const setBuildMs = runs.map((x) => x.setBuildMs);
  const listBytes = median(runs.map((x) => x.listBytes));
  const indexBytes = median(runs.map((x) => x.indexBytes));
  const { doc, index } = run;

  const list = doc.entries;
  const hosts = lookupHosts(list, index, LOOKUP_HOSTS);
  const listedShare = hosts.filter((h) => index.match(h) !== null).length / hosts.length;
  const exact = new Set(list.map((e) => e.domain));
  const caveatNs = timePerLookup((h) => index.match(h) !== null, hosts);
  const walkNs = timePerLookup(labelWalkSet(exact), hosts);
  const setNs = timePerLookup((h) => exact.has(h), hosts);

  // The naive scan costs O(entries) per lookup: time a sample so 1M finishes.
  const sampleSize = Math.max(20, Math.min(hosts.length, Math.floor(LINEAR_BUDGET / n)));
  const sample = hosts.slice(0, sampleSize);
  const linear = linearMatcher(list);
  let disagreements = 0;
  for (const h of sample) if (linear(h) !== index.match(h)) disagreements++;
  // The agreement check above was its warm-up pass.
  const linearNs = timePerLookup((h) => linear(h) !== null, sample, ARGS.quick ? 10 : 300, false);

  return {
    entries: n,
    list_json_bytes: json.length,
    lookup_hosts: hosts.length,
    listed_share: listedShare,
    host_labels: "1-6",
    parse_ms: median(parseMs),
    build_index_ms: median(buildMs),
    parse_and_build_ms: median(parseMs) + median(buildMs),
    set_build_ms: median(setBuildMs),
    heap_bytes_per_entry_list: listBytes / n,
    heap_bytes_per_entry_index: indexBytes / n,
    caveat_ns_per_lookup: caveatNs,
    caveat_lookups_per_s: 1e9 / caveatNs,
    label_walk_set_ns_per_lookup: walkNs,
    set_has_ns_per_lookup: setNs,
    set_has_lookups_per_s: 1e9 / setNs,
    linear_ns_per_lookup: linearNs,
    linear_lookups_per_s: 1e9 / linearNs,
    linear_sample_lookups: sample.length,
    linear_disagreements: disagreements,
    ratio_caveat_over_set_has: caveatNs / setNs,
    ratio_linear_over_caveat: linearNs / caveatNs,
    ratio_build_over_set_build: median(buildMs) / median(setBuildMs),
  };
}

function machineInfo() {
  const py = existsSync(path.join(ROOT, ".venv/bin/python")) ? path.join(ROOT, ".venv/bin/python") : "python3";
  try {
    const info = JSON.parse(execFileSync(py, ["-m", "bench.common"], { cwd: ROOT, encoding: "utf8" }));
    return { ...info, load_average_1m_at_start: LOAD_AT_START };
  } catch {
    return { cpu_model: os.cpus()[0]?.model, cores: os.cpus().length, kernel: os.release(), node: process.version,
      load_average_1m_at_start: LOAD_AT_START, date: new Date().toISOString() };
  }
}

function fmt(v, digits = 0) {
  return v.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

function printTable(rows) {
  const headers = ["entries", "caveat ns", "lookups/s", "Set.has ns", "label-walk ns", "linear ns", "caveat/Set.has", "linear/caveat",
    "parse ms", "index ms", "Set ms", "index/Set build", "heap B/entry list", "heap B/entry index"];
  const cells = rows.map((r) => [fmt(r.entries), fmt(r.caveat_ns_per_lookup, 1), fmt(r.caveat_lookups_per_s), fmt(r.set_has_ns_per_lookup, 1),
    fmt(r.label_walk_set_ns_per_lookup, 1), fmt(r.linear_ns_per_lookup), `${fmt(r.ratio_caveat_over_set_has, 1)}x`, `${fmt(r.ratio_linear_over_caveat)}x`,
    fmt(r.parse_ms, 1), fmt(r.build_index_ms, 1), fmt(r.set_build_ms, 1), `${fmt(r.ratio_build_over_set_build, 1)}x`,
    fmt(r.heap_bytes_per_entry_list), fmt(r.heap_bytes_per_entry_index)]);
  const widths = headers.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  console.log(headers.map((h, i) => h.padStart(widths[i])).join("  "));
  console.log(widths.map((w) => "-".repeat(w)).join("  "));
  for (const c of cells) console.log(c.map((v, i) => v.padStart(widths[i])).join("  "));
}

const results = [];
for (const n of SIZES) {
  console.error(`matcher: ${n.toLocaleString("en-US")} entries…`);
  results.push(benchSize(n));
}
console.log("\nMatcher: extension/lib/matcher.js vs naive endsWith scan (floor) and Set.has on the exact host (ceiling)");
console.log(`hosts: ${LOOKUP_HOSTS.toLocaleString("en-US")} per size, half listed, 1-6 labels; ns = nanoseconds per lookup`);
printTable(results);
for (const r of results) {
  if (r.linear_disagreements) console.log(`WARNING: naive scan and index disagree on ${r.linear_disagreements} hosts at ${r.entries} entries`);
}

mkdirSync(ARGS.out, { recursive: true });
const file = path.join(ARGS.out, "matcher.json");
writeFileSync(file, JSON.stringify({ benchmark: "matcher", quick: ARGS.quick, machine: machineInfo(), node_flags: ["--expose-gc"], sizes: results }, null, 2) + "\n");
console.log(`\nwrote ${file}`);
