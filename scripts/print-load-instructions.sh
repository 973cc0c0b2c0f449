#!/usr/bin/env bash
# Tells the person running `make run` where the packages are and how to load them.
host=${1:-127.0.0.1}; port=${2:-8000}
root=$(pwd)
cat <<EOT

Caveat is built and the lookup server is starting on http://$host:$port
  list:   http://$host:$port/api/v1/list
  lookup: http://$host:$port/api/v1/lookup?domain=www.allofmp3.com
  health: http://$host:$port/healthz

Packages (synced from http://$host:$port):
$(ls -1 "$root"/dist/*.zip "$root"/dist/*.xpi 2>/dev/null | sed 's/^/  /')

Load it in Chrome or Chromium:
  1. open chrome://extensions and switch on "Developer mode"
  2. "Load unpacked" and choose $root/dist/chrome

Load it in Firefox:
  1. open about:debugging#/runtime/this-firefox
  2. "Load Temporary Add-on..." and choose $root/dist/firefox/manifest.json
     (or $(ls "$root"/dist/*.xpi 2>/dev/null | head -1))

Stop the server with Ctrl-C.
EOT
