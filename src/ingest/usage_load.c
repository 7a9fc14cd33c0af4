/*
 * usage_load.c - reading the stored usage into metrics/'s columnar
 * usage_table and the vendor daily totals (see usage_load.h): the only
 * SQL of the adoption metrics.  The table's own calls (utab_person,
 * utab_event_ids, utab_finish) do the filling, so a test builds the same
 * table by hand.
 */
#include <stdlib.h>
#include <string.h>

#include "metrics/usage_block.h"
#include "org/people.h"
#include "usage.h"
#include "usage_load.h"
#include "usage_seat_spans.h"

/* Strings of usage_strings as ids of one of the table's dictionaries. */
struct strmap {
	struct intern *dict;
	uint32_t *id;      /* usage_strings.id -> dict id, INTERN_NONE until asked */
};

static uint32_t strmap_get(struct strmap *m, char **strs, uint32_t sid)
{
	if (m->id[sid] == INTERN_NONE)
		m->id[sid] = intern_id(m->dict, strs[sid]);
	return m->id[sid];
}

/*
 * Append the events of every usage block whose identity is joined to a
 * known person: identity -> person and string ids are mapped once, then
 * each block is decoded and copied column by column.
 */
static int load_blocks(struct usage_table *t, struct store *s, struct aiv_err *err)
{
	struct store_stmt *st;
	struct usage_block *b = NULL;
	uint32_t *person = NULL;
	char **strs = NULL;
	struct strmap tools = { &t->tools, NULL }, feats = { &t->features, NULL };
	struct strmap wfs = { &t->workflows, NULL };
	size_t nid = 0, aid = 0, nstr = 0, astr = 0, i;
	int64_t total = 0;
	int rc = 0;

	st = store_prepare(s, "SELECT id, person FROM usage_identities ORDER BY id", err);
	if (!st)
		return err->code;
	while ((rc = store_step(st, err)) == STORE_ROW) {
		ALLOC_GROW(person, nid + 1, aid);
		person[nid++] = store_col_is_null(st, 1) ? INTERN_NONE :
				utab_find_person(t, store_col_text(st, 1));
	}
	store_reset(st);
	if (rc < 0)
		goto cleanup;
	st = store_prepare(s, "SELECT value FROM usage_strings ORDER BY id", err);
	if (!st) {
		rc = err->code;
		goto cleanup;
	}
	while ((rc = store_step(st, err)) == STORE_ROW) {
		ALLOC_GROW(strs, nstr + 1, astr);
		strs[nstr++] = xstrdup(store_col_text(st, 0));
	}
	store_reset(st);
	if (rc < 0)
		goto cleanup;
	if ((rc = store_query_int(s, "SELECT coalesce(sum(n), 0) FROM usage_blocks", &total, err)))
		goto cleanup;
	utab_reserve(t, (size_t)(total > 0 ? total : 0)); /* one allocation, no doubling */
	tools.id = xmalloc(st_mult(nstr + 1, sizeof(uint32_t)));
	feats.id = xmalloc(st_mult(nstr + 1, sizeof(uint32_t)));
	wfs.id = xmalloc(st_mult(nstr + 1, sizeof(uint32_t)));
	for (i = 0; i < nstr; i++)
		tools.id[i] = feats.id[i] = wfs.id[i] = INTERN_NONE;
	b = xmalloc(sizeof(*b));
	st = store_prepare(s, "SELECT data FROM usage_blocks ORDER BY import_id, seq", err);
	if (!st) {
		rc = err->code;
		goto cleanup;
	}
	while ((rc = store_step(st, err)) == STORE_ROW) {
		uint32_t k;
		if (usage_block_decode(store_col_blob(st, 0), store_col_bytes(st, 0), b)) {
			rc = aiv_fail(err, AIV_ESTATE, "a usage block of '%s' is damaged", store_uri(s));
			break;
		}
		for (k = 0; k < b->n; k++) {
			uint32_t p;
			if (b->ident[k] >= nid || b->tool[k] >= nstr || b->feature[k] >= nstr ||
			    b->workflow[k] >= nstr) {
				rc = aiv_fail(err, AIV_ESTATE, "a usage block of '%s' names an"
					      " identity or string that is not stored", store_uri(s));
				break;
			}
			p = person[b->ident[k]];
			if (p == INTERN_NONE)
				continue; /* unmatched identity, or person deleted */
			utab_event_ids(t, p, (int32_t)usage_block_day(b->time_us[k]),
				       strmap_get(&tools, strs, b->tool[k]),
				       strmap_get(&feats, strs, b->feature[k]),
				       strmap_get(&wfs, strs, b->workflow[k]), b->count[k]);
		}
		if (rc < 0)
			break;
	}
	store_reset(st);
cleanup:
	for (i = 0; i < nstr; i++)
		free(strs[i]);
	free(strs);
	free(person);
	free(tools.id);
	free(feats.id);
	free(wfs.id);
	free(b);
	return rc < 0 ? rc : 0;
}

static void add_person(const char *name, const char *role, const char *team,
		       const char *function, int champion, void *data)
{
	utab_person(data, name, role, team, function, champion);
}

static void add_leaver(const char *name, int32_t left_day, void *data)
{
	struct usage_table *t = data;
	uint32_t p = utab_find_person(t, name);

	if (p != INTERN_NONE)
		utab_left(t, p, left_day);
}

int usage_load_people(struct usage_table *t, struct store *s, struct aiv_err *err)
{
	int rc = org_each_profile(s, add_person, t, err);

	if (!rc)
		rc = org_each_leaver(s, add_leaver, t, err);
	if (!rc)
		utab_finish(t);
	return rc;
}

int usage_load(struct usage_table *t, struct store *s, struct aiv_err *err)
{
	struct store_stmt *st;
	int rc;

	if ((rc = org_each_profile(s, add_person, t, err)) ||
	    (rc = org_each_leaver(s, add_leaver, t, err)))
		return rc;
	/*
	 * The seat holders: each distinct person found by a seek from the one
	 * before in usage_seats_person (a skip scan, 20,000 seeks on the large
	 * demo) instead of DISTINCT walking all 2.2M index entries, which was
	 * a tenth of the usage load.  The same set; the order does not matter.
	 */
	st = store_prepare(s, "WITH RECURSIVE p(x) AS (SELECT min(person) FROM usage_seats"
			   " WHERE person IS NOT NULL UNION ALL SELECT (SELECT min(person) FROM"
			   " usage_seats WHERE person > p.x) FROM p WHERE p.x IS NOT NULL)"
			   " SELECT x FROM p WHERE x IS NOT NULL", err);
	if (!st)
		return err->code;
	while ((rc = store_step(st, err)) == STORE_ROW)
		utab_seat(t, utab_find_person(t, store_col_text(st, 0)));
	store_reset(st);
	if (rc < 0)
		return rc;
	st = store_prepare(s, "SELECT workflow, creator FROM usage_workflows WHERE creator IS"
			   " NOT NULL ORDER BY day, import_id", err);
	if (!st)
		return err->code;
	while ((rc = store_step(st, err)) == STORE_ROW) {
		uint32_t p = utab_find_person(t, store_col_text(st, 1));
		if (p != INTERN_NONE)
			utab_creator(t, store_col_text(st, 0), p);
	}
	store_reset(st);
	if (rc < 0)
		return rc;
	/* rows of workspaces imported before columnar blocks */
	st = store_prepare(s, "SELECT person, day, tool, feature, workflow, count FROM"
			   " usage_events WHERE person IS NOT NULL", err);
	if (!st)
		return err->code;
	while ((rc = store_step(st, err)) == STORE_ROW) {
		uint32_t p = utab_find_person(t, store_col_text(st, 0));
		int64_t c = store_col_int(st, 5);
		if (p == INTERN_NONE)
			continue; /* person deleted since the import */
		utab_event(t, p, (int32_t)store_col_int(st, 1), store_col_text(st, 2),
			   store_col_text(st, 3), store_col_text(st, 4),
			   (uint32_t)(c > UINT32_MAX ? UINT32_MAX : c < 0 ? 0 : c));
	}
	store_reset(st);
	if (rc < 0)
		return rc;
	if ((rc = load_blocks(t, s, err)))
		return rc;
	utab_finish(t);
	return 0;
}

int usage_vendor_totals(struct store *s, struct adoption_vendor_total **out, size_t *n,
			struct aiv_err *err)
{
	struct store_stmt *st = store_prepare(s,
		"SELECT tool, count(*), min(day), max(day), avg(active_users), avg(engaged_users),"
		" (SELECT active_users FROM usage_org_daily d2 WHERE d2.tool = d.tool ORDER BY"
		" day DESC, import_id DESC LIMIT 1) FROM (SELECT tool, day, max(active_users) AS"
		" active_users, max(engaged_users) AS engaged_users FROM usage_org_daily GROUP BY"
		" tool, day) d GROUP BY tool ORDER BY tool", err);
	size_t alloc = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if (!st)
		return err->code ? err->code : AIV_EINTERNAL;
	while ((rc = store_step(st, err)) == STORE_ROW) {
		struct adoption_vendor_total *v;
		ALLOC_GROW(*out, *n + 1, alloc);
		v = &(*out)[(*n)++];
		v->tool = xstrdup(store_col_text(st, 0));
		v->days = store_col_int(st, 1);
		v->from = (int32_t)store_col_int(st, 2);
		v->to = (int32_t)store_col_int(st, 3);
		v->mean_active = store_col_double(st, 4);
		v->mean_engaged = store_col_double(st, 5);
		v->last_active = store_col_int(st, 6);
	}
	store_reset(st);
	return rc < 0 ? rc : 0;
}

int adoption_run(struct store *s, const char *config_path, enum adoption_period period,
		 int32_t as_of, struct adoption_report *r, struct usage_table *t,
		 struct aiv_err *err)
{
	struct adoption_config cfg;
	const char *env = getenv("AIVALUE_ADOPTION");
	int ret;

	utab_init(t);
	if (!config_path && env && *env)
		config_path = env;
	if ((ret = adoption_config_load(&cfg, config_path, err)))
		return ret;
	if (!(ret = usage_load(t, s, err)))
		ret = adoption_compute(t, &cfg, period, as_of, r, err);
	return ret;
}

int adoption_document(struct store *s, const char *config_path, enum adoption_period period,
		      int32_t as_of, int by, json_t **out, struct aiv_err *err)
{
	struct adoption_register reg = { NULL, NULL };
	struct adoption_report r;
	struct usage_table t;
	struct adoption_vendor_total *vendor = NULL;
	struct adoption_starter_list starters;
	struct adoption_champion_list champions;
	size_t nvendor = 0;
	json_t *o;
	int ret, have_report = 0;

	*out = NULL;
	if ((ret = adoption_run(s, config_path, period, as_of, &r, &t, err)))
		goto cleanup;
	have_report = 1;
	if ((ret = adoption_register_load(s, &reg, err)))
		goto cleanup;
	if ((ret = usage_vendor_totals(s, &vendor, &nvendor, err)))
		goto cleanup;
	o = adoption_report_json(&r, by);
	adoption_starters(&t, &r, &reg, &starters);
	json_object_set_new(o, "starter_workflows", adoption_starter_list_json(&starters));
	adoption_starter_list_release(&starters);
	adoption_champions(&t, &r, &reg, &champions);
	json_object_set_new(o, "champions", adoption_champion_list_json(&champions));
	adoption_champion_list_release(&champions);
	json_object_set_new(o, "vendor_daily_totals", adoption_vendor_json(vendor, nvendor));
	*out = o;
cleanup:
	adoption_vendor_release(vendor, nvendor);
	if (have_report)
		adoption_report_release(&r);
	adoption_register_release(&reg);
	utab_release(&t);
	return ret;
}

/*
 * One pass over the seat rows, folded per (identity, tool) in a hash: a
 * GROUP BY would sort every row (seat snapshots repeat each seat daily,
 * hundreds of thousands of rows) and spill to a temporary file.
 */
/* The spans the importer keeps (usage_seat_spans.h): one row per identity and tool. */
static int each_seat_span(struct store *s, usage_seat_fn fn, void *data, struct aiv_err *err)
{
	struct store_stmt *st;
	int rc, ret = 0;

	st = store_prepare(s, "SELECT identity, tool, person, first_day FROM usage_seat_spans"
			   " ORDER BY identity, tool", err);
	if (!st)
		return err->code;
	while (!ret && (rc = store_step(st, err)) == STORE_ROW) {
		struct usage_seat_span r;

		r.identity = store_col_text(st, 0);
		r.tool = store_col_text(st, 1);
		r.person = store_col_is_null(st, 2) ? NULL : store_col_text(st, 2);
		r.first_day = (int32_t)store_col_int(st, 3);
		ret = fn(&r, data);
	}
	store_reset(st);
	return ret ? ret : rc < 0 ? rc : 0;
}

int usage_each_seat(struct store *s, usage_seat_fn fn, void *data, struct aiv_err *err)
{
	struct seat_fold { int32_t first; uint32_t person; } *v = NULL;
	struct intern keys, people;
	struct strbuf key = STRBUF_INIT;
	struct store_stmt *st;
	size_t alloc = 0, nv = 0, i;
	int rc = 0, ret = 0;

	if (store_schema_version(s) >= USAGE_SEAT_SPANS_VERSION)
		return each_seat_span(s, fn, data, err);
	/* an older workspace opened read-only: fold every seat row */
	intern_init(&keys);
	intern_init(&people);
	st = store_prepare(s, "SELECT identity, tool, person, day FROM usage_seats", err);
	if (!st) {
		ret = err->code;
		goto cleanup;
	}
	while ((rc = store_step(st, err)) == STORE_ROW) {
		int32_t day = (int32_t)store_col_int(st, 3);
		uint32_t id;

		strbuf_reset(&key);
		strbuf_addstr(&key, store_col_text(st, 0));
		strbuf_addch(&key, '\t');
		strbuf_addstr(&key, store_col_text(st, 1));
		id = intern_idn(&keys, key.buf, key.len);
		if (id == nv) { /* a new (identity, tool) */
			ALLOC_GROW(v, nv + 1, alloc);
			v[nv].first = day;
			v[nv++].person = INTERN_NONE;
		} else if (day < v[id].first) {
			v[id].first = day;
		}
		if (!store_col_is_null(st, 2)) {
			const char *name = store_col_text(st, 2);
			/* the greatest person name, as MAX(person) would give; the
			 * same name again (each snapshot's row) is not looked up */
			if (v[id].person == INTERN_NONE ||
			    strcmp(name, intern_str(&people, v[id].person)) > 0)
				v[id].person = intern_id(&people, name);
		}
	}
	store_reset(st);
	if (rc < 0) {
		ret = rc;
		goto cleanup;
	}
	for (i = 0; i < nv && !ret; i++) {
		const char *k = intern_str(&keys, (uint32_t)i), *tab = strchr(k, '\t');
		struct usage_seat_span r;

		strbuf_reset(&key);
		strbuf_add(&key, k, (size_t)(tab - k));
		r.identity = key.buf;
		r.tool = tab + 1;
		r.person = v[i].person == INTERN_NONE ? NULL : intern_str(&people, v[i].person);
		r.first_day = v[i].first;
		ret = fn(&r, data);
	}
cleanup:
	free(v);
	intern_release(&keys);
	intern_release(&people);
	strbuf_release(&key);
	return ret;
}

/* One (identity, tool, model, day) being summed by usage_each_token_day. */
struct token_group {
	struct strbuf identity, person, tool, model;
	int have, have_person;
	struct usage_token_day r;
};

static int token_same(const struct token_group *g, const char *identity, const char *tool,
		      const char *model, int32_t day)
{
	return g->have && g->r.day == day && !strcmp(g->identity.buf, identity) &&
	       !strcmp(g->tool.buf, tool) && !strcmp(g->model.buf, model);
}

static int token_flush(struct token_group *g, usage_token_fn fn, void *data)
{
	if (!g->have)
		return 0;
	g->have = 0;
	g->r.identity = g->identity.buf;
	g->r.person = g->have_person ? g->person.buf : NULL;
	g->r.tool = g->tool.buf;
	g->r.model = g->model.buf;
	return fn(&g->r, data);
}

/*
 * The rows in key order, summed here: SQLite's GROUP BY copied every key
 * for its comparisons and cost three times the scan.  MAX(person) as SQL
 * has it: NULLs ignored, bytes compared (strcmp orders UTF-8 as memcmp).
 */
int usage_each_token_day(struct store *s, int32_t from_day, int32_t to_day,
			 usage_token_fn fn, void *data, struct aiv_err *err)
{
	struct token_group g = { STRBUF_INIT, STRBUF_INIT, STRBUF_INIT, STRBUF_INIT, 0, 0,
				 { NULL, NULL, NULL, NULL, 0, 0, 0 } };
	struct store_stmt *st;
	int rc = 0, ret = 0;

	/* an older workspace opened read-only has no token counts yet */
	if (store_schema_version(s) < USAGE_TOKENS_VERSION)
		return 0;
	st = store_prepare(s, "SELECT identity, person, tool, model, day, input_tokens,"
			   " output_tokens FROM usage_tokens WHERE day >= ? AND day <= ?"
			   " ORDER BY identity, tool, model, day", err);
	if (!st)
		return err->code;
	store_bind_int(st, 1, from_day);
	store_bind_int(st, 2, to_day);
	while (!ret && (rc = store_step(st, err)) == STORE_ROW) {
		const char *identity = store_col_text(st, 0), *tool = store_col_text(st, 2);
		const char *model = store_col_text(st, 3);
		int32_t day = (int32_t)store_col_int(st, 4);
		int64_t in = store_col_int(st, 5), out = store_col_int(st, 6);

		if (!token_same(&g, identity, tool, model, day)) {
			if ((ret = token_flush(&g, fn, data)))
				break;
			strbuf_reset(&g.identity);
			strbuf_addstr(&g.identity, identity);
			strbuf_reset(&g.tool);
			strbuf_addstr(&g.tool, tool);
			strbuf_reset(&g.model);
			strbuf_addstr(&g.model, model);
			g.r.day = day;
			g.r.input = g.r.output = 0;
			g.have = 1;
			g.have_person = 0;
		}
		if (__builtin_add_overflow(g.r.input, in, &g.r.input) ||
		    __builtin_add_overflow(g.r.output, out, &g.r.output)) {
			ret = aiv_fail(err, AIV_ESTATE, "the token counts of '%s' on day %d of '%s'"
				       " add up past 2^63", identity, (int)day, store_uri(s));
			break;
		}
		if (!store_col_is_null(st, 1)) {
			const char *person = store_col_text(st, 1);

			if (!g.have_person || strcmp(person, g.person.buf) > 0) {
				strbuf_reset(&g.person);
				strbuf_addstr(&g.person, person);
				g.have_person = 1;
			}
		}
	}
	if (!ret && rc >= 0)
		ret = token_flush(&g, fn, data);
	store_reset(st);
	strbuf_release(&g.identity);
	strbuf_release(&g.person);
	strbuf_release(&g.tool);
	strbuf_release(&g.model);
	return ret ? ret : rc < 0 ? rc : 0;
}
