// The toolbar popup: this tab's site (listed or not), the list's version and
// age, the last sync error, and a way to grant host access when it is missing.
import { isHttpUrl } from "./lib/hosts.js";
import { api, describeAge, describeError, el, formatDate, localizePage, REPORT_COMMENT_MAX, send, t } from "./ui/common.js";

const hostPatterns = api.runtime.getManifest().host_permissions ?? [];

async function activeTabUrl() {
  // The tab of the window the person last used (where they clicked the button).
  const [tab] = await api.tabs.query({ active: true, lastFocusedWindow: true });
  return tab?.url ?? "";
}

function renderSite(section, state) {
  section.replaceChildren();
  if (!state.host) {
    section.append(el("p", { class: "muted", text: t("popupNoSite") }));
    return;
  }
  if (!state.entry) {
    section.append(el("p", { text: t("popupNotListed", [state.host]) }));
    return;
  }
  const entry = state.entry;
  // What the banner leads with (background/country.js): the shopper's country's item, else the entry.
  const lead = state.verdict?.headline ? state.verdict : null;
  const headline = el("p", {
    class: "status",
    "data-status": state.verdict?.status ?? entry.status,
    text: lead ? t("bannerHeadlineLead", [entry.name, lead.headline]) : t(`bannerHeadline_${entry.status}`, [entry.name]),
  });
  if (lead) headline.setAttribute("data-country", lead.country);
  section.append(headline);
  if (lead?.note) section.append(el("p", { class: "lead-note", text: lead.note }));
  section.append(
    el("p", { text: entry.summary }),
    el("p", {
      class: "muted",
      text: entry.reviewed
        ? `${t(`status_${entry.status}`)} · ${t("bannerReviewed", [formatDate(entry.reviewed)])}`
        : t(`status_${entry.status}`),
    }),
  );
  // The sources, also for people who withheld host access and see no banner.
  const sources = (entry.sources ?? []).filter((source) => isHttpUrl(source?.url));
  if (sources.length) {
    section.append(
      el("p", { class: "sources-title", text: t("bannerSources") }),
      el(
        "ul",
        { class: "sources" },
        sources.map((source) =>
          el("li", {}, [el("a", { href: source.url, target: "_blank", rel: "noopener noreferrer", text: source.title })]),
        ),
      ),
    );
  }
  if (state.paused) section.append(el("p", { class: "muted", text: t("popupPaused") }));
  if (state.trusted) {
    const undo = el("button", { type: "button", text: t("popupUntrust") });
    undo.addEventListener("click", async () => {
      renderSite(section, await send({ type: "setTrusted", site: state.site, trusted: false, url: state.url }));
    });
    section.append(el("p", { class: "muted", text: t("popupTrusted", [state.site]) }), undo);
  }
}

function renderList(state) {
  const version = document.getElementById("list-version");
  version.textContent = state.list
    ? t("popupListVersion", [String(state.list.version), describeAge(state.list.generated)])
    : t("popupNoList");
  const error = document.getElementById("sync-error");
  const failed = state.lastSync && !state.lastSync.ok;
  error.hidden = !failed;
  error.textContent = failed ? t("popupLastSyncError", [describeError(state.lastSync.error), describeAge(state.lastSync.at)]) : "";
}

/** "Suggest this store": only for web pages that are not listed. */
function renderSuggest(state) {
  const section = document.getElementById("suggest");
  section.hidden = !state.host || Boolean(state.entry);
  if (section.hidden) return;
  document.getElementById("suggest-prompt").textContent = t("popupSuggestPrompt", [state.host]);
  const open = document.getElementById("suggest-open");
  const form = document.getElementById("suggest-form");
  const comment = document.getElementById("suggest-comment");
  const sendButton = document.getElementById("suggest-send");
  const result = document.getElementById("suggest-result");
  open.addEventListener("click", () => {
    form.hidden = !form.hidden;
    open.setAttribute("aria-expanded", String(!form.hidden));
    if (!form.hidden) comment.focus();
  });
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (!comment.value.trim()) {
      result.className = "error";
      result.textContent = t("bannerReportEmpty");
      comment.focus();
      return;
    }
    sendButton.disabled = true;
    const answer = await send({ type: "suggestSite", url: state.url, comment: comment.value });
    if (answer?.ok) {
      result.className = "ok";
      result.textContent = t("popupSuggestSent");
      comment.value = "";
    } else {
      result.className = "error";
      result.textContent = t("popupSuggestFailed", [describeError(answer?.error)]);
      sendButton.disabled = false;
    }
  });
}

async function renderAccess() {
  const granted = await api.permissions.contains({ origins: hostPatterns });
  document.getElementById("access").hidden = granted;
}

/** The store in this tab tried to hide the banner (background/escalation.js): one line. */
async function renderTampering() {
  const [tab] = await api.tabs.query({ active: true, lastFocusedWindow: true });
  let url = tab?.url ?? "";
  if (url.startsWith(api.runtime.getURL("warning.html"))) url = new URL(url).searchParams.get("url") ?? "";
  const answer = tab ? await send({ type: "tampering", tabId: tab.id, url }) : null;
  const line = document.getElementById("tampered");
  line.hidden = !answer?.tampered;
  line.textContent = answer?.tampered ? t("popupTampered", [String(answer.tampered)]) : "";
}

async function main() {
  localizePage();
  document.getElementById("suggest-comment").setAttribute("maxlength", String(REPORT_COMMENT_MAX));
  document.getElementById("grant").addEventListener("click", async () => {
    // permissions.request must run straight from the click (a user gesture).
    await api.permissions.request({ origins: hostPatterns }).catch(() => false);
    await renderAccess();
  });
  document.getElementById("open-options").addEventListener("click", (event) => {
    event.preventDefault();
    api.runtime.openOptionsPage();
    window.close();
  });
  const url = await activeTabUrl();
  const state = { ...(await send({ type: "describe", url })), url };
  renderSite(document.getElementById("site"), state);
  renderSuggest(state);
  renderList(state);
  await renderTampering();
  await renderAccess();
}

main();
