// HTTP for the list sync: a hard timeout and a size cap, so a slow or
// hostile server can neither keep the service worker busy nor fill storage.

export const FETCH_TIMEOUT_MS = 15_000;
export const MAX_BODY_BYTES = 10 * 1024 * 1024;

/** A sync failure with a stable code the popup and options translate. */
export class SyncError extends Error {
  constructor(code, detail = "") {
    super(detail ? `${code}: ${detail}` : code);
    this.code = code;
    this.detail = detail;
  }
}

/**
 * GET `url` and return {status, headers, json}; json is undefined for bodies
 * that are not read (304, 410). Throws SyncError for network errors,
 * timeouts, oversized bodies and bodies that are not JSON.
 */
export async function getJson(
  url,
  { headers = {}, readBodyFor = [200], timeoutMs = FETCH_TIMEOUT_MS, maxBytes = MAX_BODY_BYTES } = {},
) {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  try {
    let res;
    try {
      res = await fetch(url, {
        headers: { Accept: "application/json", ...headers },
        signal: controller.signal,
        cache: "no-cache",
        credentials: "omit",
        redirect: "follow",
      });
    } catch (err) {
      throw controller.signal.aborted ? new SyncError("timeout") : new SyncError("network", String(err?.message ?? err));
    }
    if (!readBodyFor.includes(res.status)) {
      res.body?.cancel().catch(() => {});
      return { status: res.status, headers: res.headers, json: undefined };
    }
    const text = await readCapped(res, controller, maxBytes);
    try {
      return { status: res.status, headers: res.headers, json: JSON.parse(text) };
    } catch {
      throw new SyncError("not_json");
    }
  } finally {
    clearTimeout(timer);
  }
}

async function readCapped(res, controller, maxBytes) {
  const declared = Number(res.headers.get("Content-Length"));
  if (declared > maxBytes) {
    controller.abort();
    throw new SyncError("too_large");
  }
  const reader = res.body.getReader();
  const chunks = [];
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > maxBytes) {
        controller.abort();
        throw new SyncError("too_large");
      }
      chunks.push(value);
    }
  } catch (err) {
    if (err instanceof SyncError) throw err;
    throw controller.signal.aborted ? new SyncError("timeout") : new SyncError("network", String(err?.message ?? err));
  }
  if (isCutShort(res, declared, total)) {
    throw new SyncError("network", `body cut short: ${total} of ${declared} bytes`);
  }
  const body = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return new TextDecoder().decode(body);
}

// Firefox hands over a body the server cut short as if it were complete.
// Only an unencoded body's length can be held against Content-Length (a
// gzipped one is counted after decoding), and only when Content-Encoding is
// visible: a CORS-filtered response hides it.
function isCutShort(res, declared, total) {
  if (!res.headers.has("Content-Length") || res.type === "cors") return false;
  if (res.headers.has("Content-Encoding")) return false;
  return total < declared;
}

/** POST a JSON body; returns the status. Used only for reports a person sends. */
export async function postJson(url, body, { timeoutMs = FETCH_TIMEOUT_MS } = {}) {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  try {
    const res = await fetch(url, {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify(body),
      signal: controller.signal,
      credentials: "omit",
    });
    res.body?.cancel().catch(() => {});
    return res.status;
  } catch (err) {
    throw controller.signal.aborted ? new SyncError("timeout") : new SyncError("network", String(err?.message ?? err));
  } finally {
    clearTimeout(timer);
  }
}
