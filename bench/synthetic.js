// Synthetic warning entries on reserved names only (.example, .test,
// .invalid), the same shape as bench/synthetic.py: mostly "label.tld", one in
// eight "sub.label.tld", one in ten without include_subdomains. Deterministic.

const TLDS = ["example", "test", "invalid"];
const STATUSES = ["disputed", "unlawful", "defunct"];
const LETTERS = "abcdefghijklmnopqrstuvwxyz";

/** A small seeded PRNG (mulberry32): the same seed gives the same list. */
export function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function label(rand, low = 5, high = 14) {
  const n = low + Math.floor(rand() * (high - low + 1));
  let s = "";
  for (let i = 0; i < n; i++) s += LETTERS[Math.floor(rand() * 26)];
  return s;
}

export function syntheticDomains(count, seed = 7) {
  const rand = prng(seed);
  const seen = new Set();
  const out = [];
  while (out.length < count) {
    let d = `${label(rand)}.${TLDS[Math.floor(rand() * TLDS.length)]}`;
    if (rand() < 0.125) d = `${label(rand, 3, 6)}.${d}`;
    if (!seen.has(d)) {
      seen.add(d);
      out.push(d);
    }
  }
  return out;
}

export function syntheticEntries(count, seed = 7) {
  return syntheticDomains(count, seed).map((domain, i) => {
    const parts = domain.split(".");
    const raw = parts[parts.length - 2];
    const name = raw[0].toUpperCase() + raw.slice(1);
    return {
      domain,
      name,
      status: STATUSES[i % 3],
      summary: `${name} sells downloads under licences that rights holders say do not cover it.`,
      sources: [{ title: `Report on ${name}`, url: `https://news.example/${i}` }],
      related: [],
      include_subdomains: i % 10 !== 0,
      reviewed: "2026-10-01",
    };
  });
}

export function listDocument(entries, version = 1) {
  const sorted = [...entries].sort((a, b) => (a.domain < b.domain ? -1 : a.domain > b.domain ? 1 : 0));
  return { format: 1, version, generated: "2026-11-28T09:00:00Z", entries: sorted };
}
