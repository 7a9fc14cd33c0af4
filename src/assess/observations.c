/*
 * observations.c - per-unit observations for hypotheses, from CSV.
 *
 * The file is parsed completely before anything is written, so one bad
 * row changes nothing.  Fields follow RFC 4180 within a line (quotes,
 * doubled quotes); records do not span lines.  The first five columns are
 * fixed (initiative, unit, metric, time, value); further columns are
 * attributes, stored as a JSON object per row for cohort comparisons.
 * One ledger entry per import holds the row count and the file's SHA-256,
 * which is how the chain covers bulk rows (DESIGN.md).
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/cjson.h"
#include "core/hash.h"
#include "core/timeutil.h"
#include "hypothesis.h"
#include "ledger/ledger.h"
#include "org/org.h"

#define CSV_MAX (256u << 20)

struct fields {
	char **v;
	long *col; /* 1-based column of each field */
	size_t n, alloc, acol;
};

static void fields_clear(struct fields *f)
{
	size_t i;

	for (i = 0; i < f->n; i++)
		free(f->v[i]);
	f->n = 0;
}

/* Split one line; returns 0 or -1 (unterminated quote, at *badcol). */
static int split_line(const char *line, size_t len, struct fields *f, long *badcol)
{
	size_t i = 0;
	struct strbuf sb = STRBUF_INIT;

	fields_clear(f);
	for (;;) {
		long start = (long)i + 1;
		strbuf_reset(&sb);
		if (i < len && line[i] == '"') {
			i++;
			for (;;) {
				if (i >= len) {
					*badcol = start;
					strbuf_release(&sb);
					return -1;
				}
				if (line[i] == '"') {
					if (i + 1 < len && line[i + 1] == '"') {
						strbuf_addch(&sb, '"');
						i += 2;
						continue;
					}
					i++;
					break;
				}
				strbuf_addch(&sb, line[i++]);
			}
		} else {
			while (i < len && line[i] != ',')
				strbuf_addch(&sb, line[i++]);
		}
		ALLOC_GROW(f->v, f->n + 1, f->alloc);
		ALLOC_GROW(f->col, f->n + 1, f->acol);
		f->col[f->n] = start;
		f->v[f->n++] = strbuf_detach(&sb, NULL);
		if (i >= len)
			break;
		if (line[i] != ',') {
			*badcol = (long)i + 1;
			strbuf_release(&sb);
			return -1;
		}
		i++;
	}
	strbuf_release(&sb);
	return 0;
}

struct obs_row {
	char *initiative, *unit, *metric, *attrs;
	int64_t time;
	double value;
};

int hyp_import_csv(struct store *s, const struct catalog *cat, const char *actor,
		   const char *path, int64_t *rows, int64_t *seq, struct aiv_err *err)
{
	static const char *const fixed[] = { "initiative", "unit", "metric", "time", "value" };
	struct strbuf file = STRBUF_INIT;
	struct fields hdr, f;
	struct obs_row *rv = NULL;
	size_t nr = 0, ar = 0, i, pos = 0;
	char hex[SHA256_HEX];
	struct store_stmt *st;
	json_t *payload = NULL;
	long line = 0, badcol = 0;
	int ret = 0, rc, in_tx = 0;
	int64_t dup = 0;

	*rows = *seq = 0;
	memset(&hdr, 0, sizeof(hdr));
	memset(&f, 0, sizeof(f));
	if (strbuf_read_file(&file, path, CSV_MAX) < 0) {
		ret = aiv_fail(err, AIV_EIO, "cannot read '%s': %s", path, strerror(errno));
		goto cleanup;
	}
	sha256_hex(file.buf, file.len, hex);
	while (pos < file.len) {
		const char *l = file.buf + pos;
		const char *nl = memchr(l, '\n', file.len - pos);
		size_t len = nl ? (size_t)(nl - l) : file.len - pos;
		struct fields *dst = line == 0 ? &hdr : &f;

		pos += len + (nl ? 1 : 0);
		line++;
		if (len && l[len - 1] == '\r')
			len--;
		if (len == 0)
			continue;
		if (split_line(l, len, dst, &badcol)) {
			ret = aiv_fail_at(err, AIV_EINPUT, path, line, badcol, "malformed CSV field");
			goto cleanup;
		}
		if (dst == &hdr) {
			for (i = 0; i < ARRAY_SIZE(fixed); i++) {
				if (hdr.n <= i || strcmp(hdr.v[i], fixed[i])) {
					ret = aiv_fail_at(err, AIV_EINPUT, path, line,
							  i < hdr.n ? hdr.col[i] : 1,
							  "the header must start with initiative,unit,"
							  "metric,time,value (column %zu is '%s')", i + 1,
							  i < hdr.n ? hdr.v[i] : "");
					goto cleanup;
				}
			}
			continue;
		}
		if (f.n != hdr.n) {
			ret = aiv_fail_at(err, AIV_EINPUT, path, line, 1,
					  "%zu fields, but the header has %zu", f.n, hdr.n);
			goto cleanup;
		}
		{
			struct obs_row r;
			char *end;
			json_t *attrs;
			int yes = 0;

			memset(&r, 0, sizeof(r));
			if (!catalog_metric(cat, f.v[2])) {
				ret = aiv_fail_at(err, AIV_EINPUT, path, line, f.col[2],
						  "unknown metric '%s' (see 'aivalue models')", f.v[2]);
				goto cleanup;
			}
			if ((ret = org_initiative_exists(s, f.v[0], &yes, err)))
				goto cleanup;
			if (!yes) {
				ret = aiv_fail_at(err, AIV_EINPUT, path, line, f.col[0],
						  "unknown initiative '%s'", f.v[0]);
				goto cleanup;
			}
			if (!*f.v[1]) {
				ret = aiv_fail_at(err, AIV_EINPUT, path, line, f.col[1],
						  "empty unit");
				goto cleanup;
			}
			if (time_parse_iso(f.v[3], &r.time)) {
				ret = aiv_fail_at(err, AIV_EINPUT, path, line, f.col[3],
						  "time '%s' is not an ISO-8601 date or time", f.v[3]);
				goto cleanup;
			}
			errno = 0;
			r.value = strtod(f.v[4], &end);
			if (!*f.v[4] || *end || errno || !isfinite(r.value)) {
				ret = aiv_fail_at(err, AIV_EINPUT, path, line, f.col[4],
						  "value '%s' is not a number", f.v[4]);
				goto cleanup;
			}
			attrs = json_object();
			for (i = 5; i < f.n; i++)
				json_object_set_new(attrs, hdr.v[i], json_string(f.v[i]));
			r.attrs = cjson_dumps(attrs);
			json_decref(attrs);
			r.initiative = xstrdup(f.v[0]);
			r.unit = xstrdup(f.v[1]);
			r.metric = xstrdup(f.v[2]);
			ALLOC_GROW(rv, nr + 1, ar);
			rv[nr++] = r;
		}
	}
	if (line == 0 || hdr.n == 0) {
		ret = aiv_fail(err, AIV_EINPUT, "'%s': empty file, expected a CSV header", path);
		goto cleanup;
	}
	if (nr == 0) {
		ret = aiv_fail(err, AIV_EINPUT, "'%s': no observations after the header", path);
		goto cleanup;
	}
	if ((ret = store_begin(s, err)))
		goto cleanup;
	in_tx = 1;
	st = store_prepare(s, "SELECT count(*) FROM observation_imports WHERE sha256 = ?", err);
	if (!st) {
		ret = err->code;
		goto cleanup;
	}
	store_bind_text(st, 1, hex);
	rc = store_step(st, err);
	if (rc == STORE_ROW)
		dup = store_col_int(st, 0);
	store_reset(st);
	if (rc < 0) {
		ret = rc;
		goto cleanup;
	}
	if (dup)
		goto cleanup; /* already imported: nothing to do */
	payload = json_pack("{s:s, s:s, s:I}", "file", path, "sha256", hex, "rows", (json_int_t)nr);
	if ((ret = ledger_append(s, actor, "evidence.import", "observations", payload, seq, err)))
		goto cleanup;
	st = store_prepare(s, "INSERT INTO observation_imports(sha256, name, nrows, seq)"
			      " VALUES (?,?,?,?)", err);
	if (!st) {
		ret = err->code;
		goto cleanup;
	}
	store_bind_text(st, 1, hex);
	store_bind_text(st, 2, path);
	store_bind_int(st, 3, (int64_t)nr);
	store_bind_int(st, 4, *seq);
	rc = store_step(st, err);
	store_reset(st);
	if (rc < 0) {
		ret = rc;
		goto cleanup;
	}
	st = store_prepare(s, "INSERT INTO observations(import_sha, initiative, unit, metric,"
			      " time_us, value, attrs) VALUES (?,?,?,?,?,?,?)", err);
	if (!st) {
		ret = err->code;
		goto cleanup;
	}
	for (i = 0; i < nr; i++) {
		store_bind_text(st, 1, hex);
		store_bind_text(st, 2, rv[i].initiative);
		store_bind_text(st, 3, rv[i].unit);
		store_bind_text(st, 4, rv[i].metric);
		store_bind_int(st, 5, rv[i].time);
		store_bind_double(st, 6, rv[i].value);
		store_bind_text(st, 7, rv[i].attrs);
		rc = store_step(st, err);
		store_reset(st);
		if (rc < 0) {
			ret = rc;
			goto cleanup;
		}
	}
	if ((ret = store_commit(s, err)))
		goto cleanup;
	in_tx = 0;
	*rows = (int64_t)nr;
cleanup:
	if (in_tx) {
		if (ret) {
			store_rollback(s);
			*seq = 0;
		} else if (store_commit(s, err)) {
			store_rollback(s);
			ret = err->code;
		}
	}
	for (i = 0; i < nr; i++) {
		free(rv[i].initiative);
		free(rv[i].unit);
		free(rv[i].metric);
		free(rv[i].attrs);
	}
	free(rv);
	fields_clear(&hdr);
	free(hdr.v);
	free(hdr.col);
	fields_clear(&f);
	free(f.v);
	free(f.col);
	strbuf_release(&file);
	json_decref(payload);
	return ret;
}
