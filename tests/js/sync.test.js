// A list the browser refuses to store (storage.local's quota): the sync
// reports `storage_full` with the entry count and keeps the last good list.
// The list comes from a real local HTTP server; only chrome.storage is an
// in-memory stand-in, which refuses a write the way Chrome does (all keys of
// the set() or none).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";

const QUOTA_MESSAGE = "Resource::kQuotaBytes quota exceeded";

function entry(domain) {
  return {
    domain,
    name: `Store ${domain}`,
    status: "disputed",
    summary: "Its licences are disputed by rights holders.",
    sources: [{ title: "A report", url: "https://news.example/report" }],
    reviewed: "2026-11-01",
  };
}

function listDocument(version, count) {
  const entries = Array.from({ length: count }, (_, i) => entry(`store-${i}.example`));
  return { format: 1, version, generated: "2026-11-28T10:00:00Z", entries };
}

/** storage.local in memory; a set() holding more than `maxEntries` entries is refused whole. */
function memoryStorage(maxEntries) {
  const data = {};
  return {
    data,
    async get(keys) {
      return Object.fromEntries(keys.filter((k) => k in data).map((k) => [k, structuredClone(data[k])]));
    },
    async set(values) {
      if ((values.list?.entries.length ?? 0) > maxEntries) throw new Error(QUOTA_MESSAGE);
      Object.assign(data, structuredClone(values));
    },
    async remove(keys) {
      for (const k of keys) delete data[k];
    },
  };
}

let server;
let base;
let served;
let storage;
let sync;

before(async () => {
  // No deltas here (404), so every sync fetches the full list.
  server = createServer((req, res) => {
    // The package's data/config.json (a development build: no public keys).
    if (req.url === "/ext/data/config.json") return res.end(JSON.stringify({ serverUrl: "", publicKeys: [] }));
    if (!req.url.startsWith("/api/v1/list")) return res.writeHead(404).end();
    res.writeHead(200, { "Content-Type": "application/json" });
    res.end(JSON.stringify(served));
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${server.address().port}`;
  storage = memoryStorage(100);
  // content/util.js reads the namespace when first imported.
  globalThis.chrome = { storage: { local: storage }, runtime: { getURL: (path) => `${base}/ext/${path}` } };
  sync = await import("../../extension/background/sync.js");
});

after(() => {
  server.close();
  delete globalThis.chrome;
});

test("a quota error becomes storage_full with the entry count", async () => {
  const { listWriteError } = await import("../../extension/background/sync.js");
  const { SyncError } = await import("../../extension/background/fetching.js");
  for (const err of [new Error(QUOTA_MESSAGE), Object.assign(new Error("x"), { name: "QuotaExceededError" })]) {
    const mapped = listWriteError(err, 35000);
    assert.ok(mapped instanceof SyncError);
    assert.equal(mapped.code, "storage_full");
    assert.equal(mapped.detail, "35000");
  }
});

test("any other storage failure passes through unchanged", async () => {
  const { listWriteError } = await import("../../extension/background/sync.js");
  const other = new Error("IO error: database closed");
  assert.equal(listWriteError(other, 10), other);
});

test("a list too large to store keeps the last good list and says why", async () => {
  storage.data.serverUrl = base;
  served = listDocument(1, 3);
  const first = await sync.syncOnce();
  assert.equal(first.lastSync.ok, true);
  assert.equal(storage.data.list.entries.length, 3);

  served = listDocument(2, 101);
  const second = await sync.syncOnce();
  assert.equal(second.changed, false);
  assert.deepEqual(second.lastSync.error, { code: "storage_full", detail: "101" });
  assert.equal(second.lastSync.version, 1);
  assert.equal(storage.data.list.version, 1);
  assert.equal(storage.data.list.entries.length, 3);
  assert.deepEqual(storage.data.lastSync, second.lastSync);
});

test("failures are recorded with the code the popup translates", async () => {
  const { ListError } = await import("../../extension/lib/listdoc.js");
  const { SyncError } = await import("../../extension/background/fetching.js");
  const held = { version: 7 };
  const cases = [
    [new SyncError("storage_full", "35000"), { code: "storage_full", detail: "35000" }],
    [new ListError(["entries[0].domain: bad"]), { code: "invalid_list", detail: "entries[0].domain: bad" }],
    [new TypeError("boom"), { code: "unexpected", detail: "boom" }],
  ];
  for (const [err, error] of cases) {
    const record = sync.failedSync(err, held);
    assert.deepEqual({ ok: record.ok, version: record.version, error: record.error }, { ok: false, version: 7, error });
    assert.ok(!Number.isNaN(Date.parse(record.at)));
  }
  assert.equal(sync.failedSync(new Error("x"), null).version, null);
});
