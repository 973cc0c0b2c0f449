// The source manifest asks only for what the code uses, and the code uses
// no permission-gated API the manifest does not ask for.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";

const root = new URL("../../extension/", import.meta.url);
const manifest = JSON.parse(readFileSync(new URL("manifest.json", root), "utf8"));

function scripts(dir = root) {
  return readdirSync(dir).flatMap((name) => {
    const url = new URL(name, dir);
    if (statSync(url).isDirectory()) return name === "_locales" ? [] : scripts(new URL(`${name}/`, dir));
    return name.endsWith(".js") ? [readFileSync(url, "utf8")] : [];
  });
}
const code = scripts().join("\n");

// API namespaces that need a manifest permission.
const GATED = ["storage", "alarms", "scripting", "tabs", "webNavigation", "webRequest", "notifications",
  "cookies", "history", "bookmarks", "downloads", "management", "declarativeNetRequest", "contextMenus", "identity"];

// Grants without an API of their own: unlimitedStorage lifts storage.local's
// 10 MB quota so a 50,000-entry list can be stored (bench/scale.md).
const NO_API = ["unlimitedStorage"];

test("every permission asked for is used", () => {
  for (const permission of manifest.permissions.filter((p) => !NO_API.includes(p))) {
    assert.match(code, new RegExp(`\\bapi\\.${permission}\\.`), `${permission} is never used`);
  }
});

test("every permission-gated API used is asked for", () => {
  for (const namespace of GATED) {
    if (new RegExp(`\\b(api|chrome|browser)\\.${namespace}\\.`).test(code)) {
      assert.ok(manifest.permissions.includes(namespace), `${namespace} is used but not in the manifest`);
    }
  }
});

test("the permissions are the documented minimal set", () => {
  assert.deepEqual([...manifest.permissions].sort(), ["alarms", "scripting", "storage", "tabs", "unlimitedStorage", "webNavigation"]);
  assert.deepEqual(manifest.host_permissions, ["http://*/*", "https://*/*"]);
  assert.equal(manifest.content_scripts, undefined, "the banner is registered at run time, for listed hosts only");
});

test("the manifest is the Chrome-shaped source build.py expects", () => {
  assert.equal(manifest.manifest_version, 3);
  assert.deepEqual(manifest.background, { service_worker: "background.js", type: "module" });
  assert.equal(manifest.default_locale, "en");
  assert.deepEqual(Object.keys(manifest.icons), ["16", "32", "48", "128"]);
});

test("each icon is a PNG of the size it is declared for", () => {
  for (const [size, path] of Object.entries({ ...manifest.icons, ...manifest.action.default_icon })) {
    const png = readFileSync(new URL(path, root));
    assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], path);
    assert.equal(png.readUInt32BE(16), Number(size), `${path} width`);
    assert.equal(png.readUInt32BE(20), Number(size), `${path} height`);
  }
});
