/*
 * bd450 XS test host: the SDK's xst (xs/tools/xst.c, built from the SDK's xs/
 * sources with metering on) with this file in place of xstFuzz.c. xst calls
 * fxBuildFuzz() once at start-up; here it installs what the harness needs:
 *
 *   xsh.meter()            compute units so far (the->meterIndex >> 16, one per bytecode)
 *   xsh.slots(), xsh.chunks()  slots / chunk bytes in use (garbage included)
 *   xsh.readFile(path)     whole file as an ArrayBuffer
 *   xsh.writeFile(path, buffer)
 *   xsh.native             the project's native helpers (src/native/ C files), by the
 *                          names the board's `@ "xs_..."` declarations use
 *
 * The JS side takes these and deletes the global before loading the firmware code.
 */
#include "xsAll.h"
#include "xs.h"

#include "bd450-natives.h"
#include "xsh-write-file.h"

static void xsh_meter(xsMachine* the)
{
#ifdef mxMetering
	xsResult = xsNumber((xsNumberValue)(the->meterIndex >> 16));
#endif
}

/* Slots and chunk bytes in use, garbage included (they fall only at a collection). */
static void xsh_slots(xsMachine* the)
{
	xsResult = xsNumber((xsNumberValue)the->currentHeapCount);
}

static void xsh_chunks(xsMachine* the)
{
	xsResult = xsNumber((xsNumberValue)the->currentChunksSize);
}

static void xsh_readFile(xsMachine* the)
{
	const char* path = xsToString(xsArg(0));
	FILE* f = fopen(path, "rb");
	long size;
	if (!f) xsUnknownError("cannot open %s", path);
	fseek(f, 0, SEEK_END);
	size = ftell(f);
	fseek(f, 0, SEEK_SET);
	xsResult = xsArrayBuffer(NULL, (xsIntegerValue)size);
	if (size && fread(xsToArrayBuffer(xsResult), 1, size, f) != (size_t)size) {
		fclose(f);
		xsUnknownError("cannot read %s", path);
	}
	fclose(f);
}

void fxBuildFuzz(xsMachine* the)
{
	/* Built as xst builds its own globals (xst has declared its xsVars already). */
	txSlot* slot;
	txSlot* native;
	slot = fxLastProperty(the, fxNewHostObject(the, NULL));
#define BD450_INSTALL(name, argc) slot = fxNextHostFunctionProperty(the, slot, name, argc, xsID(#name), XS_NO_FLAG);
	BD450_NATIVES(BD450_INSTALL)
	native = the->stack;
	slot = fxLastProperty(the, fxNewHostObject(the, NULL));
	slot = fxNextHostFunctionProperty(the, slot, xsh_meter, 0, xsID("meter"), XS_NO_FLAG);
	slot = fxNextHostFunctionProperty(the, slot, xsh_slots, 0, xsID("slots"), XS_NO_FLAG);
	slot = fxNextHostFunctionProperty(the, slot, xsh_chunks, 0, xsID("chunks"), XS_NO_FLAG);
	slot = fxNextHostFunctionProperty(the, slot, xsh_readFile, 1, xsID("readFile"), XS_NO_FLAG);
	slot = fxNextHostFunctionProperty(the, slot, xsh_writeFile, 2, xsID("writeFile"), XS_NO_FLAG);
	slot = fxNextSlotProperty(the, slot, native, xsID("native"), XS_NO_FLAG);
	xsResult = *the->stack;
	mxPop();
	mxPop();
	xsSet(xsGlobal, xsID("xsh"), xsResult);
	xsResult = xsUndefined;
}

int fuzz(int argc, char* argv[])
{
	fprintf(stderr, "bd450 xs host: no fuzzing mode\n");
	return 1;
}
