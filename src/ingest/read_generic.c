/*
 * read_generic.c - generic usage events from CSV or JSON lines, with a
 * column map:
 *
 *   aivalue import usage events.csv --format csv \
 *       --map person=email,time=ts,tool=app,workflow=template_id
 *
 * Targets: person and time are required; tool, feature, workflow, count
 * and tenant are optional (count defaults to 1, tool to --tool or
 * "unknown").  An unmapped target is looked for under its own name.  A
 * target mapped explicitly must exist in the file.  CSV headers match
 * exactly first, then ignoring case, spaces and punctuation.
 */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "csvread.h"
#include "readers.h"

enum { T_PERSON, T_TIME, T_TOOL, T_FEATURE, T_WORKFLOW, T_COUNT, T_TENANT, T_N };

static const char *const target_names[T_N] = {
	"person", "time", "tool", "feature", "workflow", "count", "tenant",
};

struct colmap {
	char *src[T_N];   /* source column / key */
	int explicit_[T_N];
	int idx[T_N];     /* CSV column index, -1 absent */
};

static void colmap_release(struct colmap *m)
{
	int i;

	for (i = 0; i < T_N; i++)
		free(m->src[i]);
}

static int colmap_parse(struct colmap *m, const char *spec, struct aiv_err *err)
{
	const char *p = spec;
	int i;

	memset(m, 0, sizeof(*m));
	while (p && *p) {
		const char *comma = strchr(p, ','), *eq = strchr(p, '=');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);
		if (!eq || eq >= p + len || eq == p || eq + 1 == p + len) {
			for (i = 0; i < T_N; i++)
				free(m->src[i]);
			return aiv_fail(err, AIV_EINPUT, "bad --map item '%.*s': want "
					"TARGET=COLUMN, e.g. person=email", (int)len, p);
		}
		for (i = 0; i < T_N; i++)
			if (strlen(target_names[i]) == (size_t)(eq - p) &&
			    !strncmp(p, target_names[i], (size_t)(eq - p)))
				break;
		if (i == T_N) {
			int j;
			for (j = 0; j < T_N; j++)
				free(m->src[j]);
			return aiv_fail(err, AIV_EINPUT, "unknown --map target '%.*s' (targets: "
					"person, time, tool, feature, workflow, count, tenant)",
					(int)(eq - p), p);
		}
		free(m->src[i]);
		m->src[i] = xstrndup(eq + 1, (size_t)(p + len - eq - 1));
		m->explicit_[i] = 1;
		p = comma ? comma + 1 : NULL;
	}
	for (i = 0; i < T_N; i++) {
		if (!m->src[i])
			m->src[i] = xstrdup(target_names[i]);
		m->idx[i] = -1;
	}
	return 0;
}

int usage_getline(FILE *f, const char *name, long line, struct strbuf *sb,
		  struct aiv_err *err)
{
	char chunk[8192];

	strbuf_reset(sb);
	while (fgets(chunk, sizeof(chunk), f)) {
		size_t n = strlen(chunk);
		strbuf_add(sb, chunk, n);
		if (sb->len > (64u << 20))
			return aiv_fail_at(err, AIV_ETOOBIG, name, line, 0,
					   "line is longer than 64 MiB");
		if (n && chunk[n - 1] == '\n')
			break;
	}
	if (ferror(f))
		return aiv_fail(err, AIV_EIO, "cannot read '%s'", name);
	if (!sb->len && feof(f))
		return 0;
	while (sb->len && (sb->buf[sb->len - 1] == '\n' || sb->buf[sb->len - 1] == '\r'))
		strbuf_setlen(sb, sb->len - 1);
	return 1;
}

/* Fill a row from string values (NULL = absent); checks time and count. */
static int make_row(struct usage_import *im, const struct colmap *m,
		    const char *const val[T_N], const long col[T_N], long line,
		    struct aiv_err *err)
{
	const struct usage_opts *o = usage_options(im);
	struct usage_row r;
	int ret;

	memset(&r, 0, sizeof(r));
	r.line = line;
	r.identity = val[T_PERSON];
	if (!val[T_PERSON] || !*val[T_PERSON])
		return aiv_fail_at(err, AIV_EINPUT, usage_file(im), line, col[T_PERSON],
				   "empty person in '%s'", m->src[T_PERSON]);
	if (!val[T_TIME] || usage_parse_time(val[T_TIME], &r.time_us))
		return aiv_fail_at(err, AIV_EINPUT, usage_file(im), line, col[T_TIME],
				   "unparseable time '%s' in '%s' (want an ISO 8601 date or "
				   "date-time, or Unix epoch seconds/ms)",
				   val[T_TIME] ? val[T_TIME] : "", m->src[T_TIME]);
	r.tool = val[T_TOOL] && *val[T_TOOL] ? val[T_TOOL] : (o->tool ? o->tool : "unknown");
	r.feature = val[T_FEATURE] ? val[T_FEATURE] : "";
	r.workflow = val[T_WORKFLOW] ? val[T_WORKFLOW] : "";
	r.count = 1;
	if (val[T_COUNT] && *val[T_COUNT]) {
		if (usage_parse_count(val[T_COUNT], &r.count))
			return aiv_fail_at(err, AIV_EINPUT, usage_file(im), line, col[T_COUNT],
					   "count '%s' in '%s' is not a whole number",
					   val[T_COUNT], m->src[T_COUNT]);
		if (r.count < 0)
			return aiv_fail_at(err, AIV_EINPUT, usage_file(im), line, col[T_COUNT],
					   "negative count %lld in '%s'", (long long)r.count,
					   m->src[T_COUNT]);
	}
	if (val[T_TENANT] &&
	    (ret = usage_tenant(im, val[T_TENANT], m->src[T_TENANT], line, col[T_TENANT], err)))
		return ret;
	return usage_emit(im, &r, err);
}

int usage_read_csv(struct usage_import *im, FILE *f, struct aiv_err *err)
{
	struct tally *tl = usage_tally(im);
	const char *name = usage_file(im);
	struct csv_reader r;
	struct colmap m;
	size_t nhdr, i;
	int t, ret;

	if ((ret = colmap_parse(&m, usage_options(im)->map, err)))
		return ret;
	csv_reader_init(&r, f, name);
	if ((ret = csv_next(&r, err)) <= 0) {
		if (ret == 0)
			ret = aiv_fail(err, AIV_EINPUT, "cannot import '%s': the file is empty", name);
		goto cleanup;
	}
	nhdr = r.nfields;
	for (t = 0; t < T_N; t++) {
		char want[256], have[256];
		for (i = 0; i < nhdr && m.idx[t] < 0; i++)
			if (!strcmp(csv_str(&r, i), m.src[t]))
				m.idx[t] = (int)i;
		usage_norm_key(m.src[t], want, sizeof(want));
		for (i = 0; i < nhdr && m.idx[t] < 0; i++) {
			usage_norm_key(csv_str(&r, i), have, sizeof(have));
			if (*want && !strcmp(want, have))
				m.idx[t] = (int)i;
		}
		if (m.idx[t] < 0 && (t <= T_TIME || m.explicit_[t])) {
			struct strbuf cols = STRBUF_INIT;
			for (i = 0; i < nhdr && i < 20; i++)
				strbuf_addf(&cols, "%s'%s'", i ? ", " : "", csv_str(&r, i));
			ret = aiv_fail_at(err, AIV_EINPUT, name, r.rec_line, 1,
					  "missing column '%s' for %s (the header has: %s)%s",
					  m.src[t], target_names[t], cols.buf,
					  csv_str(&r, 0)[0] == '{' ?
					  "; this looks like JSON lines: try --format jsonl" : "");
			strbuf_release(&cols);
			goto cleanup;
		}
	}
	{
		unsigned char *seen = xcalloc(nhdr, 1);
		for (t = 0; t < T_N; t++)
			if (m.idx[t] >= 0)
				seen[m.idx[t]] = 1;
		usage_note_columns(im, &r, seen);
		free(seen);
	}
	while ((ret = csv_next(&r, err)) == 1) {
		const char *val[T_N];
		long col[T_N];
		if (r.nfields != nhdr) {
			ret = aiv_fail_at(err, AIV_EINPUT, name, r.rec_line, 0,
					  "record has %zu fields, the header has %zu",
					  r.nfields, nhdr);
			goto cleanup;
		}
		for (t = 0; t < T_N; t++) {
			val[t] = m.idx[t] >= 0 ? csv_str(&r, (size_t)m.idx[t]) : NULL;
			col[t] = m.idx[t] >= 0 ? r.fields[m.idx[t]].col : 0;
		}
		usage_progress_bytes(im, r.bytes);
		tl->read++;
		if ((ret = make_row(im, &m, val, col, r.rec_line, err)))
			goto cleanup;
		tl->used++;
	}
cleanup:
	csv_reader_release(&r);
	colmap_release(&m);
	return ret < 0 ? ret : 0;
}

/* A scalar JSON value as text in buf (NULL for absent, null, objects, arrays). */
static const char *json_scalar(json_t *v, char *buf, size_t bufsz)
{
	if (json_is_string(v))
		return json_string_value(v);
	if (json_is_integer(v)) {
		snprintf(buf, bufsz, "%lld", (long long)json_integer_value(v));
		return buf;
	}
	if (json_is_real(v)) {
		snprintf(buf, bufsz, "%.17g", json_real_value(v));
		return buf;
	}
	if (json_is_boolean(v))
		return json_is_true(v) ? "1" : "0";
	return NULL;
}

int usage_read_jsonl(struct usage_import *im, FILE *f, struct aiv_err *err)
{
	struct tally *tl = usage_tally(im);
	const char *name = usage_file(im);
	struct strbuf line = STRBUF_INIT;
	struct colmap m;
	long lineno = 0;
	int64_t bytes = 0;
	int t, ret;

	if ((ret = colmap_parse(&m, usage_options(im)->map, err)))
		return ret;
	while ((ret = usage_getline(f, name, lineno + 1, &line, err)) == 1) {
		const char *val[T_N];
		long col[T_N] = { 0 };
		char nums[T_N][40];
		json_error_t jerr;
		json_t *obj;

		lineno++;
		bytes += (int64_t)line.len + 1;
		if (!line.len)
			continue;
		obj = json_loadb(line.buf, line.len, JSON_REJECT_DUPLICATES, &jerr);
		if (!obj) {
			ret = aiv_fail_at(err, AIV_EINPUT, name, lineno, jerr.column,
					  "not a JSON object: %s%s", jerr.text,
					  lineno == 1 ? " (this reader expects one JSON object "
					  "per line)" : "");
			goto cleanup;
		}
		if (!json_is_object(obj)) {
			json_decref(obj);
			ret = aiv_fail_at(err, AIV_EINPUT, name, lineno, 1,
					  "line is JSON but not an object");
			goto cleanup;
		}
		for (t = 0; t < T_N; t++) {
			json_t *v = json_object_get(obj, m.src[t]);
			val[t] = json_scalar(v, nums[t], sizeof(nums[t]));
			if (!val[t] && t <= T_TIME) {
				json_decref(obj);
				ret = aiv_fail_at(err, AIV_EINPUT, name, lineno, 0,
						  "missing field '%s' for %s", m.src[t],
						  target_names[t]);
				goto cleanup;
			}
		}
		{
			const char *k;
			json_t *v;
			json_object_foreach(obj, k, v) {
				for (t = 0; t < T_N && strcmp(m.src[t], k); t++)
					;
				if (t == T_N) {
					char what[200], where[512];
					snprintf(what, sizeof(what), "field '%.150s' (not mapped)", k);
					usage_where(im, lineno, where, sizeof(where));
					tally_note(tl, what, where);
				}
			}
		}
		usage_progress_bytes(im, bytes);
		tl->read++;
		ret = make_row(im, &m, val, col, lineno, err);
		json_decref(obj);
		if (ret)
			goto cleanup;
		tl->used++;
	}
cleanup:
	strbuf_release(&line);
	colmap_release(&m);
	return ret < 0 ? ret : 0;
}
