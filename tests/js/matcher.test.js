// The extension's matcher against the vectors the server's tests also run.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { buildCompactIndex, buildIndex, excludePatterns, matchPatterns } from "../../extension/lib/matcher.js";
import { siteKey } from "../../extension/lib/hosts.js";

const vectors = JSON.parse(readFileSync(new URL("../vectors/matching.json", import.meta.url), "utf8"));

// The whole-entry index and the background's compact one (domain, status,
// name, subdomains) must match exactly alike.
for (const [name, build] of [["index", buildIndex], ["compact index", buildCompactIndex]]) {
  test(`shared matching vectors (${name})`, async (t) => {
    const index = build(vectors.entries);
    for (const c of vectors.cases) {
      await t.test(`${c.host || "(empty)"}: ${c.why}`, () => {
        assert.equal(index.match(c.host)?.domain ?? null, c.match);
      });
    }
  });
}

test("shared site-key vectors", async (t) => {
  for (const c of vectors.site_keys) {
    await t.test(`${c.host}: ${c.why}`, () => assert.equal(siteKey(c.host), c.key));
  }
});

test("match tolerates a trailing dot and upper case", () => {
  const index = buildIndex(vectors.entries);
  assert.equal(index.match("WWW.AllOfMP3.example.")?.domain, "allofmp3.example");
});

test("match returns the entry object itself", () => {
  const entry = { domain: "allofmp3.example", name: "AllOfMP3" };
  assert.equal(buildIndex([entry]).match("allofmp3.example"), entry);
});

test("an empty index matches nothing", () => {
  assert.equal(buildIndex([]).match("allofmp3.example"), null);
  assert.equal(buildIndex(undefined).size, 0);
});

test("an exact-only entry does not hide a broader entry for its subdomains", () => {
  const index = buildIndex([
    { domain: "example.test", include_subdomains: true },
    { domain: "shop.example.test", include_subdomains: false },
  ]);
  assert.equal(index.match("shop.example.test").domain, "shop.example.test");
  assert.equal(index.match("eu.shop.example.test").domain, "example.test");
});

test("match patterns cover the domain and, when asked, its subdomains", () => {
  assert.deepEqual(
    matchPatterns([
      { domain: "allofmp3.example", include_subdomains: true },
      { domain: "exact-only.example", include_subdomains: false },
    ]),
    ["*://*.allofmp3.example/*", "*://allofmp3.example/*", "*://exact-only.example/*"],
  );
});

test("include_subdomains defaults to true", () => {
  assert.equal(buildIndex([{ domain: "allofmp3.example" }]).match("www.allofmp3.example")?.domain, "allofmp3.example");
  assert.deepEqual(matchPatterns([{ domain: "a.example" }]), ["*://*.a.example/*", "*://a.example/*"]);
});

test("trusted sites become exclude patterns for every host of that site", () => {
  assert.deepEqual(excludePatterns(["allofmp3.example", "shop.mp3-store.example"]), [
    "*://allofmp3.example/*",
    "*://shop.mp3-store.example/*",
    "*://www.allofmp3.example/*",
    "*://www.shop.mp3-store.example/*",
  ]);
  // Each pattern's hosts have exactly the trusted site key.
  for (const key of ["allofmp3.example", "www.example", "xn--mp3-sprks-v2a.example"]) {
    for (const pattern of excludePatterns([key])) {
      assert.equal(siteKey(pattern.slice("*://".length, -"/*".length)), key, pattern);
    }
  }
});

test("a single-label www site is excluded only as itself", () => {
  // siteKey keeps "www.example" whole, so "www.www.example" is that site and "example" another.
  assert.deepEqual(excludePatterns(["www.example"]), ["*://www.example/*", "*://www.www.example/*"]);
  assert.deepEqual(excludePatterns(["localhost"]), ["*://localhost/*"]);
});

test("keys no match pattern can name are left out, never passed to the browser", () => {
  assert.deepEqual(excludePatterns(["[::1]", "a b.example", "*.example", "x.example:8080", "", 42, null, "-x.example"]), []);
  assert.deepEqual(excludePatterns(undefined), []);
});
