// lib/signature.js: a list signature verifies only with a trusted key, for
// the list's version, over exactly its canonical bytes. Signatures are made
// here with node's own Ed25519 (node:crypto), independent of WebCrypto.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { canonicalBytes } from "../../extension/lib/canonical.js";
import {
  decodeBase64,
  parsePublicKey,
  SignatureError,
  signingRequired,
  verifyListSignature,
} from "../../extension/lib/signature.js";
import { keyPair, signed } from "./ed25519-keys.js";

const LIST = {
  format: 1,
  version: 12,
  generated: "2026-11-28T10:00:00Z",
  entries: [
    {
      domain: "allofmp3.example",
      name: "AllOfMP3 Spärks",
      status: "disputed",
      summary: "Its licences are disputed by rights holders.",
      sources: [{ title: "A report", url: "https://news.example/report" }],
      reviewed: "2026-11-01",
    },
  ],
};

const A = keyPair();
const B = keyPair();
const BYTES = canonicalBytes(LIST);

async function refused(promise, pattern) {
  await assert.rejects(promise, (err) => err instanceof SignatureError && pattern.test(err.message));
}

test("a good signature verifies and names its key", async () => {
  assert.equal(await verifyListSignature(BYTES, signed(BYTES, A, 12), [A.text], { version: 12 }), A.text);
});

test("a signature by a key the build does not trust is refused", async () => {
  await refused(verifyListSignature(BYTES, signed(BYTES, B, 12), [A.text], { version: 12 }), /does not trust/);
});

test("a body changed after signing is refused (sha256 and signature)", async () => {
  const sig = signed(BYTES, A, 12);
  const changed = canonicalBytes({ ...LIST, entries: [{ ...LIST.entries[0], status: "unlawful" }] });
  await refused(verifyListSignature(changed, sig, [A.text], { version: 12 }), /sha256 is not the signed one/);
  // The sha256 made to match the changed body: the signature still does not.
  const forged = { ...sig, sha256: createHash("sha256").update(changed).digest("hex") };
  await refused(verifyListSignature(changed, forged, [A.text], { version: 12 }), /does not verify/);
});

test("a signature for another version is refused", async () => {
  await refused(verifyListSignature(BYTES, signed(BYTES, A, 11), [A.text], { version: 12 }), /version 11, the list is version 12/);
});

test("a wrong sha256 is refused", async () => {
  const sig = { ...signed(BYTES, A, 12), sha256: "0".repeat(64) };
  await refused(verifyListSignature(BYTES, sig, [A.text], { version: 12 }), /sha256 is not the signed one/);
});

test("a signature by a trusted key over other bytes does not verify", async () => {
  const other = canonicalBytes({ ...LIST, version: 13 });
  const sig = { ...signed(other, A, 12), sha256: createHash("sha256").update(BYTES).digest("hex") };
  await refused(verifyListSignature(BYTES, sig, [A.text], { version: 12 }), /does not verify/);
});

test("malformed signature objects are refused with what is wrong", async () => {
  const good = signed(BYTES, A, 12);
  const cases = [
    [null, /no signature object/],
    [[good], /no signature object/],
    ["sig", /no signature object/],
    [{ ...good, format: 2 }, /format must be 1/],
    [{ ...good, version: "12" }, /version must be/],
    [{ ...good, version: -1 }, /version must be/],
    [{ ...good, sha256: good.sha256.toUpperCase() }, /sha256 must be 64 hex/],
    [{ ...good, sha256: good.sha256.slice(2) }, /sha256 must be 64 hex/],
    [{ ...good, key: A.text.slice(8) }, /key must be ed25519/],
    [{ ...good, key: `${A.text.slice(0, -4)}` }, /key must be ed25519/],
    [{ ...good, signature: good.signature.slice(4) }, /base64 of 64 bytes/],
    [{ ...good, signature: good.signature.replace(/=+$/, "") }, /base64 of 64 bytes/],
    [{ ...good, signature: `${"_-".repeat(43)}==` }, /base64 of 64 bytes/], // base64url alphabet
    [{ ...good, signature: undefined }, /base64 of 64 bytes/],
  ];
  for (const [sig, pattern] of cases) {
    await refused(verifyListSignature(BYTES, sig, [A.text], { version: 12 }), pattern);
  }
});

test("key rotation: a build with two keys accepts a list signed by either", async () => {
  const keys = [A.text, B.text];
  assert.equal(await verifyListSignature(BYTES, signed(BYTES, A, 12), keys, { version: 12 }), A.text);
  assert.equal(await verifyListSignature(BYTES, signed(BYTES, B, 12), keys, { version: 12 }), B.text);
  const C = keyPair();
  await refused(verifyListSignature(BYTES, signed(BYTES, C, 12), keys, { version: 12 }), /does not trust/);
});

test("a signature that claims a trusted key but was made by another does not verify", async () => {
  const sig = { ...signed(BYTES, B, 12), key: A.text };
  await refused(verifyListSignature(BYTES, sig, [A.text, B.text], { version: 12 }), /does not verify/);
});

test("no trusted keys: nothing verifies, and signing is not required", async () => {
  assert.equal(signingRequired([]), false);
  assert.equal(signingRequired(undefined), false);
  assert.equal(signingRequired([A.text]), true);
  await refused(verifyListSignature(BYTES, signed(BYTES, A, 12), [], { version: 12 }), /does not trust/);
});

test("public keys and base64 are read in their one canonical spelling only", () => {
  assert.equal(parsePublicKey(A.text).length, 32);
  for (const bad of [A.text.slice(8), `ED25519:${A.text.slice(8)}`, `${A.text} `, "ed25519:", "ed25519:AAAA", 42, null]) {
    assert.equal(parsePublicKey(bad), null, String(bad));
  }
  const raw = new Uint8Array(32).map((_, i) => i);
  const text = Buffer.from(raw).toString("base64");
  assert.deepEqual(decodeBase64(text, 32), raw);
  assert.equal(decodeBase64(`${text.slice(0, -2)}9=`, 32), null); // same bytes, non-canonical last digit
  assert.equal(decodeBase64(text.replace(/=$/, ""), 32), null);
  assert.equal(decodeBase64(text, 31), null);
});
