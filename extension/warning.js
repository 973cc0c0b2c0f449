// The warning where a store's scripts cannot reach it: the background opens
// this page in the tab of a store that kept removing, hiding or covering the
// banner (background/escalation.js), with the store's address as `?url=`.
// It shows the same warning as the banner, says that the store tried to hide
// it, and offers "Go back" and "Continue to the store" (which holds for this
// tab: the store is not escalated again here). Text set with textContent
// only; links http(s) only (the background filters them).
import { el, formatDate, localizePage, send, t } from "./ui/common.js";

const storeUrl = new URLSearchParams(location.search).get("url") ?? "";
const main = document.getElementById("warning");

function fill(answer) {
  const entry = answer?.entry;
  const host = (() => {
    try {
      return new URL(storeUrl).hostname;
    } catch {
      return "";
    }
  })();
  document.getElementById("address").textContent = host;
  if (!entry) {
    document.getElementById("headline").textContent = t("warningNoEntry", [host]);
    return;
  }
  main.setAttribute("data-caveat-domain", entry.domain);
  main.setAttribute("data-caveat-status", entry.status);
  main.dataset.caveatTampered = String(answer.tampered ?? 0);
  document.getElementById("headline").textContent = t(`bannerHeadline_${entry.status}`, [entry.name]);
  document.getElementById("tampered").textContent = t("warningTampered", [entry.name]);
  document.getElementById("summary").textContent = entry.summary;
  const status = t(`status_${entry.status}`);
  document.getElementById("meta").textContent = entry.reviewed
    ? `${status} · ${t("bannerReviewed", [answer.reviewedText || formatDate(entry.reviewed)])}`
    : status;
  document.getElementById("details").textContent = entry.details ?? "";
  const places = Array.isArray(entry.jurisdictions) ? entry.jurisdictions : [];
  document.getElementById("jurisdictions").hidden = places.length === 0;
  document.getElementById("jurisdiction-list").replaceChildren(
    ...places.map((place) => el("li", { text: `${place.country}: ${place.note ?? place.status}` })),
  );
  const sources = entry.sources ?? [];
  document.getElementById("sources").hidden = sources.length === 0;
  document.getElementById("source-list").replaceChildren(
    ...sources.map((source) =>
      el("li", {}, [el("a", { href: source.url, target: "_blank", rel: "noopener noreferrer", text: source.title })]),
    ),
  );
}

localizePage();
document.getElementById("go-back").addEventListener("click", () => send({ type: "leaveStore" }));
document.getElementById("continue").addEventListener("click", () => send({ type: "continueToStore", url: storeUrl }));
send({ type: "warningPage", url: storeUrl }).then(fill, () => fill(null));
