#!/bin/sh
# System packages by use, so that each command asks only for what it runs:
#   demo      `npm start` (bd450 demo): socat (the simulated terminal's pseudo-terminal
#             pair), iproute2 (`ip`) and util-linux (`unshare`, the private network namespace)
#   moddable  demo + what Moddable's Linux build of the firmware needs
#             (`npm start -- --engine moddable`, npm run firmware): gcc, make, pkg-config, glib/gio
#   test      moddable + the tests' own tools (`npm test`): tcpdump (libpcap cross-check of
#             the pcap writer), valgrind (XS test host, native helpers); chromium is optional
#             (the web page's browser test is pending without it)
# Usage: sh scripts/ensure-system-deps.sh [demo|moddable|test]   (default: test)
# Missing packages are installed with apt-get when running as root, waiting for a dpkg
# lock another apt holds (BD450_APT_LOCK_TIMEOUT seconds, default 600) instead of failing;
# otherwise the script names them and exits 1.
set_name=${1:-test}
case "$set_name" in demo | moddable | test) ;; *)
  echo "bd450: unknown package set \"$set_name\" (demo, moddable or test)" >&2
  exit 2
  ;;
esac
missing=""
need() { command -v "$1" >/dev/null 2>&1 || missing="$missing $2"; }
need socat socat
need ip iproute2
need unshare util-linux
if [ "$set_name" != demo ]; then
  need gcc gcc
  need make make
  need pkg-config pkg-config
  pkg-config --exists gio-2.0 2>/dev/null || missing="$missing libglib2.0-dev"
fi
if [ "$set_name" = test ]; then
  need tcpdump tcpdump
  need valgrind valgrind
  # RV32 instruction counts (issue 24: scripts/build-xs-rv32.sh, bench/coremark-rv32): the
  # RISC-V cross compiler, picolibc for it, and qemu-system-riscv32.
  need riscv64-unknown-elf-gcc gcc-riscv64-unknown-elf
  [ -f /usr/lib/picolibc/riscv64-unknown-elf/picolibc.specs ] || missing="$missing picolibc-riscv64-unknown-elf"
  need qemu-system-riscv32 qemu-system-misc
fi

is_root() { [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; }
apt() {
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout="${BD450_APT_LOCK_TIMEOUT:-600}" "$@"
}

# Optional for the tests only: headless Chromium for the web page's browser test.
if [ "$set_name" = test ] && ! command -v chromium >/dev/null 2>&1 && is_root; then
  echo "bd450: installing chromium (apt-get)" >&2
  (apt update -qq >/dev/null && apt install -y -qq chromium >/dev/null) ||
    echo "bd450: chromium not installed: the web page's browser test will be pending" >&2
fi
[ -z "$missing" ] && exit 0
if is_root; then
  echo "bd450: installing$missing (apt-get)" >&2
  # shellcheck disable=SC2086 # one word per package
  apt update -qq >/dev/null && apt install -y -qq $missing >/dev/null && exit 0
  echo "bd450: apt-get install$missing failed" >&2
  exit 1
fi
echo "bd450: missing system packages:$missing — install them (e.g. sudo apt-get install$missing) and retry" >&2
exit 1
