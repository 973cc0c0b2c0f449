// The WebExtension namespace: Firefox's promise-based `browser`, else Chrome's
// `chrome` (whose MV3 APIs also return promises).
export const api = globalThis.browser ?? globalThis.chrome;
