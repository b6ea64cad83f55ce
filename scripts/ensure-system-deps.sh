#!/bin/sh
# System tools the host simulation and the tests need: socat (pseudo-terminal pair
# that plays the Beidou terminal), iproute2 (`ip`) and util-linux (`unshare`, for
# the private network namespace). Installed with apt-get when missing and allowed.
missing=""
command -v socat >/dev/null 2>&1 || missing="$missing socat"
command -v ip >/dev/null 2>&1 || missing="$missing iproute2"
command -v unshare >/dev/null 2>&1 || missing="$missing util-linux"
command -v tcpdump >/dev/null 2>&1 || missing="$missing tcpdump" # libpcap cross-check of the pcap writer (receiver.test)
# Moddable SDK host tools and the firmware's Linux build (npm run firmware): gcc, make, glib/gio.
for t in gcc make pkg-config; do command -v $t >/dev/null 2>&1 || missing="$missing $t"; done
pkg-config --exists gio-2.0 2>/dev/null || missing="$missing libglib2.0-dev"
[ -z "$missing" ] && exit 0
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "bd450: installing$missing (apt-get)" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null && apt-get install -y -qq $missing >/dev/null || { echo "bd450: apt-get install$missing failed" >&2; exit 1; }
  exit 0
fi
echo "bd450: missing system packages:$missing — install them (e.g. sudo apt-get install$missing) and retry" >&2
exit 1
