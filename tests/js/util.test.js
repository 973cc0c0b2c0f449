// content/util.js, the helpers the banner, popup and options share: one
// frozen namespace under a symbol, the message lookup and the error wording.
// chrome.i18n is a stand-in that echoes the key and its substitutions.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createContext, runInContext, runInThisContext } from "node:vm";
import { LIMITS } from "../../extension/lib/contract.js";

const KEY = Symbol.for("caveat.util");
const UTIL = new URL("../../extension/content/util.js", import.meta.url);
let util;

before(async () => {
  globalThis.chrome = {
    i18n: { getMessage: (key, subs) => (key === "missing" ? "" : `${key}[${(subs ?? []).join("|")}]`) },
  };
  await import(UTIL);
  util = globalThis[KEY];
});

after(() => {
  delete globalThis.chrome;
});

test("one frozen namespace, under a symbol a page's element ids cannot shadow", () => {
  assert.ok(Object.isFrozen(util));
  assert.deepEqual(Object.keys(util).sort(), ["REPORT_COMMENT_MAX", "api", "describeError", "el", "send", "t"]);
  assert.equal(util.api, globalThis.chrome);
  assert.equal(globalThis.caveatUtil, undefined);
});

test("a page's element or frame named `browser` is not taken for the API (Chrome has no `browser`)", () => {
  const source = readFileSync(UTIL, "utf8");
  const chrome = { runtime: { getURL: () => "chrome-extension://x/" }, i18n: { getMessage: () => "" } };
  const real = { runtime: { getURL: () => "moz-extension://x/" }, i18n: { getMessage: () => "" } };
  const element = { id: "browser", tagName: "DIV" };
  const form = { id: "browser", runtime: { name: "runtime", tagName: "INPUT" } }; // <form id=browser><input name=runtime>
  const crossOriginFrame = new Proxy({}, { get() { throw new Error("SecurityError: cross-origin"); } });
  const cases = [[element, chrome], [form, chrome], [crossOriginFrame, chrome], [undefined, chrome], [real, real]];
  for (const [browser, expected] of cases) {
    const world = createContext({ browser, chrome });
    runInContext(source, world);
    assert.equal(runInContext("globalThis[Symbol.for(\"caveat.util\")].api", world), expected);
  }
});

test("run again in the same document (the fallback injection), it keeps the first namespace", () => {
  runInThisContext(readFileSync(UTIL, "utf8"));
  assert.equal(globalThis[KEY], util);
});

test("a missing message reads as its key", () => {
  assert.equal(util.t("bannerDetails"), "bannerDetails[]");
  assert.equal(util.t("missing"), "missing");
});

test("errors: known codes with their detail, anything else as unexpected", () => {
  assert.equal(util.describeError({ code: "http", detail: "503" }), "error_http[503]");
  assert.equal(util.describeError({ code: "storage_full", detail: "35000" }), "error_storage_full[35000]");
  assert.equal(util.describeError({ code: "empty" }), "error_empty[empty]");
  assert.equal(util.describeError({ code: "Error: no receiver" }), "error_unexpected[Error: no receiver]");
  assert.equal(util.describeError({ code: "unexpected", detail: "" }), "error_unexpected[]");
  assert.equal(util.describeError("not allowed"), "error_unexpected[]");
  assert.equal(util.describeError(undefined), "error_unexpected[]");
});

test("the report comment limit is the contract's (a classic script cannot import it)", () => {
  assert.equal(util.REPORT_COMMENT_MAX, 1000);
  assert.equal(util.REPORT_COMMENT_MAX, LIMITS.report_comment);
});
