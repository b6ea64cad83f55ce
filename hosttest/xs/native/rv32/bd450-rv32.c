/*
 * bd450 RV32 test host: runs the harness script of hosttest/xs/xsh.ts on the XS
 * engine built for bare-metal rv32imc (scripts/build-xs-rv32.sh) under
 * qemu-system-riscv32 -icount shift=0. Usage (semihosting command line):
 *   bd450-rv32 SCRIPT
 * The script sees the same `xsh` object as on the x86 host (bd450-xst.c) except
 * that xsh.meter() counts retired RV32 instructions (minstret: exact under
 * -icount, checked by the sanity loop of xsh.sanity()), and xsh.nativeMeter()
 * the instructions spent inside the native helpers so far.
 */
#include "xsAll.h"
#include "xs.h"
#include "bd450-natives.h"
#include "xsh-write-file.h"

static inline uint64_t instret(void)
{
	uint32_t hi, lo, hi2;
	do {
		__asm__ volatile("csrr %0, minstreth" : "=r"(hi));
		__asm__ volatile("csrr %0, minstret" : "=r"(lo));
		__asm__ volatile("csrr %0, minstreth" : "=r"(hi2));
	} while (hi != hi2);
	return ((uint64_t)hi << 32) | lo;
}

/* Instructions inside the native helpers, the wrappers' own reads left out. */
static uint64_t nativeInstructions;
static uint64_t wrapperCost;

#define BD450_WRAP(name, argc) \
	static void wrap_##name(xsMachine* the) \
	{ \
		uint64_t t0 = instret(); \
		name(the); \
		nativeInstructions += instret() - t0 - wrapperCost; \
	}
BD450_NATIVES(BD450_WRAP)

static void nothing(xsMachine* the) { (void)the; }
BD450_WRAP(nothing, 0)

/* A loop of known length: 2 instructions per turn (addi, bnez). */
static uint64_t loop(uint32_t n)
{
	uint64_t t0 = instret();
	__asm__ volatile("1: addi %0, %0, -1\n\tbnez %0, 1b" : "+r"(n));
	return instret() - t0;
}

/* xsh.sanity(n): instructions counted for loop(2n) minus loop(n): must be 2n. */
static void xsh_sanity(xsMachine* the)
{
	uint32_t n = (uint32_t)xsToInteger(xsArg(0));
	uint64_t a = loop(n), b = loop(2 * n);
	xsResult = xsNumber((xsNumberValue)(b - a));
}

static void xsh_meter(xsMachine* the)
{
	xsResult = xsNumber((xsNumberValue)instret());
}

static void xsh_nativeMeter(xsMachine* the)
{
	xsResult = xsNumber((xsNumberValue)nativeInstructions);
}

static void xsh_slots(xsMachine* the)
{
	xsResult = xsNumber((xsNumberValue)the->currentHeapCount);
}

static void xsh_chunks(xsMachine* the)
{
	xsResult = xsNumber((xsNumberValue)the->currentChunksSize);
}

static void* readAll(const char* path, long* size)
{
	FILE* f = fopen(path, "rb");
	char* data;
	if (!f) return NULL;
	fseek(f, 0, SEEK_END);
	*size = ftell(f);
	fseek(f, 0, SEEK_SET);
	data = malloc(*size + 1);
	if (data && *size && fread(data, 1, *size, f) != (size_t)*size) {
		free(data);
		data = NULL;
	}
	if (data) data[*size] = 0;
	fclose(f);
	return data;
}

static void xsh_readFile(xsMachine* the)
{
	const char* path = xsToString(xsArg(0));
	long size = 0;
	void* data = readAll(path, &size);
	if (!data) xsUnknownError("cannot read %s", path);
	xsResult = xsArrayBuffer(data, (xsIntegerValue)size);
	free(data);
}

static void xsh_print(xsMachine* the)
{
	xsIntegerValue i, c = xsToInteger(xsArgc);
	for (i = 0; i < c; i++) {
		if (i) fputc(' ', stdout);
		fputs(xsToString(xsArg(i)), stdout);
	}
	fputc('\n', stdout);
	fflush(stdout);
}

static void xsh_gc(xsMachine* the)
{
	xsCollectGarbage();
}

void fxQueuePromiseJobs(txMachine* the)
{
	the->promiseJobs = 1;
}

txID fxFindModule(txMachine* the, txSlot* realm, txID moduleID, txSlot* slot)
{
	return XS_NO_ID;
}

void fxLoadModule(txMachine* the, txSlot* module, txID moduleID)
{
}

static void install(xsMachine* the)
{
	txSlot* slot;
	txSlot* native;
	txSlot* global;
	mxPush(mxGlobal);
	global = the->stack;
	slot = fxLastProperty(the, fxNewHostObject(the, NULL));
#define BD450_INSTALL(name, argc) slot = fxNextHostFunctionProperty(the, slot, wrap_##name, argc, xsID(#name), XS_NO_FLAG);
	BD450_NATIVES(BD450_INSTALL)
	native = the->stack;
	slot = fxLastProperty(the, fxNewHostObject(the, NULL));
	slot = fxNextHostFunctionProperty(the, slot, xsh_meter, 0, xsID("meter"), XS_NO_FLAG);
	slot = fxNextHostFunctionProperty(the, slot, xsh_nativeMeter, 0, xsID("nativeMeter"), XS_NO_FLAG);
	slot = fxNextHostFunctionProperty(the, slot, xsh_sanity, 1, xsID("sanity"), XS_NO_FLAG);
	slot = fxNextHostFunctionProperty(the, slot, xsh_slots, 0, xsID("slots"), XS_NO_FLAG);
	slot = fxNextHostFunctionProperty(the, slot, xsh_chunks, 0, xsID("chunks"), XS_NO_FLAG);
	slot = fxNextHostFunctionProperty(the, slot, xsh_readFile, 1, xsID("readFile"), XS_NO_FLAG);
	slot = fxNextHostFunctionProperty(the, slot, xsh_writeFile, 2, xsID("writeFile"), XS_NO_FLAG);
	slot = fxNextSlotProperty(the, slot, native, xsID("native"), XS_NO_FLAG);
	xsSet(xsGlobal, xsID("xsh"), *the->stack);
	mxPop();
	mxPop();
	/* $262.gc and print as xst has them (the harness bundle takes them). */
	slot = fxLastProperty(the, fxNewHostObject(the, NULL));
	slot = fxNextHostFunctionProperty(the, slot, xsh_gc, 0, xsID("gc"), XS_NO_FLAG);
	xsSet(xsGlobal, xsID("$262"), *the->stack);
	mxPop();
	xsSet(xsGlobal, xsID("print"), xsNewHostFunction(xsh_print, 1));
	mxPop();
	(void)global;
}

int main(int argc, char* argv[])
{
	xsCreation creation = {
		1 * 1024 * 1024, /* initialChunkSize */
		1 * 1024 * 1024, /* incrementalChunkSize */
		64 * 1024, /* initialHeapCount */
		64 * 1024, /* incrementalHeapCount */
		16 * 1024, /* stackCount */
		2048, /* initialKeyCount */
		1024, /* incrementalKeyCount */
		1993, /* nameModulo */
		127, /* symbolModulo */
		64 * 1024, /* parserBufferSize */
		1993, /* parserTableModulo */
	};
	xsMachine* machine;
	int status = 0;
	long size = 0;
	char* script;
	/* The wrappers' own counter reads: measured once on an empty helper. */
	wrap_nothing(NULL);
	wrapperCost = nativeInstructions;
	nativeInstructions = 0;
	if (argc < 2) {
		fprintf(stderr, "usage: bd450-rv32 SCRIPT\n");
		return 2;
	}
	script = readAll(argv[1], &size);
	if (!script) {
		fprintf(stderr, "bd450-rv32: cannot read %s\n", argv[1]);
		return 2;
	}
	machine = xsCreateMachine(&creation, "bd450-rv32", NULL);
	xsBeginHost(machine);
	{
		xsTry {
			txStringCStream stream;
			install(the);
			stream.buffer = script;
			stream.offset = 0;
			stream.size = size;
			fxRunScript(the, fxParseScript(the, &stream, fxStringCGetter, mxProgramFlag), mxThis, C_NULL, C_NULL, C_NULL, mxProgram.value.reference);
			while (the->promiseJobs) {
				the->promiseJobs = 0;
				fxRunPromiseJobs(the);
			}
		}
		xsCatch {
			fprintf(stderr, "Error: %s\n", xsToString(xsException));
			status = 1;
		}
	}
	xsEndHost(the);
	if (!status && machine->exitStatus) {
		fprintf(stderr, "Error: %s\n", fxAbortString(machine->exitStatus));
		status = 1;
	}
	xsDeleteMachine(machine);
	free(script);
	return status;
}
