/*
 * exceptions.c - `aivalue exceptions`: work the exception queue.
 *
 *   aivalue exceptions list [--state S] [--queue Q] [--json]
 *   aivalue exceptions show ID [--json]
 *   aivalue exceptions approve|reject ID --as PERSON --reason TEXT
 *   aivalue exceptions reassign ID --to PERSON|team:NAME --as PERSON --reason TEXT
 *
 * An overdue pending item shows as expired (counting as denied) on every
 * read, which writes nothing; the next action records the expiry.  The
 * list is a table fitted to the terminal (table.h).
 */
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "control/control.h"
#include "core/cjson.h"
#include "options.h"
#include "table.h"

/* A field or "-" (never NULL, for printing). */
static const char *field(const char *v)
{
	return v ? v : "-";
}

int cmd_exceptions(int argc, char **argv, struct aiv_ctx *ctx)
{
	static const char *const usage[] = {
		"aivalue exceptions list [--state STATE] [--queue QUEUE] [--json]",
		"aivalue exceptions show ID [--json]",
		"aivalue exceptions approve|reject ID --as PERSON --reason TEXT",
		"aivalue exceptions reassign ID --to PERSON|team:NAME --as PERSON --reason TEXT",
		NULL };
	const char *state = NULL, *queue = NULL, *as = NULL, *reason = NULL, *to = NULL;
	const struct option opts[] = {
		{ OPT_STRING, 0, "state", &state, "STATE",
		  "pending, approved, rejected or expired" },
		{ OPT_STRING, 0, "queue", &queue, "QUEUE", "only this queue" },
		{ OPT_STRING, 0, "as", &as, "PERSON", "the person acting (never an agent)" },
		{ OPT_STRING, 0, "reason", &reason, "TEXT", "why (required for every action)" },
		{ OPT_STRING, 0, "to", &to, "OWNER", "new owner for reassign" },
		{ OPT_END, 0, NULL, NULL, NULL, NULL },
	};
	struct aiv_err err = AIV_ERR_INIT;
	struct control_exceptions items;
	struct control_exception item;
	json_t *out;
	int n, tr;

	if ((n = parse_options(argc, argv, opts, usage)) < 0)
		return n == -2 ? 0 : 2;
	if (n < 1) {
		usage_with_options(usage, opts, 1);
		return 2;
	}
	if (!strcmp(argv[1], "list") && n == 1) {
		static const char *const heads[] = { "ID", "STATE", "QUEUE", "OWNER", "AGENT",
						     "ACTION", "DUE", NULL };
		struct table t;
		size_t i;
		if (control_exceptions_list(ctx->store, ctx->actor, state, queue, &items, &err))
			return cli_error(&err);
		if (ctx->json) {
			cli_print_json(control_exceptions_json(&items));
			control_exceptions_release(&items);
			return 0;
		}
		table_init(&t, heads);
		table_keep(&t, 0); /* the id is what approve and reject take */
		table_keep(&t, 1);
		table_keep(&t, 6);
		for (i = 0; i < items.n; i++) {
			const struct control_exception *it = &items.v[i];
			table_add(&t, it->id);
			table_add(&t, it->state);
			table_add(&t, it->queue);
			table_add(&t, it->owner);
			table_add(&t, it->agent);
			table_add(&t, it->action);
			table_add(&t, it->due_at);
		}
		table_print(&t);
		table_release(&t);
		control_exceptions_release(&items);
		return 0;
	}
	if (!strcmp(argv[1], "show") && n == 2) {
		if (control_exception_show(ctx->store, ctx->actor, argv[2], &item, &err))
			return cli_error(&err);
		out = control_exception_json(&item);
		control_exception_release(&item);
		if (!ctx->json) {
			json_dumpf(out, stdout, JSON_INDENT(2) | JSON_SORT_KEYS);
			fputc('\n', stdout);
			json_decref(out);
		} else {
			cli_print_json(out);
		}
		return 0;
	}
	if (!strcmp(argv[1], "approve"))
		tr = CONTROL_APPROVE;
	else if (!strcmp(argv[1], "reject"))
		tr = CONTROL_REJECT;
	else if (!strcmp(argv[1], "reassign"))
		tr = CONTROL_REASSIGN;
	else {
		usage_with_options(usage, opts, 1);
		return 2;
	}
	if (n != 2) {
		usage_with_options(usage, opts, 1);
		return 2;
	}
	if (control_exception_act(ctx->store, ctx->actor, argv[2], tr, as, reason, to, &item,
				  &err))
		return cli_error(&err);
	if (ctx->json)
		cli_print_json(control_exception_json(&item));
	else
		printf("%s: %s (owner %s)\n", field(item.id), field(item.state), field(item.owner));
	control_exception_release(&item);
	return 0;
}
