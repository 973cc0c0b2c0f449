// One list sync against the configured server: a delta from
// /api/v1/changes/<V> when a version is held (full list on 410/404), else the
// full /api/v1/list with If-None-Match. The result replaces the stored list
// only after it validates; any failure keeps the last good list.
// A build with public keys (data/config.json "publicKeys") also requires a
// signature (docs/design.md, "Signed lists") over the canonical bytes of the
// list it would store: GET /api/v1/list.sig for a full list, the delta's
// "signature" for a delta-applied one (which, if it does not verify, gives
// way to the full list). A refused signature is `signature_invalid`. The
// bundled snapshot is trusted as part of the package.
// Versions are per server: deltas and the "not older" rule apply only to a
// list that came from the same server (`listOrigin`), not to the bundled
// snapshot or a list from a server the person has since replaced.
import { canonicalBytes, CanonicalError } from "../lib/canonical.js";
import { applyDelta, ListError, validateListDocument } from "../lib/listdoc.js";
import { SignatureError, signingRequired, verifyListSignature } from "../lib/signature.js";
import { getJson, SyncError } from "./fetching.js";
import { read, serverUrl, trustedKeys, write } from "./store.js";

/**
 * The sync error for a list storage.local refused. Chrome caps storage.local
 * at 10 MB (about 20,000-30,000 entries) and rejects the whole set() before
 * writing any of it: the quota is checked for all keys of the call first, so
 * a refused write leaves the last good list in place (the e2e test
 * test_chromium_storage_quota checks this). Other failures pass through.
 */
export function listWriteError(err, entryCount) {
  const message = String(err?.message ?? err);
  if (err?.name === "QuotaExceededError" || /quota/i.test(message)) return new SyncError("storage_full", String(entryCount));
  return err;
}

/** Stores a new list, or throws the SyncError saying why it could not. */
export async function storeList(values) {
  try {
    await write(values);
  } catch (err) {
    throw listWriteError(err, values.list.entries.length);
  }
}

/** The `lastSync` record of a failure, with the code popup and options translate. */
export function failedSync(err, heldList) {
  const error =
    err instanceof SyncError
      ? { code: err.code, detail: err.detail }
      : err instanceof ListError
        ? { code: "invalid_list", detail: err.message }
        : { code: "unexpected", detail: String(err?.message ?? err) };
  return { at: new Date().toISOString(), ok: false, version: heldList?.version ?? null, error };
}

/** Resolves when `sig` verifies over `list`'s canonical bytes, else rejects with `signature_invalid`. */
export async function checkSignature(list, sig, keys) {
  try {
    await verifyListSignature(canonicalBytes(list), sig, keys, { version: list.version });
  } catch (err) {
    if (err instanceof SignatureError || err instanceof CanonicalError) throw new SyncError("signature_invalid", err.message);
    throw err;
  }
}

const sameBytes = (a, b) => a.length === b.length && a.every((byte, i) => byte === b[i]);

async function fetchDelta(base, list, keys) {
  // The path form: a static mirror (caveat publish) cannot answer a query string.
  const res = await getJson(`${base}/api/v1/changes/${encodeURIComponent(list.version)}`);
  // 410: too old for a delta; 404: a server or static host without deltas.
  if (res.status === 410 || res.status === 404) return null;
  if (res.status !== 200) throw new SyncError("http", String(res.status));
  const next = applyDelta(list, res.json);
  // A delta that changes nothing needs no signature: the held list stays as it is.
  if (!signingRequired(keys) || sameBytes(canonicalBytes(next), canonicalBytes(list))) return next;
  try {
    await checkSignature(next, res.json.signature, keys);
  } catch (err) {
    if (err?.code === "signature_invalid") return null; // the full list and its list.sig decide
    throw err;
  }
  return next;
}

async function fetchSignature(base) {
  const res = await getJson(`${base}/api/v1/list.sig`);
  if (res.status !== 200) throw new SyncError("signature_invalid", `list.sig: HTTP ${res.status}`);
  return res.json;
}

async function fetchFull(base, list, etag, keys) {
  for (let attempt = 1; ; attempt++) {
    const headers = list && etag ? { "If-None-Match": etag } : {};
    const res = await getJson(`${base}/api/v1/list`, { headers });
    if (res.status === 304 && list) return { list, etag };
    if (res.status !== 200) throw new SyncError("http", String(res.status));
    const fresh = validateListDocument(res.json, { minVersion: list ? list.version : null });
    if (signingRequired(keys)) {
      const sig = await fetchSignature(base);
      // A version published between the two requests: take the list once more.
      if (attempt === 1 && Number.isSafeInteger(sig?.version) && sig.version > fresh.version) continue;
      await checkSignature(fresh, sig, keys);
    }
    return { list: fresh, etag: res.headers.get("ETag") };
  }
}

/**
 * Runs one sync and records it as `lastSync`. Returns {lastSync, changed}.
 * `changed` is true when a new list was stored.
 */
export async function syncOnce() {
  const { list, etag, listOrigin } = await read("list", "etag", "listOrigin");
  let outcome;
  try {
    const base = await serverUrl();
    if (!base) throw new SyncError("no_server");
    const keys = await trustedKeys();
    const sameServer = Boolean(list) && listOrigin === base;
    let next = sameServer ? await fetchDelta(base, list, keys) : null;
    let nextEtag = null;
    if (!next) {
      ({ list: next, etag: nextEtag } = await fetchFull(base, sameServer ? list : null, sameServer ? etag : null, keys));
    }
    const changed =
      !sameServer || next.version !== list.version || JSON.stringify(next.entries) !== JSON.stringify(list.entries);
    if (changed) await storeList({ list: next, etag: nextEtag, listOrigin: base });
    else if (nextEtag && nextEtag !== etag) await write({ etag: nextEtag });
    outcome = { lastSync: { at: new Date().toISOString(), ok: true, version: next.version }, changed };
  } catch (err) {
    outcome = { lastSync: failedSync(err, list), changed: false };
  }
  await write({ lastSync: outcome.lastSync });
  return outcome;
}
