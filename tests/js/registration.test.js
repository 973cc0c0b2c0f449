// The banner's registration for a state: listed hosts, minus trusted sites,
// nothing while paused or with an empty list.
import { test } from "node:test";
import assert from "node:assert/strict";
import { BANNER_SCRIPT_ID, bannerScript } from "../../extension/background/registration.js";

const ENTRIES = [{ domain: "allofmp3.example" }, { domain: "exact.example", include_subdomains: false }];

test("listed hosts at document_start, top frame only, kept across restarts", () => {
  assert.deepEqual(bannerScript(ENTRIES), {
    id: BANNER_SCRIPT_ID,
    js: ["content/util.js", "content/guard.js", "banner.js"],
    matches: ["*://*.allofmp3.example/*", "*://allofmp3.example/*", "*://exact.example/*"],
    runAt: "document_start",
    allFrames: false,
    persistAcrossSessions: true,
  });
});

test("trusted sites are excluded, with their www host", () => {
  const script = bannerScript(ENTRIES, { trusted: ["allofmp3.example"] });
  assert.deepEqual(script.excludeMatches, ["*://allofmp3.example/*", "*://www.allofmp3.example/*"]);
  assert.deepEqual(script.matches, bannerScript(ENTRIES).matches);
});

test("no script while paused or with nothing listed", () => {
  assert.equal(bannerScript(ENTRIES, { paused: true }), null);
  assert.equal(bannerScript([]), null);
  assert.equal(bannerScript([], { trusted: ["allofmp3.example"] }), null);
});
