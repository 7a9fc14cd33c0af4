/*
 * cedar.c - `aivalue cedar eval|check`: the Cedar engine on files, with
 * no workspace.  A hidden helper for the differential test against
 * Cedar itself (tests/cedar-diff) and for trying policies by hand:
 *
 *   aivalue cedar eval --policies P.cedar --entities E.json --requests R.json
 *       prints one line per request: "allow|deny reason=IDS errors=IDS"
 *       (reason as Cedar's diagnostics: the satisfied forbids when any,
 *       else the satisfied permits; errors: policies that failed to
 *       evaluate).  Pure Cedar semantics: the fail-closed rule is off.
 *   aivalue cedar check P.cedar      parse only; errors with FILE:LINE:COL
 *   aivalue cedar check P1 P2 ...    one line per file: "P: ok N" | "P: error MSG"
 *
 * Requests: a JSON array of {"principal": {"type","id"}, "action": ..,
 * "resource": .., "context": {..}} in Cedar's JSON value format.
 */
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "control/cedar.h"
#include "options.h"

static int load_json(const char *path, json_t **out, struct aiv_err *err)
{
	json_error_t je;

	*out = json_load_file(path, JSON_DECODE_ANY | JSON_ALLOW_NUL, &je);
	if (!*out)
		return aiv_fail_at(err, AIV_EINPUT, path, je.line, je.column, "%s", je.text);
	return 0;
}

static int load_policies(struct cedar_policyset *ps, const char *path, struct aiv_err *err)
{
	struct strbuf sb = STRBUF_INIT;
	int ret;

	if (strbuf_read_file(&sb, path, 64u << 20) < 0) {
		strbuf_release(&sb);
		return aiv_fail(err, AIV_EIO, "cannot read '%s'", path);
	}
	ret = cedar_parse(ps, sb.buf, sb.len, "policy", path, 1, 1, err);
	strbuf_release(&sb);
	return ret;
}

static int eval_all(const char *pfile, const char *efile, const char *rfile,
		    struct aiv_err *err)
{
	struct cedar_policyset ps;
	struct cedar_entities es;
	struct cedar_arena scratch = { 0 };
	struct cedar_response res;
	struct strbuf out = STRBUF_INIT;
	json_t *ents = NULL, *reqs = NULL;
	size_t i;
	uint32_t k;
	int ret;

	cedar_policyset_init(&ps);
	cedar_entities_init(&es);
	cedar_response_init(&res);
	if ((ret = load_policies(&ps, pfile, err)))
		goto cleanup;
	if (efile) {
		if ((ret = load_json(efile, &ents, err)) ||
		    (ret = cedar_entities_add_json(&es, ents, err)))
			goto cleanup;
	}
	cedar_entities_close(&es);
	if ((ret = load_json(rfile, &reqs, err)))
		goto cleanup;
	if (!json_is_array(reqs)) {
		ret = aiv_fail(err, AIV_EINPUT, "%s: requests must be a JSON array", rfile);
		goto cleanup;
	}
	for (i = 0; i < json_array_size(reqs); i++) {
		const json_t *r = json_array_get(reqs, i), *ctx;
		struct cedar_request req;

		cedar_arena_reset(&scratch);
		memset(&req, 0, sizeof(req));
		if (cedar_uid_from_json(&scratch, json_object_get(r, "principal"), &req.principal) ||
		    cedar_uid_from_json(&scratch, json_object_get(r, "action"), &req.action) ||
		    cedar_uid_from_json(&scratch, json_object_get(r, "resource"), &req.resource)) {
			ret = aiv_fail(err, AIV_EINPUT, "%s: request %zu: malformed principal, "
				       "action or resource", rfile, i);
			goto cleanup;
		}
		ctx = json_object_get(r, "context");
		if (!ctx) {
			static struct cedar_record empty;
			req.context.type = CV_RECORD;
			req.context.u.rec = &empty;
		} else if (!json_is_object(ctx) ||
			   cedar_value_from_json(&scratch, ctx, 0, "context", &req.context, err)) {
			if (!err->code)
				aiv_fail(err, AIV_EINPUT, "context must be an object");
			aiv_err_prefix(err, "%s: request %zu", rfile, i);
			ret = err->code;
			goto cleanup;
		}
		cedar_authorize(&ps, &es, &req, &scratch, &res);
		/* Cedar's reason: the forbids that denied, else the permits that allowed */
		strbuf_addstr(&out, res.decision == CEDAR_ALLOW ? "allow reason=" : "deny reason=");
		if (res.nforbids) {
			for (k = 0; k < res.nforbids; k++)
				strbuf_addf(&out, "%s%s", k ? "," : "", ps.v[res.forbids[k]].id);
		} else {
			for (k = 0; k < res.npermits; k++)
				strbuf_addf(&out, "%s%s", k ? "," : "", ps.v[res.permits[k]].id);
		}
		strbuf_addstr(&out, " errors=");
		for (k = 0; k < res.nerrors; k++)
			strbuf_addf(&out, "%s%s", k ? "," : "", ps.v[res.errors[k].policy].id);
		strbuf_addch(&out, '\n');
		if (out.len > 1 << 16) {
			fwrite(out.buf, 1, out.len, stdout);
			strbuf_reset(&out);
		}
	}
	fwrite(out.buf, 1, out.len, stdout);
	ret = 0;
cleanup:
	strbuf_release(&out);
	json_decref(ents);
	json_decref(reqs);
	cedar_response_release(&res);
	cedar_arena_release(&scratch);
	cedar_entities_release(&es);
	cedar_policyset_release(&ps);
	return ret;
}

int cmd_cedar(int argc, char **argv, struct aiv_ctx *ctx)
{
	static const char *const usage[] = {
		"aivalue cedar eval --policies FILE [--entities FILE] --requests FILE",
		"aivalue cedar check FILE...", NULL };
	const char *pfile = NULL, *efile = NULL, *rfile = NULL;
	const struct option opts[] = {
		{ OPT_STRING, 0, "policies", &pfile, "FILE", "Cedar policy text" },
		{ OPT_STRING, 0, "entities", &efile, "FILE", "Cedar entities JSON" },
		{ OPT_STRING, 0, "requests", &rfile, "FILE", "JSON array of requests" },
		{ OPT_END, 0, NULL, NULL, NULL, NULL },
	};
	struct aiv_err err = AIV_ERR_INIT;
	int n;

	(void)ctx;
	if ((n = parse_options(argc, argv, opts, usage)) < 0)
		return n == -2 ? 0 : 2;
	if (n >= 1 && !strcmp(argv[1], "eval") && n == 1 && pfile && rfile) {
		if (eval_all(pfile, efile, rfile, &err))
			return cli_error(&err);
		return 0;
	}
	if (n == 2 && !strcmp(argv[1], "check")) {
		struct cedar_policyset ps;
		int ret;
		cedar_policyset_init(&ps);
		ret = load_policies(&ps, argv[2], &err);
		if (!ret)
			printf("%zu policies parsed\n", ps.n);
		cedar_policyset_release(&ps);
		return ret ? cli_error(&err) : 0;
	}
	if (n > 2 && !strcmp(argv[1], "check")) {
		/* many files: one line each, "FILE: ok N" or "FILE: error MSG"
		 * (the differential test's parse campaign, without a process
		 * per policy text); exit 1 if any failed */
		int i, bad = 0;
		for (i = 2; i <= n; i++) {
			struct cedar_policyset ps;
			struct aiv_err e1 = AIV_ERR_INIT;
			cedar_policyset_init(&ps);
			if (load_policies(&ps, argv[i], &e1)) {
				printf("%s: error %s\n", argv[i], e1.msg);
				bad = 1;
			} else {
				printf("%s: ok %zu\n", argv[i], ps.n);
			}
			cedar_policyset_release(&ps);
		}
		return bad;
	}
	usage_with_options(usage, opts, 1);
	return 2;
}
