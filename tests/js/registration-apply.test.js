// Applying the banner's registration against what the browser holds: left
// alone when it is the wanted one, replaced when it differs (including a
// registration kept from an earlier version that names other files), removed
// when none is wanted. chrome.scripting is an in-memory stand-in.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";

const ENTRIES = [{ domain: "allofmp3.example" }];
let registered;
let calls;
let registration;

before(async () => {
  globalThis.chrome = {
    scripting: {
      async getRegisteredContentScripts({ ids }) {
        calls.push("get");
        return registered.filter((script) => ids.includes(script.id));
      },
      async unregisterContentScripts({ ids }) {
        calls.push("unregister");
        registered = registered.filter((script) => !ids.includes(script.id));
      },
      async registerContentScripts(scripts) {
        calls.push("register");
        registered.push(...structuredClone(scripts));
      },
    },
  };
  // content/util.js reads the namespace when first imported.
  registration = await import("../../extension/background/registration.js");
});

after(() => {
  delete globalThis.chrome;
});

function reset(scripts) {
  registered = structuredClone(scripts);
  calls = [];
}

test("helpers first, then the banner: in the registration and in the fallback injection", () => {
  const { BANNER_FILES, bannerScript } = registration;
  assert.deepEqual(BANNER_FILES, ["content/util.js", "content/guard.js", "banner.js"]);
  assert.deepEqual(bannerScript(ENTRIES).js, BANNER_FILES);
});

test("the wanted registration is registered once, then left alone", async () => {
  reset([]);
  await registration.registerBanner(ENTRIES, {});
  assert.deepEqual(calls, ["get", "register"]);
  assert.deepEqual(registered, [registration.bannerScript(ENTRIES)]);
  calls = [];
  await registration.registerBanner(ENTRIES, {});
  assert.deepEqual(calls, ["get"]);
});

test("a registration from an earlier version, with banner.js alone, is replaced", async () => {
  const old = { ...registration.bannerScript(ENTRIES), js: ["banner.js"] };
  reset([old]);
  await registration.registerBanner(ENTRIES, {});
  assert.deepEqual(calls, ["get", "unregister", "register"]);
  assert.deepEqual(registered[0].js, ["content/util.js", "content/guard.js", "banner.js"]);
});

test("other hosts or trusted sites replace it; pause removes it", async () => {
  reset([registration.bannerScript(ENTRIES)]);
  await registration.registerBanner(ENTRIES, { trusted: ["allofmp3.example"] });
  assert.deepEqual(calls, ["get", "unregister", "register"]);
  assert.ok(registered[0].excludeMatches.length > 0);
  calls = [];
  await registration.registerBanner(ENTRIES, { paused: true });
  assert.deepEqual(calls, ["get", "unregister"]);
  assert.deepEqual(registered, []);
});
