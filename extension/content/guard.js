// The banner's guard: keeps the banner's host element attached, visible and
// on top while a page attacks it, and reports the attacks (for the
// escalation to warning.html, background/escalation.js). A classic script,
// registered and injected after content/util.js and before banner.js, which
// takes it from `globalThis[Symbol.for("caveat.guard")]` (content scripts run
// in an isolated world: the page never sees it).
(() => {
  "use strict";
  const KEY = Symbol.for("caveat.guard");
  if (globalThis[KEY]) return; // injected again into the same document

  const SUPPORTS_POPOVER = typeof HTMLElement.prototype.showPopover === "function";
  // The guard's repairs in one frame before it waits for the next (see guard()).
  const SYNC_REPAIRS_PER_FRAME = 20;
  // Fullscreen elements that cannot show a child (see homeFor).
  const FULLSCREEN_LEAVES = new Set(["video", "img", "canvas", "iframe", "embed", "object", "svg"]);
  // The guard reports the page's attacks at most this often.
  const REPORT_EVERY_MS = 200;
  // One more than the background's threshold (lib/tamper.js TAMPER_LIMIT).
  const REPORT_AT_ONCE = 11;
  const HOST_STYLE = [
    "all: initial",
    "display: block",
    "position: fixed",
    "top: 0",
    "left: 0",
    "right: 0",
    "width: 100%",
    "height: auto",
    "margin: 0",
    "padding: 0",
    "border: 0",
    "z-index: 2147483647",
    "visibility: visible",
    "opacity: 1",
    "transform: none",
    "clip-path: none",
    "filter: none",
    "pointer-events: auto",
    "contain: layout style",
  ]
    .map((rule) => `${rule} !important;`)
    .join(" ");

  /**
   * Where the banner lives: first in <html> (first in keyboard order, before
   * the page's own links), or first inside the page's open modal dialog, since
   * a modal dialog makes everything outside it inert, or inside the page's
   * fullscreen element.
   */
  function homeFor() {
    // Chromium draws only the fullscreen element's own subtree above it, the
    // top layer included: the banner goes inside (not into a <video> or <img>).
    const full = document.fullscreenElement;
    if (full && full !== document.documentElement && !FULLSCREEN_LEAVES.has(full.localName)) return full;
    const modals = SUPPORTS_POPOVER ? document.querySelectorAll("dialog:modal") : [];
    return modals.length ? modals[modals.length - 1] : document.documentElement;
  }

  /**
   * Puts the banner in its home and, once filled in, in the top layer when the
   * browser has one. The unfilled frame stays out of the top layer: there it
   * crashed Chromium's renderer (every time) on a page that kept setting
   * `content-visibility: hidden` on it; it needs no more than its z-index
   * while the page is still being parsed.
   */
  function place(host) {
    const home = homeFor();
    if (!home) return;
    if (host.parentNode !== home || home.firstChild !== host) home.prepend(host);
    const filled = host.hasAttribute("data-caveat-domain");
    if (SUPPORTS_POPOVER && filled && !host.matches(":popover-open")) {
      try {
        host.showPopover();
      } catch {
        // Not connected or blocked: the z-index still applies.
      }
    }
  }

  /**
   * Keeps the banner attached, visible and on top while the page tries to
   * remove, hide or cover it. A page's change is repaired in the same
   * microtask (the MutationObserver's callback, or a microtask after a
   * synchronous popover event), before the page runs its next task or the
   * browser paints. The banner's own changes never wake the guard: a repair
   * drops the records it caused (takeRecords), so no budget is spent on them.
   * Only the page's attacks are counted, and only against a per-frame cap
   * (SYNC_REPAIRS_PER_FRAME): a page that undoes every repair at once (a
   * MutationObserver ping-pong) gets the rest of that frame's repairs at the
   * next frame, so the page cannot make this script spin, and every attack is
   * reported (`onTamper(kind)`) so the background can escalate. `domainOf()`
   * is the entry's domain (null until known); `afterRepair(host)` runs after each repair.
   */
  function guard(host, { domainOf, onTamper, afterRepair }) {
    const allowed = new Set(["data-caveat-banner", "data-caveat-domain", "data-caveat-status", "data-caveat-country", "style", "popover"]);
    let stopped = false;
    let raise = false;
    let repairsThisFrame = 0;
    let frameQueued = false;
    let repairWaits = false;
    let selfToggling = false;

    function repair() {
      if (stopped) return;
      selfToggling = true;
      try {
        for (const name of host.getAttributeNames()) if (!allowed.has(name)) host.removeAttribute(name);
        if (host.getAttribute("style") !== HOST_STYLE) host.setAttribute("style", HOST_STYLE);
        const domain = domainOf(); // null until the entry is known
        if (domain === null) host.removeAttribute("data-caveat-domain");
        else if (host.getAttribute("data-caveat-domain") !== domain) host.setAttribute("data-caveat-domain", domain);
        if (!host.hasAttribute("data-caveat-banner")) host.setAttribute("data-caveat-banner", "");
        if (SUPPORTS_POPOVER && host.getAttribute("popover") !== "manual") host.setAttribute("popover", "manual");
        if (raise && SUPPORTS_POPOVER && host.matches(":popover-open")) host.hidePopover();
        raise = false;
        const home = host.parentNode;
        place(host);
        if (host.parentNode !== home) observe();
        afterRepair(host);
      } finally {
        selfToggling = false;
      }
      observer.takeRecords(); // the changes this repair made are not the page's
    }

    /** Repairs now, or at the next frame once this frame's cap is spent. */
    function repairSoon() {
      if (stopped) return;
      if (repairsThisFrame < SYNC_REPAIRS_PER_FRAME) {
        repairsThisFrame += 1;
        startNextFrame(false);
        repair();
      } else startNextFrame(true);
    }
    /** At the next frame the cap is full again (and the repair that waited runs). */
    function startNextFrame(withRepair) {
      repairWaits ||= withRepair;
      if (frameQueued) return;
      frameQueued = true;
      // rAF does not run in background tabs; the timeout covers them.
      let done = false;
      const once = () => {
        if (done) return;
        done = true;
        frameQueued = false;
        repairsThisFrame = 0;
        if (repairWaits) {
          repairWaits = false;
          repair();
        }
      };
      requestAnimationFrame(once);
      setTimeout(once, 100);
    }

    /** Whether the host's attributes differ from what the banner set (the entry's domain included). */
    function attributesWrong() {
      for (const name of host.getAttributeNames()) if (!allowed.has(name)) return true;
      if (host.getAttribute("style") !== HOST_STYLE || !host.hasAttribute("data-caveat-banner")) return true;
      if (SUPPORTS_POPOVER && host.getAttribute("popover") !== "manual") return true;
      const domain = domainOf();
      return domain === null ? host.hasAttribute("data-caveat-domain") : host.getAttribute("data-caveat-domain") !== domain;
    }
    /** What the page did to the banner: "removed", "hidden", or null (nothing, or the banner's own change). */
    function attackIn(records) {
      if (!host.isConnected) return "removed"; // by itself or with an ancestor (a dialog)
      if (records.some((record) => record.type === "childList" && [...record.removedNodes].includes(host))) return "removed";
      return records.some((record) => record.target === host) && attributesWrong() ? "hidden" : null;
    }
    const observer = new MutationObserver((records) => {
      if (stopped) return;
      const kind = attackIn(records);
      if (kind) onTamper(kind);
      const home = homeFor();
      // The banner's own domain attribute (set once the entry is known) asks
      // for a repair too: it puts the filled banner into the top layer.
      const touched = records.some((record) => record.target === host);
      if (kind || touched || host.parentNode !== home || home.firstChild !== host) repairSoon();
    });
    // The page closing the popover (hidePopover) puts it back on top, in a
    // microtask: beforetoggle fires synchronously inside the page's call.
    host.addEventListener("beforetoggle", (event) => {
      if (event.newState !== "closed" || selfToggling || stopped) return;
      onTamper("hidden");
      queueMicrotask(repairSoon);
    });
    host.addEventListener("toggle", (event) => {
      if (event.newState === "closed" && !host.matches(":popover-open")) repairSoon();
    });
    // A popover, modal dialog or fullscreen element the page opens later
    // would sit above the banner in the top layer: re-open the banner to be
    // the topmost again. (toggle does not bubble, but a capturing listener
    // on document sees it.) A dialog closing sends the banner back to <html>.
    const onPageToggle = (event) => {
      if (event.target === host) return;
      if (event.newState === "open") {
        raise = true;
        onTamper("covered");
      }
      repairSoon();
    };
    const onFullscreen = () => {
      if (document.fullscreenElement) {
        raise = true;
        onTamper("covered");
      }
      repairSoon();
    };
    document.addEventListener("toggle", onPageToggle, true);
    document.addEventListener("fullscreenchange", onFullscreen, true);
    function observe() {
      observer.disconnect();
      observer.observe(document, { childList: true }); // <html> itself replaced
      // Inside a modal dialog, the page may remove the dialog (or an ancestor)
      // with the banner in it: watch the whole tree until the banner is back.
      const inDialog = Boolean(host.parentNode) && host.parentNode !== document.documentElement;
      if (document.documentElement) observer.observe(document.documentElement, { childList: true, subtree: inDialog });
      observer.observe(host, { attributes: true });
    }
    observe();
    // A new <html> needs observing too.
    const rootWatcher = new MutationObserver(() => {
      observe();
      repairSoon();
    });
    rootWatcher.observe(document, { childList: true });

    return () => {
      stopped = true;
      document.removeEventListener("toggle", onPageToggle, true);
      document.removeEventListener("fullscreenchange", onFullscreen, true);
      observer.disconnect();
      rootWatcher.disconnect();
    };
  }

  /**
   * Reports the page's attacks on the banner to the background, which counts
   * them (lib/tamper.js) and, past its threshold, shows the warning in the
   * extension's own page. At most one message per REPORT_EVERY_MS, carrying
   * the attacks since the last; the page cannot send these, only cause them.
   * The page's first REPORT_AT_ONCE attacks (the threshold crossed in one
   * batch) go at once, so a fast fight escalates without waiting.
   */
  function tamperReporter(send) {
    let counts = null;
    let timer = 0;
    let batch = 0;
    let first = true;
    function report() {
      clearTimeout(timer);
      const kinds = counts;
      counts = null;
      send({ type: "tampered", kinds, referrer: document.referrer }).catch(() => {});
    }
    return (kind) => {
      if (!counts) {
        counts = {};
        batch = 0;
        timer = setTimeout(report, REPORT_EVERY_MS);
      }
      counts[kind] = (counts[kind] ?? 0) + 1;
      batch += 1;
      if (first && batch >= REPORT_AT_ONCE) {
        first = false;
        report();
      }
    };
  }

  globalThis[KEY] = Object.freeze({ SUPPORTS_POPOVER, HOST_STYLE, guard, place, tamperReporter });
})();
