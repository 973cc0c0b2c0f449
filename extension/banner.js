// Caveat's warning banner. Registered by the background only where a warning
// is due (listed hosts, minus trusted sites, none while paused) and run at
// document_start, it draws its frame at once, before the page is parsed: a
// host element with a closed shadow root and a neutral "Caveat" heading of
// the banner's height. It then asks the background for this page's entry and
// fills the frame in, or removes it if the answer is "no warning" (a race
// with a change of the registration) or does not come in time.
// Every text is set with textContent; links are http(s) only (the background
// hands over no others: background/messages.js, forBanner).
(() => {
  "use strict";
  // The shared helpers: content/util.js runs first (registered and injected before this file).
  const { api, t, send, el, describeError, REPORT_COMMENT_MAX } = globalThis[Symbol.for("caveat.util")];
  // The guard and the banner's placement: content/guard.js, run just before this file.
  const { SUPPORTS_POPOVER, HOST_STYLE, guard, place, tamperReporter } = globalThis[Symbol.for("caveat.guard")];
  const RUN_MARK = Symbol.for("caveat.banner.ran");
  if (globalThis[RUN_MARK]) return; // injected twice into one document
  globalThis[RUN_MARK] = true;

  // An unfilled frame never stays longer than this; a later answer brings it back filled.
  const UNFILLED_MAX_MS = 3000;

  const CSS = `
    :host { all: initial; }
    .bar {
      --bg: #fff4e5; --fg: #1a1a1a; --muted: #4a4a4a; --accent: #b34700;
      --btn-bg: #ffffff; --btn-fg: #1a1a1a; --btn-border: #6b6b6b; --focus: #1a5fb4; --link: #0b4fa0;
      box-sizing: border-box; width: 100%; max-height: 80vh; overflow: auto;
      background: var(--bg); color: var(--fg);
      border-bottom: 4px solid var(--accent); box-shadow: 0 2px 8px rgba(0,0,0,.25);
      font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif;
      padding: 10px 16px; text-align: start;
    }
    .bar[data-status="unlawful"] { --accent: #b00020; }
    .bar[data-status="defunct"] { --accent: #4a4a4a; }
    .bar[data-status="lawful"] { --accent: #1a5fb4; }
    .bar.pending { --accent: #6b6b6b; min-height: 110px; } /* the banner's height at 1280 px */
    @media (prefers-color-scheme: dark) {
      .bar {
        --bg: #241a10; --fg: #f4f4f4; --muted: #d0d0d0; --accent: #ffb366;
        --btn-bg: #3a2c1e; --btn-fg: #f4f4f4; --btn-border: #b0b0b0; --focus: #99c1f1; --link: #9ccbff;
      }
      .bar[data-status="unlawful"] { --accent: #ff8a80; }
      .bar[data-status="defunct"] { --accent: #bdbdbd; }
      .bar[data-status="lawful"] { --accent: #99c1f1; }
    }
    .row { display: flex; flex-wrap: wrap; align-items: center; gap: 8px 16px; }
    .mark { flex: none; width: 28px; height: 28px; border-radius: 50%; background: var(--accent); color: var(--bg);
      font-weight: 700; font-size: 18px; line-height: 28px; text-align: center; }
    .text { flex: 1 1 320px; min-width: 0; }
    .headline { display: block; font-weight: 700; font-size: 15px; margin: 0; }
    p { margin: 2px 0 0; }
    .meta { color: var(--muted); font-size: 13px; }
    .lead-note { font-size: 13px; }
    .jurisdictions li { margin-bottom: 4px; }
    .actions { display: flex; flex-wrap: wrap; gap: 6px; }
    button {
      font: inherit; font-size: 13px; cursor: pointer; padding: 5px 10px; border-radius: 4px;
      background: var(--btn-bg); color: var(--btn-fg); border: 1px solid var(--btn-border);
    }
    button:hover { border-color: var(--fg); }
    button:disabled { opacity: .6; cursor: default; }
    button:focus-visible, a:focus-visible, textarea:focus-visible {
      outline: 3px solid var(--focus); outline-offset: 2px;
    }
    .panel { margin-top: 10px; padding-top: 8px; border-top: 1px solid var(--btn-border); }
    .panel[hidden] { display: none; }
    .details-text { white-space: pre-line; }
    h2 { font-size: 14px; margin: 8px 0 2px; }
    ul { margin: 2px 0; padding-inline-start: 20px; }
    a { color: var(--link); }
    .host { color: var(--muted); font-size: 12px; }
    label { display: block; margin-bottom: 4px; }
    textarea { box-sizing: border-box; width: 100%; max-width: 640px; min-height: 64px; font: inherit;
      background: var(--btn-bg); color: var(--btn-fg); border: 1px solid var(--btn-border); border-radius: 4px; padding: 6px; }
    .form-actions { display: flex; gap: 6px; margin-top: 6px; }
    .disclaimer { color: var(--muted); font-size: 12px; margin-top: 8px; }
  `;

  // The background can be unreachable for a moment while the browser starts
  // ("Receiving end does not exist"): ask again before giving up.
  const RETRY_DELAYS_MS = [150, 500, 1200];
  async function sendWithRetry(message) {
    for (let attempt = 0; ; attempt += 1) {
      try {
        return await send(message);
      } catch (err) {
        if (attempt >= RETRY_DELAYS_MS.length) throw err;
        await new Promise((resolve) => setTimeout(resolve, RETRY_DELAYS_MS[attempt]));
      }
    }
  }

  /**
   * The banner's frame, drawn before the entry is known: the host element and
   * its closed shadow root holding a neutral bar as tall as the banner, so
   * the page is laid out below it from the start. Returns {host, pending}.
   */
  function buildFrame() {
    const host = document.createElement("div");
    host.setAttribute("data-caveat-banner", "");
    host.setAttribute("style", HOST_STYLE);
    // The top layer (a manual popover) paints above any z-index the page uses.
    if (SUPPORTS_POPOVER) host.setAttribute("popover", "manual");
    const root = host.attachShadow({ mode: "closed" });
    const pending = el("div", { class: "bar pending", "aria-busy": "true" }, [
      el("div", { class: "row" }, [
        el("span", { class: "mark", "aria-hidden": "true", text: "!" }),
        el("div", { class: "text" }, [el("strong", { class: "headline", text: "Caveat" })]),
      ]),
    ]);
    root.append(el("style", { text: CSS }), pending);
    return { host, pending };
  }

  /** Source links (http(s) only, titles as text), each with its host. */
  const sourceList = (sources) => el("ul", {}, sources.map((s) => el("li", {}, [
    el("a", { href: s.url, target: "_blank", rel: "noopener noreferrer", text: s.title }),
    document.createTextNode(" "), el("span", { class: "host", text: `(${new URL(s.url).hostname})` })])));

  /** Every jurisdiction item (lib/verdict.js): where, what, when, the note, the sources; null without items. */
  const jurisdictionList = (items = []) => (items.length ? el("div", { class: "jurisdictions" }, [
    el("h2", { text: t("bannerJurisdictions") }),
    el("ul", {}, items.map((item) => el("li", { "data-country": item.country }, [
      el("strong", { text: item.since ? t("bannerJurisdictionDated", [item.name, item.label, item.since]) : t("bannerJurisdiction", [item.name, item.label]) }),
      item.note ? el("p", { text: item.note }) : null,
      item.sources.length ? sourceList(item.sources) : null]))),
  ]) : null);

  /** The banner for `entry` (`reviewed` formatted); `verdict` (lib/verdict.js) may lead with the shopper's country's item. */
  function buildBar(entry, reviewed, verdict, actions) {
    const status = t(`status_${entry.status}`);
    const lead = verdict?.headline ? verdict : null;
    const detailsId = "caveat-details";
    const reportId = "caveat-report";

    const detailsButton = el("button", { type: "button", "aria-expanded": "false", "aria-controls": detailsId, text: t("bannerDetails") });
    const reportButton = el("button", { type: "button", "aria-expanded": "false", "aria-controls": reportId, text: t("bannerReport") });
    const trustButton = el("button", { type: "button", text: t("bannerTrust") });
    const dismissButton = el("button", { type: "button", title: t("bannerDismissTitle"), text: t("bannerDismiss") });

    const sources = sourceList(entry.sources ?? []);
    const related = Array.isArray(entry.related) && entry.related.length ? el("p", { text: t("bannerRelated", [entry.related.join(", ")]) }) : null;
    const details = el("div", { class: "panel", id: detailsId, hidden: "" }, [
      entry.details ? el("p", { class: "details-text", text: entry.details }) : null,
      related,
      jurisdictionList(verdict?.items),
      el("h2", { text: t("bannerSources") }),
      sources,
      el("p", { class: "disclaimer", text: t("bannerDisclaimer") }),
    ]);

    const comment = el("textarea", { id: "caveat-comment", maxlength: String(REPORT_COMMENT_MAX) });
    const sendButton = el("button", { type: "submit", text: t("bannerReportSend") });
    const cancelButton = el("button", { type: "button", text: t("bannerReportCancel") });
    const result = el("p", { role: "status" });
    const report = el("form", { class: "panel", id: reportId, hidden: "" }, [
      el("label", { for: "caveat-comment", text: t("bannerReportPrompt") }),
      comment,
      el("div", { class: "form-actions" }, [sendButton, cancelButton]),
      result,
    ]);

    const bar = el("div", { class: "bar", role: "alert", lang: t("uiLocale"), "data-status": lead ? lead.status : entry.status }, [
      el("div", { class: "row" }, [
        el("span", { class: "mark", "aria-hidden": "true", text: "!" }),
        el("div", { class: "text" }, [
          el("strong", {
            class: "headline",
            text: lead ? t("bannerHeadlineLead", [entry.name, lead.headline]) : t(`bannerHeadline_${entry.status}`, [entry.name]),
          }),
          lead?.note ? el("p", { class: "lead-note", text: lead.note }) : null,
          el("p", { class: "summary", text: entry.summary }),
          el("p", { class: "meta", text: reviewed ? `${status} · ${t("bannerReviewed", [reviewed])}` : status }),
        ]),
        el("div", { class: "actions" }, [detailsButton, reportButton, trustButton, dismissButton]),
      ]),
      details,
      report,
    ]);

    function toggle(panel, button, open = panel.hidden) {
      panel.hidden = !open;
      button.setAttribute("aria-expanded", String(open));
    }
    detailsButton.addEventListener("click", () => toggle(details, detailsButton));
    reportButton.addEventListener("click", () => {
      toggle(report, reportButton);
      if (!report.hidden) comment.focus();
    });
    cancelButton.addEventListener("click", () => {
      toggle(report, reportButton, false);
      reportButton.focus();
    });
    report.addEventListener("submit", async (event) => {
      event.preventDefault();
      if (!comment.value.trim()) {
        result.textContent = t("bannerReportEmpty");
        comment.focus();
        return;
      }
      sendButton.disabled = true;
      result.textContent = t("bannerReportSending");
      const answer = await actions.report(comment.value).catch((err) => ({ ok: false, error: { code: String(err) } }));
      if (answer?.ok) {
        result.textContent = t("bannerReportSent");
        comment.value = "";
      } else {
        result.textContent = t("bannerReportFailed", [describeError(answer?.error)]);
        sendButton.disabled = false;
      }
    });
    trustButton.addEventListener("click", () => actions.trust());
    dismissButton.addEventListener("click", () => actions.dismiss());
    return bar;
  }

  // Push the page down by the banner's height so its own header stays visible.
  // The height comes from a ResizeObserver (after layout, before paint), so
  // inserting the banner never forces a synchronous layout of the page.
  let savedMargin = null;
  let resizeObserver = null;
  let bannerHeight = 0;
  function applyMargin() {
    const root = document.documentElement;
    const wanted = `${bannerHeight}px`;
    if (root && root.style.getPropertyValue("margin-top") !== wanted) root.style.setProperty("margin-top", wanted, "important");
  }
  function reserveSpace(host) {
    const root = document.documentElement;
    if (!root) return;
    if (savedMargin === null) {
      savedMargin = { value: root.style.getPropertyValue("margin-top"), priority: root.style.getPropertyPriority("margin-top") };
    }
    if (!resizeObserver) {
      resizeObserver = new ResizeObserver((entries) => {
        const box = entries[entries.length - 1].borderBoxSize?.[0];
        bannerHeight = Math.ceil(box ? box.blockSize : host.getBoundingClientRect().height);
        applyMargin();
      });
      resizeObserver.observe(host);
    }
    applyMargin(); // the page may have reset it
  }
  function releaseSpace() {
    resizeObserver?.disconnect();
    resizeObserver = null;
    const root = document.documentElement;
    if (root && savedMargin) root.style.setProperty("margin-top", savedMargin.value, savedMargin.priority);
    savedMargin = null;
  }

  /** Runs `callback` once <html> exists: at once if it does (as at document_start in most pages). */
  function onRoot(callback) {
    if (document.documentElement) {
      callback();
      return;
    }
    const watcher = new MutationObserver(() => {
      if (document.documentElement) {
        watcher.disconnect();
        callback();
      }
    });
    watcher.observe(document, { childList: true });
  }

  function show() {
    const { host, pending } = buildFrame();
    const reportTamper = tamperReporter(send);
    let domain = null; // set once the entry is known
    let attached = false;
    let closed = false; // dismissed, trusted, or no warning due
    let stopGuard = () => {};

    function attach() {
      onRoot(() => {
        if (attached || closed) return;
        attached = true;
        place(host);
        reserveSpace(host);
        stopGuard = guard(host, { domainOf: () => domain, onTamper: reportTamper, afterRepair: reserveSpace });
      });
    }
    function detach() {
      if (!attached) return;
      attached = false;
      stopGuard();
      host.remove();
      releaseSpace();
    }
    function close() {
      closed = true;
      detach();
    }

    attach();
    const unfilledTimer = setTimeout(detach, UNFILLED_MAX_MS);
    sendWithRetry({ type: "getWarning" })
      .catch((err) => {
        console.error("Caveat banner:", err);
        return null;
      })
      .then((answer) => {
        clearTimeout(unfilledTimer);
        const entry = answer?.entry;
        if (!entry || closed) {
          close();
          return;
        }
        const verdict = answer.verdict ?? null;
        const bar = buildBar(entry, answer.reviewedText || entry.reviewed || "", verdict, {
          dismiss: close,
          trust: async () => {
            const result = await send({ type: "trustThisSite" });
            if (result?.ok) close();
          },
          report: (comment) => send({ type: "reportMistake", comment }),
        });
        pending.replaceWith(bar);
        // Test hooks (docs/design.md): the status the banner leads with and,
        // when a jurisdiction item leads, its country.
        host.setAttribute("data-caveat-status", verdict?.status ?? entry.status);
        if (verdict?.country) host.setAttribute("data-caveat-country", verdict.country);
        domain = entry.domain;
        host.setAttribute("data-caveat-domain", domain);
        // Setting the domain wakes the guard, whose repair puts the banner into
        // the top layer (and re-observes, should that move it into a dialog).
        attach(); // back, if it had to go while the answer was late
      });
  }

  show();
})();
