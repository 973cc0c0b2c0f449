#!/usr/bin/env bash
# Installs Debian's chromium and firefox-esr when either is missing.
# The end-to-end tests drive these binaries; Playwright's browser download is
# not reachable from the machines this project is built on.
set -euo pipefail

need=()
[ -x /usr/lib/chromium/chromium ] || need+=(chromium)
[ -x /usr/bin/firefox-esr ] || need+=(firefox-esr)
[ ${#need[@]} -eq 0 ] && { echo "browsers: chromium and firefox-esr present"; exit 0; }

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
