#!/usr/bin/env bash
# Runs `cargo bench --bench compare`. With --keyring, runs it inside a
# private D-Bus session with a throwaway, unlocked GNOME Keyring, so the
# Secret Service row is measured too (as .ci/keyring-tests does for the
# tests): the user's own keyrings are never touched. Needs the dbus and
# gnome-keyring packages for --keyring, curl and jq always.
#   benches/run.sh [--keyring]      (BENCH_RUNS=N for more or fewer runs)
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "${1:-}" != --keyring ]; then
  exec cargo bench --bench compare
fi
for tool in dbus-run-session gnome-keyring-daemon; do
  command -v "$tool" >/dev/null || { echo "run.sh: $tool is missing (packages: dbus gnome-keyring)" >&2; exit 1; }
done

# Build first, so the session below only measures.
cargo bench --bench compare --no-run
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
chmod 700 "$work"
export BENCH_WORK="$work"
# `--unlock` creates the login keyring with a password read on stdin;
# `--start` then registers the secrets component on the session bus.
# shellcheck disable=SC2016 # expanded by the inner shell
dbus-run-session -- bash -c '
  set -euo pipefail
  export XDG_DATA_HOME="$BENCH_WORK/data" XDG_RUNTIME_DIR="$BENCH_WORK/run"
  mkdir -p -m 700 "$XDG_DATA_HOME" "$XDG_RUNTIME_DIR"
  printf %s "throwaway-$RANDOM$RANDOM" | gnome-keyring-daemon --unlock --components=secrets >/dev/null
  for var in $(gnome-keyring-daemon --start --components=secrets); do
    export "${var?}"
  done
  cargo bench --bench compare
' 2> >(grep -v -e "Failed to set fd limit" -e discover_other_daemon >&2)
