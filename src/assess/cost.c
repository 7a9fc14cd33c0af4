/*
 * cost.c - the cost of AI (see cost.h for what each line means).
 *
 * Three passes over what the owning layers hand out, each turning its rows
 * into charges (kind, person, tool, model, agent, day, quantity, price),
 * and one sink that adds a charge to the row of each group it belongs to:
 *
 *   usage_each_seat      (ingest)  -> a charge per seat and month
 *   usage_each_token_day (ingest)  -> input and output charges per day
 *   control_each_agent_day (control) -> decision and tool-call charges
 *
 * Amounts are summed exactly before any rounding: each cell keeps a
 * 128-bit sum in 10^-10 of a minor unit (a seat price times 10^10, tokens
 * times a fine price per million, counts times a fine price times 10^6),
 * and is rounded half to even to minor units once, at the end.  So the
 * total of a row is the sum of its cells, and splitting by month or group
 * never changes a price.
 */
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "apply/apply.h"
#include "assess/cost.h"
#include "assess/pricebook.h"
#include "control/control_queries.h"
#include "core/cjson.h"
#include "core/timeutil.h"
#include "ingest/usage_activity.h"
#include "ingest/usage_load.h"
#include "metrics/adoption.h"
#include "metrics/intern.h"
#include "metrics/usage_table.h"
#include "series_int.h"

#define FINE_DEN 10000000000LL /* 10^10: one minor unit in accumulator units */

const char *const cost_dim_names[COST_DIMS] = {
	"none", "tool", "team", "function", "initiative", "model", "value-model", "agent",
};
const char *const cost_kind_names[COST_KINDS] = {
	"seats", "unused_seats", "input_tokens", "output_tokens", "decisions", "tool_calls",
};
const char *const cost_kind_units[COST_KINDS] = {
	"seat months", "seat months", "tokens", "tokens", "decisions", "tool calls",
};
static const char *const kind_unit1[COST_KINDS] = {
	"seat month", "seat month", "token", "token", "decision", "tool call",
};
const char *const cost_kind_titles[COST_KINDS] = {
	"seats", "unused seats", "input tokens", "output tokens", "agent decisions",
	"agent tool calls",
};

int cost_dim_parse(const char *s)
{
	int i;

	for (i = 0; s && i < COST_DIMS; i++)
		if (!strcmp(s, cost_dim_names[i]))
			return i;
	return -1;
}

int cost_query_parse(struct cost_query *q, const char *by, const char *period,
		     const char *from, const char *to, struct aiv_err *err)
{
	int dim = by ? cost_dim_parse(by) : COST_BY_NONE;

	memset(q, 0, sizeof(*q));
	if (by && dim <= COST_BY_NONE)
		return aiv_fail(err, AIV_EINPUT, "'by' must be tool, team, function, initiative, "
				"model, value-model or agent, not '%s'", by);
	q->by = (enum cost_dim)dim;
	if (period && strcmp(period, "month"))
		return aiv_fail(err, AIV_EINPUT, "'period' must be month, not '%s'", period);
	q->by_month = period != NULL;
	if (from && (q->from_day = adoption_parse_day(from)) == INT32_MIN)
		return aiv_fail(err, AIV_EINPUT, "'from' must be a date YYYY-MM-DD, not '%s'", from);
	if (to && (q->to_day = adoption_parse_day(to)) == INT32_MIN)
		return aiv_fail(err, AIV_EINPUT, "'to' must be a date YYYY-MM-DD, not '%s'", to);
	return 0;
}

struct charge {
	enum cost_kind kind;
	uint32_t person;      /* utab person id, or INTERN_NONE */
	const char *tool, *model, *agent;
	int32_t day;
	int64_t quantity;
	const struct price_line *price; /* NULL: unpriced */
	__int128 fine;        /* cost in 10^-10 minor units (price given) */
};

struct initiative {
	char *name, *model;
	json_t *teams;        /* borrowed from specs */
};

struct gap_count {
	int64_t quantity;
	int32_t first_day;
};

struct seat {
	uint32_t person, tool;     /* utab person (or INTERN_NONE), builder tool */
	int32_t first_day;
};

struct token_rec {
	uint32_t person, tool, model;  /* utab person; names ids */
	int32_t day;
	int64_t input, output;
};

struct agent_rec {
	uint32_t agent, person;        /* names id; utab person */
	int32_t day;
	int64_t decisions, tool_calls;
};

struct act_trip {
	uint32_t person, tool;
	int32_t month;
};

/* The bit grid of active (person, tool, month) triples is used up to this
 * many bits (32 MiB); beyond it (months decades apart) a hash set. */
#define ACT_BITS_MAX ((size_t)1 << 28)

struct ix_cache {
	uint32_t id;               /* person or tool id of the builder */
	uint8_t known;             /* id looked up */
};

/* A direct-mapped cache from the (group, model) strings' addresses, which
 * stay put during a query, to the group id their text was interned as. */
#define GROUP_SLOTS 256
struct group_slot {
	const char *group, *model;
	uint32_t gid;
};

struct builder {
	struct cost_result *r;
	const struct cost_query *q;
	struct pricebook pb;
	struct usage_table ut;
	struct act_trip *trips;    /* (person, tool, month) with usage, as read */
	size_t ntrips, atrips;
	uint64_t *act_bits;        /* the same as a bit grid, person x tool x month */
	struct u64set active;      /* or as a set, when the grid would be too big */
	size_t act_nt;
	int act_m0, act_nm;
	struct intern tools;       /* seat tools, for the activity keys */
	struct intern rowkeys;     /* "group\tmonth" -> row index */
	__int128 (*fine)[COST_KINDS]; /* per row, parallel to r->rows */
	__int128 total_fine[COST_KINDS];
	size_t arows;
	json_t *inits;             /* Initiative specs */
	struct intern gapkeys;     /* "kind\tsubject" of unpriced quantities */
	struct gap_count *gaps;
	size_t agaps;
	struct seat *seats;        /* every (identity, tool) seat, read once */
	size_t nseats, aseats;
	int64_t unjoined_seats;    /* seat months of identities joined to no person */
	int32_t data_min, data_max;
	int32_t usage_min, usage_max; /* days of usage by known people */
	int have_usage;
	/* read once, charged for each query (cost_compute_many) */
	struct intern names;       /* tools, models and agents of the records below */
	struct token_rec *tokens;  /* token counts per day, in the walk's order */
	size_t ntokens, atokens;
	struct agent_rec *agents;  /* agent decisions and tool calls per day */
	size_t nagents, aagents;
	struct ix_cache *act_person, *act_tool; /* note_activity: by the walk's ids */
	size_t aact_person, aact_tool;
	/* per query: a charge's row found by ids, not by a string key */
	struct group_slot slots[GROUP_SLOTS]; /* (group, model) pointers -> group id */
	int32_t *grid;             /* group id * nmon + month index -> row, or -1 */
	size_t agrid, ngroups;
	int mon_base, nmon;        /* first month of the period, months in it */
	int32_t last_day;          /* month_of's one-entry cache */
	int last_month;
	const char ***team_groups; /* by initiative or value model: per team id, */
	size_t *team_ngroups;      /* the groups a charge of that team goes to */
};

static int month_of(int32_t day)
{
	int y, m, d;

	adoption_civil(day, &y, &m, &d);
	return y * 12 + (m - 1);
}

static int32_t first_day_of_month(int month)
{
	return (int32_t)time_days_from_civil(month / 12, (unsigned)(month % 12 + 1), 1);
}

static void month_label(int month, char out[8])
{
	char tmp[32];

	snprintf(tmp, sizeof(tmp), "%04d-%02d", month / 12 % 10000, month % 12 + 1);
	memcpy(out, tmp, 7);
	out[7] = 0;
}

static void note_day(struct builder *b, int32_t day)
{
	if (!b->data_min || day < b->data_min)
		b->data_min = day;
	if (!b->data_max || day > b->data_max)
		b->data_max = day;
}

static int month_cached(struct builder *b, int32_t day)
{
	if (day != b->last_day) {
		b->last_day = day;
		b->last_month = month_of(day);
	}
	return b->last_month;
}

/* Group id of (group, model or NULL): the text "group\tmodel" interned once,
 * then found by the strings' addresses. */
static uint32_t group_id(struct builder *b, const char *group, const char *model)
{
	uint64_t h = ((uint64_t)(uintptr_t)group * 0x9E3779B97F4A7C15ULL) ^
		     ((uint64_t)(uintptr_t)model * 0xC2B2AE3D27D4EB4FULL);
	struct group_slot *sl = &b->slots[(h >> 32) % GROUP_SLOTS];
	size_t lg, lm, len;
	char stack[256], *key;
	uint32_t id;

	if (sl->group == group && sl->model == model)
		return sl->gid;
	lg = strlen(group);
	lm = model ? strlen(model) : 0;
	len = lg + lm + 1;
	key = len <= sizeof(stack) ? stack : xmalloc(len);
	memcpy(key, group, lg);
	key[lg] = '\t';
	if (lm)
		memcpy(key + lg + 1, model, lm);
	id = intern_idn(&b->rowkeys, key, len);
	if (key != stack)
		free(key);
	if (id >= b->ngroups) {
		size_t old = b->ngroups * (size_t)b->nmon, i;

		b->ngroups = (size_t)id + 1;
		ALLOC_GROW(b->grid, b->ngroups * (size_t)b->nmon, b->agrid);
		for (i = old; i < b->ngroups * (size_t)b->nmon; i++)
			b->grid[i] = -1;
	}
	sl->group = group;
	sl->model = model;
	sl->gid = id;
	return id;
}

/* Row index of (group, model or NULL, month), created when new.  Every
 * charge's month is in the period (seat months are clipped to it, token
 * and agent days outside it are skipped), so the grid covers it. */
static size_t row_of(struct builder *b, const char *group, const char *model, int month)
{
	uint32_t gid = group_id(b, group, model);
	int mi = b->q->by_month ? month - b->mon_base : 0;
	int32_t *slot;
	struct cost_row *row;

	assert(mi >= 0 && mi < b->nmon);
	slot = &b->grid[(size_t)gid * (size_t)b->nmon + (size_t)mi];
	if (*slot >= 0)
		return (size_t)*slot;
	if (b->r->nrows + 1 > b->arows) {
		size_t old = b->arows;
		ALLOC_GROW(b->r->rows, b->r->nrows + 1, b->arows);
		b->fine = xrealloc(b->fine, b->arows * sizeof(*b->fine));
		memset(b->fine + old, 0, (b->arows - old) * sizeof(*b->fine));
	}
	row = &b->r->rows[b->r->nrows];
	memset(row, 0, sizeof(*row));
	row->group = xstrdup(group);
	row->model = model ? xstrdup(model) : NULL;
	if (b->q->by_month)
		month_label(month, row->month);
	*slot = (int32_t)b->r->nrows;
	return b->r->nrows++;
}

static void add_cell(struct cost_cell *c, __int128 *fine, const struct charge *ch)
{
	c->quantity += ch->quantity;
	if (ch->price)
		*fine += ch->fine;
	else
		c->unpriced += ch->quantity;
}

static const char *person_attr(const struct builder *b, uint32_t p, int which)
{
	const struct usage_table *t = &b->ut;
	uint32_t id;

	if (p == INTERN_NONE)
		return NULL;
	id = which ? t->function[p] : t->team[p];
	if (id == INTERN_NONE)
		return NULL;
	return intern_str(which ? &t->functions : &t->teams, id);
}

static void add_to_group(struct builder *b, const char *group, int month,
			 const struct charge *ch)
{
	size_t i = row_of(b, group, b->q->and_model ? ch->model : NULL, month);

	add_cell(&b->r->rows[i].cell[ch->kind], &b->fine[i][ch->kind], ch);
}

/*
 * By initiative or value model: the groups a charge of each team goes to,
 * in the order the specs give them, a group once (the first 16 names are
 * remembered, as before), worked out once per query instead of per charge.
 */
static void team_groups_init(struct builder *b)
{
	size_t nteams = intern_count(&b->ut.teams), ti, i, j;
	json_t *spec, *t;

	b->team_groups = xcalloc(nteams ? nteams : 1, sizeof(*b->team_groups));
	b->team_ngroups = xcalloc(nteams ? nteams : 1, sizeof(*b->team_ngroups));
	for (ti = 0; ti < nteams; ti++) {
		const char *team = intern_str(&b->ut.teams, (uint32_t)ti), *seen[16];
		size_t nseen = 0, n = 0, a = 0;
		const char **list = NULL;

		json_array_foreach(b->inits, i, spec) {
			const char *g = b->q->by == COST_BY_INITIATIVE ? json_str(spec, "name")
				       : json_str(spec, "model");
			int dup = 0;

			json_array_foreach(json_object_get(spec, "teams"), j, t) {
				const char *name = json_string_value(t);
				size_t x;

				if (!name || strcmp(name, team))
					continue;
				for (x = 0; x < nseen; x++)
					dup |= !strcmp(seen[x], g);
				if (!dup) {
					ALLOC_GROW(list, n + 1, a);
					list[n++] = g;
					if (nseen < 16)
						seen[nseen++] = g;
				}
				break;
			}
		}
		b->team_groups[ti] = list;
		b->team_ngroups[ti] = n;
	}
}

static void team_groups_release(struct builder *b)
{
	size_t i;

	for (i = 0; b->team_groups && i < intern_count(&b->ut.teams); i++)
		free(b->team_groups[i]);
	free(b->team_groups);
	free(b->team_ngroups);
	b->team_groups = NULL;
	b->team_ngroups = NULL;
}

/* Add a charge to the total and to the row of every group it belongs to. */
static void charge(struct builder *b, const struct charge *ch)
{
	int month = b->q->by_month ? month_cached(b, ch->day) : 0;

	add_cell(&b->r->total.cell[ch->kind], &b->total_fine[ch->kind], ch);
	switch (b->q->by) {
	case COST_BY_NONE:
		add_to_group(b, "all", month, ch);
		break;
	case COST_BY_TOOL:
		add_to_group(b, ch->tool, month, ch);
		break;
	case COST_BY_TEAM: {
		const char *team = person_attr(b, ch->person, 0);
		add_to_group(b, team ? team : "(no team)", month, ch);
		break;
	}
	case COST_BY_FUNCTION: {
		const char *fn = person_attr(b, ch->person, 1);
		add_to_group(b, fn && *fn ? fn : "(no function)", month, ch);
		break;
	}
	case COST_BY_MODEL:
		add_to_group(b, ch->model, month, ch);
		break;
	case COST_BY_AGENT:
		add_to_group(b, ch->agent ? ch->agent : "(not an agent)", month, ch);
		break;
	case COST_BY_INITIATIVE:
	case COST_BY_VALUE_MODEL: {
		uint32_t tid = ch->person == INTERN_NONE ? INTERN_NONE : b->ut.team[ch->person];
		size_t i;

		if (tid == INTERN_NONE || !b->team_ngroups[tid]) {
			add_to_group(b, "(no initiative)", month, ch);
			break;
		}
		for (i = 0; i < b->team_ngroups[tid]; i++)
			add_to_group(b, b->team_groups[tid][i], month, ch);
		break;
	}
	default:
		break;
	}
}

static void note_unpriced(struct builder *b, const char *kind, const char *subject,
			  int64_t quantity, int32_t day)
{
	struct strbuf key = STRBUF_INIT;
	uint32_t id;

	strbuf_addf(&key, "%s\t%s", kind, subject);
	id = intern_idn(&b->gapkeys, key.buf, key.len);
	strbuf_release(&key);
	if (id >= b->agaps) {
		size_t old = b->agaps;
		ALLOC_GROW(b->gaps, id + 1, b->agaps);
		memset(b->gaps + old, 0, (b->agaps - old) * sizeof(*b->gaps));
	}
	if (!b->gaps[id].quantity || day < b->gaps[id].first_day)
		b->gaps[id].first_day = day;
	b->gaps[id].quantity += quantity;
}

/* ---- seats ---------------------------------------------------------------- */

static uint64_t active_key(uint32_t person, uint32_t tool, int month)
{
	return ((uint64_t)person << 40) ^ ((uint64_t)tool << 20) ^ (uint64_t)(uint32_t)month;
}

/*
 * The (person, seat tool, month) triples with at least one usage event,
 * from the monthly activity rollup (ingest/usage_activity.h), and the
 * first and last day of usage by a known person (the period's bounds).
 */
static struct ix_cache *ix_slot(struct ix_cache **v, size_t *alloc, uint32_t ix)
{
	if (ix >= *alloc) {
		size_t old = *alloc;

		ALLOC_GROW(*v, (size_t)ix + 1, *alloc);
		memset(*v + old, 0, (*alloc - old) * sizeof(**v));
	}
	return &(*v)[ix];
}

static int note_activity(const struct usage_activity *a, void *data)
{
	struct builder *b = data;
	struct ix_cache *c;
	uint32_t p, tid;

	/* 0.9M rows over a few thousand identities and tools: each looked up once */
	if (!a->person) {
		return 0; /* unmatched identity */
	} else if (a->person_ix == USAGE_ACTIVITY_NO_IX) {
		p = utab_find_person(&b->ut, a->person);
	} else {
		c = ix_slot(&b->act_person, &b->aact_person, a->person_ix);
		if (!c->known) {
			c->id = utab_find_person(&b->ut, a->person);
			c->known = 1;
		}
		p = c->id;
	}
	if (p == INTERN_NONE)
		return 0; /* person deleted */
	if (!b->have_usage || a->first_day < b->usage_min)
		b->usage_min = a->first_day;
	if (!b->have_usage || a->last_day > b->usage_max)
		b->usage_max = a->last_day;
	b->have_usage = 1;
	if (a->tool_ix == USAGE_ACTIVITY_NO_IX) {
		tid = intern_find(&b->tools, a->tool, strlen(a->tool));
	} else {
		c = ix_slot(&b->act_tool, &b->aact_tool, a->tool_ix);
		if (!c->known) {
			c->id = intern_find(&b->tools, a->tool, strlen(a->tool));
			c->known = 1;
		}
		tid = c->id;
	}
	if (tid != INTERN_NONE) {
		struct act_trip *t;

		ALLOC_GROW(b->trips, b->ntrips + 1, b->atrips);
		t = &b->trips[b->ntrips++];
		t->person = p;
		t->tool = tid;
		t->month = a->month;
	}
	return 0;
}

/*
 * note_activity's triples and usage bounds from the usage table a
 * computation's scope already holds (series_int.h) instead of reading the
 * rollup's rows again (0.9M rows on the large demo, a tenth of a playbook
 * computation's CPU): the rollup sums the same events, those with an
 * action (count above 0) of an identity joined to a known person, by the
 * same (person, tool, month), so the set of triples and the first and last
 * day are the same.  The table is in (person, day) order, so a tool's
 * repeats within a person's month are skipped as they come.
 */
static void note_table_activity(struct builder *b, const struct usage_table *t)
{
	size_t nt = intern_count(&t->tools), p, i, k;
	uint32_t *tmap = xmalloc(st_mult(nt + 1, sizeof(*tmap)));
	struct { uint32_t person; int month; } *last = xmalloc(st_mult(nt + 1, sizeof(*last)));
	int64_t wide = (int64_t)t->max_day - t->min_day + 1;
	int32_t lo = t->min_day, span = wide > 0 && wide <= 400000 ? (int32_t)wide : 0;
	int *month = NULL; /* of each day with an action, lo .. max_day */
	int32_t d;

	if (span > 0) { /* a thousand years: else month_of each time */
		month = xmalloc(st_mult((size_t)span, sizeof(*month)));
		for (d = 0; d < span; d++)
			month[d] = month_of(lo + d);
	}
	for (k = 0; k < nt; k++) {
		const char *name = intern_str(&t->tools, (uint32_t)k);

		tmap[k] = intern_find(&b->tools, name, strlen(name));
		last[k].person = INTERN_NONE;
	}
	for (p = 0; p < t->npeople; p++) {
		uint32_t bp;

		if (t->person_off[p] == t->person_off[p + 1])
			continue;
		bp = utab_find_person(&b->ut, intern_str(&t->names, (uint32_t)p));
		if (bp == INTERN_NONE)
			continue; /* person deleted */
		for (i = t->person_off[p]; i < t->person_off[p + 1]; i++) {
			int32_t day = t->day[i];
			uint32_t tool = t->tool[i];
			struct act_trip *tr;
			int cmonth;

			if (!t->count[i])
				continue; /* an event of no action is no activity */
			if (!b->have_usage || day < b->usage_min)
				b->usage_min = day;
			if (!b->have_usage || day > b->usage_max)
				b->usage_max = day;
			b->have_usage = 1;
			if (tool >= nt || tmap[tool] == INTERN_NONE)
				continue;
			cmonth = month && day >= lo && (int64_t)day - lo < span ? month[day - lo] : month_of(day);
			if (last[tool].person == bp && last[tool].month == cmonth)
				continue;
			last[tool].person = bp;
			last[tool].month = cmonth;
			ALLOC_GROW(b->trips, b->ntrips + 1, b->atrips);
			tr = &b->trips[b->ntrips++];
			tr->person = bp;
			tr->tool = tmap[tool];
			tr->month = cmonth;
		}
	}
	free(tmap);
	free(last);
	free(month);
}

static size_t act_bit(const struct builder *b, uint32_t person, uint32_t tool, int month)
{
	return ((size_t)person * b->act_nt + tool) * (size_t)b->act_nm + (size_t)(month - b->act_m0);
}

/* Index the triples note_activity kept: a bit grid, or a set when too big. */
static void index_activity(struct builder *b)
{
	size_t i, bits;
	int m1;

	if (!b->ntrips)
		return;
	b->act_m0 = m1 = b->trips[0].month;
	for (i = 1; i < b->ntrips; i++) {
		if (b->trips[i].month < b->act_m0)
			b->act_m0 = b->trips[i].month;
		if (b->trips[i].month > m1)
			m1 = b->trips[i].month;
	}
	b->act_nm = m1 - b->act_m0 + 1;
	b->act_nt = intern_count(&b->tools);
	bits = b->ut.npeople * b->act_nt;
	if (b->act_nt && bits / b->act_nt == b->ut.npeople && bits <= ACT_BITS_MAX / (size_t)b->act_nm) {
		b->act_bits = xcalloc(bits * (size_t)b->act_nm / 64 + 1, sizeof(*b->act_bits));
		for (i = 0; i < b->ntrips; i++) {
			const struct act_trip *t = &b->trips[i];
			size_t bit = act_bit(b, t->person, t->tool, t->month);

			b->act_bits[bit / 64] |= (uint64_t)1 << (bit % 64);
		}
	} else {
		for (i = 0; i < b->ntrips; i++)
			u64set_add(&b->active, active_key(b->trips[i].person, b->trips[i].tool,
							  b->trips[i].month));
	}
	free(b->trips);
	b->trips = NULL;
	b->ntrips = b->atrips = 0;
}

static int is_active(const struct builder *b, uint32_t person, uint32_t tool, int month)
{
	size_t bit;

	if (!b->act_bits)
		return u64set_has(&b->active, active_key(person, tool, month));
	if (month < b->act_m0 || month >= b->act_m0 + b->act_nm)
		return 0;
	bit = act_bit(b, person, tool, month);
	return (b->act_bits[bit / 64] >> (bit % 64)) & 1;
}

/* Keep each seat (person, tool, first day) for seat_charges, from the one read of the seats. */
static int collect_seat(const struct usage_seat_span *r, void *data)
{
	struct builder *b = data;
	struct seat *st;

	ALLOC_GROW(b->seats, b->nseats + 1, b->aseats);
	st = &b->seats[b->nseats++];
	st->tool = intern_id(&b->tools, r->tool);
	st->person = r->person ? utab_find_person(&b->ut, r->person) : INTERN_NONE;
	st->first_day = r->first_day;
	note_day(b, r->first_day);
	return 0;
}

static int cmp_reclaim(const void *a, const void *b)
{
	const struct cost_reclaim *x = a, *y = b;
	int c = strcmp(x->person, y->person);

	return c ? c : strcmp(x->tool, y->tool);
}

static void seat_charges(struct builder *b, const struct seat *st)
{
	const char *tool = intern_str(&b->tools, st->tool);
	int m, m0 = month_of(st->first_day), m1 = month_of(b->r->q.to_day);
	struct cost_reclaim *rc = NULL;

	if (m0 < month_of(b->r->q.from_day))
		m0 = month_of(b->r->q.from_day);
	if (st->person != INTERN_NONE && b->ut.left_day[st->person] != ORG_NEVER_LEFT) {
		/* a seat held by a leaver: a reclaim candidate, named as such */
		struct cost_result *r = b->r;
		r->reclaim = xrealloc(r->reclaim, (r->nreclaim + 1) * sizeof(*r->reclaim));
		rc = &r->reclaim[r->nreclaim++];
		rc->person = xstrdup(intern_str(&b->ut.names, st->person));
		rc->tool = xstrdup(tool);
		rc->left_day = b->ut.left_day[st->person];
		rc->months_after = 0;
	}
	for (m = m0; m <= m1; m++) {
		int32_t day = first_day_of_month(m);
		struct charge ch = { COST_SEATS, st->person, tool, "(seat)", NULL, day, 1,
				     pricebook_at(&b->pb, PRICE_SEAT, tool, day), 0 };

		if (day < b->r->q.from_day)
			ch.day = b->r->q.from_day; /* the period starts mid-month */
		if (ch.price)
			ch.fine = (__int128)ch.price->a * FINE_DEN;
		else
			note_unpriced(b, "seat", tool, 1, day);
		charge(b, &ch);
		if (st->person == INTERN_NONE) {
			b->unjoined_seats++;
			continue;
		}
		if (rc && !utab_employed(&b->ut, st->person, day, day))
			rc->months_after++; /* not employed in month m: left by its first day */
		if (!is_active(b, st->person, st->tool, m)) {
			ch.kind = COST_SEATS_UNUSED;
			charge(b, &ch);
		}
	}
}

/* ---- tokens and agents ---------------------------------------------------- */

static void token_charges(struct builder *b, const struct token_rec *r)
{
	const char *tool = intern_str(&b->names, r->tool), *model = intern_str(&b->names, r->model);
	const struct price_line *pl = pricebook_at(&b->pb, PRICE_MODEL, model, r->day);
	struct charge in = { COST_INPUT_TOKENS, r->person, tool, model, NULL, r->day,
			     r->input, pl, 0 };
	struct charge out = in;

	if (r->day < b->r->q.from_day || r->day > b->r->q.to_day)
		return;
	out.kind = COST_OUTPUT_TOKENS;
	out.quantity = r->output;
	if (pl) {
		in.fine = (__int128)r->input * pl->a;
		out.fine = (__int128)r->output * pl->b;
	} else {
		note_unpriced(b, "model", model, r->input + r->output, r->day);
	}
	b->r->have_tokens = 1;
	charge(b, &in);
	charge(b, &out);
}

/* Keep each day's token counts for token_charges, from the one walk. */
static int token_days(const struct usage_token_day *r, void *data)
{
	struct builder *b = data;
	struct token_rec *t;

	note_day(b, r->day);
	ALLOC_GROW(b->tokens, b->ntokens + 1, b->atokens);
	t = &b->tokens[b->ntokens++];
	t->person = r->person ? utab_find_person(&b->ut, r->person) : INTERN_NONE;
	t->tool = intern_id(&b->names, r->tool);
	t->model = intern_id(&b->names, r->model);
	t->day = r->day;
	t->input = r->input;
	t->output = r->output;
	return 0;
}

static void agent_charges(struct builder *b, const struct agent_rec *d)
{
	const char *agent = intern_str(&b->names, d->agent);
	const struct price_line *pl = pricebook_at(&b->pb, PRICE_AGENT, agent, d->day);
	struct charge dec = { COST_DECISIONS, d->person, "agents", "(agent)", agent, d->day,
			      d->decisions, pl, 0 };
	struct charge call = dec;

	if (d->day < b->r->q.from_day || d->day > b->r->q.to_day)
		return;
	call.kind = COST_TOOL_CALLS;
	call.quantity = d->tool_calls;
	/* a line may price only one of the two: the other is unpriced */
	dec.price = pl && pl->a >= 0 ? pl : NULL;
	call.price = pl && pl->b >= 0 ? pl : NULL;
	if (dec.price)
		dec.fine = (__int128)d->decisions * pl->a * 1000000;
	else if (d->decisions)
		note_unpriced(b, "agent decisions", agent, d->decisions, d->day);
	if (call.price)
		call.fine = (__int128)d->tool_calls * pl->b * 1000000;
	else if (d->tool_calls)
		note_unpriced(b, "agent tool calls", agent, d->tool_calls, d->day);
	b->r->have_agents = 1;
	if (d->decisions)
		charge(b, &dec);
	if (d->tool_calls)
		charge(b, &call);
}

/* Keep each agent day for agent_charges, from the one walk. */
static int agent_days(const struct control_agent_day *d, void *data)
{
	struct builder *b = data;
	struct agent_rec *a;

	note_day(b, d->day);
	ALLOC_GROW(b->agents, b->nagents + 1, b->aagents);
	a = &b->agents[b->nagents++];
	a->agent = intern_id(&b->names, d->agent);
	a->person = d->owner ? utab_find_person(&b->ut, d->owner) : INTERN_NONE;
	a->day = d->day;
	a->decisions = d->decisions;
	a->tool_calls = d->tool_calls;
	return 0;
}

/* ---- results ---------------------------------------------------------------- */

static int64_t round_fine(__int128 v)
{
	return money_round_div(v, FINE_DEN, NULL);
}

static void finish_row(struct cost_row *row, __int128 *fine)
{
	int k;

	row->total_minor = 0;
	row->unpriced = 0;
	for (k = 0; k < COST_KINDS; k++) {
		row->cell[k].minor = round_fine(fine[k]);
		if (k != COST_SEATS_UNUSED) {
			row->total_minor += row->cell[k].minor;
			row->unpriced += row->cell[k].unpriced;
		}
	}
}

static int cmp_row(const void *a, const void *b)
{
	const struct cost_row *x = a, *y = b;
	int c = strcmp(x->group, y->group);

	if (!c)
		c = strcmp(x->model ? x->model : "", y->model ? y->model : "");
	return c ? c : strcmp(x->month, y->month);
}

static void add_gap(struct cost_result *r, char *sentence)
{
	r->gaps = xrealloc(r->gaps, (r->ngaps + 1) * sizeof(*r->gaps));
	r->gaps[r->ngaps++] = sentence;
}

static void day_text(int32_t day, char out[16])
{
	int y, m, d;

	adoption_civil(day, &y, &m, &d);
	snprintf(out, 16, "%04d-%02d-%02d", y, m, d);
}

static void write_gaps(struct builder *b)
{
	struct cost_result *r = b->r;
	size_t i;

	if (!b->pb.currency)
		add_gap(r, xstrdup("no price book: every quantity is unpriced; apply a PriceBook "
				   "(kind: PriceBook, docs/money.md) with seat, model and agent "
				   "prices"));
	for (i = 0; i < intern_count(&b->gapkeys); i++) {
		const char *key = intern_str(&b->gapkeys, (uint32_t)i), *tab = strchr(key, '\t');
		const char *unit = !strncmp(key, "seat\t", 5) ? "seat months" :
				   !strncmp(key, "model\t", 6) ? "tokens" :
				   !strncmp(key, "agent decisions", 15) ? "decisions" : "tool calls";
		const char *fix = !strncmp(key, "seat\t", 5) ? "a seats line for this tool" :
				  !strncmp(key, "model\t", 6) ? "a models line for this model" :
				  "an agents line for this agent (or for every agent)";
		struct strbuf num = STRBUF_INIT;
		char day[16];

		if (!b->pb.currency)
			break;
		day_text(b->gaps[i].first_day, day);
		money_add_count(&num, b->gaps[i].quantity);
		add_gap(r, xstrfmt("%.*s '%s': %s %s unpriced (no price in force from %s): add "
				   "%s to a PriceBook", (int)(tab - key), key, tab + 1, num.buf,
				   unit, day, fix));
		strbuf_release(&num);
	}
	if (!r->have_seats)
		add_gap(r, xstrdup("no seats: import a seat export (aivalue import usage --format "
				   "copilot-seats, m365-copilot or chatgpt-enterprise) to count licences"));
	if (!r->have_tokens)
		add_gap(r, xstrdup("no token counts: import OpenTelemetry GenAI spans with "
				   "gen_ai.usage.input_tokens (aivalue import usage --format "
				   "otel-genai)"));
	if (!r->have_agents)
		add_gap(r, xstrdup("no agent decisions or tool calls: agents decide through "
				   "aivalue decide and their spans come in with aivalue workflow "
				   "import-spans"));
	if (b->unjoined_seats)
		add_gap(r, xstrfmt("%lld seat months belong to identities joined to no person: "
				   "their use is unknown, so they are not in unused seats (map the "
				   "identities: aivalue identities)", (long long)b->unjoined_seats));
	if (b->q->by == COST_BY_INITIATIVE || b->q->by == COST_BY_VALUE_MODEL) {
		json_t *seen = json_object(), *spec, *t;
		size_t j;
		json_array_foreach(b->inits, i, spec)
			json_array_foreach(json_object_get(spec, "teams"), j, t) {
				const char *team = json_string_value(t);
				json_t *first = json_object_get(seen, team);
				if (!first)
					json_object_set_new(seen, team, json_string(json_str(spec, "name")));
				else if (json_is_string(first)) {
					add_gap(r, xstrfmt("team '%s' is in initiatives '%s' and '%s' (at "
							   "least): its whole cost counts in each, so "
							   "the rows add up to more than the total",
							   team, json_string_value(first),
							   json_str(spec, "name")));
					json_object_set_new(seen, team, json_true());
				}
			}
		json_decref(seen);
	}
}

/*
 * Read every input once: seats, token and agent days, the activity rollup
 * (or the table of an open usage scope: note_table_activity).
 */
static int load_inputs(struct builder *b, struct store *s, struct aiv_err *err)
{
	const struct usage_table *t;
	int ret;

	if ((ret = pricebook_load(s, &b->pb, err)) || (ret = usage_load_people(&b->ut, s, err)) ||
	    (ret = apply_object_specs(s, "Initiative", &b->inits, err)) ||
	    (ret = usage_each_seat(s, collect_seat, b, err)) ||
	    (ret = usage_each_token_day(s, INT32_MIN, INT32_MAX, token_days, b, err)) ||
	    (ret = control_each_agent_day(s, agent_days, b, err)))
		return ret;
	if ((t = assess_usage_scope_table(s)))
		note_table_activity(b, t);
	else if ((ret = usage_each_activity(s, note_activity, b, err)))
		return ret;
	index_activity(b);
	if (b->have_usage) {
		note_day(b, b->usage_min);
		note_day(b, b->usage_max);
	}
	return 0;
}

static int check_query(const struct cost_query *q, struct aiv_err *err)
{
	if (q->by < 0 || q->by >= COST_DIMS)
		return aiv_fail(err, AIV_EINPUT, "unknown grouping %d", (int)q->by);
	if (q->from_day && q->to_day && q->from_day > q->to_day)
		return aiv_fail(err, AIV_EINPUT, "the period ends before it starts");
	return 0;
}

/* Charge the inputs for one query into *out (the per-query state is reset). */
static void run_query(struct builder *b, const struct cost_query *q, struct cost_result *out)
{
	size_t i;

	memset(out, 0, sizeof(*out));
	out->q = *q;
	out->total.group = xstrdup("total");
	b->r = out;
	b->q = q;
	intern_init(&b->rowkeys);
	intern_init(&b->gapkeys);
	b->fine = NULL;
	b->arows = 0;
	memset(b->total_fine, 0, sizeof(b->total_fine));
	b->gaps = NULL;
	b->agaps = 0;
	b->unjoined_seats = 0;
	out->currency = b->pb.currency;
	out->have_seats = b->nseats > 0;
	out->q.from_day = q->from_day ? q->from_day : b->data_min;
	out->q.to_day = q->to_day ? q->to_day : b->data_max;
	memset(b->slots, 0, sizeof(b->slots));
	b->grid = NULL;
	b->agrid = b->ngroups = 0;
	b->mon_base = month_of(out->q.from_day);
	b->nmon = q->by_month ? month_of(out->q.to_day) - b->mon_base + 1 : 1;
	if (b->nmon < 1)
		b->nmon = 1;
	b->last_day = INT32_MIN;
	if (q->by == COST_BY_INITIATIVE || q->by == COST_BY_VALUE_MODEL)
		team_groups_init(b);
	if (out->q.from_day || out->q.to_day) {
		for (i = 0; i < b->nseats; i++)
			seat_charges(b, &b->seats[i]);
		for (i = 0; i < b->ntokens; i++)
			token_charges(b, &b->tokens[i]);
		for (i = 0; i < b->nagents; i++)
			agent_charges(b, &b->agents[i]);
	}
	for (i = 0; i < out->nrows; i++)
		finish_row(&out->rows[i], b->fine[i]);
	finish_row(&out->total, b->total_fine);
	if (out->nrows)
		qsort(out->rows, out->nrows, sizeof(*out->rows), cmp_row);
	write_gaps(b);
	if (out->nreclaim)
		qsort(out->reclaim, out->nreclaim, sizeof(*out->reclaim), cmp_reclaim);
	intern_release(&b->rowkeys);
	intern_release(&b->gapkeys);
	free(b->fine);
	free(b->gaps);
	free(b->grid);
	team_groups_release(b);
}

int cost_compute_many(struct store *s, const struct cost_query *qs, struct cost_result *outs,
		      size_t n, struct aiv_err *err)
{
	struct builder b;
	size_t i;
	int ret = 0;

	for (i = 0; i < n; i++)
		memset(&outs[i], 0, sizeof(outs[i]));
	for (i = 0; !ret && i < n; i++)
		ret = check_query(&qs[i], err);
	if (ret)
		return ret;
	memset(&b, 0, sizeof(b));
	utab_init(&b.ut);
	u64set_init(&b.active);
	intern_init(&b.tools);
	intern_init(&b.names);
	if (!(ret = load_inputs(&b, s, err)))
		for (i = 0; i < n; i++)
			run_query(&b, &qs[i], &outs[i]);
	pricebook_release(&b.pb);
	utab_release(&b.ut);
	u64set_release(&b.active);
	free(b.act_bits);
	free(b.trips);
	intern_release(&b.tools);
	intern_release(&b.names);
	json_decref(b.inits);
	free(b.seats);
	free(b.tokens);
	free(b.agents);
	free(b.act_person);
	free(b.act_tool);
	return ret;
}

int cost_compute(struct store *s, const struct cost_query *q, struct cost_result *out,
		 struct aiv_err *err)
{
	return cost_compute_many(s, q, out, 1, err);
}

void cost_result_release(struct cost_result *r)
{
	size_t i;

	for (i = 0; i < r->nrows; i++) {
		free(r->rows[i].group);
		free(r->rows[i].model);
	}
	free(r->rows);
	free(r->total.group);
	for (i = 0; i < r->ngaps; i++)
		free(r->gaps[i]);
	free(r->gaps);
	for (i = 0; i < r->nreclaim; i++) {
		free(r->reclaim[i].person);
		free(r->reclaim[i].tool);
	}
	free(r->reclaim);
	memset(r, 0, sizeof(*r));
}

void cost_fold_models(const struct cost_result *in, struct cost_result *out)
{
	size_t i, k;

	memset(out, 0, sizeof(*out));
	out->currency = in->currency;
	out->q = in->q;
	out->q.and_model = 0;
	out->have_seats = in->have_seats;
	out->have_tokens = in->have_tokens;
	out->have_agents = in->have_agents;
	out->total = in->total;
	out->total.group = xstrdup(in->total.group ? in->total.group : "total");
	out->total.model = NULL;
	out->rows = xcalloc(in->nrows + 1, sizeof(*out->rows));
	for (i = 0; i < in->nrows; i++) {
		const struct cost_row *src = &in->rows[i];
		struct cost_row *dst = out->nrows ? &out->rows[out->nrows - 1] : NULL;
		if (!dst || strcmp(dst->group, src->group) || strcmp(dst->month, src->month)) {
			dst = &out->rows[out->nrows++];
			dst->group = xstrdup(src->group);
			memcpy(dst->month, src->month, sizeof(dst->month));
		}
		for (k = 0; k < COST_KINDS; k++) {
			dst->cell[k].quantity += src->cell[k].quantity;
			dst->cell[k].unpriced += src->cell[k].unpriced;
			dst->cell[k].minor += src->cell[k].minor;
		}
		dst->total_minor += src->total_minor;
		dst->unpriced += src->unpriced;
	}
	out->gaps = xcalloc(in->ngaps + 1, sizeof(*out->gaps));
	for (i = 0; i < in->ngaps; i++)
		out->gaps[out->ngaps++] = xstrdup(in->gaps[i]);
	out->reclaim = xcalloc(in->nreclaim + 1, sizeof(*out->reclaim));
	for (i = 0; i < in->nreclaim; i++) {
		out->reclaim[i] = in->reclaim[i];
		out->reclaim[i].person = xstrdup(in->reclaim[i].person);
		out->reclaim[i].tool = xstrdup(in->reclaim[i].tool);
	}
	out->nreclaim = in->nreclaim;
}

const struct cost_row *cost_find(const struct cost_result *r, const char *group,
				 const char *month)
{
	size_t i;

	for (i = 0; i < r->nrows; i++)
		if (!strcmp(r->rows[i].group, group) && !strcmp(r->rows[i].month, month ? month : ""))
			return &r->rows[i];
	return NULL;
}

/* ---- printers ------------------------------------------------------------------ */

/* The cost of a cell as text: money, or "no data" when nothing of it was priced. */
static void cell_cost(struct strbuf *sb, const struct cost_result *r, const struct cost_cell *c)
{
	if (!r->currency || (c->quantity && c->unpriced == c->quantity))
		strbuf_addstr(sb, "no data");
	else
		money_format(sb, c->minor, r->currency);
}

static int row_priced(const struct cost_result *r, const struct cost_row *row);

static json_t *money_json(const struct cost_result *r, int64_t minor, int priced)
{
	struct strbuf sb = STRBUF_INIT;
	json_t *o;

	if (!r->currency || !priced)
		return json_null();
	money_format(&sb, minor, r->currency);
	o = json_pack("{s:I, s:s}", "minor", (json_int_t)minor, "text", sb.buf);
	strbuf_release(&sb);
	return o;
}

static json_t *row_json(const struct cost_result *r, const struct cost_row *row)
{
	json_t *o = json_pack("{s:s}", "group", row->group), *lines = json_object();
	int k;

	if (*row->month)
		json_object_set_new(o, "month", json_string(row->month));
	for (k = 0; k < COST_KINDS; k++) {
		const struct cost_cell *c = &row->cell[k];
		int measured = k <= COST_SEATS_UNUSED ? r->have_seats :
			       k <= COST_OUTPUT_TOKENS ? r->have_tokens : r->have_agents;
		/* a cost when some of it is priced, or none of it was used; no data
		 * when nothing of the kind was imported at all */
		int priced = c->quantity > c->unpriced || (!c->quantity && r->currency && measured);
		json_object_set_new(lines, cost_kind_names[k],
				    json_pack("{s:I, s:s, s:I, s:o}", "quantity",
					      (json_int_t)c->quantity, "unit", cost_kind_units[k],
					      "unpriced", (json_int_t)c->unpriced, "cost",
					      money_json(r, c->minor, priced)));
	}
	json_object_set_new(o, "lines", lines);
	json_object_set_new(o, "total", money_json(r, row->total_minor, row_priced(r, row)));
	json_object_set_new(o, "unpriced", json_boolean(row->unpriced != 0));
	return o;
}

json_t *cost_json(const struct cost_result *r)
{
	json_t *o = json_object(), *rows = json_array(), *gaps = json_array();
	char from[16] = "", to[16] = "";
	size_t i;

	if (r->q.from_day || r->q.to_day) {
		day_text(r->q.from_day, from);
		day_text(r->q.to_day, to);
	}
	json_object_set_new(o, "currency", r->currency ? json_string(r->currency->code)
				: json_null());
	json_object_set_new(o, "by", json_string(cost_dim_names[r->q.by]));
	json_object_set_new(o, "period", json_string(r->q.by_month ? "month" : "all"));
	json_object_set_new(o, "from", *from ? json_string(from) : json_null());
	json_object_set_new(o, "to", *to ? json_string(to) : json_null());
	json_object_set_new(o, "rounding", json_string("half to even, once per line"));
	for (i = 0; i < r->nrows; i++)
		json_array_append_new(rows, row_json(r, &r->rows[i]));
	json_object_set_new(o, "rows", rows);
	json_object_set_new(o, "total", row_json(r, &r->total));
	for (i = 0; i < r->ngaps; i++)
		json_array_append_new(gaps, json_string(r->gaps[i]));
	json_object_set_new(o, "gaps", gaps);
	{
		json_t *rec = json_array();
		char day[16];
		for (i = 0; i < r->nreclaim; i++) {
			day_text(r->reclaim[i].left_day, day);
			json_array_append_new(rec, json_pack("{s:s, s:s, s:s, s:I}", "person",
				r->reclaim[i].person, "tool", r->reclaim[i].tool, "left_at", day,
				"seat_months_after", (json_int_t)r->reclaim[i].months_after));
		}
		json_object_set_new(o, "reclaim", rec);
	}
	return o;
}

/* Some quantity of the row has a price (or it has none at all): its total is a figure. */
static int row_priced(const struct cost_result *r, const struct cost_row *row)
{
	int k;

	if (!r->currency)
		return 0;
	for (k = 0; k < COST_KINDS; k++)
		if (k != COST_SEATS_UNUSED && row->cell[k].quantity > row->cell[k].unpriced)
			return 1;
	return !row->unpriced;
}

static const char *unit_of(int k, int64_t n)
{
	return n == 1 ? kind_unit1[k] : cost_kind_units[k];
}

void cost_row_total_text(struct strbuf *sb, struct strbuf *note, const struct cost_result *r,
			 const struct cost_row *row)
{
	int priced = row_priced(r, row);

	if (priced)
		money_format(sb, row->total_minor, r->currency);
	else
		strbuf_addstr(sb, "no data");
	if (row->unpriced && priced)
		strbuf_addstr(note, "and unpriced quantities");
}

void cost_cell_texts(struct strbuf *qty, struct strbuf *cost, struct strbuf *note,
		     const struct cost_result *r, const struct cost_cell *c, int k)
{
	money_add_count(qty, c->quantity);
	strbuf_addf(qty, " %s", unit_of(k, c->quantity));
	cell_cost(cost, r, c);
	if (c->unpriced && c->unpriced != c->quantity) {
		money_add_count(note, c->unpriced);
		strbuf_addf(note, " %s unpriced", unit_of(k, c->unpriced));
	} else if (c->unpriced) {
		strbuf_addstr(note, "unpriced");
	}
	if (k == COST_SEATS_UNUSED)
		strbuf_addf(note, "%spart of seats", note->len ? ", " : "");
}

void cost_reclaim_text(struct strbuf *sb, const struct cost_reclaim *rc)
{
	char day[16];

	day_text(rc->left_day, day);
	strbuf_addf(sb, "%s seat of %s, who left on %s: %lld seat month%s billed since", rc->tool,
		    rc->person, day, (long long)rc->months_after, rc->months_after == 1 ? "" : "s");
}

void cost_heading(struct strbuf *sb, const struct cost_result *r)
{
	char from[16], to[16];

	if (!r->q.from_day && !r->q.to_day) {
		strbuf_addstr(sb, "cost of AI: no data (no seats, token counts or agent activity in "
			      "the workspace)");
		return;
	}
	day_text(r->q.from_day, from);
	day_text(r->q.to_day, to);
	strbuf_addf(sb, "cost of AI from %s to %s, in %s", from, to,
		    r->currency ? r->currency->code : "no currency (no price book)");
	if (r->q.by != COST_BY_NONE)
		strbuf_addf(sb, ", by %s", cost_dim_names[r->q.by]);
	if (r->q.by_month)
		strbuf_addstr(sb, " and month");
}
