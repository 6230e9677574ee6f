#!/usr/bin/env bash
# Installs the Debian packages the project needs, only those missing (quick when all are there).
# Usage: .ci/system-packages.sh [extra packages...]   (root, or sudo available)
set -euo pipefail

# chromium: the live-calls page's browser test drives Debian's own build with Playwright (no browser download).
want=(redis-server python3-venv espeak-ng sox libspeexdsp1 chromium "$@")
missing=()
for pkg in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "Need root to install: ${missing[*]}" >&2; exit 1; }
  SUDO=sudo
else
  SUDO=
fi
echo "Installing system packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
