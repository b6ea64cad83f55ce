/*
 * XS platform header for the bd450 RV32 test host: bare-metal rv32imc (the
 * ESP32-C3's ISA) under qemu-system-riscv32 with picolibc and semihosting. The
 * engine options are those the Moddable SDK's ESP32 platform sets for a RISC-V
 * chip (xs/platforms/esp/xsPlatform.h: no unaligned access, no GCC atomics, no
 * console, release: no debugger, no metering); slots are 16 bytes as on any
 * 32-bit build. No threads, timers, modules or sockets: the harness runs one
 * script whose input and output are files (semihosting).
 */
#ifndef __BD450_XS_RV32__
#define __BD450_XS_RV32__

#undef mxLittleEndian
#define mxLittleEndian 1
#define mxExport extern
#define mxImport extern
#define XS_FUNCTION_NORETURN __attribute__((noreturn))

#include <ctype.h>
#include <float.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* As esp/xsPlatform.h for __riscv. */
#define mxUnalignedAccess 0
#define mxMisalignedSettersCrash 1
#define mxIntegerDivideOverflowException 0
#define mxNoConsole 1

#define mxMachinePlatform \
	void* host; \
	int promiseJobs;

#define XS_NO_MODULE 1

#define mxUseDefaultMachinePlatform 1
#define mxUseDefaultBuildKeys 1
#define mxUseDefaultChunkAllocation 1
#define mxUseDefaultSlotAllocation 1
#define mxUseDefaultParseScript 1
#define mxUseDefaultSharedChunks 1
#define mxUseDefaultAbort 1

#endif /* __BD450_XS_RV32__ */
