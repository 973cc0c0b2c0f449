#!/usr/bin/env bash
# Installs Debian's chromium and firefox-esr when either is missing, and
# Firefox's German language pack (the localized-banner test runs Firefox in
# German). The end-to-end tests drive these binaries; Playwright's browser
# download is not reachable from the machines this project is built on.
set -euo pipefail

need=()
[ -x /usr/lib/chromium/chromium ] || need+=(chromium)
[ -x /usr/bin/firefox-esr ] || need+=(firefox-esr)
dpkg-query -W -f='${Status}' firefox-esr-l10n-de 2>/dev/null | grep -q "ok installed" || need+=(firefox-esr-l10n-de)
[ ${#need[@]} -eq 0 ] && { echo "browsers: chromium, firefox-esr and its German language pack present"; exit 0; }

echo "browsers: installing ${need[*]} with apt-get"
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "browsers: need root or sudo to install ${need[*]}" >&2; exit 1; }
  sudo="sudo"
fi
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${need[@]}" >/dev/null
[ -x /usr/lib/chromium/chromium ] && [ -x /usr/bin/firefox-esr ] || { echo "browsers: install failed" >&2; exit 1; }
echo "browsers: installed ${need[*]}"
