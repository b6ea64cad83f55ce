#!/bin/sh
# Build CoreMark (../shared/coremark, or $COREMARK) for bare-metal rv32imc with the
# XS RV32 host's compiler and flags (scripts/build-xs-rv32.sh), this directory's
# port (ticks = retired instructions). Usage: build.sh OUT_DIR ITERATIONS
set -e
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
OUT=$1
ITER=${2:-200}
CM=${COREMARK:-$ROOT/../shared/coremark}
[ -f "$CM/core_main.c" ] || { echo "no CoreMark sources at $CM (set COREMARK)" >&2; exit 2; }
mkdir -p "$OUT"
OPT=${COREMARK_OPT:-"-Os -fno-inline-functions -fno-jump-tables -falign-functions=4"}
# The XS host's memcpy, memset and memmove (scripts/build-xs-rv32.sh): picolibc's release build.
RELEASE=/usr/lib/picolibc/riscv64-unknown-elf/lib/release/$(riscv64-unknown-elf-gcc -march=rv32imc -mabi=ilp32 -misa-spec=2.2 --specs=picolibc.specs -print-multi-directory)/libc.a
[ -f "$RELEASE" ] || { echo "no picolibc release build ($RELEASE): picolibc-riscv64-unknown-elf" >&2; exit 2; }
(cd "$OUT" && ar x "$RELEASE" memcpy.c.o memset.S.o memmove-stub.c.o)
riscv64-unknown-elf-gcc -march=rv32imc -mabi=ilp32 -misa-spec=2.2 --specs=picolibc.specs --oslib=semihost --crt0=semihost \
  $OPT -I"$HERE" -I"$CM" -DITERATIONS="$ITER" -DPERFORMANCE_RUN=1 -DFLAGS_STR="\"$OPT rv32imc\"" \
  "$CM/core_list_join.c" "$CM/core_main.c" "$CM/core_matrix.c" "$CM/core_state.c" "$CM/core_util.c" "$HERE/core_portme.c" \
  "$OUT/memcpy.c.o" "$OUT/memset.S.o" "$OUT/memmove-stub.c.o" \
  -Wl,--defsym=__flash=0x80000000 -Wl,--defsym=__flash_size=0x1000000 \
  -Wl,--defsym=__ram=0x81000000 -Wl,--defsym=__ram_size=0xF000000 \
  -o "$OUT/coremark-rv32.elf"
echo "$OUT/coremark-rv32.elf"
