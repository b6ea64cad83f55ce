/*
 * bd450 on Moddable's Linux host (mcconfig -p x-cli-lin): the C program around the
 * XS machine that xsl prepared (mc.xs.c). x-cli-lin leaves main(), fxAbort and the
 * resource lookup to the application.
 *
 *   firmware [--terminal TTY] [--console TTY] [--prefs DIR] [--baud N] [--sfi XX0000]
 *
 * Arguments are handed to JS as strings (platform/lin/args); JS reads them in its
 * mc/config module. The glib main loop runs the serial, UDP and timer callbacks.
 * Exit status 75 asks the host runner to start the program again (console `reboot`).
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <glib.h>
#include "xsAll.h"
#include "mc.xs.h"

static int gArgc;
static char **gArgv;
static GMainLoop *gLoop;
static int gExit = 0;

void fxAbort(xsMachine *the, int status)
{
	fprintf(stderr, "bd450: XS abort: %s\n", fxAbortString(status));
	exit(70);
}

const void *mcGetResource(xsMachine *the, char *path, size_t *size)
{
	*size = 0;
	return NULL;
}

const char *mcGetResourceName(xsMachine *the, int i, size_t *size)
{
	return NULL;
}

/* args(): the program's arguments after its name. */
void xs_bd450_args(xsMachine *the)
{
	xsResult = xsNewArray(0);
	for (int i = 1; i < gArgc; i++)
		xsSetAt(xsResult, xsInteger(i - 1), xsString(gArgv[i]));
}

/* exit(status): leave the main loop; 75 = restart me (the console's reboot). */
void xs_bd450_exit(xsMachine *the)
{
	gExit = xsToInteger(xsArg(0));
	if (gLoop)
		g_main_loop_quit(gLoop);
}

/* log(line): one line on stderr (XS trace() is silent in a release build). */
void xs_bd450_log(xsMachine *the)
{
	fprintf(stderr, "%s\n", xsToString(xsArg(0)));
	fflush(stderr);
}

int main(int argc, char *argv[])
{
	gArgc = argc;
	gArgv = argv;
	setvbuf(stdout, NULL, _IOLBF, 0);
	gLoop = g_main_loop_new(NULL, FALSE);
	xsMachine *machine = fxPrepareMachine(NULL, xsPreparation(), "bd450", NULL, NULL);
	int failed = 0;
	xsBeginHost(machine);
	{
		xsVars(1);
		xsTry {
			xsVar(0) = xsAwaitImport("platform/moddable/main", XS_IMPORT_DEFAULT);
			xsCallFunction0(xsVar(0), xsUndefined);
		}
		xsCatch {
			fprintf(stderr, "bd450: %s\n", xsToString(xsException));
			failed = 1;
		}
	}
	xsEndHost(machine);
	if (!failed)
		g_main_loop_run(gLoop);
	xsDeleteMachine(machine);
	return failed ? 1 : gExit;
}
