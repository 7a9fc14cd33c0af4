/*
 * decisions.c - `aivalue decisions`: the decision log.
 *
 *   aivalue decisions list [--json]         every record, oldest first
 *   aivalue decisions list --limit N [--after SEQ|ID] [--json]
 *       one page, oldest first, after record SEQ (or the record with that
 *       decision/transition id); --json prints {"count", "items",
 *       "next_cursor"}; the text form ends with the command for the next
 *       page on stderr
 *   aivalue decisions verify [--json]       re-derive each ledger batch hash
 *   aivalue decisions flush                 chain pending records now
 *   aivalue decisions export --otel [-o FILE]
 *       OTLP/JSON (one ExportTraceServiceRequest) with one OpenTelemetry
 *       GenAI `apply_guardrail` span per decision: decision type allow,
 *       deny or warn (our escalate), policy id, reason, input hash; and one
 *       `execute_tool` span per MCP gateway call that was decided (the
 *       ledger's gateway.calls records), a child of its decision's span.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "control/control.h"
#include "core/cjson.h"
#include "core/hash.h"
#include "core/timeutil.h"
#include "ledger/ledger.h"
#include "options.h"

static json_t *attr_s(const char *k, const char *v)
{
	return json_pack("{s:s, s:{s:s}}", "key", k, "value", "stringValue", v ? v : "");
}

/*
 * A decision's trace and span ids, derived from its id alone (so that a
 * collector joins the spans of one decision from several exports): the
 * SHA-256 of the id, its first 32 hex digits and the 16 after them.
 */
static void decision_span_ids(const char *id, char trace[33], char span[17])
{
	char hex[SHA256_HEX];

	sha256_hex(id, strlen(id), hex);
	memcpy(trace, hex, 32);
	trace[32] = '\0';
	memcpy(span, hex + 32, 16);
	span[16] = '\0';
}

static json_t *otel_span(const struct control_log_record *rec)
{
	const char *id = rec->id, *dec = rec->decision;
	char trace[33], span[17], ns[32];
	int64_t us = 0;
	json_t *attrs = json_array(), *s;

	decision_span_ids(id, trace, span);
	time_parse_iso(rec->timestamp, &us);
	snprintf(ns, sizeof(ns), "%lld000", (long long)us);
	json_array_append_new(attrs, attr_s("gen_ai.operation.name", "apply_guardrail"));
	json_array_append_new(attrs, attr_s("gen_ai.guardian.name", "aivalue"));
	json_array_append_new(attrs, attr_s("gen_ai.security.target.type", "tool_call"));
	json_array_append_new(attrs, attr_s("gen_ai.security.decision.type",
					    !strcmp(dec, "escalate") ? "warn" : dec));
	json_array_append_new(attrs, attr_s("gen_ai.security.decision.reason", rec->reason));
	if (json_array_size(rec->policies))
		json_array_append_new(attrs, attr_s("gen_ai.security.policy.id",
						    json_string_value(json_array_get(rec->policies, 0))));
	json_array_append_new(attrs, attr_s("gen_ai.security.policy.version", rec->revision));
	json_array_append_new(attrs, attr_s("gen_ai.security.content.input.hash",
					    rec->args_digest));
	json_array_append_new(attrs, attr_s("gen_ai.agent.id", rec->agent));
	json_array_append_new(attrs, attr_s("aivalue.decision", dec));
	json_array_append_new(attrs, attr_s("aivalue.decision_id", id));
	if (rec->on_behalf_of)
		json_array_append_new(attrs, attr_s("aivalue.on_behalf_of", rec->on_behalf_of));
	if (rec->exception_id)
		json_array_append_new(attrs, attr_s("aivalue.exception_id", rec->exception_id));
	if (rec->approver)
		json_array_append_new(attrs, attr_s("aivalue.approver", rec->approver));
	s = json_pack("{s:s, s:s, s:s, s:i, s:s, s:s, s:o, s:{s:i}}", "traceId", trace,
		      "spanId", span, "name", "apply_guardrail aivalue", "kind", 1,
		      "startTimeUnixNano", ns, "endTimeUnixNano", ns, "attributes", attrs,
		      "status", "code", 0);
	return s;
}

/*
 * One gateway call record (gateway.calls) as a GenAI `execute_tool` span:
 * in its decision's trace, parent the decision's apply_guardrail span,
 * span id the first 16 hex digits of SHA-256("execute_tool " + decision
 * id).  Starts when the call was recorded (before forwarding), lasts the
 * upstream's latency (0 when nothing was forwarded).  NULL for a record
 * with no decision (refused calls, tools/list).
 */
static json_t *otel_tool_span(const json_t *rec)
{
	const char *dec = json_string_value(json_object_get(rec, "decision_id"));
	const char *outcome = json_string_value(json_object_get(rec, "outcome"));
	const char *status = json_string_value(json_object_get(rec, "status"));
	const char *tool = json_string_value(json_object_get(rec, "tool"));
	const json_t *lat = json_object_get(rec, "latency_us");
	char trace[33], parent[17], span[17], hex[SHA256_HEX], start[32], end[32];
	char *name, *key;
	int64_t us = 0;
	int failed;
	json_t *attrs, *s;

	if (!dec || !tool || !outcome)
		return NULL;
	decision_span_ids(dec, trace, parent);
	key = xstrfmt("execute_tool %s", dec);
	sha256_hex(key, strlen(key), hex);
	free(key);
	memcpy(span, hex, 16);
	span[16] = '\0';
	time_parse_iso(json_string_value(json_object_get(rec, "time")), &us);
	snprintf(start, sizeof(start), "%lld000", (long long)us);
	snprintf(end, sizeof(end), "%lld000", (long long)(us + json_integer_value(lat)));
	attrs = json_array();
	json_array_append_new(attrs, attr_s("gen_ai.operation.name", "execute_tool"));
	json_array_append_new(attrs, attr_s("gen_ai.tool.name", tool));
	json_array_append_new(attrs, attr_s("gen_ai.tool.type", "extension"));
	json_array_append_new(attrs, attr_s("gen_ai.agent.id",
					    json_string_value(json_object_get(rec, "agent"))));
	json_array_append_new(attrs, attr_s("aivalue.decision_id", dec));
	json_array_append_new(attrs, attr_s("aivalue.decision", outcome));
	json_array_append_new(attrs, attr_s("aivalue.upstream",
					    json_string_value(json_object_get(rec, "upstream"))));
	if (status)
		json_array_append_new(attrs, attr_s("aivalue.call.status", status));
	if (json_is_integer(lat))
		json_array_append_new(attrs, json_pack("{s:s, s:{s:I}}", "key",
						       "aivalue.upstream.latency_us", "value",
						       "intValue", json_integer_value(lat)));
	failed = status && strcmp(status, "ok");
	if (failed)
		json_array_append_new(attrs, attr_s("error.type", status));
	name = xstrfmt("execute_tool %s", tool);
	s = json_pack("{s:s, s:s, s:s, s:s, s:i, s:s, s:s, s:o, s:{s:i}}", "traceId", trace,
		      "spanId", span, "parentSpanId", parent, "name", name, "kind", 1,
		      "startTimeUnixNano", start, "endTimeUnixNano", end, "attributes", attrs,
		      "status", "code", failed ? 2 : 0);
	free(name);
	return s;
}

/* ledger_walk callback: the execute_tool spans of one gateway.calls entry. */
static int tool_spans_row(const struct ledger_row *row, void *data)
{
	json_t *spans = data, *payload, *rec, *span;
	size_t i;

	if (strcmp(row->action, "gateway.calls"))
		return 0;
	if (!(payload = json_loadb(row->payload, row->payload_len, 0, NULL)))
		return 0;
	json_array_foreach(json_object_get(payload, "records"), i, rec) {
		const char *kind = json_string_value(json_object_get(rec, "kind"));
		if (kind && !strcmp(kind, "call") && (span = otel_tool_span(rec)))
			json_array_append_new(spans, span);
	}
	json_decref(payload);
	return 0;
}

/* One line per decision (queue transitions are left out). */
static void print_records(const struct control_log_records *recs)
{
	size_t i;

	for (i = 0; i < recs->n; i++) {
		const struct control_log_record *r = &recs->v[i];
		if (strcmp(r->kind, "decision"))
			continue;
		printf("%s %s %-8s %s %s\n", r->timestamp, r->id, r->decision, r->agent, r->reason);
	}
}

int cmd_decisions(int argc, char **argv, struct aiv_ctx *ctx)
{
	static const char *const usage[] = {
		"aivalue decisions list [--json]",
		"aivalue decisions list --limit N [--after SEQ|ID] [--json]",
		"aivalue decisions verify [--json]",
		"aivalue decisions flush",
		"aivalue decisions export --otel [-o FILE]", NULL };
	const char *outfile = NULL, *after = NULL;
	long long limit = -1; /* -1: not given */
	int otel = 0;
	const struct option opts[] = {
		{ OPT_BOOL, 0, "otel", &otel, NULL, "export: OTLP/JSON apply_guardrail and execute_tool spans" },
		{ OPT_STRING, 'o', "output", &outfile, "FILE", "export: write to FILE" },
		{ OPT_INT, 0, "limit", &limit, "N", "list: one page of N records (1-10000, default 100)" },
		{ OPT_STRING, 0, "after", &after, "SEQ|ID", "list: the page after this record" },
		{ OPT_END, 0, NULL, NULL, NULL, NULL },
	};
	struct aiv_err err = AIV_ERR_INIT;
	struct control_log_records recs;
	size_t i;
	int n;

	if ((n = parse_options(argc, argv, opts, usage)) < 0)
		return n == -2 ? 0 : 2;
	if (n != 1) {
		usage_with_options(usage, opts, 1);
		return 2;
	}
	if (!strcmp(argv[1], "flush")) {
		if (control_log_flush(ctx->store, ctx->actor, &err))
			return cli_error(&err);
		return 0;
	}
	if (!strcmp(argv[1], "verify")) {
		int64_t rows, batches;
		char problem[300];
		if (control_log_verify(ctx->store, &rows, &batches, problem, sizeof(problem), &err))
			return cli_error(&err);
		if (ctx->json)
			cli_print_json(json_pack("{s:b, s:I, s:I, s:s?}", "ok", !problem[0],
						 "rows", (json_int_t)rows, "batches",
						 (json_int_t)batches, "problem",
						 problem[0] ? problem : NULL));
		else if (!problem[0])
			printf("decision log ok: %lld records in %lld ledger batches\n",
			       (long long)rows, (long long)batches);
		if (problem[0]) {
			if (!ctx->json)
				fprintf(stderr, "error: decision log: %s\n", problem);
			return 1;
		}
		return 0;
	}
	if (!strcmp(argv[1], "list") && (limit != -1 || after)) {
		int64_t cursor = 0, next = 0;
		if (limit == -1)
			limit = 100;
		if (limit < 1 || limit > 10000)
			return cli_errorf("--limit %lld is not a number from 1 to 10000", limit);
		if (after) {
			char *end;
			long long v = strtoll(after, &end, 10);
			if (*after && !*end && v >= 0)
				cursor = v;
			else if (control_log_seq(ctx->store, after, &cursor, &err))
				return cli_error(&err);
		}
		if (control_log_page(ctx->store, 0, cursor, (size_t)limit, &recs, &next, &err))
			return cli_error(&err);
		if (ctx->json) {
			json_t *page = json_pack("{s:I, s:o, s:o}", "count", (json_int_t)recs.n,
						 "items", control_log_records_json(&recs),
						 "next_cursor", next ? json_integer(next) : json_null());
			control_log_records_release(&recs);
			cli_print_json(page);
			return 0;
		}
		print_records(&recs);
		if (next)
			fprintf(stderr, "more: aivalue decisions list --limit %lld --after %lld\n",
				limit, (long long)next);
		control_log_records_release(&recs);
		return 0;
	}
	if (limit != -1 || after) {
		usage_with_options(usage, opts, 1);
		return 2;
	}
	if (control_log_list(ctx->store, &recs, &err))
		return cli_error(&err);
	if (!strcmp(argv[1], "list")) {
		if (ctx->json)
			cli_print_json(control_log_records_json(&recs));
		else
			print_records(&recs);
		control_log_records_release(&recs);
		return 0;
	}
	if (!strcmp(argv[1], "export") && otel) {
		json_t *spans = json_array(), *doc;
		FILE *f = stdout;
		for (i = 0; i < recs.n; i++)
			if (!strcmp(recs.v[i].kind, "decision"))
				json_array_append_new(spans, otel_span(&recs.v[i]));
		control_log_records_release(&recs);
		if (ledger_walk(ctx->store, 1, 0, NULL, "gateway.calls", 0, 0, tool_spans_row,
				spans, &err)) {
			json_decref(spans);
			return cli_error(&err);
		}
		doc = json_pack("{s:[{s:{s:[o]}, s:[{s:{s:s, s:s}, s:o}]}]}",
				"resourceSpans", "resource", "attributes",
				attr_s("service.name", "aivalue"), "scopeSpans", "scope", "name",
				"aivalue.control", "version", AIV_VERSION, "spans", spans);
		if (outfile && !(f = fopen(outfile, "w"))) {
			json_decref(doc);
			return cli_errorf("cannot write '%s'", outfile);
		}
		json_dumpf(doc, f, JSON_INDENT(1));
		fputc('\n', f);
		json_decref(doc);
		if (outfile && fclose(f))
			return cli_errorf("cannot write '%s'", outfile);
		return 0;
	}
	control_log_records_release(&recs);
	usage_with_options(usage, opts, 1);
	return 2;
}
