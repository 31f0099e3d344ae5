#!/usr/bin/env bash
# Installs what the end-to-end browser test (tests/test_browser.py) needs: Debian's
# headless Chromium and its driver. Safe to run again: it does nothing when both are there.
# The Playwright Python package comes from the [test] extra; it drives this Chromium
# (executable_path=/usr/bin/chromium) and never downloads a browser of its own.
set -euo pipefail

if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]; then
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then
    SUDO="sudo"
  else
    echo "browser.sh: need root (or sudo) to install chromium; the browser test will be skipped" >&2
    exit 0
  fi
fi

export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends chromium chromium-driver fonts-dejavu-core >/dev/null
/usr/bin/chromium --version
