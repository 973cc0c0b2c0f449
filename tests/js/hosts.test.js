import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { hostOfUrl, isHttpUrl, normalizeServerUrl, siteKey } from "../../extension/lib/hosts.js";

test("hostOfUrl gives the host of http(s) pages only", () => {
  assert.equal(hostOfUrl("https://www.allofmp3.example/cart?x=1"), "www.allofmp3.example");
  assert.equal(hostOfUrl("http://allofmp3.example.:8080/"), "allofmp3.example");
  assert.equal(hostOfUrl("https://müsik.example/"), "xn--msik-0ra.example");
  assert.equal(hostOfUrl("chrome-extension://abc/popup.html"), "");
  assert.equal(hostOfUrl("about:blank"), "");
  assert.equal(hostOfUrl("file:///etc/passwd"), "");
  assert.equal(hostOfUrl("not a url"), "");
  assert.equal(hostOfUrl(undefined), "");
});

test("siteKey normalizes before stripping www.", () => {
  assert.equal(siteKey("WWW.AllOfMP3.Example."), "allofmp3.example");
  assert.equal(siteKey(""), "");
});

test("isHttpUrl accepts only absolute http and https URLs", () => {
  assert.ok(isHttpUrl("https://en.wikipedia.org/wiki/AllOfMP3"));
  assert.ok(isHttpUrl("http://example.org/"));
  for (const bad of ["javascript:alert(1)", "data:text/html,<b>x</b>", "ftp://example.org/", "//example.org", "/relative", "", null, 42]) {
    assert.equal(isHttpUrl(bad), false, String(bad));
  }
});

test("normalizeServerUrl accepts http(s) servers and drops a trailing slash", () => {
  assert.equal(normalizeServerUrl("https://caveat.example.org/"), "https://caveat.example.org");
  // The options field (type=url) strips surrounding whitespace before this runs; the rule itself refuses it.
  assert.equal(normalizeServerUrl("http://127.0.0.1:8000"), "http://127.0.0.1:8000");
  assert.equal(normalizeServerUrl(" http://127.0.0.1:8000 "), null);
  assert.equal(normalizeServerUrl("https://example.org/caveat/"), "https://example.org/caveat");
  for (const bad of ["ftp://example.org", "javascript:alert(1)", "https://user:pw@example.org", "https://example.org/?q=1", "example.org", "", null, 42]) {
    assert.equal(normalizeServerUrl(bad), null, String(bad));
  }
});

// The same cases build.py's parse_server_url is tested on (tests/test_build.py).
const serverUrls = JSON.parse(readFileSync(new URL("../vectors/server_urls.json", import.meta.url), "utf8"));

test("normalizeServerUrl follows the shared server URL vectors", () => {
  assert.ok(serverUrls.accepted.length > 10 && serverUrls.refused.length > 10);
  for (const { input, normalized } of serverUrls.accepted) {
    assert.equal(normalizeServerUrl(input), normalized, input);
  }
  for (const { input, reason } of serverUrls.refused) {
    assert.equal(normalizeServerUrl(input), null, `${input} (${reason})`);
  }
});

test("a base URL with a path prefix gives API URLs under that prefix", () => {
  // sync.js and the report sender join `${base}/api/v1/...`.
  const base = normalizeServerUrl("https://cdn.example.org/caveat/");
  assert.equal(new URL(`${base}/api/v1/list`).href, "https://cdn.example.org/caveat/api/v1/list");
});
