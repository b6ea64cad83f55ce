#!/bin/sh
# Build the bd450 RV32 test host: the Moddable SDK's XS engine (xs/sources) for
# bare-metal rv32imc (the ESP32-C3's ISA) with Debian's riscv64-unknown-elf-gcc and
# picolibc (semihosting), compiled as the SDK compiles XS for an ESP32
# (tools/mcconfig/make.esp32.mk: -Os -fno-inline-functions -fno-jump-tables ...;
# release: no debugger, no metering), linked with the native helpers
# (src/native/bytes.c) and hosttest/xs/native/rv32/bd450-rv32.c. Runs under
# qemu-system-riscv32 -M virt -bios none (RAM at 0x80000000; -m 256M).
# Usage: scripts/build-xs-rv32.sh [cache dir]   (default .cache/xs-rv32)
# Prints the path of the ELF. The SDK: $MODDABLE, else ../shared/moddable-sdk.
set -e
ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT=${1:-$ROOT/.cache/xs-rv32}
SDK=${MODDABLE:-$ROOT/../shared/moddable-sdk}
[ -f "$SDK/xs/sources/xsAll.h" ] || { echo "no Moddable SDK at $SDK (set MODDABLE)" >&2; exit 2; }
SDK=$(cd "$SDK" && pwd)
CC=riscv64-unknown-elf-gcc
command -v $CC >/dev/null || { echo "no $CC (apt-get install gcc-riscv64-unknown-elf picolibc-riscv64-unknown-elf)" >&2; exit 2; }
mkdir -p "$OUT/obj"
OUT=$(cd "$OUT" && pwd)
# -misa-spec=2.2: csrr (the instruction counter) without naming zicsr, so that the
# multilib stays rv32im/ilp32 (picolibc has no rv32imc directory; C only shrinks code).
ARCH="-march=rv32imc -mabi=ilp32 -misa-spec=2.2 --specs=picolibc.specs"
FLAGS="$ARCH -Os -g0 -fno-inline-functions -fno-jump-tables -falign-functions=4 -ffunction-sections -fdata-sections
  -fno-common -DINCLUDE_XSPLATFORM -DXSPLATFORM=\\\"xs-rv32.h\\\" -DmxStringInfoCacheLength=4
  -Wno-implicit-fallthrough -Wno-misleading-indentation
  -I$ROOT/hosttest/xs/native/rv32 -I$ROOT/hosttest/xs/native -I$SDK/xs/includes -I$SDK/xs/platforms -I$SDK/xs/sources"
SRCS=""
for f in xsAll xsAPI xsArguments xsArray xsAtomics xsBigInt xsBoolean xsCode xsCommon xsDataView xsDate \
  xsDebug xsDefaults xsError xsFunction xsGenerator xsGlobal xsJSON xsLexical xsLockdown xsMapSet xsMarshall \
  xsMath xsMemory xsModule xsNumber xsObject xsPlatforms xsProfile xsPromise xsProperty xsProxy xsRegExp xsRun \
  xsScope xsScript xsSourceMap xsString xsSymbol xsSyntaxical xsTree xsType xsdtoa xsre xsmc; do
  SRCS="$SRCS $SDK/xs/sources/$f.c"
done
SRCS="$SRCS $ROOT/src/native/bytes.c $ROOT/src/native/fixes.c $ROOT/hosttest/xs/native/rv32/bd450-rv32.c"
# Two at a time (the machine is shared); objects are kept, make rebuilds what changed.
{
  echo "FLAGS = $(echo $FLAGS)"
  echo "all:"
  for c in $SRCS; do
    o="$OUT/obj/$(basename "$c" .c).o"
    # The headers every object may include: a native added to bd450-natives.h rebuilds the host's table.
    printf '%s: %s %s %s %s\n\t@%s $(FLAGS) -c $< -o $@\nall: %s\n' "$o" "$c" "$ROOT/hosttest/xs/native/rv32/xs-rv32.h" \
      "$ROOT/hosttest/xs/native/bd450-natives.h" "$ROOT/hosttest/xs/native/xsh-write-file.h $ROOT/src/native/bd450-parse.h" "$CC" "$o"
  done
} >"$OUT/objects.mk"
make -s -j2 -f "$OUT/objects.mk" all >"$OUT/build.log" 2>&1 || { tail -30 "$OUT/build.log" >&2; exit 1; }
# memcpy, memset, memmove as the board has them: word copies. Debian's default picolibc is
# built for size, and its memcpy copies a byte at a time (~100 instructions for the 16-byte
# slot copies XS makes at every call and return); ESP-IDF v6.0 links speed-built ones (on an
# ESP32-C3 SiFive's newlib memcpy, esp_libc/src/port/riscv; on an ESP32 newlib's in ROM),
# which picolibc's release build also has. Taken from that build's libc.a, linked first.
RELEASE=/usr/lib/picolibc/riscv64-unknown-elf/lib/release/$($CC $ARCH -print-multi-directory)/libc.a
[ -f "$RELEASE" ] || { echo "no picolibc release build ($RELEASE): picolibc-riscv64-unknown-elf" >&2; exit 2; }
(cd "$OUT/obj" && ar x "$RELEASE" memcpy.c.o memset.S.o memmove-stub.c.o &&
  mv memcpy.c.o libc-memcpy.o && mv memset.S.o libc-memset.o && mv memmove-stub.c.o libc-memmove.o)
$CC $ARCH --oslib=semihost --crt0=semihost -Wl,--gc-sections \
  -Wl,--defsym=__flash=0x80000000 -Wl,--defsym=__flash_size=0x1000000 \
  -Wl,--defsym=__ram=0x81000000 -Wl,--defsym=__ram_size=0xF000000 -Wl,--defsym=__stack_size=0x40000 \
  "$OUT"/obj/*.o -lm -o "$OUT/bd450-rv32.elf" 2>>"$OUT/build.log" || { tail -30 "$OUT/build.log" >&2; exit 1; }
echo "$OUT/bd450-rv32.elf"
