#!/usr/bin/env bash
# Installs every Debian 12 package that building, testing and the sample data
# need. Idempotent and quick when all is installed (no apt-get update then),
# non-interactive so CI (root, no stdin) can run it on a fresh machine.
set -euo pipefail

me="setup.sh"

# The one list to extend. All names checked against bookworm's apt-cache.
# Build-time packages are checked by CI: after the build, .ci/run runs
# ../shared/tools/check-packages, which finds every header, CMake package and
# shared library the build used and fails when its Debian package is not in
# this list, a dependency of it, or the base system. Run-time-only packages
# (plugins, fonts, data, programs the tests start) it cannot see: they are
# listed by hand below, grouped by what needs them.
PACKAGES=(
    # --- build: toolchain ---
    build-essential cmake ninja-build ccache pkg-config git
    # --- build: the fuzzers (scripts/fuzz.sh): clang 16 with its libFuzzer and sanitizer runtimes (clang 14
    # cannot compile libstdc++ 12's std::expected: it lacks conditionally trivial destructors) ---
    clang-16 libclang-rt-16-dev llvm-16
    # --- build: libraries ---
    # qt6-charts-dev's CMake package requires Qt6OpenGL, whose CMake files only
    # libqt6opengl6-dev ships; Qt6Gui's CMake package looks for OpenGL (libgl-dev).
    qt6-base-dev qt6-base-dev-tools qt6-charts-dev libqt6opengl6-dev libgl-dev
    libopencv-dev libopencv-contrib-dev libsqlite3-dev libtorch-dev libeigen3-dev
    # libpq: the team server's client library (issue 17)
    libpq-dev
    # --- run time: the GUI and the GUI tests ---
    # Qt's platform plugins (xcb for a window, offscreen for ctest's GUI tests):
    # libqt6gui6 only recommends them, and --no-install-recommends skips those.
    qt6-qpa-plugins
    # WebP and TIFF images in the gallery and canvas (Qt decodes JPEG/PNG/BMP itself).
    qt6-image-formats-plugins
    # fonts: CJK texts and emoji in the GUI and its screenshots (fontconfig,
    # through qt6-qpa-plugins, brings a Latin font).
    fonts-wqy-microhei fonts-noto-color-emoji
    # --- run time: sample data of the demo (run.sh) and of the tests ---
    # OpenCV's digits.png; labelme's annotated example photos.
    opencv-doc labelme-examples
    # --- run time: scripts and tests ---
    # Xvfb for screenshots and the GUI without a display (xvfb-run needs xauth),
    # ImageMagick's import to take screenshots, procps (pgrep/ps) for run tests,
    # sqlite3 to look inside a project by hand.
    xvfb xauth imagemagick procps sqlite3
    # PostgreSQL 15 started by the team server's tests on loopback (initdb, pg_ctl; issue 17); util-linux's
    # runuser runs it as "nobody" when the tests run as root.
    postgresql-15 util-linux
    # openssl: the test server's throwaway TLS certificate (sslmode=require is tested against it).
    openssl
    # The desktop keyring's test (team-server passwords, issue 17): a private D-Bus session with GNOME Keyring's
    # Secret Service in it, unlocked for the test (the app itself only talks D-Bus: Qt's QtDBus).
    dbus gnome-keyring
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
