#!/bin/sh
# Runs a test inside a private D-Bus session with GNOME Keyring's Secret Service, its keyrings in a temporary
# folder (never the user's own), unlocked with a throwaway password.
#   dbus-run-session -- sh tests/keyring-session.sh TEST [ARGS...]
set -eu
home=$(mktemp -d)
trap 'rm -rf "$home"' EXIT
export HOME="$home" XDG_DATA_HOME="$home/data" XDG_CONFIG_HOME="$home/config" XDG_RUNTIME_DIR="$home/run"
mkdir -p "$XDG_DATA_HOME" "$XDG_CONFIG_HOME" "$XDG_RUNTIME_DIR"
chmod 700 "$XDG_RUNTIME_DIR"
printf 'throwaway' | gnome-keyring-daemon --unlock --components=secrets >/dev/null
"$@"
