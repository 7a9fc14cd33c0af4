/*
 * state.c - comparing the ledger-bound tables with the ledger; see state.h.
 *
 * The ledger checks here what it owns the truth of: the digests of the
 * imports the owning layers register (ledger_state_register_import).  Every other table is checked by the
 * layer that owns it, through ledger_state_register(); the list of what
 * is bound and how is in docs/ledger.md.
 */
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bind.h"
#include "core/cjson.h"
#include "core/timeutil.h"
#include "ledger.h"
#include "state.h"

#define MAX_KEPT 1000

void ledger_state_report_release(struct ledger_state_report *r)
{
	size_t i, kept = r->n < MAX_KEPT ? r->n : MAX_KEPT;

	for (i = 0; i < kept; i++) {
		free(r->v[i].table);
		free(r->v[i].key);
		free(r->v[i].what);
	}
	free(r->v);
	memset(r, 0, sizeof(*r));
}

json_t *ledger_state_report_json(const struct ledger_state_report *r)
{
	json_t *d = json_array();
	size_t i;

	for (i = 0; i < r->n && i < MAX_KEPT; i++)
		json_array_append_new(d, json_pack("{s:s, s:s, s:s}", "table", r->v[i].table,
						   "key", r->v[i].key, "what", r->v[i].what));
	return json_pack("{s:b, s:i, s:I, s:I, s:I, s:o}", "ok", !r->n, "tables", r->tables,
			 "rows", (json_int_t)r->rows, "uncovered_imports",
			 (json_int_t)r->uncovered, "differences", (json_int_t)r->n, "diffs", d);
}

void ledger_state_add(struct ledger_state_report *r, const char *table, const char *key,
		      const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	va_list ap;

	if (r->n++ >= MAX_KEPT)
		return;
	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	ALLOC_GROW(r->v, r->n, r->alloc);
	r->v[r->n - 1].table = xstrdup(table);
	r->v[r->n - 1].key = xstrdup(key);
	r->v[r->n - 1].what = strbuf_detach(&sb, NULL);
}

/*
 * Columns first .. first + ncols - 1 of the current row, as state.h says:
 * per column "N", or "V<bytes>:" and the bytes; then "\n".  The pieces go
 * through a small buffer into one sha256_update per row (a column larger
 * than the buffer is hashed from SQLite's copy): the same bytes in the
 * same order, so the same digest, without a snprintf and two updates per
 * column (the large demo digests 7 million dictionary and seat rows).
 */
static void digest_row_from(struct sha256_ctx *c, struct store_stmt *st, int first, int ncols)
{
	char buf[1024];
	size_t len = 0;
	int i;

	for (i = first; i < first + ncols; i++) {
		const void *p;
		char num[24];
		size_t n, k = sizeof(num);

		if (store_col_is_null(st, i)) {
			if (len + 1 > sizeof(buf)) {
				sha256_update(c, buf, len);
				len = 0;
			}
			buf[len++] = 'N';
			continue;
		}
		p = store_col_blob(st, i);
		n = store_col_bytes(st, i);
		do
			num[--k] = (char)('0' + n % 10);
		while ((n /= 10));
		n = store_col_bytes(st, i);
		if (len + 2 + (sizeof(num) - k) > sizeof(buf)) {
			sha256_update(c, buf, len);
			len = 0;
		}
		buf[len++] = 'V';
		memcpy(buf + len, num + k, sizeof(num) - k);
		len += sizeof(num) - k;
		buf[len++] = ':';
		if (!n)
			continue;
		if (len + n <= sizeof(buf)) {
			memcpy(buf + len, p, n);
			len += n;
		} else {
			sha256_update(c, buf, len);
			sha256_update(c, p, n);
			len = 0;
		}
	}
	if (len + 1 > sizeof(buf)) {
		sha256_update(c, buf, len);
		len = 0;
	}
	buf[len++] = '\n';
	sha256_update(c, buf, len);
}

static void digest_row(struct sha256_ctx *c, struct store_stmt *st, int ncols)
{
	digest_row_from(c, st, 0, ncols);
}

static int rows_digest(struct store *s, const char *sql, int64_t arg, const char *text,
		       int ncols, char out[SHA256_HEX], struct aiv_err *err)
{
	struct store_stmt *st = store_prepare(s, sql, err);
	struct sha256_ctx c;
	uint8_t d[SHA256_LEN];
	int rc;

	if (!st)
		return err->code;
	if (strchr(sql, '?') && text)
		store_bind_text(st, 1, text);
	else if (strchr(sql, '?'))
		store_bind_int(st, 1, arg);
	sha256_init(&c);
	while ((rc = store_step(st, err)) == STORE_ROW)
		digest_row(&c, st, ncols);
	store_reset(st);
	sha256_final(&c, d);
	hex_encode(d, SHA256_LEN, out);
	return rc < 0 ? rc : 0;
}

int ledger_rows_digest_grouped(struct store *s, const char *sql, int ncols, json_t **out,
			       struct aiv_err *err)
{
	struct store_stmt *st = store_prepare(s, sql, err);
	struct sha256_ctx c;
	uint8_t d[SHA256_LEN];
	char hex[SHA256_HEX], *key = NULL;
	int rc;

	*out = NULL;
	if (!st)
		return err->code;
	*out = json_object();
	while ((rc = store_step(st, err)) == STORE_ROW) {
		const char *k = store_col_text(st, 0);
		if (!key || strcmp(key, k)) {
			if (key) {
				sha256_final(&c, d);
				hex_encode(d, SHA256_LEN, hex);
				json_object_set_new(*out, key, json_string(hex));
				free(key);
			}
			key = xstrdup(k);
			sha256_init(&c);
		}
		digest_row_from(&c, st, 1, ncols);
	}
	store_reset(st);
	if (key) {
		sha256_final(&c, d);
		hex_encode(d, SHA256_LEN, hex);
		json_object_set_new(*out, key, json_string(hex));
		free(key);
	}
	if (rc < 0) {
		json_decref(*out);
		*out = NULL;
		return rc;
	}
	return 0;
}

int ledger_rows_digest(struct store *s, const char *sql, int64_t arg, int ncols,
		       char out[SHA256_HEX], struct aiv_err *err)
{
	return rows_digest(s, sql, arg, NULL, ncols, out, err);
}

int ledger_rows_digest_text(struct store *s, const char *sql, const char *arg, int ncols,
			    char out[SHA256_HEX], struct aiv_err *err)
{
	return rows_digest(s, sql, 0, arg, ncols, out, err);
}

/* ---- digested: the rows an import entry wrote ------------------------ */

/* ---- the registry ----------------------------------------------------- */

static pthread_mutex_t reg_lock = PTHREAD_MUTEX_INITIALIZER;
static ledger_state_check_fn *checks;
static size_t nchecks, checks_alloc;
static const struct ledger_state_import **imports;
static size_t nimports, imports_alloc;
static const struct ledger_state_stamp **stamps;
static size_t nstamps, stamps_alloc;

void ledger_state_register_stamp(const struct ledger_state_stamp *st)
{
	size_t i;

	pthread_mutex_lock(&reg_lock);
	for (i = 0; i < nstamps && stamps[i] != st; i++)
		;
	if (i == nstamps) {
		ALLOC_GROW(stamps, nstamps + 1, stamps_alloc);
		stamps[nstamps++] = st;
	}
	pthread_mutex_unlock(&reg_lock);
}

int ledger_state_stamps(const struct ledger_state_stamp *st, const char *action,
			const json_t *payload)
{
	size_t n = strlen(st->action);

	if (n && st->action[n - 1] == '.' ? strncmp(action, st->action, n)
	    : strcmp(action, st->action))
		return 0;
	return !st->kind || !strcmp(ledger_state_str(payload, "kind"), st->kind);
}

void ledger_state_register(ledger_state_check_fn fn)
{
	size_t i;

	pthread_mutex_lock(&reg_lock);
	for (i = 0; i < nchecks && checks[i] != fn; i++)
		;
	if (i == nchecks) {
		ALLOC_GROW(checks, nchecks + 1, checks_alloc);
		checks[nchecks++] = fn;
	}
	pthread_mutex_unlock(&reg_lock);
}

void ledger_state_register_import(const struct ledger_state_import *bi)
{
	size_t i;

	pthread_mutex_lock(&reg_lock);
	for (i = 0; i < nimports && strcmp(imports[i]->action, bi->action); i++)
		;
	if (i == nimports) {
		ALLOC_GROW(imports, nimports + 1, imports_alloc);
		imports[nimports++] = bi;
	}
	pthread_mutex_unlock(&reg_lock);
}

/*
 * The registered import of `action`, or NULL.  Registration happens at
 * start, before any thread appends, so reading the list needs no lock.
 */
static const struct ledger_state_import *import_of(const char *action)
{
	size_t i;

	for (i = 0; i < nimports; i++)
		if (!strcmp(imports[i]->action, action))
			return imports[i];
	return NULL;
}

static struct { const char *table; int version; } since[8];
static size_t nsince;

void ledger_state_table_since(const char *table, int version)
{
	size_t i;

	for (i = 0; i < nsince; i++)
		if (!strcmp(since[i].table, table))
			return;
	if (nsince < ARRAY_SIZE(since)) {
		since[nsince].table = table;
		since[nsince++].version = version;
	}
}

static struct old_form { const char *table, *sql; int ncols; } old_forms[8];
static size_t nold_forms;

void ledger_state_old_form(const char *table, const char *sql, int ncols)
{
	size_t i;

	for (i = 0; i < nold_forms; i++)
		if (!strcmp(old_forms[i].table, table))
			return;
	if (nold_forms < ARRAY_SIZE(old_forms)) {
		old_forms[nold_forms].table = table;
		old_forms[nold_forms].sql = sql;
		old_forms[nold_forms++].ncols = ncols;
	}
}

static const struct old_form *old_form(const char *table)
{
	size_t i;

	for (i = 0; i < nold_forms; i++)
		if (!strcmp(old_forms[i].table, table))
			return &old_forms[i];
	return NULL;
}

/*
 * Whole tables that only grow (ledger_state_append_only), and the digest
 * each was last carried to: the SHA-256 state after its rows up to
 * last_id, computed inside the transaction of an entry appended after
 * head (base_seq, base_hash).  It is still true at the next append when
 * that entry is the head and recorded `hex` for the table: then no other
 * entry came between, and the table was what it digested then.
 */
static struct append_only {
	const char *table, *tail_sql;
	char *uri;                 /* NULL: nothing carried */
	int64_t base_seq, last_id;
	char base_hash[SHA256_HEX], hex[SHA256_HEX];
	struct sha256_ctx ctx;
} append_only[8];
static size_t nappend_only;
static pthread_mutex_t carry_lock = PTHREAD_MUTEX_INITIALIZER;

void ledger_state_append_only(const char *table, const char *tail_sql)
{
	size_t i;

	pthread_mutex_lock(&reg_lock);
	for (i = 0; i < nappend_only && strcmp(append_only[i].table, table); i++)
		;
	if (i == nappend_only && nappend_only < ARRAY_SIZE(append_only)) {
		append_only[i].table = table;
		append_only[i].tail_sql = tail_sql;
		nappend_only++;
	}
	pthread_mutex_unlock(&reg_lock);
}

static struct append_only *append_only_of(const char *table)
{
	size_t i;

	for (i = 0; i < nappend_only; i++)
		if (!strcmp(append_only[i].table, table))
			return &append_only[i];
	return NULL;
}

static void carry_drop(struct append_only *a)
{
	if (a->uri) {
		uint8_t d[SHA256_LEN];
		sha256_final(&a->ctx, d);
		free(a->uri);
		a->uri = NULL;
	}
}

struct carried_head {
	int64_t seq;
	const char *prev, *table, *hex;
	int ok;
};

static int carried_head_row(const struct ledger_row *row, void *data)
{
	struct carried_head *h = data;
	json_t *p;

	if (row->seq != h->seq || strcmp(row->prev_hash, h->prev) ||
	    !(p = json_loadb(row->payload, row->payload_len, 0, NULL)))
		return 1;
	h->ok = !strcmp(ledger_state_str(json_object_get(p, "state_sha256"), h->table), h->hex);
	json_decref(p);
	return 1;
}

/* The carried digest of a is still true in s (see struct append_only). */
static int carry_valid(struct store *s, struct append_only *a, int64_t head)
{
	struct aiv_err e = AIV_ERR_INIT;
	struct carried_head h = { a->base_seq + 1, a->base_hash, a->table, a->hex, 0 };

	if (!a->uri || strcmp(a->uri, store_uri(s)) || head != a->base_seq + 1)
		return 0;
	if (ledger_walk(s, h.seq, h.seq, NULL, NULL, 0, 1, carried_head_row, &h, &e))
		return 0;
	return h.ok;
}

/*
 * The whole-table digest of q for a new entry: from the carried state and
 * the rows after it, or from every row; then carried for the next entry.
 */
static int carried_digest(struct store *s, const struct ledger_state_query *q,
			  struct append_only *a, char out[SHA256_HEX], struct aiv_err *err)
{
	struct store_stmt *st;
	struct sha256_ctx c, fin;
	uint8_t d[SHA256_LEN];
	char head_hash[SHA256_HEX];
	int64_t head, last_id = -1; /* ids start at 0 */
	int rc, from_carry;

	if ((rc = ledger_head(s, &head, head_hash, err)))
		return rc;
	pthread_mutex_lock(&carry_lock);
	from_carry = carry_valid(s, a, head);
	st = store_prepare(s, from_carry ? a->tail_sql : q->sql, err);
	if (!st) {
		carry_drop(a);
		pthread_mutex_unlock(&carry_lock);
		return err->code;
	}
	if (from_carry) {
		c = a->ctx;
		a->ctx.evp = NULL;
		last_id = a->last_id;
		free(a->uri);
		a->uri = NULL;
		store_bind_int(st, 1, last_id);
	} else {
		carry_drop(a);
		sha256_init(&c);
	}
	while ((rc = store_step(st, err)) == STORE_ROW) {
		digest_row(&c, st, q->ncols);
		last_id = store_col_int(st, 0);
	}
	store_reset(st);
	if (rc < 0) {
		sha256_final(&c, d);
		pthread_mutex_unlock(&carry_lock);
		return rc;
	}
	sha256_copy(&fin, &c);
	sha256_final(&fin, d);
	hex_encode(d, SHA256_LEN, out);
	a->uri = xstrdup(store_uri(s));
	a->base_seq = head;
	memcpy(a->base_hash, head_hash, SHA256_HEX);
	memcpy(a->hex, out, SHA256_HEX);
	a->last_id = last_id;
	a->ctx = c;
	pthread_mutex_unlock(&carry_lock);
	return 0;
}

/* The workspace has q's table (it is not newer than the workspace's schema). */
static int table_present(struct store *s, const struct ledger_state_query *q)
{
	size_t i;

	for (i = 0; i < nsince; i++)
		if (!strcmp(since[i].table, q->table))
			return since[i].version <= store_schema_version(s);
	return 1;
}

static int whole_table(const struct ledger_state_query *q)
{
	return !strchr(q->sql, '?');
}

/*
 * {table: row digest} of the rows of one import (which: -1 every query,
 * 0 the import's own rows, 1 the whole-table ones); new reference in *out.
 */
static int import_digest(struct store *s, const struct ledger_state_import *bi, int64_t id,
			 int which, json_t **out, struct aiv_err *err)
{
	struct append_only *a;
	char d[SHA256_HEX];
	int i, ret = 0;

	*out = json_object();
	for (i = 0; i < (int)ARRAY_SIZE(bi->q) && bi->q[i].sql && !ret; i++) {
		if ((which >= 0 && which != whole_table(&bi->q[i])) || !table_present(s, &bi->q[i]))
			continue;
		/* a new entry (which < 0) carries an append-only table's digest on */
		if (which < 0 && whole_table(&bi->q[i]) && (a = append_only_of(bi->q[i].table)))
			ret = carried_digest(s, &bi->q[i], a, d, err);
		else
			ret = ledger_rows_digest(s, bi->q[i].sql, id, bi->q[i].ncols, d, err);
		if (!ret)
			json_object_set_new(*out, bi->q[i].table, json_string(d));
	}
	if (ret) {
		json_decref(*out);
		*out = NULL;
	}
	return ret;
}

int ledger_state_stamp(struct store *s, const char *action, const json_t *payload,
		       json_t **out, struct aiv_err *err)
{
	const struct ledger_state_import *bi = import_of(action);
	json_t *id, *d;
	size_t i;
	int ret;

	*out = NULL;
	if (!payload)
		return 0;
	for (i = 0; i < nstamps; i++) {
		if (!ledger_state_stamps(stamps[i], action, payload))
			continue;
		if (!*out)
			*out = json_copy((json_t *)payload);
		if ((ret = stamps[i]->fn(s, *out, err))) {
			json_decref(*out);
			*out = NULL;
			return ret;
		}
	}
	if (!bi || !(id = json_object_get(payload, bi->id_field)) || !json_is_integer(id))
		return 0;
	if ((ret = import_digest(s, bi, json_integer_value(id), -1, &d, err))) {
		json_decref(*out);
		*out = NULL;
		return ret;
	}
	if (!*out)
		*out = json_copy((json_t *)payload);
	json_object_set_new(*out, "state_sha256", d);
	return 0;
}

int ledger_state_stamped(const char *action)
{
	size_t i, n;

	if (import_of(action))
		return 1;
	for (i = 0; i < nstamps; i++) {
		n = strlen(stamps[i]->action);
		if (n && stamps[i]->action[n - 1] == '.' ? !strncmp(action, stamps[i]->action, n)
		    : !strcmp(action, stamps[i]->action))
			return 1;
	}
	return 0;
}

struct import_walk {
	struct store *s;
	struct ledger_state_report *r;
	struct aiv_err *err;
	int ret;
	json_t *last; /* action -> {"seq", "want"}: the newest entry, for whole tables */
};

static int check_import(const struct ledger_row *row, void *data)
{
	struct import_walk *w = data;
	const struct ledger_state_import *bi = import_of(row->action);
	json_t *p, *want, *have = NULL;
	char key[64];
	int64_t id;
	int i;

	if (!bi)
		return 0;
	if (!(p = json_loadb(row->payload, row->payload_len, 0, NULL)))
		return 0;
	id = json_integer_value(json_object_get(p, bi->id_field));
	want = json_object_get(p, "state_sha256");
	snprintf(key, sizeof(key), "%s=%lld", bi->id_field, (long long)id);
	if (!json_is_object(want)) {
		w->r->uncovered++;
	} else if ((w->ret = import_digest(w->s, bi, id, 0, &have, w->err))) {
		json_decref(p);
		return 1;
	} else {
		w->r->rows++;
		json_object_set_new(w->last, row->action, json_pack("{s:I, s:O}", "seq",
				    (json_int_t)row->seq, "want", want));
		for (i = 0; i < (int)ARRAY_SIZE(bi->q) && bi->q[i].sql; i++) {
			const char *h = json_string_value(json_object_get(have, bi->q[i].table));
			const char *x = json_string_value(json_object_get(want, bi->q[i].table));
			const struct old_form *of;
			char old[SHA256_HEX] = "";
			if (whole_table(&bi->q[i]) || !x || !h || !strcmp(h, x))
				continue;
			/* an entry written before the query was narrowed */
			if ((of = old_form(bi->q[i].table)) &&
			    (w->ret = ledger_rows_digest(w->s, of->sql, id, of->ncols, old, w->err)))
				break;
			if (!of || strcmp(old, x))
				ledger_state_add(w->r, bi->q[i].table, key, "the rows of this import "
						 "digest to %.12s... but %s entry %lld recorded %.12s...",
						 h, row->action, (long long)row->seq, x);
		}
		json_decref(have);
		if (w->ret) {
			json_decref(p);
			return 1;
		}
	}
	json_decref(p);
	return 0;
}

/*
 * The whole-table digests (append-only dictionaries the imports share):
 * the newest entry of each action recorded the table as it then was, and
 * only imports add to it, so it must still be that.
 */
static int check_whole_tables(struct import_walk *w)
{
	size_t i;
	int j;

	for (i = 0; i < nimports; i++) {
		const struct ledger_state_import *bi = imports[i];
		json_t *last = json_object_get(w->last, bi->action), *have = NULL;
		json_t *want = json_object_get(last, "want");
		long long seq = (long long)json_integer_value(json_object_get(last, "seq"));

		if (!last)
			continue;
		if ((w->ret = import_digest(w->s, bi, 0, 1, &have, w->err)))
			return w->ret;
		for (j = 0; bi->q[j].sql; j++) {
			const char *h = json_string_value(json_object_get(have, bi->q[j].table));
			const char *x = json_string_value(json_object_get(want, bi->q[j].table));
			if (!whole_table(&bi->q[j]))
				continue;
			if (!x)
				w->r->uncovered++;
			else if (h && strcmp(h, x))
				ledger_state_add(w->r, bi->q[j].table, "*", "the table digests to "
						 "%.12s... but the newest %s (entry %lld) recorded "
						 "%.12s...: a row was edited, added or removed since",
						 h, bi->action, seq, x);
		}
		json_decref(have);
	}
	return 0;
}

struct last_walk {
	const char *action, *field;
	json_t *m;
};

static int last_entry(const struct ledger_row *row, void *data)
{
	struct last_walk *w = data;
	json_t *p, *k;
	char num[32];
	const char *key;

	if (strcmp(row->action, w->action) ||
	    !(p = json_loadb(row->payload, row->payload_len, 0, NULL)))
		return 0;
	k = json_object_get(p, w->field);
	if (json_is_integer(k)) {
		snprintf(num, sizeof(num), "%lld", (long long)json_integer_value(k));
		key = num;
	} else {
		key = json_string_value(k);
	}
	if (key && json_is_object(p)) {
		json_object_set_new(p, "_seq", json_integer(row->seq));
		json_object_set_new(p, "_actor", json_string(row->actor));
		json_object_set(w->m, key, p);
	}
	json_decref(p);
	return 0;
}

int ledger_state_last_entries(struct store *s, const char *action, const char *key_field,
			      json_t **out, struct aiv_err *err)
{
	struct last_walk w = { action, key_field, json_object() };
	int ret = ledger_walk(s, 1, 0, NULL, action, 0, 0, last_entry, &w, err);

	if (ret) {
		json_decref(w.m);
		w.m = NULL;
	}
	*out = w.m;
	return ret;
}

struct seq_walk {
	const char *field;
	json_t *m;
};

static int seq_entry(const struct ledger_row *row, void *data)
{
	struct seq_walk *w = data;
	json_t *p;
	char key[32];

	if (!(p = json_loadb(row->payload, row->payload_len, 0, NULL)))
		return 0;
	if (w->field && !json_object_get(p, w->field)) {
		json_decref(p);
		return 0;
	}
	snprintf(key, sizeof(key), "%lld", (long long)row->seq);
	json_object_set_new(w->m, key, p);
	return 0;
}

int ledger_state_entries_by_seq(struct store *s, const char *action_prefix, const char *field,
				json_t **out, struct aiv_err *err)
{
	struct seq_walk w = { field, json_object() };
	int ret;

	*out = w.m;
	if ((ret = ledger_walk(s, 1, 0, NULL, action_prefix, 0, 0, seq_entry, &w, err))) {
		json_decref(*out);
		*out = NULL;
	}
	return ret;
}

const char *ledger_state_str(const json_t *o, const char *k)
{
	const char *v = json_string_value(json_object_get(o, k));

	return v ? v : "";
}

const char *ledger_state_col(struct store_stmt *st, int i)
{
	return store_col_is_null(st, i) ? "" : store_col_text(st, i);
}

int ledger_state_match_rows(struct store *s, const char *table, const char *sql, json_t *want,
			    const char *action, ledger_state_row_fn fn,
			    struct ledger_state_report *r, struct aiv_err *err)
{
	struct store_stmt *st = store_prepare(s, sql, err);
	const char *k;
	json_t *e;
	int rc;

	if (!st)
		return err->code;
	while ((rc = store_step(st, err)) == STORE_ROW) {
		const char *key = store_col_text(st, 0);
		r->rows++;
		if (!(e = json_object_get(want, key))) {
			ledger_state_add(r, table, key, "no %s entry wrote this row", action);
			continue;
		}
		fn(st, e, r);
		json_object_del(want, key);
	}
	store_reset(st);
	if (rc < 0)
		return rc;
	json_object_foreach(want, k, e) {
		json_t *seq = json_object_get(e, "_seq");
		if (seq)
			ledger_state_add(r, table, k, "missing: %s entry %lld wrote it", action,
					 (long long)json_integer_value(seq));
		else
			ledger_state_add(r, table, k, "missing: %s entry %s wrote it", action, k);
	}
	return 0;
}

int ledger_state_verify(struct store *s, struct ledger_state_report *r, struct aiv_err *err)
{
	struct import_walk w = { s, r, err, 0, json_object() };
	size_t i;
	int ret;

	r->tables += (int)nimports;
	if ((ret = ledger_walk(s, 1, 0, NULL, NULL, 0, 0, check_import, &w, err)) ||
	    (ret = w.ret) || (ret = check_whole_tables(&w)))
		goto out;
	for (i = 0; i < nchecks && !ret; i++)
		ret = checks[i](s, r, err);
out:
	json_decref(w.last);
	return ret;
}

/* ---- comparing a table with its replay ------------------------------- */

/* Row i of a table as a JSON array of its column texts (NULL as null). */
static json_t *row_json(struct store_stmt *st, int ncols)
{
	json_t *a = json_array();
	int i;

	for (i = 0; i < ncols; i++)
		json_array_append_new(a, store_col_is_null(st, i) ? json_null()
				      : json_stringn(store_col_text(st, i), store_col_bytes(st, i)));
	return a;
}

static int count_cols(const char *list)
{
	int n = 1;

	for (; *list; list++)
		n += *list == ',';
	return n;
}

static char *key_text(const json_t *row, int nkeys)
{
	struct strbuf sb = STRBUF_INIT;
	int i;

	for (i = 0; i < nkeys; i++) {
		const char *v = json_string_value(json_array_get(row, (size_t)i));
		if (i)
			strbuf_addch(&sb, '/');
		strbuf_addstr(&sb, v ? v : "(null)");
	}
	return strbuf_detach(&sb, NULL);
}

static int load_rows(struct store *s, const char *sql, int ncols, int nkeys, json_t *map,
		     struct aiv_err *err)
{
	struct store_stmt *st = store_prepare(s, sql, err);
	int rc;

	if (!st)
		return err->code;
	while ((rc = store_step(st, err)) == STORE_ROW) {
		json_t *row = row_json(st, ncols);
		char *key = key_text(row, nkeys);
		json_object_set_new(map, key, row);
		free(key);
	}
	store_reset(st);
	return rc < 0 ? rc : 0;
}

int ledger_state_compare(struct store *have, struct store *want, const char *table,
			 const char *keys, const char *cols, struct ledger_state_report *r,
			 struct aiv_err *err)
{
	int nkeys = count_cols(keys), ncols = nkeys + count_cols(cols);
	char *sql = xstrfmt("SELECT %s, %s FROM %s", keys, cols, table);
	json_t *h = json_object(), *w = json_object(), *row;
	const char *k;
	int ret;

	r->tables++;
	if ((ret = load_rows(have, sql, ncols, nkeys, h, err)) ||
	    (ret = load_rows(want, sql, ncols, nkeys, w, err)))
		goto out;
	json_object_foreach(h, k, row) {
		json_t *wr = json_object_get(w, k);
		int i;

		r->rows++;
		if (!wr) {
			ledger_state_add(r, table, k, "no ledger entry accounts for this row");
			continue;
		}
		for (i = nkeys; i < ncols; i++) {
			const json_t *a = json_array_get(row, (size_t)i);
			const json_t *b = json_array_get(wr, (size_t)i);
			if (!json_equal((json_t *)a, (json_t *)b)) {
				char col[64];
				const char *c = cols;
				int j;
				for (j = nkeys; j < i; j++)
					c = strchr(c, ',') + 1;
				c += strspn(c, " ");
				snprintf(col, sizeof(col), "%.*s", (int)strcspn(c, ","), c);
				ledger_state_add(r, table, k, "%s is '%s' but the applied spec gives '%s'",
						 col, json_is_null(a) ? "(null)" : json_string_value(a),
						 json_is_null(b) ? "(null)" : json_string_value(b));
			}
		}
	}
	json_object_foreach(w, k, row)
		if (!json_object_get(h, k))
			ledger_state_add(r, table, k, "missing: the applied spec has this row");
out:
	free(sql);
	json_decref(h);
	json_decref(w);
	return ret;
}
