/*
 * report.c - `aivalue report --format html|md|json [-o FILE]`.
 */
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "options.h"

int cmd_report(int argc, char **argv, struct aiv_ctx *ctx)
{
	(void)argc;
	(void)argv;
	(void)ctx;
	return cli_errorf("report: not built yet");
}
