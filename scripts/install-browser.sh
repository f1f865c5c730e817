#!/usr/bin/env bash
# Installs what the browser and print tests need, from Debian's packages:
# chromium (driven by Playwright with executable_path) and poppler-utils (pdftoppm, pdfinfo).
# Nothing is downloaded from anywhere else.
set -euo pipefail
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v pdftoppm >/dev/null 2>&1 || need+=(poppler-utils)
fc-list 2>/dev/null | grep -qi dejavu || need+=(fonts-dejavu-core)
if [ ${#need[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO=sudo; else
    echo "The browser tests need these Debian packages: ${need[*]}" >&2
    echo "Install them as root: apt-get update && apt-get install -y ${need[*]}" >&2
    exit 1
  fi
else
  SUDO=""
fi
echo "Installing ${need[*]} from Debian's packages for the browser tests..."
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
command -v chromium >/dev/null
command -v pdftoppm >/dev/null
