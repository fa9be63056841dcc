#!/usr/bin/env bash
# Installs Debian's Chromium for the dashboard's browser tests (test/e2e/dashboard), unless it is
# already there. playwright-core drives /usr/bin/chromium; it never downloads a browser of its own.
# Needs root (CI runs as root); set SIBYL_CHROMIUM to point the tests at another binary instead.
set -euo pipefail

if [ -x /usr/bin/chromium ]; then
  echo "chromium already installed: $(/usr/bin/chromium --version 2>/dev/null || echo /usr/bin/chromium)"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
    echo "installChromium.sh: run as root (or install sudo) to apt-get install chromium" >&2
    exit 1
  fi
fi

export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null
echo "installed: $(/usr/bin/chromium --version)"
