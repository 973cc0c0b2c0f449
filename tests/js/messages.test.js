// Who may ask the background what (background/messages.js): the banner, our
// content script in the top frame of a web page, asks about its own page;
// pages of this extension ask anything; every other sender is refused.
// Senders are shaped as Chrome and Firefox report them (runtime.MessageSender).
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  createMessageHandler,
  fromBanner,
  fromExtensionPage,
  messageListener,
} from "../../extension/background/messages.js";

const OUR_ID = "caveat@example";
const BASE = "chrome-extension://caveat-id/";
const runtime = { id: OUR_ID, getURL: (path) => BASE + path };
const ENTRY = { domain: "allofmp3.example", name: "AllOfMP3", status: "disputed", reviewed: "2026-10-01" };
const PAGE = "https://www.allofmp3.example/albums";

/** The handler with recording fakes; `calls` lists every action it took. */
function handler(overrides = {}) {
  const calls = [];
  const record =
    (name, result) =>
    async (...args) => {
      calls.push([name, ...args]);
      return result;
    };
  const deps = {
    runtime,
    uiLocale: () => "en",
    indexReady: Promise.resolve(),
    ready: Promise.resolve(true),
    warningFor: (url) => (url.includes("allofmp3.example") ? ENTRY : null),
    verdictFor: (entry) => ({ status: entry.status, country: null }),
    describe: record("describe", { described: true }),
    sync: record("sync", { ok: true }),
    sendReport: record("sendReport", { ok: true }),
    setTrusted: record("setTrusted"),
    setPaused: record("setPaused"),
    setCountry: record("setCountry"),
    saveServerUrl: record("saveServerUrl"),
    resetServerUrl: record("resetServerUrl", "https://default.example"),
    escalation: {
      tampered: record("tampered", { escalated: false }),
      forWarningPage: record("forWarningPage", { entry: ENTRY, tampered: 12 }),
      continueTo: record("continueTo", { ok: true }),
      leave: record("leave", { ok: true }),
      forPopup: record("forPopup", { tampered: 3 }),
    },
    ...overrides,
  };
  return { handle: createMessageHandler(deps), calls };
}

const tab = { id: 7, url: PAGE };
const senders = {
  banner: { id: OUR_ID, tab, frameId: 0, url: PAGE },
  // Without sender.url the code takes the tab's URL.
  bannerWithoutUrl: { id: OUR_ID, tab, frameId: 0 },
  subFrame: { id: OUR_ID, tab, frameId: 3, url: "https://ads.example/frame" },
  subFrameSameSite: { id: OUR_ID, tab, frameId: 3, url: PAGE },
  otherExtensionScript: { id: "other@example", tab, frameId: 0, url: PAGE },
  otherExtensionPage: { id: "other@example", url: "chrome-extension://other-id/popup.html" },
  webPage: { tab, frameId: 0, url: PAGE, origin: "https://www.allofmp3.example" },
  popup: { id: OUR_ID, url: `${BASE}popup.html` },
  optionsTab: { id: OUR_ID, tab: { id: 9, url: `${BASE}options.html` }, frameId: 0, url: `${BASE}options.html` },
  framedOurPage: { id: OUR_ID, tab: { id: 9, url: `${BASE}options.html` }, frameId: 2, url: `${BASE}popup.html` },
  ourScriptOnFile: { id: OUR_ID, tab: { id: 5, url: "file:///home/a.html" }, frameId: 0, url: "file:///home/a.html" },
  ourIdForeignPage: { id: OUR_ID, url: "chrome-extension://other-id/popup.html" },
};

test("the banner is our content script in the top frame of an http(s) page", () => {
  assert.ok(fromBanner(senders.banner, runtime));
  assert.ok(fromBanner(senders.bannerWithoutUrl, runtime));
  for (const name of ["subFrame", "subFrameSameSite", "otherExtensionScript", "webPage", "popup", "optionsTab",
    "framedOurPage", "ourScriptOnFile", "otherExtensionPage"]) {
    assert.ok(!fromBanner(senders[name], runtime), name);
  }
});

test("an extension page is one of ours, by id and by URL", () => {
  for (const name of ["popup", "optionsTab", "framedOurPage"]) assert.ok(fromExtensionPage(senders[name], runtime), name);
  for (const name of ["banner", "bannerWithoutUrl", "subFrame", "otherExtensionScript", "otherExtensionPage", "webPage",
    "ourScriptOnFile", "ourIdForeignPage"]) {
    assert.ok(!fromExtensionPage(senders[name], runtime), name);
  }
});

test("the banner gets its own page's warning, with the date formatted", async () => {
  const { handle } = handler();
  for (const sender of [senders.banner, senders.bannerWithoutUrl]) {
    assert.deepEqual(await handle({ type: "getWarning" }, sender), {
      entry: { ...ENTRY, sources: [] },
      reviewedText: "October 1, 2026",
      verdict: { status: "disputed", country: null },
    });
  }
});

test("the banner is handed http(s) source links only, whatever storage holds", async () => {
  const sources = [
    { title: "Script link", url: "javascript:window.caveatPwned=1" },
    { title: "Data link", url: "data:text/html,<script>parent.caveatPwned=2</script>" },
    { title: "No URL" },
    null,
    { title: "Good link", url: "https://news.example/good" },
  ];
  const tampered = { ...ENTRY, sources };
  const { handle } = handler({ warningFor: () => tampered });
  const answer = await handle({ type: "getWarning" }, senders.banner);
  assert.deepEqual(answer.entry.sources, [{ title: "Good link", url: "https://news.example/good" }]);
  assert.equal(tampered.sources.length, 5, "the stored entry is left as it is");
  const { handle: bare } = handler({ warningFor: () => ENTRY });
  assert.deepEqual((await bare({ type: "getWarning" }, senders.banner)).entry, { ...ENTRY, sources: [] });
  const { handle: none } = handler({ warningFor: () => null });
  assert.deepEqual(await none({ type: "getWarning" }, senders.banner), { entry: null, reviewedText: "", verdict: null });
});

test("the banner's question names no page: a url in the message is ignored", async () => {
  const { handle } = handler();
  const answer = await handle({ type: "getWarning", url: "https://unlisted.example/" }, senders.banner);
  assert.equal(answer.entry.domain, ENTRY.domain);
});

test("the banner trusts and reports its own site only", async () => {
  const { handle, calls } = handler();
  assert.deepEqual(await handle({ type: "trustThisSite", site: "elsewhere.example" }, senders.banner), {
    ok: true,
    site: "allofmp3.example",
  });
  assert.deepEqual(await handle({ type: "reportMistake", comment: "wrong", domain: "x.example" }, senders.banner), {
    ok: true,
  });
  assert.deepEqual(calls, [
    ["setTrusted", "allofmp3.example", true],
    ["sendReport", "mistake", "www.allofmp3.example", "wrong"],
  ]);
});

test("the banner cannot send what only our pages may", async () => {
  const { handle, calls } = handler();
  for (const type of ["describe", "syncNow", "setTrusted", "suggestSite", "setPaused", "setServerUrl", undefined]) {
    const message = { type, paused: true, serverUrl: "https://evil.example", site: "x.example", trusted: false };
    assert.deepEqual(await handle(message, senders.banner), { error: "unknown message" }, String(type));
  }
  assert.deepEqual(calls, []);
});

test("content scripts in sub-frames, other extensions and web pages are refused", async () => {
  for (const name of ["subFrame", "subFrameSameSite", "otherExtensionScript", "otherExtensionPage", "webPage",
    "ourScriptOnFile", "ourIdForeignPage"]) {
    const { handle, calls } = handler();
    for (const message of [{ type: "getWarning" }, { type: "trustThisSite" }, { type: "reportMistake", comment: "x" },
      { type: "describe" }, { type: "setPaused", paused: true }, { type: "setServerUrl", serverUrl: null }]) {
      assert.deepEqual(await handle(message, senders[name]), { error: "not allowed" }, `${name} ${message.type}`);
    }
    assert.deepEqual(calls, [], name);
  }
});

test("our pages, in the popup, in a tab or framed, are answered", async () => {
  for (const name of ["popup", "optionsTab", "framedOurPage"]) {
    const { handle, calls } = handler();
    assert.deepEqual(await handle({ type: "describe", url: PAGE }, senders[name]), { described: true });
    assert.deepEqual(calls, [["describe", PAGE]], name);
  }
});

test("our pages' messages act as asked", async () => {
  const { handle, calls } = handler();
  const popup = senders.popup;
  assert.deepEqual(await handle({ type: "syncNow" }, popup), { lastSync: { ok: true }, described: true });
  await handle({ type: "setTrusted", site: "www.Shop.example", trusted: false, url: PAGE }, popup);
  await handle({ type: "setPaused", paused: "yes" }, popup);
  assert.deepEqual(await handle({ type: "suggestSite", url: "https://new.example/x", comment: "c" }, popup), { ok: true });
  assert.deepEqual(await handle({ type: "suggestSite", url: "about:blank", comment: "c" }, popup), {
    ok: false,
    error: { code: "unexpected", detail: "not a web page" },
  });
  assert.deepEqual(await handle({ type: "setServerUrl", serverUrl: "https://lists.example/caveat/" }, popup), {
    ok: true,
    serverUrl: "https://lists.example/caveat",
  });
  assert.deepEqual(await handle({ type: "setServerUrl", serverUrl: "ftp://lists.example" }, popup), {
    ok: false,
    error: { code: "invalid_url" },
  });
  assert.deepEqual(await handle({ type: "setServerUrl", serverUrl: null }, popup), {
    ok: true,
    serverUrl: "https://default.example",
  });
  assert.deepEqual(await handle({ type: "getWarning" }, popup), { error: "unknown message" });
  assert.deepEqual(calls, [
    ["sync"],
    ["describe", ""],
    ["setTrusted", "shop.example", false],
    ["describe", PAGE],
    ["setPaused", false],
    ["describe", ""],
    ["sendReport", "suggest", "new.example", "c"],
    ["saveServerUrl", "https://lists.example/caveat"],
    ["resetServerUrl"],
  ]);
});

test("the banner waits for the index only; our pages wait for the whole start-up", async () => {
  let finishStartUp;
  const ready = new Promise((resolve) => (finishStartUp = resolve));
  const { handle } = handler({ ready });
  const early = await handle({ type: "getWarning" }, senders.banner);
  assert.equal(early.entry.domain, ENTRY.domain);
  let described = false;
  const late = handle({ type: "describe" }, senders.popup).then(() => (described = true));
  await new Promise((resolve) => setTimeout(resolve, 10));
  assert.equal(described, false);
  finishStartUp(true);
  await late;
  assert.equal(described, true);
});

test("a failed start-up still lets the banner ask", async () => {
  const indexReady = Promise.reject(new Error("storage broken"));
  const { handle } = handler({ indexReady });
  const answer = await handle({ type: "getWarning" }, senders.banner);
  assert.equal(answer.entry.domain, ENTRY.domain);
});

test("the listener answers asynchronously, and an error as {error}", async () => {
  const listener = messageListener(async (message) => {
    if (message.fail) throw new Error("boom");
    return { fine: true };
  });
  const answers = [];
  const answered = new Promise((resolve) => {
    const sendResponse = (answer) => {
      answers.push(answer);
      if (answers.length === 2) resolve();
    };
    assert.equal(listener({}, senders.popup, sendResponse), true);
    assert.equal(listener({ fail: true }, senders.popup, sendResponse), true);
  });
  await answered;
  assert.deepEqual(answers, [{ fine: true }, { error: "boom" }]);
});

test("the banner reports tampering for its own tab and page only: a url in the message is ignored", async () => {
  const { handle, calls } = handler();
  const kinds = { removed: 3 };
  await handle({ type: "tampered", kinds, referrer: "https://search.example/", url: "https://bank.example/" }, senders.banner);
  assert.deepEqual(calls, [["tampered", 7, PAGE, kinds, "https://search.example/"]]);
  for (const name of ["subFrame", "subFrameSameSite", "otherExtensionScript", "webPage", "ourScriptOnFile"]) {
    assert.deepEqual(await handle({ type: "tampered", kinds }, senders[name]), { error: "not allowed" }, name);
  }
  assert.equal(calls.length, 1);
});

test("warning.html's choices act on its own tab; the banner cannot make them", async () => {
  const { handle, calls } = handler();
  const warningTab = { id: OUR_ID, tab: { id: 11, url: `${BASE}warning.html?url=x` }, frameId: 0, url: `${BASE}warning.html?url=x` };
  const page = await handle({ type: "warningPage", url: PAGE }, warningTab);
  assert.equal(page.tampered, 12);
  assert.equal(page.reviewedText, "October 1, 2026");
  await handle({ type: "continueToStore", url: PAGE }, warningTab);
  await handle({ type: "leaveStore" }, warningTab);
  assert.deepEqual(await handle({ type: "continueToStore", url: PAGE }, senders.popup), { ok: false }, "no tab");
  assert.deepEqual(await handle({ type: "tampering", tabId: "4", url: PAGE }, senders.popup), { tampered: 3 });
  for (const type of ["continueToStore", "leaveStore", "warningPage", "tampering"]) {
    assert.deepEqual(await handle({ type, url: PAGE }, senders.banner), { error: "unknown message" }, type);
  }
  assert.deepEqual(calls, [["forWarningPage", 11, PAGE], ["continueTo", 11, PAGE], ["leave", 11], ["forPopup", 4, PAGE]]);
});

test("options set the shopper's country: a code, none, or back to the default; nothing else", async () => {
  const { handle, calls } = handler();
  for (const country of ["DE", "", null]) {
    assert.deepEqual(await handle({ type: "setCountry", country }, senders.optionsTab), { ok: true, described: true });
  }
  for (const country of ["de", "DEU", "../x", 7, undefined, { code: "DE" }]) {
    assert.deepEqual(await handle({ type: "setCountry", country }, senders.optionsTab),
      { ok: false, error: { code: "invalid_country" } }, String(country));
  }
  assert.deepEqual(calls.filter(([name]) => name === "setCountry"), [["setCountry", "DE"], ["setCountry", ""], ["setCountry", null]]);
  // The banner cannot change it.
  assert.deepEqual(await handle({ type: "setCountry", country: "US" }, senders.banner), { error: "unknown message" });
});
