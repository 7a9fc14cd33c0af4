/*
 * read_otel.c - usage events from OTLP/JSON traces with OpenTelemetry
 * GenAI attributes (`--format otel-genai`).
 *
 * Sources: open-telemetry/semantic-conventions docs/gen-ai/ (spans,
 * agent spans) and docs/registry/attributes/gen-ai.md; the OTLP/JSON
 * encoding of opentelemetry-proto.  The file is read by ingest/otlp.c,
 * the reader `workflow import-spans` uses too, which also resolves what
 * a span inherits from its ancestors (agent, user, provider).
 *
 * Each span with a gen_ai.* attribute becomes one event (count 1):
 *   identity  user.id, enduser.id or langfuse.user.id (span, ancestors,
 *             resource); a span with none is kept under "(no user.id)"
 *             and counted as an assumption
 *   tool      gen_ai.provider.name, or the older gen_ai.system
 *   feature   gen_ai.operation.name, else the first word of the span name
 *   workflow  gen_ai.agent.name, else gen_ai.agent.id
 *   time      startTimeUnixNano
 * A span with gen_ai.usage.input_tokens / output_tokens also yields a
 * usage_tokens row (identity, provider, model, day, the two counts), which
 * the cost of tokens is computed from (assess/cost.h).
 * Duplicates are judged by traceId + spanId.  Spans without any gen_ai.*
 * attribute (HTTP, DB...) are skipped, with the reason in the tally.
 */
#include <stdlib.h>
#include <string.h>

#include "otlp.h"
#include "readers.h"

struct otel_ctx {
	struct usage_import *im;
	struct tally *t;
};

/*
 * The span's token counts, when it has any, as a usage_tokens row: model
 * gen_ai.response.model, else gen_ai.request.model, else "(no model)"; a
 * count that is not a whole number of 0 or more refuses the file.
 */
static int otel_tokens(struct usage_import *im, const struct otlp_span *sp,
		       const struct usage_row *r, struct aiv_err *err)
{
	if (sp->input_tokens == OTLP_BAD_TOKENS || sp->output_tokens == OTLP_BAD_TOKENS)
		return aiv_fail_at(err, AIV_EINPUT, usage_file(im), sp->line, 0,
				   "span '%s': %s is not a whole number of 0 or more",
				   *sp->span_id ? sp->span_id : "?",
				   sp->input_tokens == OTLP_BAD_TOKENS ? "gen_ai.usage.input_tokens"
				   : "gen_ai.usage.output_tokens");
	if (sp->input_tokens == OTLP_NO_TOKENS && sp->output_tokens == OTLP_NO_TOKENS)
		return 0;
	return usage_emit_tokens(im, r->identity, r->tool, sp->model ? sp->model : "(no model)",
				 usage_day_of(r->time_us),
				 sp->input_tokens < 0 ? 0 : sp->input_tokens,
				 sp->output_tokens < 0 ? 0 : sp->output_tokens, err);
}

static int otel_span(void *data, const struct otlp_span *sp, struct aiv_err *err)
{
	struct otel_ctx *c = data;
	struct usage_import *im = c->im;
	char feat[64], uid[512], where[512];
	struct usage_row r;
	const char *op = sp->operation;
	int ret;

	snprintf(where, sizeof(where), "%s:%ld", usage_file(im), sp->line);
	if (!sp->genai)
		return tally_skip(c->t, "span has no gen_ai.* attribute (not a GenAI span)", where,
				  err);
	memset(&r, 0, sizeof(r));
	if (!sp->start)
		return aiv_fail_at(err, AIV_EINPUT, usage_file(im), sp->line, 0,
				   "span '%s' has no startTimeUnixNano",
				   *sp->span_id ? sp->span_id : "?");
	if (usage_parse_time(sp->start, &r.time_us))
		return aiv_fail_at(err, AIV_EINPUT, usage_file(im), sp->line, 0,
				   "unparseable startTimeUnixNano '%s'", sp->start);
	if (!op) {
		size_t n = strcspn(sp->name, " ");
		snprintf(feat, sizeof(feat), "%.*s", (int)(n < 63 ? n : 63), sp->name);
		op = *feat ? feat : "genai";
	}
	snprintf(uid, sizeof(uid), "%s/%s", sp->trace_id, sp->span_id);
	if (!sp->user)
		tally_assume(c->t, "span names no user (user.id, enduser.id): kept under "
			     "'(no user.id)'", where);
	if (sp->provider_inherited)
		tally_assume(c->t, "provider taken from an ancestor span (parentSpanId)", where);
	r.identity = sp->user ? sp->user : "(no user.id)";
	r.tool = sp->provider ? sp->provider : "genai";
	r.feature = op;
	r.workflow = sp->agent_name ? sp->agent_name : sp->agent_id ? sp->agent_id : "";
	r.count = 1;
	r.line = sp->line;
	r.uid = strcmp(uid, "/") ? uid : NULL;
	if ((ret = usage_emit(im, &r, err)))
		return ret;
	if ((ret = otel_tokens(im, sp, &r, err)))
		return ret;
	c->t->used++;
	return 0;
}

int usage_read_otel(struct usage_import *im, FILE *f, struct aiv_err *err)
{
	struct otel_ctx c;

	c.im = im;
	c.t = usage_tally(im);
	c.t->unit = "spans";
	return otlp_read(f, usage_file(im), c.t, otel_span, &c, err);
}
