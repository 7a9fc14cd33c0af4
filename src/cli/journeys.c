/*
 * journeys.c - `aivalue import journeys` and `aivalue journeys` (model 2).
 */
#include <stdio.h>

#include "cmd.h"

int cmd_import_journeys(int argc, char **argv, struct aiv_ctx *ctx)
{
	(void)argc;
	(void)argv;
	(void)ctx;
	fprintf(stderr, "error: journey import is not built yet\n");
	return 1;
}
