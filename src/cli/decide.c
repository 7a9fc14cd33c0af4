/*
 * decide.c - `aivalue decide`: ask the agent control layer for a decision.
 *
 *   aivalue decide --agent ID --action NAME --resource 'Type::"id"'
 *                  [--on-behalf-of PERSON] [--context JSON] [--entities FILE]
 *                  [--approved ITEM] [--json]
 *
 * Prints the decision (allow, deny, escalate), the deciding policies and
 * the reason; --json prints {decision, policies, reason, decision_id,
 * exception_id?, due_at?, args_digest, errors, revision}.  Exit status 0
 * for every decision (a deny is an answer, not a failure); 1 for bad input.
 */
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "control/control.h"
#include "options.h"

int cmd_decide(int argc, char **argv, struct aiv_ctx *ctx)
{
	static const char *const usage[] = {
		"aivalue decide --agent ID --action NAME --resource 'Type::\"id\"' "
		"[--on-behalf-of PERSON] [--context JSON] [--entities FILE] [--approved ITEM] [--json]",
		NULL };
	const char *agent = NULL, *action = NULL, *resource = NULL, *obo = NULL;
	const char *context = NULL, *entities = NULL, *approved = NULL;
	const struct option opts[] = {
		{ OPT_STRING, 0, "agent", &agent, "ID", "the agent asking (principal Agent::\"ID\")" },
		{ OPT_STRING, 0, "action", &action, "NAME", "the action (Action::\"NAME\")" },
		{ OPT_STRING, 0, "resource", &resource, "UID", "the resource, e.g. Invoice::\"inv-1\"" },
		{ OPT_STRING, 0, "on-behalf-of", &obo, "PERSON", "the person the agent acts for" },
		{ OPT_STRING, 0, "context", &context, "JSON", "context object (confidence, amount, ...; nests at most 32 levels)" },
		{ OPT_STRING, 0, "entities", &entities, "FILE", "more Cedar entities (JSON array)" },
		{ OPT_STRING, 0, "approved", &approved, "ITEM", "retry approved in exception ITEM" },
		{ OPT_END, 0, NULL, NULL, NULL, NULL },
	};
	struct aiv_err err = AIV_ERR_INIT;
	struct control_engine *eng = NULL;
	struct control_request req;
	struct control_decision d;
	json_t *cj = NULL, *ej = NULL;
	json_error_t je;
	int n, ret = 1;

	if ((n = parse_options(argc, argv, opts, usage)) < 0)
		return n == -2 ? 0 : 2;
	if (n != 0 || !agent || !action || !resource) {
		usage_with_options(usage, opts, 1);
		return 2;
	}
	if (context && !(cj = json_loads(context, JSON_DECODE_ANY, &je)))
		return cli_errorf("--context is not JSON: %s (column %d)", je.text, je.column);
	if (entities && !(ej = json_load_file(entities, 0, &je))) {
		json_decref(cj);
		return cli_errorf("cannot read entities '%s': %d:%d: %s", entities, je.line,
				  je.column, je.text);
	}
	memset(&req, 0, sizeof(req));
	req.agent = agent;
	req.action = action;
	req.resource = resource;
	req.on_behalf_of = obo;
	req.context = cj;
	req.entities = ej;
	req.approved = approved;
	if (control_engine_load(ctx->store, 0, &eng, &err) ||
	    control_decide(ctx->store, eng, ctx->actor, &req, &d, &err)) {
		ret = cli_error(&err);
		goto out;
	}
	if (ctx->json) {
		json_t *o = json_pack("{s:s, s:O, s:s, s:s, s:s, s:O, s:s}",
				      "decision", control_outcome_name(d.outcome),
				      "policies", d.policies, "reason", d.reason,
				      "decision_id", d.decision_id, "args_digest", d.digest,
				      "errors", d.errors, "revision", d.revision);
		if (d.exception_id[0]) {
			json_object_set_new(o, "exception_id", json_string(d.exception_id));
			json_object_set_new(o, "due_at", json_string(d.due));
		}
		cli_print_json(o);
	} else {
		size_t i;
		printf("%s\n", control_outcome_name(d.outcome));
		printf("reason: %s\n", d.reason);
		if (json_array_size(d.policies)) {
			printf("policies:");
			for (i = 0; i < json_array_size(d.policies); i++)
				printf(" %s", json_string_value(json_array_get(d.policies, i)));
			printf("\n");
		}
		if (d.exception_id[0])
			printf("exception: %s (due %s)\n", d.exception_id, d.due);
		printf("decision: %s\n", d.decision_id);
	}
	control_decision_release(&d);
	ret = 0;
out:
	control_engine_free(eng);
	json_decref(cj);
	json_decref(ej);
	return ret;
}
