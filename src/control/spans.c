/*
 * spans.c - observed tool calls: agents' own OpenTelemetry GenAI
 * execute_tool spans imported as tool calls, each matched to the decision
 * that allowed it (its aivalue.decision_id, else one for the same agent
 * and tool in the 10 minutes before), and the shadow actions: tool calls
 * no decision covers.  readiness.c counts them for the logging figure.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "control.h"
#include "control_int.h"
#include "control/cedar.h"
#include "core/cjson.h"
#include "core/timeutil.h"
#include "ingest/otlp.h"
#include "ingest/usage.h"
#include "ledger/ledger.h"

#define MATCH_WINDOW_US (10LL * 60 * 1000000)

/* A decision id for agent/tool at time t, or "" (explicit id first). */
static int match_decision(struct store *s, const char *explicit_id, const char *agent,
			  const char *tool, int64_t t, char *out, size_t n, struct aiv_err *err)
{
	struct store_stmt *st;
	int rc;

	out[0] = '\0';
	if (explicit_id) {
		if (!(st = store_prepare(s, "SELECT id FROM decision_log WHERE id = ? AND"
					 " kind = 'decision'", err)))
			return err->code;
		store_bind_text(st, 1, explicit_id);
	} else {
		if (!(st = store_prepare(s, "SELECT id FROM decision_log WHERE agent = ? AND"
					 " action = ? AND time_us BETWEEN ? AND ? ORDER BY time_us DESC"
					 " LIMIT 1", err)))
			return err->code;
		store_bind_text(st, 1, agent);
		store_bind_text(st, 2, tool);
		store_bind_int(st, 3, t - MATCH_WINDOW_US);
		store_bind_int(st, 4, t + 1000000);
	}
	rc = store_step(st, err);
	if (rc == STORE_ROW)
		snprintf(out, n, "%s", store_col_text(st, 0));
	store_reset(st);
	return rc < 0 ? rc : 0;
}

struct spans_ctx {
	struct store *s;
	const char *source;
	struct tally *t;
	struct sha256_ctx hc;
	int64_t imported;
};

/* 1 when an agent of this name is declared (agents table). */
static int agent_known(struct store *s, const char *name, struct aiv_err *err)
{
	struct store_stmt *st;
	int rc;

	if (!name || !(st = store_prepare(s, "SELECT 1 FROM agents WHERE name = ?", err)))
		return 0;
	store_bind_text(st, 1, name);
	rc = store_step(st, err);
	store_reset(st);
	return rc == STORE_ROW;
}

/*
 * One span of the file (ingest/otlp.c has resolved what it inherits):
 * an execute_tool span becomes a tool call; a span that gave its agent
 * or user to a tool call below it is used as context; any other span is
 * skipped with its reason.
 */
static int span_tool_call(void *data, const struct otlp_span *sp, struct aiv_err *err)
{
	struct spans_ctx *c = data;
	const char *agent;
	char did[64], when[TIME_ISO_LEN], line[1024], where[512];
	struct store_stmt *st;
	int64_t t = 0;
	int rc;

	snprintf(where, sizeof(where), "%s:%ld", c->source, sp->line);
	if (!sp->is_tool_call) {
		if (sp->lends) {
			c->t->used++;
			return 0;
		}
		return tally_skip(c->t, "not a tool call (gen_ai.operation.name is not "
				  "execute_tool)", where, err);
	}
	/* the aivalue agent may be named by either attribute: a declared one wins */
	agent = agent_known(c->s, sp->agent_id, err) ? sp->agent_id :
		agent_known(c->s, sp->agent_name, err) ? sp->agent_name :
		sp->agent_id ? sp->agent_id : sp->agent_name;
	if (!agent)
		return tally_skip(c->t, "tool call names no agent (gen_ai.agent.name or "
				  "gen_ai.agent.id, on it or an ancestor)", where, err);
	if (!sp->tool)
		return tally_skip(c->t, "tool call names no tool (gen_ai.tool.name)", where, err);
	if (!*sp->trace_id || !*sp->span_id)
		return tally_skip(c->t, "span has no traceId or spanId", where, err);
	if (!sp->start || usage_parse_time(sp->start, &t) || t <= 0)
		return tally_skip(c->t, "span has no valid startTimeUnixNano", where, err);
	if ((rc = match_decision(c->s, sp->decision_id, agent, sp->tool, t, did, sizeof(did),
				 err)))
		return rc;
	time_format_us(t, when);
	if (!(st = store_prepare(c->s, "INSERT INTO tool_calls(trace_id, span_id, time_us,"
				 " time, agent, tool, decision_id) VALUES (?,?,?,?,?,?,?)"
				 " ON CONFLICT(trace_id, span_id) DO NOTHING",
				 err)))
		return err->code;
	store_bind_text(st, 1, sp->trace_id);
	store_bind_text(st, 2, sp->span_id);
	store_bind_int(st, 3, t);
	store_bind_text(st, 4, when);
	store_bind_text(st, 5, agent);
	store_bind_text(st, 6, sp->tool);
	store_bind_text(st, 7, did[0] ? did : NULL);
	rc = store_step(st, err);
	store_reset(st);
	if (rc < 0)
		return rc;
	if (!store_changes(c->s))
		return tally_skip(c->t, "already imported (same traceId and spanId)", where, err);
	snprintf(line, sizeof(line), "%s\t%s\t%lld\t%s\t%s\t%s\n", sp->trace_id, sp->span_id,
		 (long long)t, agent, sp->tool, did);
	sha256_update(&c->hc, line, strlen(line));
	c->imported++;
	c->t->used++;
	return 0;
}

int control_import_spans(struct store *s, const char *actor, FILE *f, const char *source,
			 struct tally *t, int64_t *imported, struct aiv_err *err)
{
	struct spans_ctx c;
	uint8_t h[SHA256_LEN];
	char hex[SHA256_HEX];
	int ret;

	*imported = 0;
	memset(&c, 0, sizeof(c));
	c.s = s;
	c.source = source;
	c.t = t;
	if ((ret = store_begin(s, err)))
		return ret;
	sha256_init(&c.hc);
	ret = otlp_read(f, source, t, span_tool_call, &c, err);
	sha256_final(&c.hc, h);
	if (ret)
		goto fail;
	hex_encode(h, SHA256_LEN, hex);
	if (c.imported) {
		const char *base = strrchr(source, '/');
		json_t *p = json_pack("{s:s, s:I, s:I, s:s, s:o}", "source", base ? base + 1 : source,
				      "rows", (json_int_t)c.imported,
				      "skipped", (json_int_t)tally_skipped(t), "rows_hash", hex,
				      "tally", tally_json(t));
		if (!p) {
			ret = aiv_fail(err, AIV_EINPUT, "cannot import '%s': the file name is not "
				       "valid UTF-8", source);
			goto fail;
		}
		ret = ledger_append(s, actor, "spans.import", "tool_calls", p, NULL, err);
		json_decref(p);
		if (ret)
			goto fail;
	}
	*imported = c.imported;
	return store_commit(s, err);
fail:
	store_rollback(s);
	return ret;
}

void control_tool_calls_release(struct control_tool_calls *l)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		struct control_tool_call *c = &l->v[i];
		free(c->time);
		free(c->agent);
		free(c->tool);
		free(c->trace_id);
		free(c->span_id);
		free(c->workflow);
	}
	free(l->v);
	memset(l, 0, sizeof(*l));
}

json_t *control_tool_call_json(const struct control_tool_call *c)
{
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s?}", "time", c->time, "agent", c->agent,
			 "tool", c->tool, "trace_id", c->trace_id, "span_id", c->span_id,
			 "workflow", c->workflow);
}

CONTROL_LIST_JSON(control_tool_calls_json, control_tool_calls, control_tool_call_json)

int control_shadow_actions(struct store *s, const char *workflow,
			   struct control_tool_calls *out, struct aiv_err *err)
{
	struct store_stmt *st = store_prepare(s,
		"SELECT t.time, t.agent, t.tool, t.trace_id, t.span_id, a.workflow FROM tool_calls t"
		" LEFT JOIN agents a ON a.name = t.agent WHERE t.decision_id IS NULL"
		" AND (? IS NULL OR a.workflow = ?) ORDER BY t.time_us", err);
	struct control_tool_calls l = { NULL, 0 };
	size_t alloc = 0;
	int rc;

	memset(out, 0, sizeof(*out));
	if (!st)
		return err->code;
	store_bind_text(st, 1, workflow);
	store_bind_text(st, 2, workflow);
	while ((rc = store_step(st, err)) == STORE_ROW) {
		struct control_tool_call *c;
		ALLOC_GROW(l.v, l.n + 1, alloc);
		c = &l.v[l.n++];
		c->time = xstrdup(store_col_text(st, 0));
		c->agent = xstrdup(store_col_text(st, 1));
		c->tool = xstrdup(store_col_text(st, 2));
		c->trace_id = xstrdup(store_col_text(st, 3));
		c->span_id = xstrdup(store_col_text(st, 4));
		c->workflow = store_col_is_null(st, 5) ? NULL : xstrdup(store_col_text(st, 5));
	}
	store_reset(st);
	if (rc < 0) {
		control_tool_calls_release(&l);
		return rc;
	}
	*out = l;
	return 0;
}
