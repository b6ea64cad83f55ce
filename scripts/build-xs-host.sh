#!/bin/sh
# Build the bd450 XS test host: the Moddable SDK's xst from its xs/ sources with
# metering on (-DmxMetering=1), linked with the project's native helpers
# (src/native/bytes.c, fixes.c) and hosttest/xs/native/bd450-xst.c in place of xstFuzz.c.
# Usage: scripts/build-xs-host.sh [cache dir]   (default .cache/xs-host)
# Prints the path of the binary. The SDK: $MODDABLE, else ../shared/moddable-sdk.
set -e
ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT=${1:-$ROOT/.cache/xs-host}
SDK=${MODDABLE:-$ROOT/../shared/moddable-sdk}
[ -f "$SDK/xs/makefiles/lin/xst.mk" ] || { echo "no Moddable SDK at $SDK (set MODDABLE)" >&2; exit 2; }
SDK=$(cd "$SDK" && pwd)
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
# 1. The engine and xst, release (-O3), metering on; objects stay in $OUT/tmp.
( cd "$SDK/xs/makefiles/lin" && make -j2 -f xst.mk GOAL=release XS_DIR="$SDK/xs" MODDABLE="$SDK" BUILD_DIR="$OUT" CC="gcc -DmxMetering=1" ) >"$OUT/build.log" 2>&1 ||
  { tail -20 "$OUT/build.log" >&2; exit 1; }
TMP="$OUT/tmp/lin/release/xst"
FLAGS="-DmxMetering=1 -fno-common -DINCLUDE_XSPLATFORM -DXSPLATFORM=\"xst.h\" -DmxDebug=1 -DmxNoConsole=1 -DmxProfile=1 -DmxStringInfoCacheLength=4 -DmxMultipleThreads=1 -O3 -Wall -Wno-unused-parameter
  -I$SDK/xs/includes -I$SDK/xs/platforms -I$SDK/xs/sources -I$SDK/xs/tools -I$SDK/xs/tools/fdlibm"
# 2. The host glue and the native helpers.
mkdir -p "$OUT/bd450"
OBJS=""
# serial-ring.c is ESP32-only (ESP-IDF UART driver): not part of the host build.
for c in "$ROOT"/hosttest/xs/native/bd450-xst.c "$ROOT"/src/native/bytes.c "$ROOT"/src/native/fixes.c; do
  o="$OUT/bd450/$(basename "$c" .c).o"
  gcc $FLAGS -c "$c" -o "$o"
  OBJS="$OBJS $o"
done
# 3. Link: every xst object except xstFuzz.o (bd450-xst.c replaces it).
gcc -rdynamic $(ls "$TMP"/*.o | grep -v '/xstFuzz\.o$') $OBJS -ldl -lm -lpthread -latomic -o "$OUT/bd450-xsh"
echo "$OUT/bd450-xsh"
