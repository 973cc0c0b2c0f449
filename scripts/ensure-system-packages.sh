#!/usr/bin/env bash
# Installs the Debian packages the tests need, when missing:
# - chromium and firefox-esr: the end-to-end tests drive these binaries
#   (Playwright's browser download is not reachable from these machines);
# - firefox-esr-l10n-de: the localized-banner test runs Firefox in German;
# - chromium-l10n: Chromium's language packs, so a Chromium started with
#   LANGUAGE=de_DE:de really runs in German (navigator.languages de-DE, the
#   extension's messages in German): the jurisdiction tests need it;
# - nginx and wrk: the benchmarks' smoke test (nginx is the static-file
#   ceiling, wrk the load generator);
# - postgresql: the storage, API and reliability suites also run on a
#   throwaway PostgreSQL cluster the tests start (tests/postgres.py);
#   sqlite3: the SQLite backup command of docs/self-hosting.md, tested.
set -euo pipefail

need=()
[ -x /usr/lib/chromium/chromium ] || need+=(chromium)
[ -x /usr/bin/firefox-esr ] || need+=(firefox-esr)
dpkg-query -W -f='${Status}' firefox-esr-l10n-de 2>/dev/null | grep -q "ok installed" || need+=(firefox-esr-l10n-de)
dpkg-query -W -f='${Status}' chromium-l10n 2>/dev/null | grep -q "ok installed" || need+=(chromium-l10n)
[ -x /usr/sbin/nginx ] || need+=(nginx)
command -v wrk >/dev/null || need+=(wrk)
pg_present() { compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null; }
pg_present || need+=(postgresql)
command -v sqlite3 >/dev/null || need+=(sqlite3)  # docs/self-hosting.md's backup command, tested
[ ${#need[@]} -eq 0 ] && { echo "system packages: chromium (+l10n), firefox-esr (+de), nginx, wrk, postgresql, sqlite3 present"; exit 0; }

echo "system packages: installing ${need[*]} with apt-get"
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "system packages: need root or sudo to install ${need[*]}" >&2; exit 1; }
  sudo="sudo"
fi
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${need[@]}" >/dev/null
[ -x /usr/lib/chromium/chromium ] && [ -x /usr/bin/firefox-esr ] && [ -x /usr/sbin/nginx ] && command -v wrk >/dev/null && pg_present || { echo "system packages: install failed" >&2; exit 1; }
echo "system packages: installed ${need[*]}"
