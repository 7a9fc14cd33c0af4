/*
 * read_otel.c - OTLP/JSON traces with OpenTelemetry GenAI attributes.
 *
 * Sources: open-telemetry/semantic-conventions docs/registry/attributes/
 * gen-ai.md and the OTLP/JSON encoding (opentelemetry-proto).  Input is
 * what the Collector's file exporter writes: one ExportTraceServiceRequest
 * per line,
 *
 *   {"resourceSpans":[{"resource":{"attributes":[{"key":..,"value":{..}}]},
 *     "scopeSpans":[{"spans":[{"traceId","spanId","name",
 *       "startTimeUnixNano","attributes":[...]}]}]}]}
 *
 * ("instrumentationLibrarySpans" of older exporters is accepted too).
 * A file holding one pretty-printed request is read whole, up to 256 MiB.
 *
 * Each span with a GenAI attribute becomes one event (count 1):
 *   identity  user.id, enduser.id or langfuse.user.id (span, then resource);
 *             a span with none is kept under "(no user.id)" and reported
 *   tool      gen_ai.provider.name, or the older gen_ai.system
 *   feature   gen_ai.operation.name, else the first word of the span name
 *   workflow  gen_ai.agent.name, else gen_ai.agent.id
 *   time      startTimeUnixNano
 * Duplicates are judged by traceId + spanId.  Spans without any gen_ai.*
 * attribute (HTTP, DB...) are skipped and counted.
 */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "core/cjson.h"
#include "readers.h"

#define OTEL_MAX_DOC (256u << 20)

/* The value of attribute `key` in an OTLP attribute list, as text in buf. */
static const char *attr(json_t *attrs, const char *key, char *buf, size_t bufsz)
{
	size_t i;
	json_t *a;

	json_array_foreach(attrs, i, a) {
		json_t *v;
		const char *k = json_str(a, "key");
		if (!k || strcmp(k, key))
			continue;
		v = json_object_get(a, "value");
		if (json_str(v, "stringValue"))
			return json_str(v, "stringValue");
		if (json_str(v, "intValue")) /* int64 is a string in OTLP/JSON */
			return json_str(v, "intValue");
		if (json_is_integer(json_object_get(v, "intValue"))) {
			snprintf(buf, bufsz, "%lld",
				 (long long)json_integer_value(json_object_get(v, "intValue")));
			return buf;
		}
		if (json_is_boolean(json_object_get(v, "boolValue")))
			return json_is_true(json_object_get(v, "boolValue")) ? "true" : "false";
		return NULL;
	}
	return NULL;
}

static int has_genai(json_t *attrs)
{
	size_t i;
	json_t *a;

	json_array_foreach(attrs, i, a) {
		const char *k = json_str(a, "key");
		if (k && !strncmp(k, "gen_ai.", 7))
			return 1;
	}
	return 0;
}

static const char *first_attr(json_t *span_attrs, json_t *res_attrs,
			      const char *const *keys, char *buf, size_t bufsz)
{
	const char *v;

	for (; *keys; keys++) {
		if ((v = attr(span_attrs, *keys, buf, bufsz)) && *v)
			return v;
		if (res_attrs && (v = attr(res_attrs, *keys, buf, bufsz)) && *v)
			return v;
	}
	return NULL;
}

static int span_event(struct usage_import *im, json_t *span, json_t *res_attrs,
		      long line, struct aiv_err *err)
{
	static const char *const k_user[] = { "user.id", "enduser.id", "langfuse.user.id", NULL };
	static const char *const k_tool[] = { "gen_ai.provider.name", "gen_ai.system", NULL };
	static const char *const k_op[] = { "gen_ai.operation.name", NULL };
	static const char *const k_agent[] = { "gen_ai.agent.name", "gen_ai.agent.id", NULL };
	json_t *attrs = json_object_get(span, "attributes");
	json_t *start = json_object_get(span, "startTimeUnixNano");
	char b1[40], b2[40], b3[40], b4[40], tbuf[40], feat[64], uid[160];
	const char *who, *tool, *op, *agent, *tstr;
	struct usage_row r;

	if (!json_is_array(attrs) || !has_genai(attrs))
		return 1; /* not a GenAI span */
	memset(&r, 0, sizeof(r));
	if (json_is_string(start)) {
		tstr = json_string_value(start);
	} else if (json_is_integer(start)) {
		snprintf(tbuf, sizeof(tbuf), "%lld", (long long)json_integer_value(start));
		tstr = tbuf;
	} else {
		return aiv_fail_at(err, AIV_EINPUT, usage_file(im), line, 0,
				   "span '%s' has no startTimeUnixNano",
				   json_str(span, "spanId") ? json_str(span, "spanId") : "?");
	}
	if (usage_parse_time(tstr, &r.time_us))
		return aiv_fail_at(err, AIV_EINPUT, usage_file(im), line, 0,
				   "unparseable startTimeUnixNano '%s'", tstr);
	who = first_attr(attrs, res_attrs, k_user, b1, sizeof(b1));
	tool = first_attr(attrs, res_attrs, k_tool, b2, sizeof(b2));
	op = first_attr(attrs, NULL, k_op, b3, sizeof(b3));
	agent = first_attr(attrs, NULL, k_agent, b4, sizeof(b4));
	if (!op) {
		const char *nm = json_str(span, "name");
		size_t n = nm ? strcspn(nm, " ") : 0;
		snprintf(feat, sizeof(feat), "%.*s", (int)(n < 63 ? n : 63), nm ? nm : "");
		op = *feat ? feat : "genai";
	}
	snprintf(uid, sizeof(uid), "%s/%s",
		 json_str(span, "traceId") ? json_str(span, "traceId") : "",
		 json_str(span, "spanId") ? json_str(span, "spanId") : "");
	r.identity = who ? who : "(no user.id)";
	r.tool = tool ? tool : "genai";
	r.feature = op;
	r.workflow = agent ? agent : "";
	r.count = 1;
	r.line = line;
	r.uid = strcmp(uid, "/") ? uid : NULL;
	return usage_emit(im, &r, err);
}

static int otel_doc(struct usage_import *im, json_t *doc, long line, struct aiv_err *err)
{
	json_t *rss = json_object_get(doc, "resourceSpans"), *rs;
	size_t i;
	int ret;

	if (!json_is_array(rss))
		return aiv_fail_at(err, AIV_EINPUT, usage_file(im), line, 0,
				   "missing field 'resourceSpans': not an OTLP/JSON trace export"
				   "%s", json_object_get(doc, "resourceMetrics") ?
				   " (this is a metrics export; only traces are read)" : "");
	json_array_foreach(rss, i, rs) {
		json_t *res_attrs = json_object_get(json_object_get(rs, "resource"), "attributes");
		json_t *sss = json_object_get(rs, "scopeSpans"), *ss;
		size_t j;
		if (!sss)
			sss = json_object_get(rs, "instrumentationLibrarySpans");
		json_array_foreach(sss, j, ss) {
			json_t *spans = json_object_get(ss, "spans"), *sp;
			size_t k;
			json_array_foreach(spans, k, sp) {
				if (!json_is_object(sp))
					continue;
				ret = span_event(im, sp, json_is_array(res_attrs) ? res_attrs : NULL,
						 line, err);
				if (ret < 0)
					return ret;
			}
		}
	}
	return 0;
}

int usage_read_otel(struct usage_import *im, FILE *f, struct aiv_err *err)
{
	const char *name = usage_file(im);
	struct strbuf line = STRBUF_INIT;
	long lineno = 0;
	int64_t bytes = 0;
	int ret;

	while ((ret = usage_getline(f, name, lineno + 1, &line, err)) == 1) {
		json_error_t jerr;
		json_t *doc;

		lineno++;
		bytes += (int64_t)line.len + 1;
		if (!line.len)
			continue;
		doc = json_loadb(line.buf, line.len, 0, &jerr);
		if (!doc && lineno == 1 && line.buf[0] == '{') {
			/* one pretty-printed request: read the rest and parse it whole */
			char chunk[65536];
			size_t n;
			strbuf_addch(&line, '\n');
			while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
				strbuf_add(&line, chunk, n);
				if (line.len > OTEL_MAX_DOC) {
					ret = aiv_fail(err, AIV_ETOOBIG, "cannot import '%s': a single "
						       "JSON document over 256 MiB; use one request per "
						       "line (the Collector's file exporter does)", name);
					goto cleanup;
				}
			}
			doc = json_loadb(line.buf, line.len, 0, &jerr);
			if (!doc) {
				ret = aiv_fail_at(err, AIV_EINPUT, name, jerr.line, jerr.column,
						  "not JSON: %s", jerr.text);
				goto cleanup;
			}
		} else if (!doc) {
			ret = aiv_fail_at(err, AIV_EINPUT, name, lineno, jerr.column,
					  "not JSON: %s (otel-genai reads OTLP/JSON, one export "
					  "request per line)", jerr.text);
			goto cleanup;
		}
		usage_progress_bytes(im, bytes);
		ret = json_is_object(doc) ? otel_doc(im, doc, lineno, err) :
		      aiv_fail_at(err, AIV_EINPUT, name, lineno, 1, "not a JSON object");
		json_decref(doc);
		if (ret)
			goto cleanup;
	}
cleanup:
	strbuf_release(&line);
	return ret < 0 ? ret : 0;
}
