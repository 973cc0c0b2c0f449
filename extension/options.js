// Options: the list server, sync status and "sync now", the shopper's
// country, the sites the person chose not to be warned on, pause, and what
// Caveat sends to whom.
import { CONTRACT } from "./lib/contract.js";
import { countryOptions, NO_COUNTRY } from "./lib/country.js";
import { normalizeServerUrl } from "./lib/hosts.js";
import { signingRequired } from "./lib/signature.js";
import { describeAge, describeError, el, localizePage, send, t } from "./ui/common.js";

const $ = (id) => document.getElementById(id);

function renderStatus(state) {
  $("list-status").textContent = state.list
    ? t("optionsListStatus", [String(state.list.version), String(state.list.count), describeAge(state.list.generated)])
    : t("popupNoList");
  const last = state.lastSync;
  const lastSync = $("last-sync");
  lastSync.className = last && !last.ok ? "error" : "muted";
  lastSync.textContent = !last
    ? t("optionsNeverSynced")
    : last.ok
      ? t("optionsLastSyncOk", [describeAge(last.at)])
      : t("optionsLastSyncFailed", [describeAge(last.at), describeError(last.error)]);
  $("paused").checked = state.paused;
  renderCountry(state.country);
  renderTrusted(state.trustedSites ?? []);
}

function renderTrusted(sites) {
  const list = $("trusted-list");
  list.replaceChildren(
    ...sites.map((site) => {
      const button = el("button", { type: "button", "aria-label": t("optionsTrustedRemoveLabel", [site]), text: t("optionsTrustedRemove") });
      button.addEventListener("click", async () => renderStatus(await send({ type: "setTrusted", site, trusted: false })));
      return el("li", { "data-site": site }, [el("span", { class: "site", text: site }), button]);
    }),
  );
  $("trusted-empty").hidden = sites.length > 0;
}

/**
 * "Your country": every country by its name in the language of the messages,
 * and "Don't use my country" first. Shows the country in use (the language's
 * region until the person chooses). The choice stays in storage.local.
 */
function renderCountry(setting) {
  const select = $("country");
  if (!select.options.length) {
    const none = el("option", { value: NO_COUNTRY, text: t("optionsCountryNone") });
    const countries = countryOptions(CONTRACT.jurisdiction?.countries ?? [], t("uiLocale"));
    select.replaceChildren(none, ...countries.map(({ code, name }) => el("option", { value: code, text: name })));
  }
  select.value = setting?.country ?? NO_COUNTRY;
}

async function saveCountry(event) {
  const answer = await send({ type: "setCountry", country: event.target.value });
  const result = $("country-result");
  result.className = answer.ok ? "ok" : "error";
  result.textContent = answer.ok ? t("optionsCountrySaved") : describeError(answer.error);
  if (answer.ok) renderCountry(answer.country);
}

async function saveServer(event) {
  event.preventDefault();
  const result = $("server-result");
  const url = normalizeServerUrl($("server-url").value);
  if (!url) {
    result.className = "error";
    result.textContent = t("error_invalid_url");
    $("server-url").setAttribute("aria-invalid", "true");
    return;
  }
  $("server-url").removeAttribute("aria-invalid");
  const answer = await send({ type: "setServerUrl", serverUrl: url });
  result.className = answer.ok ? "ok" : "error";
  result.textContent = answer.ok ? t("optionsServerSaved") : describeError(answer.error);
  if (answer.ok) $("server-url").value = answer.serverUrl;
}

async function resetServer() {
  const answer = await send({ type: "setServerUrl", serverUrl: null });
  $("server-url").value = answer.serverUrl ?? "";
  $("server-result").className = "ok";
  $("server-result").textContent = t("optionsServerSaved");
}

async function syncNow() {
  const button = $("sync-now");
  const result = $("sync-result");
  button.disabled = true;
  result.className = "muted";
  result.textContent = t("optionsSyncing");
  try {
    const state = await send({ type: "syncNow" });
    renderStatus(state);
    const last = state.lastSync;
    result.className = last.ok ? "ok" : "error";
    result.textContent = last.ok ? t("optionsSyncOk", [String(last.version)]) : t("optionsSyncFailed", [describeError(last.error)]);
  } finally {
    button.disabled = false;
  }
}

/** A build without --public-key takes unsigned lists: say so (data/config.json, lib/signature.js). */
async function showUnsignedBuild() {
  const config = await (await fetch("data/config.json")).json();
  $("unsigned-build").hidden = signingRequired(config.publicKeys);
}

async function main() {
  localizePage();
  // Listeners first: a click before the state arrives must not submit the form natively.
  $("server-form").addEventListener("submit", saveServer);
  $("server-reset").addEventListener("click", resetServer);
  $("sync-now").addEventListener("click", syncNow);
  $("country").addEventListener("change", saveCountry);
  $("paused").addEventListener("change", async (event) => renderStatus(await send({ type: "setPaused", paused: event.target.checked })));
  const state = await send({ type: "describe" });
  if (!$("server-url").value) $("server-url").value = state.serverUrl ?? "";
  renderStatus(state);
  await showUnsignedBuild();
}

main();
