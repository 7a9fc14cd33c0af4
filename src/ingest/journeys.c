/*
 * journeys.c - the journey importer; see journeys.h.
 *
 * One record shape per kind, read from CSV (csvread.h) or JSON lines
 * (jansson, one object per line) into the same array of string values,
 * then checked and written by one function per kind.  Column names go
 * through --map like the generic usage reader.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "core/hash.h"
#include "core/timeutil.h"
#include "csvread.h"
#include "journeys.h"
#include "ledger/ledger.h"
#include "metrics/intern.h"
#include "readers.h"

enum { JE_JOURNEY, JE_CUSTOMER, JE_CHANNEL, JE_TIME, JE_TURN, JE_INTENT, JE_COMMIT, JE_VALUE, JE_N };
enum { JO_CUSTOMER, JO_R30, JO_R90, JO_UPSELL, JO_REVENUE, JO_REFERRALS, JO_N };
#define J_MAXF 8

static const char *const ev_targets[JE_N] = { "journey_id", "customer_id", "channel", "time",
					      "turn", "intent_qualified", "committed",
					      "order_value" };
static const int ev_required[JE_N] = { 1, 1, 1, 1, 1, 0, 0, 0 };
static const char *const out_targets[JO_N] = { "customer_id", "retained_30d", "retained_90d",
					       "upsell", "revenue", "referrals" };
static const int out_required[JO_N] = { 1, 0, 0, 0, 0, 0 };

struct jctx {
	struct store *s;
	const char *name;
	int outcomes, write;
	const char *const *targets;
	const int *required;
	int n;
	char *src[J_MAXF];
	struct sha256_ctx hash;
	struct u64set dups;
	struct intern journeys, customers;
	struct store_stmt *ins;
	int64_t import_id;
	struct journey_summary *sum;
};

static int parse_bool(const char *v, int *out)
{
	if (!*v) {
		*out = -1;
		return 0;
	}
	if (!strcmp(v, "1") || !strcasecmp(v, "true") || !strcasecmp(v, "yes")) {
		*out = 1;
		return 0;
	}
	if (!strcmp(v, "0") || !strcasecmp(v, "false") || !strcasecmp(v, "no")) {
		*out = 0;
		return 0;
	}
	return -1;
}

static int parse_num(const char *v, double *out)
{
	char *end;

	if (!*v) {
		*out = 0;
		return 0;
	}
	errno = 0;
	*out = strtod(v, &end);
	while (isspace((unsigned char)*end))
		end++;
	return (errno || end == v || *end || *out != *out) ? -1 : 0;
}

static int map_parse(struct jctx *j, const char *spec, struct aiv_err *err)
{
	const char *p = spec;
	int i;

	for (i = 0; i < j->n; i++)
		j->src[i] = xstrdup(j->targets[i]);
	while (p && *p) {
		const char *comma = strchr(p, ','), *eq = strchr(p, '=');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);
		if (!eq || eq >= p + len)
			return aiv_fail(err, AIV_EINPUT, "bad --map item '%.*s': want TARGET=COLUMN",
					(int)len, p);
		for (i = 0; i < j->n; i++)
			if (strlen(j->targets[i]) == (size_t)(eq - p) &&
			    !strncmp(p, j->targets[i], (size_t)(eq - p)))
				break;
		if (i == j->n)
			return aiv_fail(err, AIV_EINPUT, "unknown --map target '%.*s' for %s",
					(int)(eq - p), p, j->outcomes ? "outcomes" : "journey events");
		free(j->src[i]);
		j->src[i] = xstrndup(eq + 1, (size_t)(p + len - eq - 1));
		p = comma ? comma + 1 : NULL;
	}
	return 0;
}

/* Check and store one record; val[i] NULL = absent, col[i] its column. */
static int record(struct jctx *j, const char *const *val, const long *col, long line,
		  struct aiv_err *err)
{
	struct store_stmt *st = j->ins;
	struct strbuf row = STRBUF_INIT;
	uint64_t key;
	int i, ret = 0;

	for (i = 0; i < j->n; i++) {
		if (j->required[i] && (!val[i] || !*val[i])) {
			ret = aiv_fail_at(err, AIV_EINPUT, j->name, line, col[i],
					  "missing %s ('%s')", j->targets[i], j->src[i]);
			goto out;
		}
		strbuf_addstr(&row, val[i] ? val[i] : "");
		strbuf_addch(&row, '\t');
	}
	strbuf_addch(&row, '\n');
	if (!j->outcomes) {
		int64_t t, turn;
		int iq, cm;
		double value;
		if (usage_parse_time(val[JE_TIME], &t)) {
			ret = aiv_fail_at(err, AIV_EINPUT, j->name, line, col[JE_TIME],
					  "unparseable time '%s' in '%s'", val[JE_TIME], j->src[JE_TIME]);
			goto out;
		}
		if (usage_parse_count(val[JE_TURN], &turn) || turn < 0) {
			ret = aiv_fail_at(err, AIV_EINPUT, j->name, line, col[JE_TURN],
					  "turn '%s' in '%s' is not a whole number >= 0",
					  val[JE_TURN], j->src[JE_TURN]);
			goto out;
		}
		if (parse_bool(val[JE_INTENT] ? val[JE_INTENT] : "", &iq) ||
		    parse_bool(val[JE_COMMIT] ? val[JE_COMMIT] : "", &cm)) {
			int c = parse_bool(val[JE_INTENT] ? val[JE_INTENT] : "", &iq) ? JE_INTENT : JE_COMMIT;
			ret = aiv_fail_at(err, AIV_EINPUT, j->name, line, col[c],
					  "'%s' in '%s' is not a yes/no value", val[c], j->src[c]);
			goto out;
		}
		if (parse_num(val[JE_VALUE] ? val[JE_VALUE] : "", &value) || value < 0) {
			ret = aiv_fail_at(err, AIV_EINPUT, j->name, line, col[JE_VALUE],
					  "order value '%s' in '%s' is not a number >= 0",
					  val[JE_VALUE], j->src[JE_VALUE]);
			goto out;
		}
		key = fnv1a64(fnv1a64(FNV1A64_INIT, val[JE_JOURNEY], strlen(val[JE_JOURNEY]) + 1),
				  &turn, sizeof(turn));
		if (u64set_add(&j->dups, key)) {
			ret = aiv_fail_at(err, AIV_EINPUT, j->name, line, 0,
					  "duplicate row: journey '%s' turn %lld appeared earlier",
					  val[JE_JOURNEY], (long long)turn);
			goto out;
		}
		intern_id(&j->journeys, val[JE_JOURNEY]);
		intern_id(&j->customers, val[JE_CUSTOMER]);
		if (j->write) {
			store_bind_int(st, 1, j->import_id);
			store_bind_text(st, 2, val[JE_JOURNEY]);
			store_bind_text(st, 3, val[JE_CUSTOMER]);
			store_bind_text(st, 4, val[JE_CHANNEL]);
			store_bind_int(st, 5, t);
			store_bind_int(st, 6, turn);
			store_bind_int(st, 7, iq > 0);
			store_bind_int(st, 8, cm > 0);
			store_bind_double(st, 9, value);
		}
	} else {
		int b[3], k;
		double revenue;
		int64_t refs = 0;
		static const int bcols[3] = { JO_R30, JO_R90, JO_UPSELL };
		for (k = 0; k < 3; k++)
			if (parse_bool(val[bcols[k]] ? val[bcols[k]] : "", &b[k])) {
				ret = aiv_fail_at(err, AIV_EINPUT, j->name, line, col[bcols[k]],
						  "'%s' in '%s' is not a yes/no value", val[bcols[k]],
						  j->src[bcols[k]]);
				goto out;
			}
		if (parse_num(val[JO_REVENUE] ? val[JO_REVENUE] : "", &revenue)) {
			ret = aiv_fail_at(err, AIV_EINPUT, j->name, line, col[JO_REVENUE],
					  "revenue '%s' is not a number", val[JO_REVENUE]);
			goto out;
		}
		if (val[JO_REFERRALS] && *val[JO_REFERRALS] &&
		    (usage_parse_count(val[JO_REFERRALS], &refs) || refs < 0)) {
			ret = aiv_fail_at(err, AIV_EINPUT, j->name, line, col[JO_REFERRALS],
					  "referrals '%s' is not a whole number >= 0",
					  val[JO_REFERRALS]);
			goto out;
		}
		key = fnv1a64(FNV1A64_INIT, val[JO_CUSTOMER], strlen(val[JO_CUSTOMER]));
		if (u64set_add(&j->dups, key)) {
			ret = aiv_fail_at(err, AIV_EINPUT, j->name, line, 0,
					  "duplicate row: customer '%s' appeared earlier",
					  val[JO_CUSTOMER]);
			goto out;
		}
		intern_id(&j->customers, val[JO_CUSTOMER]);
		if (j->write) {
			store_bind_int(st, 1, j->import_id);
			store_bind_text(st, 2, val[JO_CUSTOMER]);
			for (k = 0; k < 3; k++)
				if (b[k] < 0)
					store_bind_null(st, 3 + k);
				else
					store_bind_int(st, 3 + k, b[k]);
			if (val[JO_REVENUE] && *val[JO_REVENUE])
				store_bind_double(st, 6, revenue);
			else
				store_bind_null(st, 6);
			if (val[JO_REFERRALS] && *val[JO_REFERRALS])
				store_bind_int(st, 7, refs);
			else
				store_bind_null(st, 7);
		}
	}
	sha256_update(&j->hash, row.buf, row.len);
	j->sum->rows++;
	if (j->write) {
		ret = store_step(st, err);
		store_reset(st);
		ret = ret < 0 ? ret : 0;
	}
out:
	strbuf_release(&row);
	return ret;
}

#define EV_SQL "INSERT INTO journey_events(import_id, journey, customer, channel," \
	" time_us, turn, intent_qualified, committed, order_value) VALUES (?,?,?,?,?,?,?,?,?)"
#define OUT_SQL "INSERT INTO customer_outcomes(import_id, customer, retained_30d," \
	" retained_90d, upsell, revenue, referrals) VALUES (?,?,?,?,?,?,?)"

/* Settle the kind (events or outcomes) and, when writing, its statement. */
static int detect_kind(struct jctx *j, const struct journey_opts *o, int has_journey,
		       struct aiv_err *err)
{
	if (o->kind)
		j->outcomes = !strcmp(o->kind, "outcomes");
	else
		j->outcomes = !has_journey;
	j->targets = j->outcomes ? out_targets : ev_targets;
	j->required = j->outcomes ? out_required : ev_required;
	j->n = j->outcomes ? JO_N : JE_N;
	if (j->write && !(j->ins = store_prepare(j->s, j->outcomes ? OUT_SQL : EV_SQL, err)))
		return err->code;
	return 0;
}

/* Every 256 records: the bytes read so far to o->progress. */
static void report_progress(const struct journey_opts *o, FILE *f, uint64_t records)
{
	off_t at;

	if (!o->progress || records % 256)
		return;
	at = ftello(f);
	o->progress(o->progress_arg, at > 0 ? (uint64_t)at : 0, 0);
}

static int read_csv(struct jctx *j, FILE *f, const struct journey_opts *o, struct aiv_err *err)
{
	struct csv_reader r;
	int idx[J_MAXF], i, ret;
	size_t nhdr, c;

	csv_reader_init(&r, f, j->name);
	if ((ret = csv_next(&r, err)) <= 0) {
		if (!ret)
			ret = aiv_fail(err, AIV_EINPUT, "cannot import '%s': the file is empty", j->name);
		goto out;
	}
	nhdr = r.nfields;
	{
		static const char *const a_j[] = { "journey_id", NULL };
		if ((ret = detect_kind(j, o, usage_csv_find(&r, a_j) >= 0, err)))
			goto out;
	}
	if ((ret = map_parse(j, o->map, err)))
		goto out;
	for (i = 0; i < j->n; i++) {
		const char *al[2] = { j->src[i], NULL };
		idx[i] = usage_csv_find(&r, al);
		if (idx[i] < 0 && j->required[i]) {
			ret = aiv_fail_at(err, AIV_EINPUT, j->name, 1, 1, "missing column '%s' for "
					  "%s (a %s file needs %s)", j->src[i], j->targets[i],
					  j->outcomes ? "customer outcomes" : "journey events",
					  j->outcomes ? "customer_id" :
					  "journey_id, customer_id, channel, time, turn");
			goto out;
		}
	}
	while ((ret = csv_next(&r, err)) == 1) {
		const char *val[J_MAXF];
		long col[J_MAXF];
		if (r.nfields != nhdr) {
			ret = aiv_fail_at(err, AIV_EINPUT, j->name, r.rec_line, 0,
					  "record has %zu fields, the header has %zu", r.nfields, nhdr);
			goto out;
		}
		for (i = 0; i < j->n; i++) {
			c = (size_t)idx[i];
			val[i] = idx[i] >= 0 ? csv_str(&r, c) : NULL;
			col[i] = idx[i] >= 0 ? r.fields[c].col : 0;
		}
		if ((ret = record(j, val, col, r.rec_line, err)))
			goto out;
		report_progress(o, f, (uint64_t)r.rec_line);
	}
out:
	csv_reader_release(&r);
	return ret < 0 ? ret : 0;
}

static int read_jsonl(struct jctx *j, FILE *f, const struct journey_opts *o, struct aiv_err *err)
{
	struct strbuf line = STRBUF_INIT;
	long lineno = 0;
	int ret, i, first = 1;

	while ((ret = usage_getline(f, j->name, lineno + 1, &line, err)) == 1) {
		const char *val[J_MAXF];
		long col[J_MAXF] = { 0 };
		char nums[J_MAXF][40];
		json_error_t jerr;
		json_t *obj;
		lineno++;
		if (!line.len)
			continue;
		obj = json_loadb(line.buf, line.len, 0, &jerr);
		if (!json_is_object(obj)) {
			json_decref(obj);
			ret = aiv_fail_at(err, AIV_EINPUT, j->name, lineno, obj ? 1 : jerr.column,
					  "not a JSON object%s%s", obj ? "" : ": ", obj ? "" : jerr.text);
			break;
		}
		if (first) {
			first = 0;
			if ((ret = detect_kind(j, o, json_object_get(obj, "journey_id") != NULL,
					       err)) ||
			    (ret = map_parse(j, o->map, err))) {
				json_decref(obj);
				break;
			}
		}
		for (i = 0; i < j->n; i++) {
			json_t *v = json_object_get(obj, j->src[i]);
			if (json_is_string(v))
				val[i] = json_string_value(v);
			else if (json_is_integer(v))
				snprintf(nums[i], sizeof(nums[i]), "%lld",
					 (long long)json_integer_value(v)), val[i] = nums[i];
			else if (json_is_real(v))
				snprintf(nums[i], sizeof(nums[i]), "%.17g", json_real_value(v)),
					val[i] = nums[i];
			else if (json_is_boolean(v))
				val[i] = json_is_true(v) ? "1" : "0";
			else
				val[i] = NULL;
		}
		ret = record(j, val, col, lineno, err);
		json_decref(obj);
		report_progress(o, f, (uint64_t)lineno);
		if (ret)
			break;
	}
	strbuf_release(&line);
	return ret < 0 ? ret : 0;
}

int journey_import_stream(struct store *s, const char *actor, FILE *f, const char *name,
			  const struct journey_opts *o, struct journey_summary *sum,
			  struct aiv_err *err)
{
	struct jctx j;
	uint8_t dg[SHA256_LEN];
	int in_tx = 0, ret, i;

	memset(sum, 0, sizeof(*sum));
	memset(&j, 0, sizeof(j));
	if (!o->format || (strcmp(o->format, "csv") && strcmp(o->format, "jsonl")))
		return aiv_fail(err, AIV_EINPUT, "journeys are read from csv or jsonl, not '%s'",
				o->format ? o->format : "");
	if (o->kind && strcmp(o->kind, "events") && strcmp(o->kind, "outcomes"))
		return aiv_fail(err, AIV_EINPUT, "--kind must be events or outcomes, not '%s'", o->kind);
	j.s = s;
	j.name = name;
	j.sum = sum;
	j.write = s && !o->dry_run;
	sha256_init(&j.hash);
	u64set_init(&j.dups);
	intern_init(&j.journeys);
	intern_init(&j.customers);
	if (j.write) {
		int64_t last = 0;
		if ((ret = store_begin(s, err)))
			goto cleanup;
		in_tx = 1;
		if ((ret = store_query_int(s, "SELECT coalesce(max(id), 0) FROM usage_imports",
					   &last, err)))
			goto cleanup;
		j.import_id = last + 1;
	}
	/* the insert statement depends on the kind, known after the header */
	{
		int c = fgetc(f);
		int is_json = c == '{';
		if (c != EOF)
			ungetc(c, f);
		if (is_json != !strcmp(o->format, "jsonl")) {
			ret = aiv_fail_at(err, AIV_EINPUT, name, 1, 1, "this looks like %s, not %s: "
					  "use --format %s", is_json ? "JSON lines" : "CSV", o->format,
					  is_json ? "jsonl" : "csv");
			goto cleanup;
		}
	}
	ret = !strcmp(o->format, "csv") ? read_csv(&j, f, o, err) : read_jsonl(&j, f, o, err);
	if (ret)
		goto cleanup;
	if (!sum->rows) {
		ret = aiv_fail(err, AIV_EINPUT, "cannot import '%s': no rows in it", name);
		goto cleanup;
	}
	snprintf(sum->kind, sizeof(sum->kind), "%s", j.outcomes ? "outcomes" : "events");
	sum->journeys = (int64_t)intern_count(&j.journeys);
	sum->customers = (int64_t)intern_count(&j.customers);
	sha256_update(&j.hash, j.outcomes ? "O" : "J", 1);
	sha256_final(&j.hash, dg);
	hex_encode(dg, SHA256_LEN, sum->content_hash);
	if (s) {
		struct store_stmt *st = store_prepare(s, "SELECT id, ledger_seq FROM usage_imports"
						      " WHERE content_hash = ?", err);
		if (!st) {
			ret = err->code;
			goto cleanup;
		}
		store_bind_text(st, 1, sum->content_hash);
		if ((ret = store_step(st, err)) == STORE_ROW) {
			sum->already = 1;
			sum->import_id = store_col_int(st, 0);
			sum->ledger_seq = store_col_int(st, 1);
		}
		store_reset(st);
		if (ret < 0)
			goto cleanup;
		ret = 0;
	}
	if (j.write && !sum->already) {
		char subject[64], now[TIME_ISO_LEN];
		const char *base = strrchr(name, '/');
		struct store_stmt *st;
		json_t *payload;
		base = base ? base + 1 : name;
		snprintf(subject, sizeof(subject), "journey-import/%lld", (long long)j.import_id);
		payload = json_pack("{s:s, s:s, s:s, s:I, s:I, s:I, s:I, s:s}", "kind", sum->kind,
				    "format", o->format, "source", base, "import_id",
				    (json_int_t)j.import_id, "rows", (json_int_t)sum->rows,
				    "journeys", (json_int_t)sum->journeys, "customers",
				    (json_int_t)sum->customers, "content_hash", sum->content_hash);
		if (!payload) {
			ret = aiv_fail(err, AIV_EINPUT, "file name '%s' is not valid UTF-8", name);
			goto cleanup;
		}
		ret = ledger_append(s, actor, "journeys.import", subject, payload, &sum->ledger_seq, err);
		json_decref(payload);
		if (ret)
			goto cleanup;
		time_format_us(time_now_us(), now);
		st = store_prepare(s, "INSERT INTO usage_imports(id, kind, format, source, rows,"
				   " content_hash, ledger_seq, imported_at) VALUES (?,?,?,?,?,?,?,?)", err);
		if (!st) {
			ret = err->code;
			goto cleanup;
		}
		store_bind_int(st, 1, j.import_id);
		store_bind_text(st, 2, j.outcomes ? "outcomes" : "journeys");
		store_bind_text(st, 3, o->format);
		store_bind_text(st, 4, base);
		store_bind_int(st, 5, sum->rows);
		store_bind_text(st, 6, sum->content_hash);
		store_bind_int(st, 7, sum->ledger_seq);
		store_bind_text(st, 8, now);
		ret = store_step(st, err);
		store_reset(st);
		if (ret < 0)
			goto cleanup;
		sum->import_id = j.import_id;
		if ((ret = store_commit(s, err)))
			goto cleanup;
		in_tx = 0;
	}
	ret = 0;
cleanup:
	if (in_tx)
		store_rollback(s);
	if (j.hash.evp)
		sha256_final(&j.hash, dg);
	for (i = 0; i < J_MAXF; i++)
		free(j.src[i]);
	u64set_release(&j.dups);
	intern_release(&j.journeys);
	intern_release(&j.customers);
	return ret;
}

int journey_import_file(struct store *s, const char *actor, const char *path,
			const struct journey_opts *o, struct journey_summary *sum,
			struct aiv_err *err)
{
	FILE *f = fopen(path, "rb");
	int ret;

	if (!f)
		return aiv_fail(err, AIV_EIO, "cannot open '%s': %s", path, strerror(errno));
	ret = journey_import_stream(s, actor, f, path, o, sum, err);
	fclose(f);
	return ret;
}
