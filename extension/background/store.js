// Everything the extension keeps, in storage.local. Keys:
//   list      the last good list document {format, version, generated, entries}
//   listOrigin "bundle" or the server URL the list came from
//   etag      the ETag of the last full list fetched from that server
//   lastSync  {at, ok, version, error?: {code, detail}} of the last sync attempt
//   trusted   site keys the person chose not to be warned on (array)
//   paused    true while the person paused all warnings
//   serverUrl the list server chosen in options (absent: the build's default)
import { api } from "../lib/browser-api.js";

export async function read(...keys) {
  return api.storage.local.get(keys);
}

export async function write(values) {
  await api.storage.local.set(values);
}

export async function remove(...keys) {
  await api.storage.local.remove(keys);
}

/** The bundled files build.py adds: data/list.json and data/config.json. */
export async function readBundled(path) {
  const res = await fetch(api.runtime.getURL(path));
  if (!res.ok) throw new Error(`${path}: HTTP ${res.status}`);
  return res.json();
}

/** data/config.json: {serverUrl, publicKeys} (buildext/plan.py writes it; a local file, cheap to read). */
function readBuildConfig() {
  return readBundled("data/config.json");
}

/** The server chosen in options, else the one the extension was built for. */
export async function serverUrl() {
  const { serverUrl: chosen } = await read("serverUrl");
  if (chosen) return chosen;
  const config = await readBuildConfig();
  return String(config.serverUrl ?? "").replace(/\/+$/, "");
}

/** The list signing keys the build trusts (--public-key); [] in a development build. */
export async function trustedKeys() {
  const config = await readBuildConfig();
  return Array.isArray(config.publicKeys) ? config.publicKeys : [];
}

export async function trustedSites() {
  const { trusted } = await read("trusted");
  return Array.isArray(trusted) ? trusted : [];
}
