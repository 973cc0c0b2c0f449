// Reports a person sends: POST /api/v1/reports, "mistake" from the banner,
// "suggest" from the popup. Nothing is sent unless the person writes and
// sends a comment.
import { postJson, SyncError } from "./fetching.js";
import { serverUrl } from "./store.js";
import { LIMITS } from "../lib/contract.js";

const MAX_COMMENT = LIMITS.report_comment; // the server's REPORT_COMMENT_MAX default

/** Resolves to {ok: true} or {ok: false, error: {code, detail?}}; never throws. */
export async function sendReport(kind, host, comment) {
  const base = await serverUrl();
  const text = String(comment ?? "").trim().slice(0, MAX_COMMENT);
  if (!text) return { ok: false, error: { code: "empty" } };
  try {
    const status = await postJson(`${base}/api/v1/reports`, { kind, domain: host, comment: text });
    return status === 202 || status === 200 || status === 201
      ? { ok: true }
      : { ok: false, error: { code: "http", detail: String(status) } };
  } catch (err) {
    return { ok: false, error: { code: err instanceof SyncError ? err.code : "unexpected", detail: err.detail ?? "" } };
  }
}
