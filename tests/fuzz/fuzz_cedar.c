/*
 * fuzz_cedar.c - libFuzzer target for the Cedar parser, validator and
 * evaluator: any bytes must parse or fail cleanly, and whatever parses
 * must validate and evaluate against a small entity store without a
 * crash, a leak or undefined behaviour.
 */
#include <string.h>

#include "control/cedar.h"
#include "control/control.h"

static const char *ENTS =
	"[{\"uid\":{\"type\":\"Agent\",\"id\":\"a\"},\"attrs\":{\"owner\":{\"__entity\":"
	"{\"type\":\"Person\",\"id\":\"p\"}},\"n\":3,\"s\":[1,\"x\"]},\"parents\":"
	"[{\"type\":\"Workflow\",\"id\":\"w\"}]}]";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cedar_policyset ps;
	struct cedar_entities es;
	struct cedar_arena a = { 0 };
	struct cedar_response res;
	struct cedar_request req;
	struct cedar_schema sc;
	struct aiv_err err = AIV_ERR_INIT;
	json_t *ej, *cj;

	cedar_policyset_init(&ps);
	if (cedar_parse(&ps, (const char *)data, size, "policy", "fuzz", 1, 1, &err) == 0) {
		control_schema(&sc, NULL, 0);
		(void)cedar_validate(&ps, &sc, "fuzz", &err);
		cedar_entities_init(&es);
		cedar_response_init(&res);
		ej = json_loads(ENTS, 0, NULL);
		cedar_entities_add_json(&es, ej, &err);
		cedar_entities_close(&es);
		memset(&req, 0, sizeof(req));
		cedar_uid_parse(&a, "Agent::\"a\"", &req.principal);
		cedar_uid_parse(&a, "Action::\"x\"", &req.action);
		cedar_uid_parse(&a, "Invoice::\"i\"", &req.resource);
		cj = json_loads("{\"amount\": 5, \"confidence\": 0.5, \"t\": [\"a\"]}", 0, NULL);
		cedar_value_from_json(&a, cj, 1, "context", &req.context, &err);
		cedar_authorize(&ps, &es, &req, &a, &res);
		json_decref(ej);
		json_decref(cj);
		cedar_response_release(&res);
		cedar_entities_release(&es);
	}
	cedar_arena_release(&a);
	cedar_policyset_release(&ps);
	return 0;
}
