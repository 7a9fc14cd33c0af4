/*
 * read_chatgpt.c - ChatGPT Enterprise / Edu workspace analytics exports.
 *
 * Sources: help.openai.com articles 10875114 and 11327494 (the exports),
 * column names as observed in several public parsers (see
 * docs/adoption.md).  Two CSV files, told apart by their header:
 *
 *   User Engagement: cadence, period_start, period_end, account_id,
 *     public_id, name, email, role, user_role, department, groups,
 *     user_status, is_active, first_day_active_in_period,
 *     last_day_active_in_period, messages, gpt_messages, gpts_messaged,
 *     gpt_to_messages, tool_messages, tool_to_messages, project_messages, ...
 *   GPT Engagement: cadence, period_start, period_end, account_id, gpt_id,
 *     gpt_name, config_type, gpt_creator_public_id, gpt_creator_email,
 *     is_active, messages_workspace, unique_messagers_workspace, ...
 *
 * The export has no per-day rows.  What it says of a user's period is:
 * active on first_day_active_in_period (F) and on
 * last_day_active_in_period (L), on no day outside F..L, and, since an
 * active day is a day with a sent message (help.openai.com 8266422), on
 * at most `messages` (M) days.  The active days are therefore taken as
 * min(L - F + 1, M) days spread evenly from F to L, F and L included,
 * each with its share of the messages (the remainder goes to the
 * earliest days).  Taking only F and L (as before) capped every person
 * at two active days a period; see docs/adoption.md.
 *
 * `messages` is the total a user sent; gpt_messages, tool_messages and
 * project_messages are kinds of those messages, not more of them.  They
 * are therefore poured into the day shares first (one "gpt" part per
 * custom GPT of the serialised gpt_to_messages map, workflow = GPT id;
 * then "tool", "project"), and the rest is "chat": the events of a period
 * add up to M, and the parts count for breadth (distinct features), not
 * for volume.  Adding them on top (as before) made 12 messages 20 and a
 * habitual user "power".  The *_to_messages columns may be missing.
 * Enabled users also yield a seat.  A GPT row records the GPT and its
 * creator.  Every row is accounted for in the tally; columns not read
 * are noted once.
 *
 * Header drift is tolerated: names match ignoring case and punctuation,
 * with known aliases, and extra columns are ignored.  Serialised cells
 * are JSON or Python-repr dicts ({'g-abc': 3}); the latter are read by
 * swapping single quotes for double quotes when the cell holds none.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "csvread.h"
#include "readers.h"

#define GPT_TOOL "chatgpt-enterprise"

enum {
	C_EMAIL, C_PSTART, C_PEND, C_ACCOUNT, C_STATUS, C_ACTIVE, C_FIRST, C_LAST,
	C_MSG, C_GPTMSG, C_GPTMAP, C_TOOLMSG, C_PROJMSG, C_N
};

static const char *const *const user_aliases[C_N] = {
	(const char *const[]){ "email", "user_email", "email_address", NULL },
	(const char *const[]){ "period_start", "period start date", NULL },
	(const char *const[]){ "period_end", "period end date", NULL },
	(const char *const[]){ "account_id", "workspace_id", NULL },
	(const char *const[]){ "user_status", "status", NULL },
	(const char *const[]){ "is_active", "active", NULL },
	(const char *const[]){ "first_day_active_in_period", "first_day_active", NULL },
	(const char *const[]){ "last_day_active_in_period", "last_day_active", NULL },
	(const char *const[]){ "messages", "total_messages", NULL },
	(const char *const[]){ "gpt_messages", NULL },
	(const char *const[]){ "gpt_to_messages", NULL },
	(const char *const[]){ "tool_messages", NULL },
	(const char *const[]){ "project_messages", NULL },
};

enum { G_ID, G_NAME, G_CREATOR, G_PSTART, G_ACCOUNT, G_N };
static const char *const *const gpt_aliases[G_N] = {
	(const char *const[]){ "gpt_id", NULL },
	(const char *const[]){ "gpt_name", "name", NULL },
	(const char *const[]){ "gpt_creator_email", "creator_email", NULL },
	(const char *const[]){ "period_start", NULL },
	(const char *const[]){ "account_id", "workspace_id", NULL },
};

struct gctx {
	struct usage_import *im;
	struct csv_reader *r;
	const int *col;
	char **hdr;
};

static const char *cell(const struct gctx *g, int c)
{
	return g->col[c] >= 0 ? csv_str(g->r, (size_t)g->col[c]) : "";
}

static int cell_count(const struct gctx *g, int c, int64_t *out, struct aiv_err *err)
{
	const char *v = cell(g, c);

	*out = 0;
	if (!*v)
		return 0;
	if (usage_parse_count(v, out))
		return aiv_fail_at(err, AIV_EINPUT, usage_file(g->im), g->r->rec_line,
				   g->r->fields[g->col[c]].col, "'%s' in '%s' is not a whole number",
				   v, g->hdr[g->col[c]]);
	if (*out < 0)
		return aiv_fail_at(err, AIV_EINPUT, usage_file(g->im), g->r->rec_line,
				   g->r->fields[g->col[c]].col, "negative count %lld in '%s'",
				   (long long)*out, g->hdr[g->col[c]]);
	return 0;
}

static int cell_time(const struct gctx *g, int c, int64_t *out, struct aiv_err *err)
{
	const char *v = cell(g, c);

	if (usage_parse_time(v, out))
		return aiv_fail_at(err, AIV_EINPUT, usage_file(g->im), g->r->rec_line,
				   g->col[c] >= 0 ? g->r->fields[g->col[c]].col : 0,
				   "unparseable date '%s' in '%s'", v,
				   g->col[c] >= 0 ? g->hdr[g->col[c]] : "?");
	return 0;
}

/* Parse a serialised map cell (JSON, or a Python-repr dict). New ref or NULL. */
static json_t *load_map(const char *v)
{
	json_t *j = json_loads(v, 0, NULL);
	char *tmp, *p;

	if (j || strchr(v, '"'))
		return j;
	tmp = xstrdup(v);
	for (p = tmp; *p; p++)
		if (*p == '\'')
			*p = '"';
	j = json_loads(tmp, 0, NULL);
	free(tmp);
	return j;
}

static int emit(struct usage_import *im, const char *who, int64_t t, const char *feature,
		const char *workflow, int64_t count, long line, struct aiv_err *err)
{
	struct usage_row r;

	if (count <= 0)
		return 0;
	memset(&r, 0, sizeof(r));
	r.identity = who;
	r.time_us = t;
	r.tool = GPT_TOOL;
	r.feature = feature;
	r.workflow = workflow;
	r.count = count;
	r.line = line;
	return usage_emit(im, &r, err);
}

/* A kind of message and how many of the period's messages were of it. */
struct part {
	const char *feature, *workflow;
	int64_t n;
};

/*
 * The period's `total` messages over its active days: k = min(span,
 * total) days from d0 to d1 (both included when k >= 2, evenly spaced),
 * each with total / k messages and one more on the first total % k days.
 * The parts (GPT, tool, project messages, then the plain chat rest) are
 * poured into those days in order, so that each day keeps its share,
 * each part its size, and the period its total: a part is a kind of
 * message, never messages on top.
 */
static int pour(struct usage_import *im, const char *who, int64_t d0, int64_t d1,
		int64_t total, struct part *parts, size_t nparts, long line,
		struct aiv_err *err)
{
	int64_t span = d1 - d0 + 1, k = span < total ? span : total, i = 0, left = 0;
	size_t p;
	int ret;

	for (p = 0; p < nparts; p++)
		while (parts[p].n > 0 && i < k) {
			int64_t day = k == 1 ? d0 : d0 + i * (span - 1) / (k - 1), take;
			if (!left)
				left = total / k + (i < total % k ? 1 : 0);
			take = parts[p].n < left ? parts[p].n : left;
			if ((ret = emit(im, who, day * USAGE_US_PER_DAY, parts[p].feature,
					parts[p].workflow, take, line, err)))
				return ret;
			parts[p].n -= take;
			left -= take;
			if (!left)
				i++;
		}
	return 0;
}

#define MAX_PARTS 256

static int user_row(const struct gctx *g, struct aiv_err *err)
{
	struct usage_import *im = g->im;
	struct tally *tl = usage_tally(im);
	const char *who = cell(g, C_EMAIL), *status = cell(g, C_STATUS);
	const char *active = cell(g, C_ACTIVE), *map = cell(g, C_GPTMAP);
	int64_t t0, t1, tend, msg, gptmsg, toolmsg, projmsg, sum = 0, total;
	struct part parts[MAX_PARTS];
	size_t nparts = 0, p;
	long line = g->r->rec_line;
	char where[512];
	json_t *j = NULL;
	int ret, seat = 0;

	usage_where(im, line, where, sizeof(where));
	if (!*who)
		return aiv_fail_at(err, AIV_EINPUT, usage_file(im), line,
				   g->r->fields[g->col[C_EMAIL]].col, "empty email");
	if ((ret = cell_time(g, C_PSTART, &t0, err)) ||
	    (ret = cell_count(g, C_MSG, &msg, err)) ||
	    (ret = cell_count(g, C_GPTMSG, &gptmsg, err)) ||
	    (ret = cell_count(g, C_TOOLMSG, &toolmsg, err)) ||
	    (ret = cell_count(g, C_PROJMSG, &projmsg, err)))
		return ret;
	tend = t0;
	if (g->col[C_PEND] >= 0 && (ret = cell_time(g, C_PEND, &tend, err)))
		return ret;
	if (g->col[C_ACCOUNT] >= 0 &&
	    (ret = usage_tenant(im, cell(g, C_ACCOUNT), "account_id", line,
				g->r->fields[g->col[C_ACCOUNT]].col, err)))
		return ret;
	if (!*status || !strcmp(status, "enabled") || !strcmp(status, "active")) {
		if ((ret = usage_emit_seat(im, who, GPT_TOOL, usage_day_of(tend), err)))
			return ret;
		seat = 1;
	}
	if (!msg && !gptmsg && !toolmsg && !projmsg &&
	    !(*active && (!strcmp(active, "1") || !strcasecmp(active, "true")))) {
		if (seat) {
			tl->used++; /* a licence, no activity */
			return 0;
		}
		return tally_skip(tl, "user neither active in the period nor enabled", where, err);
	}
	if (*cell(g, C_FIRST) && (ret = cell_time(g, C_FIRST, &t0, err)))
		return ret;
	t1 = t0;
	if (*cell(g, C_LAST) && (ret = cell_time(g, C_LAST, &t1, err)))
		return ret;
	if (usage_day_of(t1) < usage_day_of(t0))
		return aiv_fail_at(err, AIV_EINPUT, usage_file(im), line,
				   g->r->fields[g->col[C_LAST]].col, "last active day '%s' is before"
				   " the first '%s'", cell(g, C_LAST), cell(g, C_FIRST));
	if (usage_day_of(t1) - usage_day_of(t0) > 366)
		return aiv_fail_at(err, AIV_EINPUT, usage_file(im), line,
				   g->r->fields[g->col[C_LAST]].col, "first and last active days"
				   " '%s' and '%s' are more than a year apart", cell(g, C_FIRST),
				   cell(g, C_LAST));
	/* the parts of `messages`: one per custom GPT (else all GPTs), tools, projects */
	if (*map && strcmp(map, "{}") && strcmp(map, "[]")) {
		const char *k;
		json_t *v;
		j = load_map(map);
		if (!json_is_object(j)) {
			json_decref(j);
			return aiv_fail_at(err, AIV_EINPUT, usage_file(im), line,
					   g->r->fields[g->col[C_GPTMAP]].col,
					   "cannot read the serialised map in '%s': want "
					   "{\"GPT id\": messages}", g->hdr[g->col[C_GPTMAP]]);
		}
		json_object_foreach(j, k, v) {
			if (!json_is_integer(v) || json_integer_value(v) < 0) {
				json_decref(j);
				return aiv_fail_at(err, AIV_EINPUT, usage_file(im), line,
						   g->r->fields[g->col[C_GPTMAP]].col,
						   "'%s' in '%s' is not a message count", k,
						   g->hdr[g->col[C_GPTMAP]]);
			}
			if (nparts < MAX_PARTS - 3)
				parts[nparts++] = (struct part){ "gpt", k, json_integer_value(v) };
			else
				tally_note(tl, "more than 250 GPTs in one gpt_to_messages cell: "
					   "the rest counted as plain chat", where);
		}
	} else {
		parts[nparts++] = (struct part){ "gpt", "", gptmsg };
	}
	parts[nparts++] = (struct part){ "tool", "", toolmsg };
	parts[nparts++] = (struct part){ "project", "", projmsg };
	for (p = 0; p < nparts; p++)
		sum = sum > INT64_MAX - parts[p].n ? INT64_MAX : sum + parts[p].n;
	total = msg;
	if (!msg && sum) {
		total = sum;
		tally_assume(tl, "messages is 0 but its GPT, tool or project parts are not: "
			     "the parts taken as the total", where);
	} else if (!msg) {
		total = 1;
		tally_assume(tl, "active in the period with no message: counted as one chat "
			     "message on the first active day", where);
	} else if (sum > msg) {
		int64_t left = msg;
		tally_assume(tl, "GPT, tool and project messages add up to more than messages: "
			     "parts capped at messages, in that order", where);
		for (p = 0; p < nparts; p++) {
			parts[p].n = parts[p].n < left ? parts[p].n : left;
			left -= parts[p].n;
		}
		sum = msg;
	}
	parts[nparts++] = (struct part){ "chat", "", total - (sum < total ? sum : total) };
	ret = pour(im, who, usage_day_of(t0), usage_day_of(t1), total, parts, nparts, line, err);
	json_decref(j);
	if (!ret)
		tl->used++;
	return ret;
}

static int gpt_row(const struct gctx *g, struct aiv_err *err)
{
	int64_t t = 0;
	int ret;

	if (!*cell(g, G_ID))
		return aiv_fail_at(err, AIV_EINPUT, usage_file(g->im), g->r->rec_line,
				   g->r->fields[g->col[G_ID]].col, "empty gpt_id");
	if (g->col[G_PSTART] >= 0 && (ret = cell_time(g, G_PSTART, &t, err)))
		return ret;
	if (g->col[G_ACCOUNT] >= 0 &&
	    (ret = usage_tenant(g->im, cell(g, G_ACCOUNT), "account_id", g->r->rec_line,
				g->r->fields[g->col[G_ACCOUNT]].col, err)))
		return ret;
	if ((ret = usage_emit_workflow(g->im, GPT_TOOL, cell(g, G_ID), cell(g, G_NAME),
				       cell(g, G_CREATOR), usage_day_of(t), err)))
		return ret;
	usage_tally(g->im)->used++;
	return 0;
}

int usage_read_chatgpt(struct usage_import *im, FILE *f, struct aiv_err *err)
{
	const char *name = usage_file(im);
	struct csv_reader r;
	struct gctx g;
	int col[(int)C_N > (int)G_N ? (int)C_N : (int)G_N];
	char **hdr = NULL;
	size_t nhdr = 0, i;
	int is_gpt, n, c, ret;

	csv_reader_init(&r, f, name);
	if ((ret = csv_next(&r, err)) <= 0) {
		if (ret == 0)
			ret = aiv_fail(err, AIV_EINPUT, "cannot import '%s': the file is empty", name);
		goto cleanup;
	}
	nhdr = r.nfields;
	hdr = xcalloc(nhdr, sizeof(*hdr));
	for (i = 0; i < nhdr; i++)
		hdr[i] = xstrdup(csv_str(&r, i));
	is_gpt = usage_csv_find(&r, gpt_aliases[G_ID]) >= 0;
	n = is_gpt ? G_N : C_N;
	for (c = 0; c < n; c++)
		col[c] = usage_csv_find(&r, is_gpt ? gpt_aliases[c] : user_aliases[c]);
	if (is_gpt ? col[G_ID] < 0 : (col[C_EMAIL] < 0 || col[C_PSTART] < 0 || col[C_MSG] < 0)) {
		ret = aiv_fail_at(err, AIV_EINPUT, name, r.rec_line, 1,
				  "missing column '%s': this is not a ChatGPT Enterprise user "
				  "or GPT engagement export (wrong --format?)",
				  col[C_EMAIL] < 0 ? "email" : col[C_PSTART] < 0 ?
				  "period_start" : "messages");
		goto cleanup;
	}
	{
		unsigned char *seen = xcalloc(nhdr, 1);
		for (c = 0; c < n; c++)
			if (col[c] >= 0)
				seen[col[c]] = 1;
		usage_note_columns(im, &r, seen);
		free(seen);
	}
	g.im = im;
	g.r = &r;
	g.col = col;
	g.hdr = hdr;
	while ((ret = csv_next(&r, err)) == 1) {
		if (r.nfields != nhdr) {
			ret = aiv_fail_at(err, AIV_EINPUT, name, r.rec_line, 0,
					  "record has %zu fields, the header has %zu", r.nfields, nhdr);
			break;
		}
		usage_progress_bytes(im, r.bytes);
		usage_tally(im)->read++;
		if ((ret = is_gpt ? gpt_row(&g, err) : user_row(&g, err)))
			break;
	}
cleanup:
	for (i = 0; hdr && i < nhdr; i++)
		free(hdr[i]);
	free(hdr);
	csv_reader_release(&r);
	return ret < 0 ? ret : 0;
}
