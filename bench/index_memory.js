// Heap the background keeps per list entry, in node (a proxy for the service
// worker's V8: the same structures, built the same way): the whole parsed
// list indexed by domain (buildIndex, the design before) against the compact
// index (buildCompactIndex, what background/state.js keeps). Each figure is
// the heap delta after a forced GC, with the list parsed from its JSON text
// as the background reads it, and the parsed list dropped where the design
// drops it.
//
//     node --expose-gc bench/index_memory.js [entries...]   (default 1000 10000 50000)
import { buildCompactIndex, buildIndex } from "../extension/lib/matcher.js";
import { listDocument, syntheticEntries } from "./synthetic.js";

if (typeof globalThis.gc !== "function") {
  console.error("run with node --expose-gc");
  process.exit(1);
}

function heapAfterGc() {
  for (let i = 0; i < 4; i++) globalThis.gc();
  return process.memoryUsage().heapUsed;
}

const sizes = process.argv.slice(2).map(Number);
const rows = [];
for (const n of sizes.length ? sizes : [1000, 10000, 50000]) {
  const text = JSON.stringify(listDocument(syntheticEntries(n)));
  let base = heapAfterGc();
  let keep = buildIndex(JSON.parse(text).entries);
  const whole = (heapAfterGc() - base) / n;
  keep = null;
  base = heapAfterGc();
  keep = buildCompactIndex(JSON.parse(text).entries);
  const compact = (heapAfterGc() - base) / n;
  if (keep.size !== n) throw new Error("index lost entries");
  rows.push({ entries: n, json_bytes_per_entry: Math.round(text.length / n), whole_entries_bytes_per_entry: Math.round(whole), compact_index_bytes_per_entry: Math.round(compact) });
}
console.table(rows);
console.log(JSON.stringify(rows));
