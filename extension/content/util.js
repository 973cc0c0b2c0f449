// The helpers the banner, the popup, the options page and the background
// share, defined once. A classic script, because content scripts cannot
// import modules: the background registers (and injects) it before banner.js,
// and modules load it with `import "../content/util.js"`. It defines nothing
// but one frozen namespace object, `globalThis[Symbol.for("caveat.util")]`,
// which the page's own scripts never see (content scripts run in an isolated
// world). A symbol, not a name: an element with id="caveatUtil" would show up
// as a global of that name, in the isolated world as well.
(() => {
  "use strict";
  const KEY = Symbol.for("caveat.util");
  if (globalThis[KEY]) return; // injected again into the same document

  // The WebExtension namespace: Firefox's promise-based `browser`, else
  // Chrome's `chrome` (whose MV3 APIs also return promises). Chrome defines no
  // `browser`, and there an element with id="browser" (or a frame named so)
  // shows up as a global of that name, in the isolated world too: injected
  // into a loaded page (background/fallback.js), the banner would take the
  // page's element for the API. So `browser` counts only when it is the real
  // namespace; `chrome` always is (a page's names never shadow a property the
  // browser itself defines).
  function realNamespace(candidate) {
    try {
      return typeof candidate?.runtime?.getURL === "function" ? candidate : undefined;
    } catch {
      return undefined; // a cross-origin frame named "browser": reading it throws
    }
  }
  const api = realNamespace(globalThis.browser) ?? globalThis.chrome;

  /** A localized message, or its key when the message is missing. */
  const t = (key, subs) => api.i18n.getMessage(key, subs) || key;

  function send(message) {
    return api.runtime.sendMessage(message);
  }

  /** A new element: `text` sets textContent (never HTML), `class` the class, anything else an attribute. */
  function el(tag, props = {}, children = []) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(props)) {
      if (key === "text") node.textContent = value;
      else if (key === "class") node.className = value;
      else node.setAttribute(key, value);
    }
    for (const child of children) if (child) node.append(child);
    return node;
  }

  // The longest report comment the forms accept: the contract's
  // limits.report_comment (server/contract.json). A classic script cannot
  // import lib/contract.js, so tests/js/util.test.js holds the two equal.
  const REPORT_COMMENT_MAX = 1000;

  const ERROR_CODES = new Set([
    "network", "timeout", "too_large", "not_json", "invalid_list", "no_server",
    "http", "invalid_url", "empty", "storage_full", "signature_invalid",
  ]);

  /**
   * A sync or report error {code, detail} in the person's language; codes
   * this version does not know read as "unexpected error (<code>)".
   */
  function describeError(error) {
    const code = ERROR_CODES.has(error?.code) ? error.code : "unexpected";
    return t(`error_${code}`, [String(error?.detail ?? error?.code ?? "")]);
  }

  globalThis[KEY] = Object.freeze({ api, t, send, el, describeError, REPORT_COMMENT_MAX });
})();
