// Signed lists (docs/design.md, "Signed lists"): verifies the signature
// object of GET /api/v1/list.sig (or a delta's "signature") over the
// canonical bytes of a list (lib/canonical.js), with WebCrypto Ed25519
// (Chrome 137+, Firefox 129+, node 20). Pure: no extension API, node imports it.
//
// Signature object: {"format": 1, "version": V, "sha256": "<hex of the
// canonical bytes>", "key": "ed25519:<base64 of 32 bytes>", "signature":
// "<base64 of 64 bytes>"}; the signature is over the canonical bytes.
// The trusted keys are the build's --public-key values (data/config.json
// "publicKeys"); none means a development build that takes unsigned lists.

export const KEY_PREFIX = "ed25519:";
export const SIGNATURE_FORMAT = 1;
const PUBLIC_KEY_BYTES = 32;
const SIGNATURE_BYTES = 64;

/** Why a signature was refused; `message` is the detail the sync error shows. */
export class SignatureError extends Error {
  constructor(message) {
    super(message);
    this.name = "SignatureError";
  }
}

/** The bytes of canonical, padded base64 (one spelling per value), or null. */
export function decodeBase64(text, length) {
  if (typeof text !== "string" || !/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 !== 0) return null;
  let binary;
  try {
    binary = atob(text);
  } catch {
    return null;
  }
  const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
  if (bytes.length !== length || btoa(binary) !== text) return null;
  return bytes;
}

/** The 32 raw bytes of an "ed25519:<base64>" public key, or null. */
export function parsePublicKey(text) {
  if (typeof text !== "string" || !text.startsWith(KEY_PREFIX)) return null;
  return decodeBase64(text.slice(KEY_PREFIX.length), PUBLIC_KEY_BYTES);
}

/** Whether the build has keys, i.e. lists must be signed. */
export function signingRequired(trustedKeys) {
  return Array.isArray(trustedKeys) && trustedKeys.length > 0;
}

const isObject = (value) => value !== null && typeof value === "object" && !Array.isArray(value);

function hex(buffer) {
  return Array.from(new Uint8Array(buffer), (b) => b.toString(16).padStart(2, "0")).join("");
}

/** The signature object's problems of shape, as one message, or "". */
function shapeProblem(sig) {
  if (!isObject(sig)) return "no signature object";
  if (sig.format !== SIGNATURE_FORMAT) return `signature format must be ${SIGNATURE_FORMAT}`;
  if (!Number.isSafeInteger(sig.version) || sig.version < 0) return "signature version must be a non-negative integer";
  if (typeof sig.sha256 !== "string" || !/^[0-9a-f]{64}$/.test(sig.sha256)) return "signature sha256 must be 64 hex digits";
  if (!parsePublicKey(sig.key)) return "signature key must be ed25519:<base64 of 32 bytes>";
  if (!decodeBase64(sig.signature, SIGNATURE_BYTES)) return "signature must be the base64 of 64 bytes";
  return "";
}

/**
 * Verifies `sig` over `bytes` (the canonical bytes of a list at `version`)
 * with one of `trustedKeys`. Resolves to the key that signed; rejects with
 * SignatureError saying what failed: the shape, a key not trusted, another
 * version, a sha256 that is not the bytes', or a signature that does not verify.
 */
export async function verifyListSignature(bytes, sig, trustedKeys, { version, subtle = globalThis.crypto.subtle } = {}) {
  const problem = shapeProblem(sig);
  if (problem) throw new SignatureError(problem);
  const trusted = (trustedKeys ?? []).filter((key) => parsePublicKey(key));
  if (!trusted.includes(sig.key)) throw new SignatureError(`signed with a key this build does not trust (${sig.key})`);
  if (sig.version !== version) throw new SignatureError(`the signature is for version ${sig.version}, the list is version ${version}`);
  const digest = hex(await subtle.digest("SHA-256", bytes));
  if (digest !== sig.sha256) throw new SignatureError("the list's sha256 is not the signed one");
  let valid = false;
  try {
    const key = await subtle.importKey("raw", parsePublicKey(sig.key), { name: "Ed25519" }, false, ["verify"]);
    valid = await subtle.verify({ name: "Ed25519" }, key, decodeBase64(sig.signature, SIGNATURE_BYTES), bytes);
  } catch (err) {
    throw new SignatureError(`the signature cannot be checked (${err?.message ?? err})`);
  }
  if (!valid) throw new SignatureError("the signature does not verify");
  return sig.key;
}
