#!/usr/bin/env bash
# Installs every Debian 12 package that building, testing and the sample data
# need. Idempotent and quick when all is installed (no apt-get update then),
# non-interactive so CI (root, no stdin) can run it on a fresh machine.
set -euo pipefail

me="setup.sh"

# The one list to extend. All names checked against bookworm's apt-cache.
PACKAGES=(
    # toolchain
    build-essential cmake ninja-build ccache pkg-config git
    # Qt 6 (widgets, charts, SQLite driver, extra image formats)
    qt6-base-dev qt6-base-dev-tools qt6-charts-dev libqt6sql6-sqlite qt6-image-formats-plugins libgl-dev
    # other libraries
    libopencv-dev libsqlite3-dev libtorch-dev libeigen3-dev sqlite3
    # sample data: OpenCV's digits.png and labelme's annotated examples
    opencv-doc labelme-examples
    # headless GUI tests and screenshots
    xvfb xauth imagemagick procps
    # fonts for CJK and emoji in the GUI and its screenshots
    fonts-wqy-microhei fonts-noto-color-emoji
)

missing=()
for pkg in "${PACKAGES[@]}"; do
    status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
    [[ $status == *" ok installed" ]] || missing+=("$pkg")
done

if ((${#missing[@]} == 0)); then
    echo "$me: all ${#PACKAGES[@]} packages already installed"
    exit 0
fi

# Not root (a developer's own machine): go through sudo; -n so it never waits on a prompt.
sudo=()
if ((EUID != 0)); then
    command -v sudo >/dev/null || { echo "$me: need root (or sudo) to install: ${missing[*]}" >&2; exit 1; }
    sudo=(sudo -n)
fi

echo "$me: installing ${#missing[@]} package(s): ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
# The package lists may be missing or stale on a fresh machine: refresh once.
"${sudo[@]}" apt-get update -q </dev/null
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y -q --no-install-recommends "${missing[@]}" </dev/null
echo "$me: done"
