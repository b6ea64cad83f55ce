#!/bin/sh
# System tools the host simulation and the tests need: socat (pseudo-terminal pair
# that plays the Beidou terminal), iproute2 (`ip`) and util-linux (`unshare`, for
# the private network namespace). Installed with apt-get when missing and allowed.
missing=""
command -v socat >/dev/null 2>&1 || missing="$missing socat"
command -v ip >/dev/null 2>&1 || missing="$missing iproute2"
command -v unshare >/dev/null 2>&1 || missing="$missing util-linux"
command -v tcpdump >/dev/null 2>&1 || missing="$missing tcpdump" # libpcap cross-check of the pcap writer (receiver.test)
command -v gcc >/dev/null 2>&1 && command -v make >/dev/null 2>&1 && command -v valgrind >/dev/null 2>&1 || missing="$missing gcc make valgrind" # XS test host, native helpers (issue 16)
# RV32 instruction counts (issue 24: scripts/build-xs-rv32.sh, bench/coremark-rv32): the
# RISC-V cross compiler, picolibc for it, and qemu-system-riscv32.
command -v riscv64-unknown-elf-gcc >/dev/null 2>&1 || missing="$missing gcc-riscv64-unknown-elf"
[ -f /usr/lib/picolibc/riscv64-unknown-elf/picolibc.specs ] || missing="$missing picolibc-riscv64-unknown-elf"
command -v qemu-system-riscv32 >/dev/null 2>&1 || missing="$missing qemu-system-misc"
# Moddable's Linux build of the firmware (npm run firmware): pkg-config and glib/gio.
command -v pkg-config >/dev/null 2>&1 || missing="$missing pkg-config"
pkg-config --exists gio-2.0 2>/dev/null || missing="$missing libglib2.0-dev"
# Optional: headless Chromium for the web page's browser test (pending without it).
if ! command -v chromium >/dev/null 2>&1 && [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "bd450: installing chromium (apt-get)" >&2
  (export DEBIAN_FRONTEND=noninteractive; apt-get update -qq >/dev/null && apt-get install -y -qq chromium >/dev/null) || echo "bd450: chromium not installed: the web page's browser test will be pending" >&2
fi
[ -z "$missing" ] && exit 0
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "bd450: installing$missing (apt-get)" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null && apt-get install -y -qq $missing >/dev/null || { echo "bd450: apt-get install$missing failed" >&2; exit 1; }
  exit 0
fi
echo "bd450: missing system packages:$missing — install them (e.g. sudo apt-get install$missing) and retry" >&2
exit 1
