// Test helpers (not a test file): Ed25519 key pairs and list signatures made
// with node:crypto, independent of the WebCrypto code under test.
import { createHash, generateKeyPairSync, sign } from "node:crypto";

/** {privateKey, text}: text is "ed25519:<base64 of the 32 raw bytes>", as build.py takes it. */
export function keyPair() {
  const { publicKey, privateKey } = generateKeyPairSync("ed25519");
  const raw = publicKey.export({ format: "der", type: "spki" }).subarray(-32);
  return { privateKey, text: `ed25519:${Buffer.from(raw).toString("base64")}` };
}

/** The signature object (GET /api/v1/list.sig) of `bytes` at `version`, signed by `pair`. */
export function signed(bytes, pair, version) {
  return {
    format: 1,
    version,
    sha256: createHash("sha256").update(bytes).digest("hex"),
    key: pair.text,
    signature: sign(null, bytes, pair.privateKey).toString("base64"),
  };
}
