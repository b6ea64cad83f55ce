/*
 * xsh.writeFile(path, buffer) for both XS test hosts (bd450-xst.c on x86, rv32/bd450-rv32.c
 * under QEMU semihosting: stdio works the same there). Included once by each host, after xs.h.
 */
#ifndef BD450_XSH_WRITE_FILE_H
#define BD450_XSH_WRITE_FILE_H

#include <stdio.h>

static void xsh_writeFile(xsMachine* the)
{
	const char* path = xsToString(xsArg(0));
	FILE* f;
	xsIntegerValue size = xsGetArrayBufferLength(xsArg(1));
	f = fopen(path, "wb");
	if (!f) xsUnknownError("cannot write %s", path);
	if (size && fwrite(xsToArrayBuffer(xsArg(1)), 1, size, f) != (size_t)size) {
		fclose(f);
		xsUnknownError("cannot write %s", path);
	}
	fclose(f);
}

#endif
