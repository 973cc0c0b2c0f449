// A page's attacks on the banner, counted (extension/lib/tamper.js), and the
// escalation the background builds on them (extension/background/escalation.js).
import { test } from "node:test";
import assert from "node:assert/strict";
import { attacksIn, createTamperCounter, TAMPER_LIMIT, TAMPER_WINDOW_MS } from "../../extension/lib/tamper.js";
import { createEscalation } from "../../extension/background/escalation.js";

test("more than the limit within the window escalates; the limit itself does not", () => {
  const counter = createTamperCounter({ limit: 10, windowMs: 5000 });
  for (let i = 0; i < 10; i += 1) assert.equal(counter.add("t", 1, i * 100), false, `attack ${i + 1}`);
  assert.equal(counter.add("t", 1, 1000), true);
  assert.equal(counter.total("t"), 11);
});

test("attacks older than the window no longer count", () => {
  const counter = createTamperCounter({ limit: 3, windowMs: 1000 });
  counter.add("t", 3, 0);
  assert.equal(counter.add("t", 1, 1000), false, "the first three left the window");
  assert.equal(counter.add("t", 3, 1500), true);
});

test("keys (tab and site) are counted apart, and forgotten", () => {
  const counter = createTamperCounter({ limit: 2, windowMs: 1000 });
  counter.add("1 a.example", 2, 0);
  assert.equal(counter.add("2 a.example", 1, 0), false);
  assert.equal(counter.add("1 a.example", 1, 0), true);
  counter.forget("1 a.example");
  assert.equal(counter.total("1 a.example"), 0);
});

test("the defaults: more than 10 within 5 s", () => {
  assert.equal(TAMPER_LIMIT, 10);
  assert.equal(TAMPER_WINDOW_MS, 5000);
  const counter = createTamperCounter();
  assert.equal(counter.add("t", 10, 0), false);
  assert.equal(counter.add("t", 1, 4999), true);
});

test("a report counts known kinds only, whole and capped", () => {
  assert.equal(attacksIn({ removed: 2, hidden: 3, covered: 1 }), 6);
  assert.equal(attacksIn({ removed: 2.7, other: 50, hidden: -4, covered: "x" }), 2);
  assert.equal(attacksIn({ removed: 1e9 }), 1000);
  for (const bad of [null, undefined, "removed", 5]) assert.equal(attacksIn(bad), 0);
});

const STORE = "https://www.allofmp3.example/albums";
const ENTRY = { domain: "allofmp3.example", name: "AllOfMP3" };

function escalation({ clock = { now: 0 }, session = null } = {}) {
  const updates = [];
  const deps = {
    tabs: { update: async (tabId, props) => updates.push([tabId, props.url]) },
    session,
    runtime: { getURL: (path) => `chrome-extension://id/${path}` },
    warningFor: (url) => (url.includes("allofmp3.example") ? ENTRY : null),
    now: () => clock.now,
  };
  return { esc: createEscalation(deps), updates, clock };
}

test("a fight past the threshold opens warning.html in that tab, with the store's URL", async () => {
  const { esc, updates } = escalation();
  assert.deepEqual(await esc.tampered(4, STORE, { removed: 6 }, ""), { escalated: false });
  assert.deepEqual(await esc.tampered(4, STORE, { hidden: 5 }, ""), { escalated: true });
  assert.deepEqual(updates, [[4, `chrome-extension://id/warning.html?url=${encodeURIComponent(STORE)}`]]);
  assert.deepEqual(await esc.forWarningPage(4, STORE), { entry: ENTRY, tampered: 11 });
  assert.deepEqual(await esc.forPopup(4, STORE), { tampered: 11, continued: false });
});

test("an unlisted page (the sender's URL) never escalates", async () => {
  const { esc, updates } = escalation();
  assert.deepEqual(await esc.tampered(4, "https://bank.example/", { removed: 50 }, ""), { escalated: false });
  assert.deepEqual(updates, []);
});

test("after 'Continue to the store' the tab and site are not escalated again", async () => {
  const { esc, updates, clock } = escalation();
  await esc.tampered(4, STORE, { removed: 11 }, "");
  assert.deepEqual(await esc.continueTo(4, STORE), { ok: true });
  assert.deepEqual(updates.at(-1), [4, STORE]);
  clock.now = 60_000;
  assert.deepEqual(await esc.tampered(4, "https://allofmp3.example/other", { removed: 500 }, ""), { escalated: false });
  assert.equal(updates.length, 2);
  // Another tab is another choice.
  assert.deepEqual(await esc.tampered(5, STORE, { removed: 11 }, ""), { escalated: true });
  assert.deepEqual(await esc.continueTo(4, "javascript:alert(1)"), { ok: false });
});

test("the choice survives a restart of the background (storage.session)", async () => {
  const store = {};
  const session = { get: async (key) => ({ [key]: store[key] }), set: async (items) => Object.assign(store, items) };
  const first = escalation({ session });
  await first.esc.tampered(4, STORE, { removed: 11 }, "");
  await first.esc.continueTo(4, STORE);
  const second = escalation({ session, clock: { now: 60_000 } });
  assert.deepEqual(await second.esc.tampered(4, STORE, { removed: 500 }, ""), { escalated: false });
  assert.deepEqual(second.updates, []);
});

test("'Go back' goes to the page before the store when it was another site, else to an empty page", async () => {
  const { esc, updates, clock } = escalation();
  await esc.tampered(4, STORE, { removed: 11 }, "https://search.example/q?x");
  assert.deepEqual(await esc.leave(4), { ok: true, url: "https://search.example/q?x" });
  clock.now = 10_000;
  await esc.tampered(6, STORE, { removed: 11 }, "https://allofmp3.example/"); // the store's own page
  assert.deepEqual(await esc.leave(6), { ok: true, url: "about:blank" });
  clock.now = 20_000;
  await esc.tampered(8, STORE, { removed: 11 }, "javascript:x");
  assert.deepEqual(await esc.leave(8), { ok: true, url: "about:blank" });
  assert.deepEqual(updates.filter(([, url]) => !url.startsWith("chrome-extension:")).map(([, url]) => url),
    ["https://search.example/q?x", "about:blank", "about:blank"]);
});

test("a tab and site escalate at most once per cooldown, and reports are rate-limited per tab", async () => {
  const { esc, updates, clock } = escalation();
  assert.equal((await esc.tampered(4, STORE, { removed: 11 }, "")).escalated, true);
  clock.now = 1000;
  assert.equal((await esc.tampered(4, STORE, { removed: 11 }, "")).escalated, false, "within the cooldown");
  clock.now = 6000;
  assert.equal((await esc.tampered(4, STORE, { removed: 11 }, "")).escalated, true, "after the cooldown");
  clock.now = 7000;
  for (let i = 0; i < 10; i += 1) await esc.tampered(9, STORE, {}, "");
  assert.equal((await esc.tampered(9, STORE, { removed: 50 }, "")).escalated, false, "the 11th report this second");
  assert.equal(updates.length, 2);
});

test("a closed tab's choice and counts go", async () => {
  const { esc } = escalation();
  await esc.tampered(4, STORE, { removed: 3 }, "");
  await esc.forgetTab(4);
  assert.deepEqual(await esc.forPopup(4, STORE), { tampered: 0, continued: false });
});

test("the banner sends its first attacks at once when they cross the background's threshold", async () => {
  // content/guard.js is a classic content script: it cannot import lib/tamper.js.
  const { readFile } = await import("node:fs/promises");
  const guard = await readFile(new URL("../../extension/content/guard.js", import.meta.url), "utf8");
  assert.equal(Number(/const REPORT_AT_ONCE = (\d+);/.exec(guard)[1]), TAMPER_LIMIT + 1);
});

test("a banner cut off from the extension escalates at once, within the same limits as a fight", async () => {
  const { esc, updates, clock } = escalation();
  assert.deepEqual(await esc.cutOff(4, "https://bank.example/"), { escalated: false }, "an unlisted page never");
  assert.deepEqual(await esc.cutOff(4, STORE), { escalated: true });
  assert.deepEqual(updates, [[4, `chrome-extension://id/warning.html?url=${encodeURIComponent(STORE)}`]]);
  assert.deepEqual(await esc.forWarningPage(4, STORE), { entry: ENTRY, tampered: 1 });
  assert.deepEqual(await esc.leave(4), { ok: true, url: "about:blank" });
  clock.now = 1000;
  assert.deepEqual(await esc.cutOff(4, STORE), { escalated: false }, "within the cooldown");
  clock.now = 10_000;
  await esc.continueTo(4, STORE); // the shopper's choice holds: no loop back to warning.html
  clock.now = 60_000;
  assert.deepEqual(await esc.cutOff(4, STORE), { escalated: false });
  assert.equal(updates.filter(([, url]) => url.includes("warning.html")).length, 1);
});
