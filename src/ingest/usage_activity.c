/*
 * usage_activity.c - the monthly activity rollup (see usage_activity.h):
 * written from an import's own blocks, read back with the people joined
 * at the time of asking.
 */
#include "aiv.h"

#include <stdlib.h>
#include <string.h>

#include "core/timeutil.h"
#include "ledger/state.h"
#include "metrics/adoption.h"
#include "metrics/usage_block.h"
#include "usage_activity.h"

struct act_event {
	uint32_t ident, tool;
	int32_t month;
	uint32_t dom;        /* day of the month, 1..31 */
	uint32_t count;
};

static int cmp_event(const void *a, const void *b)
{
	const struct act_event *x = a, *y = b;

	if (x->ident != y->ident)
		return x->ident < y->ident ? -1 : 1;
	if (x->tool != y->tool)
		return x->tool < y->tool ? -1 : 1;
	if (x->month != y->month)
		return x->month < y->month ? -1 : 1;
	return 0;
}

/* One aggregated row: (identity, tool, month) of one import. */
struct act_row {
	uint32_t ident, tool;
	int32_t month;
	uint32_t mask;
	int64_t events, actions;
};
typedef int (*act_row_fn)(const struct act_row *r, void *ctx, struct aiv_err *err);

/*
 * Aggregate the events of import `import_id` (those with an action) by
 * identity, tool and month, and hand each row to fn.
 */
static int rollup_import(struct store *s, int64_t import_id, act_row_fn fn, void *ctx,
			 struct aiv_err *err)
{
	struct store_stmt *st;
	struct usage_block *b = xmalloc(sizeof(*b));
	struct act_event *ev = NULL;
	size_t n = 0, alloc = 0, i = 0, j;
	int rc;

	st = store_prepare(s, "SELECT data FROM usage_blocks WHERE import_id = ? ORDER BY seq", err);
	if (!st) {
		free(b);
		return err->code;
	}
	store_bind_int(st, 1, import_id);
	while ((rc = store_step(st, err)) == STORE_ROW) {
		uint32_t k;

		if (usage_block_decode(store_col_blob(st, 0), store_col_bytes(st, 0), b)) {
			rc = aiv_fail(err, AIV_ESTATE, "a usage block of import %lld in '%s' is"
				      " damaged", (long long)import_id, store_uri(s));
			break;
		}
		for (k = 0; k < b->n; k++) {
			int y, m, d;

			if (!b->count[k])
				continue; /* an event of no action is no activity */
			adoption_civil((int32_t)usage_block_day(b->time_us[k]), &y, &m, &d);
			ALLOC_GROW(ev, n + 1, alloc);
			ev[n].ident = b->ident[k];
			ev[n].tool = b->tool[k];
			ev[n].month = y * 12 + (m - 1);
			ev[n].dom = (uint32_t)d;
			ev[n].count = b->count[k];
			n++;
		}
	}
	store_reset(st);
	free(b);
	if (rc >= 0)
		rc = 0;
	if (n)
		qsort(ev, n, sizeof(*ev), cmp_event);
	while (!rc && i < n) {
		struct act_row r = { ev[i].ident, ev[i].tool, ev[i].month, 0, 0, 0 };

		for (j = i; j < n && !cmp_event(&ev[i], &ev[j]); j++) {
			r.mask |= 1u << (ev[j].dom - 1);
			r.actions += ev[j].count;
		}
		r.events = (int64_t)(j - i);
		rc = fn(&r, ctx, err);
		i = j;
	}
	free(ev);
	return rc;
}

struct insert_ctx {
	struct store *s;
	int64_t import_id;
	struct store_bulk *bulk; /* begun at the first row, after the blocks were read */
};

/*
 * The rows go in as one bulk insert (store_bulk_*): on PostgreSQL a COPY
 * instead of a round trip per row, which was nearly all of a large usage
 * import's wall time there (docs/deploy.md, "Benchmarks").
 */
static int insert_row(const struct act_row *r, void *ctx, struct aiv_err *err)
{
	struct insert_ctx *c = ctx;
	struct store_bulk *b;
	int rc;

	if (!c->bulk && (rc = store_bulk_begin(c->s, "INSERT INTO usage_activity(import_id,"
					       " identity, tool, month, day_mask, events, actions)"
					       " VALUES (?,?,?,?,?,?,?)", &c->bulk, err)))
		return rc;
	b = c->bulk;
	store_bulk_int(b, c->import_id);
	store_bulk_int(b, r->ident);
	store_bulk_int(b, r->tool);
	store_bulk_int(b, r->month);
	store_bulk_int(b, r->mask);
	store_bulk_int(b, r->events);
	store_bulk_int(b, r->actions);
	return store_bulk_row(b, err);
}

int usage_activity_import(struct store *s, int64_t import_id, struct aiv_err *err)
{
	struct insert_ctx c = { s, import_id, NULL };
	int rc = rollup_import(s, import_id, insert_row, &c, err);

	if (rc) {
		store_bulk_abort(c.bulk);
		return rc;
	}
	return store_bulk_end(c.bulk, err);
}

/* The imports that have blocks, ascending. */
static int block_imports(struct store *s, int64_t **ids, size_t *n, struct aiv_err *err)
{
	struct store_stmt *st;
	size_t alloc = 0;
	int rc;

	*ids = NULL;
	*n = 0;
	st = store_prepare(s, "SELECT DISTINCT import_id FROM usage_blocks ORDER BY import_id", err);
	if (!st)
		return err->code;
	while ((rc = store_step(st, err)) == STORE_ROW) {
		ALLOC_GROW(*ids, *n + 1, alloc);
		(*ids)[(*n)++] = store_col_int(st, 0);
	}
	store_reset(st);
	return rc < 0 ? rc : 0;
}

int usage_activity_backfill(struct store *s, struct aiv_err *err)
{
	int64_t *ids;
	size_t n, i;
	int rc = block_imports(s, &ids, &n, err);

	for (i = 0; !rc && i < n; i++)
		rc = usage_activity_import(s, ids[i], err);
	free(ids);
	return rc;
}

/* The n strings of `sql` (one text or NULL column, ordered by id) as an array. */
static int load_texts(struct store *s, const char *sql, char ***out, size_t *n,
		      struct aiv_err *err)
{
	struct store_stmt *st = store_prepare(s, sql, err);
	size_t alloc = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if (!st)
		return err->code;
	while ((rc = store_step(st, err)) == STORE_ROW) {
		ALLOC_GROW(*out, *n + 1, alloc);
		(*out)[(*n)++] = store_col_is_null(st, 0) ? NULL : xstrdup(store_col_text(st, 0));
	}
	store_reset(st);
	return rc < 0 ? rc : 0;
}

static void free_texts(char **v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static void set_days(struct usage_activity *a)
{
	int32_t first = (int32_t)time_days_from_civil(a->month / 12,
						      (unsigned)(a->month % 12 + 1), 1);

	a->first_day = first + __builtin_ctz(a->day_mask);
	a->last_day = first + 31 - __builtin_clz(a->day_mask);
}

/* Rows of workspaces imported before blocks: one call per event. */
static int each_legacy(struct store *s, usage_activity_fn fn, void *data, struct aiv_err *err)
{
	struct store_stmt *st;
	int rc, ret = 0;

	st = store_prepare(s, "SELECT person, day, tool, count FROM usage_events WHERE count > 0",
			   err);
	if (!st)
		return err->code;
	while (!ret && (rc = store_step(st, err)) == STORE_ROW) {
		struct usage_activity a;
		int y, m, d;

		adoption_civil((int32_t)store_col_int(st, 1), &y, &m, &d);
		a.person = store_col_is_null(st, 0) ? NULL : store_col_text(st, 0);
		a.tool = store_col_text(st, 2);
		a.month = y * 12 + (m - 1);
		a.day_mask = 1u << (d - 1);
		a.events = 1;
		a.actions = store_col_int(st, 3);
		a.person_ix = a.tool_ix = USAGE_ACTIVITY_NO_IX;
		set_days(&a);
		ret = fn(&a, data);
	}
	store_reset(st);
	return ret ? ret : rc < 0 ? rc : 0;
}

struct deliver_ctx {
	char **person, **strs;
	size_t nperson, nstr;
	usage_activity_fn fn;
	void *data;
	const char *uri;
};

static int deliver(const struct act_row *r, void *ctx, struct aiv_err *err)
{
	struct deliver_ctx *c = ctx;
	struct usage_activity a;

	if (r->ident >= c->nperson || r->tool >= c->nstr || !r->mask || r->mask >= (1u << 31))
		return aiv_fail(err, AIV_ESTATE, "an activity row of '%s' names an identity or"
				" string that is not stored, or no day", c->uri);
	a.person = c->person[r->ident];
	a.tool = c->strs[r->tool];
	a.month = r->month;
	a.day_mask = r->mask;
	a.events = r->events;
	a.actions = r->actions;
	a.person_ix = r->ident;
	a.tool_ix = r->tool;
	set_days(&a);
	return c->fn(&a, c->data);
}

/* A workspace opened read-only before the rollup existed: roll up in memory. */
static int each_unstored(struct store *s, struct deliver_ctx *c, struct aiv_err *err)
{
	int64_t *ids;
	size_t n, i;
	int rc = block_imports(s, &ids, &n, err);

	for (i = 0; !rc && i < n; i++)
		rc = rollup_import(s, ids[i], deliver, c, err);
	free(ids);
	return rc;
}

int usage_each_activity(struct store *s, usage_activity_fn fn, void *data,
			struct aiv_err *err)
{
	struct deliver_ctx c = { NULL, NULL, 0, 0, fn, data, store_uri(s) };
	struct store_stmt *st;
	int rc, ret = 0;

	if ((rc = each_legacy(s, fn, data, err)))
		return rc;
	if ((rc = load_texts(s, "SELECT person FROM usage_identities ORDER BY id", &c.person,
			     &c.nperson, err)) ||
	    (rc = load_texts(s, "SELECT value FROM usage_strings ORDER BY id", &c.strs, &c.nstr,
			     err)))
		goto out;
	if (store_schema_version(s) < USAGE_ACTIVITY_VERSION) {
		rc = each_unstored(s, &c, err);
		goto out;
	}
	st = store_prepare(s, "SELECT identity, tool, month, day_mask, events, actions"
			   " FROM usage_activity", err);
	if (!st) {
		rc = err->code;
		goto out;
	}
	while ((rc = store_step(st, err)) == STORE_ROW) {
		int64_t ident = store_col_int(st, 0), tool = store_col_int(st, 1);
		int64_t mask = store_col_int(st, 3);
		struct act_row r;

		r.ident = ident < 0 || ident > UINT32_MAX ? UINT32_MAX : (uint32_t)ident;
		r.tool = tool < 0 || tool > UINT32_MAX ? UINT32_MAX : (uint32_t)tool;
		r.month = (int32_t)store_col_int(st, 2);
		r.mask = mask < 0 || mask > UINT32_MAX ? 0 : (uint32_t)mask;
		r.events = store_col_int(st, 4);
		r.actions = store_col_int(st, 5);
		if ((ret = deliver(&r, &c, err)))
			break;
	}
	store_reset(st);
	if (ret)
		rc = ret;
	else if (rc > 0)
		rc = 0;
out:
	free_texts(c.person, c.nperson);
	free_texts(c.strs, c.nstr);
	return rc;
}

/* ---- audit verify --state: the rollup against the blocks ---------------- */

struct check_ctx {
	struct store_stmt *st;   /* the stored rows of the import, in key order */
	int64_t import_id;
	size_t rows, bad;
};

static int compare_row(const struct act_row *r, void *ctx, struct aiv_err *err)
{
	struct check_ctx *c = ctx;
	int rc = store_step(c->st, err);

	if (rc < 0)
		return rc;
	c->rows++;
	if (rc != STORE_ROW || store_col_int(c->st, 0) != r->ident ||
	    store_col_int(c->st, 1) != r->tool || store_col_int(c->st, 2) != r->month ||
	    store_col_int(c->st, 3) != r->mask || store_col_int(c->st, 4) != r->events ||
	    store_col_int(c->st, 5) != r->actions)
		c->bad++;
	return 0;
}

int usage_activity_check(struct store *s, struct ledger_state_report *r, struct aiv_err *err)
{
	int64_t *ids, stored = 0;
	size_t n, i, compared = 0;
	int rc;

	if (store_schema_version(s) < USAGE_ACTIVITY_VERSION)
		return 0; /* an older workspace opened read-only: nothing stored */
	r->tables++;
	if ((rc = block_imports(s, &ids, &n, err)))
		return rc;
	for (i = 0; !rc && i < n; i++) {
		struct check_ctx c = { NULL, ids[i], 0, 0 };
		struct aiv_err berr = AIV_ERR_INIT;
		char key[32];

		c.st = store_prepare(s, "SELECT identity, tool, month, day_mask, events, actions"
				     " FROM usage_activity WHERE import_id = ?"
				     " ORDER BY identity, tool, month", err);
		if (!c.st) {
			rc = err->code;
			break;
		}
		store_bind_int(c.st, 1, ids[i]);
		rc = rollup_import(s, ids[i], compare_row, &c, &berr);
		if (!rc && (rc = store_step(c.st, &berr)) == STORE_ROW)
			c.bad++; /* a stored row the blocks do not give */
		store_reset(c.st);
		if (rc < 0 && berr.code == AIV_ESTATE) {
			rc = 0; /* damaged blocks: their own digest reports them */
			continue;
		}
		if (rc < 0) {
			*err = berr;
			break;
		}
		rc = 0;
		compared += c.rows;
		r->rows += (int64_t)c.rows;
		snprintf(key, sizeof(key), "import %lld", (long long)ids[i]);
		if (c.bad)
			ledger_state_add(r, "usage_activity", key, "%zu of its monthly activity rows"
					 " differ from what its usage blocks give", c.bad);
	}
	free(ids);
	if (!rc && !(rc = store_query_int(s, "SELECT count(*) FROM usage_activity", &stored, err)) &&
	    (size_t)stored > compared)
		ledger_state_add(r, "usage_activity", "rows", "%lld rows belong to no import"
				 " with usage blocks", (long long)(stored - (int64_t)compared));
	return rc;
}
