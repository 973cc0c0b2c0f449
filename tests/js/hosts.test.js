import { test } from "node:test";
import assert from "node:assert/strict";
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
  assert.equal(normalizeServerUrl(" http://127.0.0.1:8000 "), "http://127.0.0.1:8000");
  assert.equal(normalizeServerUrl("https://example.org/caveat/"), "https://example.org/caveat");
  for (const bad of ["ftp://example.org", "javascript:alert(1)", "https://user:pw@example.org", "https://example.org/?q=1", "example.org", ""]) {
    assert.equal(normalizeServerUrl(bad), null, bad);
  }
});
