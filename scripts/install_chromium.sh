#!/usr/bin/env bash
# Debian's headless Chromium for the browser tests (tests/browser), when it is not there yet.
set -euo pipefail
CHROMIUM="${PASSERELLE_CHROMIUM:-/usr/bin/chromium}"
if [ -x "$CHROMIUM" ]; then
  exit 0
fi
SUDO=""
if [ "$(id -u)" != "0" ]; then
  SUDO="sudo"
fi
echo "Installing Chromium (Debian package chromium) for the browser tests…"
$SUDO apt-get update -q
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends chromium
