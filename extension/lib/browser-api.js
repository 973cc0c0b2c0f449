// The WebExtension namespace for modules (background, popup, options). It is
// defined once, in content/util.js, which the banner loads as a classic
// script; importing that file here runs it, and this module hands it on.
import "../content/util.js";

export const { api } = globalThis[Symbol.for("caveat.util")];
