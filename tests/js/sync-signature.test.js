// background/sync.js in a build with public keys: a full list is stored only
// when GET /api/v1/list.sig verifies over its canonical bytes, a delta only
// when its "signature" verifies over the list it leads to (else the full list
// decides), and any refusal is `signature_invalid` with the last good list
// kept. The server is a real local HTTP server; only chrome.storage is an
// in-memory stand-in. Signatures are made with node:crypto's Ed25519.
import { test, before, after, beforeEach } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { canonicalBytes } from "../../extension/lib/canonical.js";
import { keyPair, signed } from "./ed25519-keys.js";

const A = keyPair();
const B = keyPair();
const OTHER = keyPair();

function signatureOf(doc, pair, version = doc.version) {
  return signed(canonicalBytes(doc), pair, version);
}

function entry(domain, status = "disputed") {
  return {
    domain,
    name: `Störe ${domain}`,
    status,
    summary: "Its licences are disputed by rights holders.",
    sources: [{ title: "A report", url: "https://news.example/report" }],
    reviewed: "2026-11-01",
  };
}

function listDocument(version, domains) {
  return { format: 1, version, generated: `2026-11-28T10:00:${String(version).padStart(2, "0")}Z`, entries: domains.map((d) => entry(d)) };
}

let server;
let base;
let storage;
let sync;
let keys;
let answers; // path -> [status, body]
let asked;

before(async () => {
  server = createServer((req, res) => {
    if (req.url === "/ext/data/config.json") return res.end(JSON.stringify({ serverUrl: "", publicKeys: keys }));
    asked.push(req.url);
    const [status, body] = answers[req.url] ?? [404, { error: { code: "not_found" } }];
    res.writeHead(status, { "Content-Type": "application/json" });
    res.end(JSON.stringify(body));
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${server.address().port}`;
  const data = {};
  storage = {
    data,
    async get(names) {
      return Object.fromEntries(names.filter((k) => k in data).map((k) => [k, structuredClone(data[k])]));
    },
    async set(values) {
      Object.assign(data, structuredClone(values));
    },
    async remove(names) {
      for (const k of names) delete data[k];
    },
  };
  globalThis.chrome = { storage: { local: storage }, runtime: { getURL: (path) => `${base}/ext/${path}` } };
  sync = await import("../../extension/background/sync.js");
});

after(() => {
  server.close();
  delete globalThis.chrome;
});

beforeEach(() => {
  keys = [A.text];
  answers = {};
  asked = [];
  for (const k of Object.keys(storage.data)) delete storage.data[k];
  storage.data.serverUrl = base;
});

function serveFull(doc, sig) {
  answers["/api/v1/list"] = [200, doc];
  if (sig === undefined) delete answers["/api/v1/list.sig"];
  else answers["/api/v1/list.sig"] = [200, sig];
}

/** Holds `doc` as the list from this server, as a good sync leaves it. */
async function hold(doc) {
  serveFull(doc, signatureOf(doc, A));
  const { lastSync } = await sync.syncOnce();
  assert.equal(lastSync.ok, true, JSON.stringify(lastSync));
  assert.equal(storage.data.list.version, doc.version);
  answers = {};
  asked = [];
}

async function refusedWith(pattern) {
  const held = structuredClone(storage.data.list ?? null);
  const outcome = await sync.syncOnce();
  assert.equal(outcome.changed, false);
  assert.equal(outcome.lastSync.ok, false);
  assert.equal(outcome.lastSync.error.code, "signature_invalid", JSON.stringify(outcome.lastSync));
  assert.match(outcome.lastSync.error.detail, pattern);
  assert.deepEqual(storage.data.list ?? null, held);
}

test("a correctly signed full list is stored, its signature fetched after it", async () => {
  const doc = listDocument(5, ["b.example", "a.example"]);
  serveFull(doc, signatureOf(doc, A));
  const outcome = await sync.syncOnce();
  assert.equal(outcome.lastSync.ok, true, JSON.stringify(outcome.lastSync));
  assert.equal(outcome.changed, true);
  assert.deepEqual(asked, ["/api/v1/list", "/api/v1/list.sig"]);
  assert.equal(storage.data.list.version, 5);
});

test("a list signed with another key is refused and the last good list stays", async () => {
  await hold(listDocument(5, ["a.example"]));
  const doc = listDocument(6, ["a.example", "honest-shop.example"]);
  answers["/api/v1/changes/5"] = [410, { error: { code: "changes_gone" } }];
  serveFull(doc, signatureOf(doc, OTHER));
  await refusedWith(/does not trust/);
});

test("a list whose body was changed after signing is refused", async () => {
  await hold(listDocument(5, ["a.example"]));
  const doc = listDocument(6, ["a.example"]);
  const sig = signatureOf(doc, A);
  answers["/api/v1/changes/5"] = [410, { error: { code: "changes_gone" } }];
  serveFull({ ...doc, entries: [...doc.entries, entry("honest-shop.example")] }, sig);
  await refusedWith(/sha256 is not the signed one/);
});

test("a missing list.sig is refused", async () => {
  const doc = listDocument(5, ["a.example"]);
  serveFull(doc, undefined);
  await refusedWith(/list\.sig: HTTP 404/);
  assert.equal(storage.data.list, undefined);
  assert.deepEqual(asked, ["/api/v1/list", "/api/v1/list.sig"]);
});

test("a signature for another version is refused", async () => {
  await hold(listDocument(5, ["a.example"]));
  const doc = listDocument(6, ["a.example", "c.example"]);
  answers["/api/v1/changes/5"] = [404, {}];
  serveFull(doc, signatureOf(doc, A, 4));
  await refusedWith(/version 4, the list is version 6/);
});

test("a signed delta is applied, asked for with the path form", async () => {
  await hold(listDocument(5, ["a.example", "b.example"]));
  const target = listDocument(6, ["a.example", "c.example"]);
  answers["/api/v1/changes/5"] = [200, {
    format: 1, from: 5, version: 6, generated: target.generated,
    upserted: [entry("c.example")], removed: ["b.example"], signature: signatureOf(target, A),
  }];
  const outcome = await sync.syncOnce();
  assert.equal(outcome.lastSync.ok, true, JSON.stringify(outcome.lastSync));
  assert.deepEqual(asked, ["/api/v1/changes/5"]);
  assert.deepEqual(storage.data.list.entries.map((e) => e.domain), ["a.example", "c.example"]);
});

test("a delta whose result does not match its signature gives way to the signed full list", async () => {
  await hold(listDocument(5, ["a.example"]));
  const target = listDocument(6, ["a.example", "c.example"]);
  answers["/api/v1/changes/5"] = [200, {
    format: 1, from: 5, version: 6, generated: target.generated,
    upserted: [entry("c.example"), entry("honest-shop.example")], removed: [], signature: signatureOf(target, A),
  }];
  serveFull(target, signatureOf(target, A));
  const outcome = await sync.syncOnce();
  assert.equal(outcome.lastSync.ok, true, JSON.stringify(outcome.lastSync));
  assert.deepEqual(asked, ["/api/v1/changes/5", "/api/v1/list", "/api/v1/list.sig"]);
  assert.deepEqual(storage.data.list.entries.map((e) => e.domain), ["a.example", "c.example"]);
});

test("a delta without a signature, then a full list without one, is refused", async () => {
  await hold(listDocument(5, ["a.example"]));
  answers["/api/v1/changes/5"] = [200, { format: 1, from: 5, version: 6, upserted: [entry("honest-shop.example")], removed: [] }];
  answers["/api/v1/list"] = [200, listDocument(6, ["a.example", "honest-shop.example"])];
  await refusedWith(/list\.sig: HTTP 404/);
  assert.deepEqual(asked, ["/api/v1/changes/5", "/api/v1/list", "/api/v1/list.sig"]);
});

test("a delta that changes nothing needs no signature", async () => {
  const doc = listDocument(5, ["a.example"]);
  await hold(doc);
  answers["/api/v1/changes/5"] = [200, { format: 1, from: 5, version: 5, generated: doc.generated, upserted: [], removed: [] }];
  const outcome = await sync.syncOnce();
  assert.equal(outcome.lastSync.ok, true);
  assert.equal(outcome.changed, false);
  assert.deepEqual(asked, ["/api/v1/changes/5"]);
});

test("key rotation: a build with two keys accepts a list signed with either", async () => {
  keys = [A.text, B.text];
  for (const [version, pair] of [[5, A], [6, B], [7, A]]) {
    const doc = listDocument(version, ["a.example", `v${version}.example`]);
    answers["/api/v1/changes/" + (version - 1)] = [410, {}];
    serveFull(doc, signatureOf(doc, pair));
    const outcome = await sync.syncOnce();
    assert.equal(outcome.lastSync.ok, true, JSON.stringify(outcome.lastSync));
    assert.equal(storage.data.list.version, version);
  }
  const doc = listDocument(8, ["a.example"]);
  answers["/api/v1/changes/7"] = [410, {}];
  serveFull(doc, signatureOf(doc, OTHER));
  await refusedWith(/does not trust/);
});

test("a list published between the list and its signature is taken again once", async () => {
  const old = listDocument(5, ["a.example"]);
  const current = listDocument(6, ["a.example", "c.example"]);
  let lists = 0;
  answers = new Proxy({}, {
    get(_, path) {
      if (path === "/api/v1/list") return [200, lists++ === 0 ? old : current];
      if (path === "/api/v1/list.sig") return [200, signatureOf(current, A)];
      return undefined;
    },
  });
  const outcome = await sync.syncOnce();
  assert.equal(outcome.lastSync.ok, true, JSON.stringify(outcome.lastSync));
  assert.deepEqual(asked, ["/api/v1/list", "/api/v1/list.sig", "/api/v1/list", "/api/v1/list.sig"]);
  assert.equal(storage.data.list.version, 6);
});

test("a development build (no keys) takes unsigned lists without asking for list.sig", async () => {
  keys = [];
  answers["/api/v1/list"] = [200, listDocument(5, ["a.example"])];
  const outcome = await sync.syncOnce();
  assert.equal(outcome.lastSync.ok, true);
  assert.deepEqual(asked, ["/api/v1/list"]);
});
