#!/bin/sh
# Peers the benchmark (`npm run bench`) runs against, beyond what the tests need
# (scripts/ensure-system-deps.sh): gpsd 3.22 and its clients (gpspipe), Debian packages
# `gpsd` and `gpsd-clients`. Installed with apt-get when missing and allowed; otherwise
# the bench runs without the daemon comparison and says so in bench/results.md.
# The gpsd package's own service stays off: the bench starts gpsd itself, in a private
# network namespace.
missing=""
command -v gpsd >/dev/null 2>&1 || missing="$missing gpsd"
command -v gpspipe >/dev/null 2>&1 || missing="$missing gpsd-clients"
[ -z "$missing" ] && exit 0
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "bd450 bench: installing$missing (apt-get)" >&2
  export DEBIAN_FRONTEND=noninteractive
  # Waits for a dpkg lock another apt holds instead of failing (as ensure-system-deps.sh).
  lock="DPkg::Lock::Timeout=${BD450_APT_LOCK_TIMEOUT:-600}"
  apt-get -o "$lock" update -qq >/dev/null &&
    apt-get -o "$lock" install -y -qq --no-install-recommends $missing >/dev/null && exit 0
  echo "bd450 bench: apt-get install$missing failed; the gpsd comparison will be skipped" >&2
  exit 0
fi
echo "bd450 bench: missing$missing (sudo apt-get install$missing); the gpsd comparison will be skipped" >&2
exit 0
