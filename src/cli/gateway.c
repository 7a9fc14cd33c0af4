/*
 * gateway.c - `aivalue gateway`: the MCP gateway (gateway/gateway.h).
 *
 *   aivalue gateway --listen ADDR:PORT --upstream NAME=URL|'stdio:COMMAND ARGS'|builtin:echo
 *                   [--upstream ...] [--upstream-timeout MS] [--record-results TOOL]
 *                   [--resource UPSTREAM.TOOL=Type:ARG] [every serve option]
 *
 * The same server as `aivalue serve --gateway`: one HTTP server, with the
 * gateway's /mcp beside the API, so that approvers reach the exception
 * queue where agents reach their tools.  This command only adds
 * --gateway and hands over to serve.
 */
#include "aiv.h"

#include "cmd.h"

int cmd_gateway(int argc, char **argv, struct aiv_ctx *ctx)
{
	char **v = xcalloc((size_t)argc + 2, sizeof(*v));
	int i, ret;

	v[0] = argv[0];
	v[1] = "--gateway";
	for (i = 1; i < argc; i++)
		v[i + 1] = argv[i];
	ret = cmd_serve(argc + 1, v, ctx);
	free(v);
	return ret;
}
