/*
 * otlp.h - the one reader of OTLP/JSON trace exports, shared by
 * `aivalue import usage --format otel-genai` (usage events) and
 * `aivalue workflow import-spans` (agents' tool calls, control/).
 *
 * Input (open-telemetry/opentelemetry-proto, OTLP/JSON encoding):
 *
 *   {"resourceSpans":[{"resource":{"attributes":[{"key","value":{..}}]},
 *     "scopeSpans":[{"scope":{..},"spans":[{"traceId","spanId",
 *       "parentSpanId","name","startTimeUnixNano","attributes":[..]}]}]}]}
 *
 * one ExportTraceServiceRequest per line (the Collector's file exporter),
 * or one pretty-printed request (read whole, up to 256 MiB); the older
 * key "instrumentationLibrarySpans" is read as "scopeSpans".
 *
 * Attributes an agent framework sets once are inherited down the span
 * tree (OpenTelemetry GenAI semantic conventions put gen_ai.agent.name
 * and gen_ai.agent.id on the `invoke_agent` span, not on its `chat` and
 * `execute_tool` children):
 *
 *   invoke_agent (agent, user) --parentSpanId-- chat
 *                              \--parentSpanId-- execute_tool
 *
 * A span's user, agent and provider are its own, else those of its
 * nearest ancestor (through parentSpanId, within the trace, anywhere in
 * the file: exporters write children before their parents), else the
 * resource's.  The whole file is read before the first span is handed
 * out, in file order; strings are kept interned, not as JSON trees.
 */
#ifndef AIV_INGEST_OTLP_H
#define AIV_INGEST_OTLP_H

#include <stdint.h>
#include <stdio.h>

#include "aiv.h"
#include "core/tally.h"

#define OTLP_NO_TOKENS (-1)
#define OTLP_BAD_TOKENS (-2)

struct otlp_span {
	const char *trace_id, *span_id; /* "" when absent */
	const char *name;               /* "" when absent */
	const char *start;              /* startTimeUnixNano as text, or NULL */
	int genai;                      /* has a gen_ai.* attribute */
	const char *operation;          /* gen_ai.operation.name, or NULL */
	const char *tool;               /* gen_ai.tool.name (older tool.name), or NULL */
	const char *decision_id;        /* aivalue.decision_id, or NULL */
	const char *model;              /* gen_ai.response.model, else gen_ai.request.model */
	/* gen_ai.usage.input_tokens / output_tokens (older prompt_tokens /
	 * completion_tokens): the count, OTLP_NO_TOKENS when absent, or
	 * OTLP_BAD_TOKENS when not a whole number of 0 or more */
	int64_t input_tokens, output_tokens;
	/* own, else inherited from the nearest ancestor that has one, else NULL */
	const char *agent_name;         /* gen_ai.agent.name (older agent.name) */
	const char *agent_id;           /* gen_ai.agent.id (older agent.id) */
	const char *user;               /* user.id, enduser.id, langfuse.user.id */
	const char *provider;           /* gen_ai.provider.name, older gen_ai.system */
	int agent_inherited, user_inherited, provider_inherited;
	int is_tool_call;               /* execute_tool by operation or span name */
	int lends;                      /* gave its agent or user to a tool call below it */
	long line;                      /* line where its export request starts */
};

/*
 * Called once per span in file order; the strings are borrowed, valid
 * during the call.  Return 0 to go on, or a negative code with err set
 * to stop the read (which then returns that code).
 */
typedef int (*otlp_span_fn)(void *data, const struct otlp_span *sp, struct aiv_err *err);

/*
 * Read every span of stream f (`name` in messages) and call fn for each.
 * t (may be NULL) gets `read` += spans and the assumptions made (older
 * key, inherited attributes); the callback counts used and skipped.
 * Errors: not JSON, no resourceSpans, a document over 256 MiB, each with
 * FILE:LINE.  Returns 0 or a negative code with err set.
 */
int otlp_read(FILE *f, const char *name, struct tally *t, otlp_span_fn fn, void *data,
	      struct aiv_err *err);

#endif
