/*
 * observations.c - per-unit observations for hypotheses, from CSV.
 *
 * The file is parsed completely before anything is written, so one bad
 * row changes nothing.  Records are read by the one CSV reader
 * (ingest/csvread.h: RFC 4180, quoted fields may span lines), over the
 * bytes already read for the file's hash.  The first five columns are
 * fixed (initiative, unit, metric, time, value); further columns are
 * attributes, stored as a JSON object per row for cohort comparisons.
 * One ledger entry per import holds the row count, the file's SHA-256 and
 * the digest of the rows written (rows_sha256), which is how the chain
 * covers bulk rows (DESIGN.md) and audit verify sees an edited value.
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
#include "ingest/csvread.h"
#include "ledger/ledger.h"
#include "ledger/state.h"
#include "org/org.h"

#define CSV_MAX (256u << 20)

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
	struct csv_reader r;
	FILE *in = NULL;
	char **hdr = NULL;
	struct obs_row *rv = NULL;
	size_t nhdr = 0, nr = 0, ar = 0, i;
	char hex[SHA256_HEX], digest[SHA256_HEX];
	struct store_stmt *st;
	json_t *payload = NULL;
	int ret = 0, rc, in_tx = 0;
	int64_t dup = 0;

	*rows = *seq = 0;
	csv_reader_init(&r, NULL, path);
	if (strbuf_read_file(&file, path, CSV_MAX) < 0) {
		ret = aiv_fail(err, AIV_EIO, "cannot read '%s': %s", path, strerror(errno));
		goto cleanup;
	}
	sha256_hex(file.buf, file.len, hex);
	if (file.len && !(in = fmemopen(file.buf, file.len, "r"))) {
		ret = aiv_fail(err, AIV_EIO, "cannot read '%s': %s", path, strerror(errno));
		goto cleanup;
	}
	r.f = in;
	while (in && (rc = csv_next(&r, err)) != 0) {
		struct obs_row o;
		const struct csv_field *f = r.fields;
		char *end;
		json_t *attrs;
		int yes = 0;

		if (rc < 0) {
			ret = rc;
			goto cleanup;
		}
		if (!hdr) {
			nhdr = r.nfields;
			hdr = xcalloc(nhdr, sizeof(*hdr));
			for (i = 0; i < nhdr; i++)
				hdr[i] = xstrdup(csv_str(&r, i));
			for (i = 0; i < ARRAY_SIZE(fixed); i++) {
				if (nhdr <= i || strcmp(hdr[i], fixed[i])) {
					ret = aiv_fail_at(err, AIV_EINPUT, path, r.rec_line,
							  i < nhdr ? f[i].col : 1,
							  "the header must start with initiative,unit,"
							  "metric,time,value (column %zu is '%s')", i + 1,
							  i < nhdr ? hdr[i] : "");
					goto cleanup;
				}
			}
			continue;
		}
		if (r.nfields != nhdr) {
			ret = aiv_fail_at(err, AIV_EINPUT, path, r.rec_line, 1,
					  "%zu fields, but the header has %zu", r.nfields, nhdr);
			goto cleanup;
		}
		memset(&o, 0, sizeof(o));
		if (!catalog_metric(cat, csv_str(&r, 2))) {
			ret = aiv_fail_at(err, AIV_EINPUT, path, f[2].line, f[2].col,
					  "unknown metric '%s' (see 'aivalue models')", csv_str(&r, 2));
			goto cleanup;
		}
		if ((ret = org_initiative_exists(s, csv_str(&r, 0), &yes, err)))
			goto cleanup;
		if (!yes) {
			ret = aiv_fail_at(err, AIV_EINPUT, path, f[0].line, f[0].col,
					  "unknown initiative '%s'", csv_str(&r, 0));
			goto cleanup;
		}
		if (!*csv_str(&r, 1)) {
			ret = aiv_fail_at(err, AIV_EINPUT, path, f[1].line, f[1].col, "empty unit");
			goto cleanup;
		}
		if (time_parse_iso(csv_str(&r, 3), &o.time)) {
			ret = aiv_fail_at(err, AIV_EINPUT, path, f[3].line, f[3].col,
					  "time '%s' is not an ISO-8601 date or time", csv_str(&r, 3));
			goto cleanup;
		}
		errno = 0;
		o.value = strtod(csv_str(&r, 4), &end);
		if (!*csv_str(&r, 4) || *end || errno || !isfinite(o.value)) {
			ret = aiv_fail_at(err, AIV_EINPUT, path, f[4].line, f[4].col,
					  "value '%s' is not a number", csv_str(&r, 4));
			goto cleanup;
		}
		attrs = json_object();
		for (i = 5; i < r.nfields; i++)
			json_object_set_new(attrs, hdr[i], json_string(csv_str(&r, i)));
		o.attrs = cjson_dumps(attrs);
		json_decref(attrs);
		o.initiative = xstrdup(csv_str(&r, 0));
		o.unit = xstrdup(csv_str(&r, 1));
		o.metric = xstrdup(csv_str(&r, 2));
		ALLOC_GROW(rv, nr + 1, ar);
		rv[nr++] = o;
	}
	if (!hdr) {
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
	/* the rows first, so that the entry can record their digest */
	st = store_prepare(s, "INSERT INTO observation_imports(sha256, name, nrows, seq)"
			      " VALUES (?,?,?,0)", err);
	if (!st) {
		ret = err->code;
		goto cleanup;
	}
	store_bind_text(st, 1, hex);
	store_bind_text(st, 2, path);
	store_bind_int(st, 3, (int64_t)nr);
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
	if ((ret = ledger_rows_digest_text(s, HYP_OBS_DIGEST_SQL, hex, HYP_OBS_DIGEST_COLS,
					   digest, err)))
		goto cleanup;
	payload = json_pack("{s:s, s:s, s:I, s:s}", "file", path, "sha256", hex, "rows",
			    (json_int_t)nr, "rows_sha256", digest);
	if ((ret = ledger_append(s, actor, "evidence.import", "observations", payload, seq, err)))
		goto cleanup;
	st = store_prepare(s, "UPDATE observation_imports SET seq = ? WHERE sha256 = ?", err);
	if (!st) {
		ret = err->code;
		goto cleanup;
	}
	store_bind_int(st, 1, *seq);
	store_bind_text(st, 2, hex);
	rc = store_step(st, err);
	store_reset(st);
	if (rc < 0) {
		ret = rc;
		goto cleanup;
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
	for (i = 0; i < nhdr; i++)
		free(hdr[i]);
	free(hdr);
	csv_reader_release(&r);
	if (in)
		fclose(in);
	strbuf_release(&file);
	json_decref(payload);
	return ret;
}
