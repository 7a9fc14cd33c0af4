/*
 * demo.c - the demo generator's driver: options, the calendar, the
 * seeded random stream, writing files, and the summary.
 *
 * Determinism: everything written is a function of (size, seed,
 * industry).  One xoshiro256** stream (metrics/stats.h) seeded from the
 * seed and the industry drives the organisation; each dataset derives
 * its own stream from the same seed and a fixed label, so adding rows to
 * one dataset never shifts another.  No clock, no locale, no hash-table
 * order reaches the files.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "core/banned.h"
#include "core/timeutil.h"
#include "demo/demo_int.h"

static const char *const size_names[] = { "small", "medium", "large" };
static const char *const industry_names[] = { "retail", "insurance", "manufacturing" };

int demo_size_parse(const char *s, enum demo_size *out)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(size_names); i++)
		if (s && !strcmp(s, size_names[i])) {
			*out = (enum demo_size)i;
			return 0;
		}
	return -1;
}

int demo_industry_parse(const char *s, enum demo_industry *out)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(industry_names); i++)
		if (s && !strcmp(s, industry_names[i])) {
			*out = (enum demo_industry)i;
			return 0;
		}
	return -1;
}

const char *demo_size_name(enum demo_size s)
{
	return size_names[s];
}

const char *demo_industry_name(enum demo_industry i)
{
	return industry_names[i];
}

double demo_unif(struct stats_rng *r)
{
	return (double)(stats_rng_next(r) >> 11) * (1.0 / 9007199254740992.0);
}

int demo_chance(struct stats_rng *r, double p)
{
	return demo_unif(r) < p;
}

static int64_t first_day_number(void)
{
	return time_days_from_civil(DEMO_FIRST_Y, DEMO_FIRST_M, DEMO_FIRST_D);
}

/* Civil date from days since 1970-01-01 (H. Hinnant's algorithm). */
static void civil_from_days(int64_t z, int *y, unsigned *m, unsigned *d)
{
	int64_t era, yy;
	unsigned doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = (unsigned)(z - era * 146097);
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	yy = (int64_t)yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = (int)(yy + (*m <= 2));
}

void demo_date(int day, char out[11])
{
	int y;
	unsigned m, dd;

	civil_from_days(first_day_number() + day, &y, &m, &dd);
	out[0] = (char)('0' + (y / 1000) % 10);
	out[1] = (char)('0' + (y / 100) % 10);
	out[2] = (char)('0' + (y / 10) % 10);
	out[3] = (char)('0' + y % 10);
	out[4] = '-';
	out[5] = (char)('0' + m / 10);
	out[6] = (char)('0' + m % 10);
	out[7] = '-';
	out[8] = (char)('0' + dd / 10);
	out[9] = (char)('0' + dd % 10);
	out[10] = '\0';
}

int64_t demo_unix(int day, int secs_of_day)
{
	return (first_day_number() + day) * 86400 + secs_of_day;
}

int demo_weekday(int day)
{
	int64_t z = first_day_number() + day; /* 1970-01-01 was a Thursday (4) */
	int64_t w = (z + 3) % 7;

	if (w < 0)
		w += 7;
	return (int)w + 1;
}

char *demo_path(const struct demo *d, const char *rel)
{
	return xstrfmt("%s/%s", d->dir, rel);
}

/* mkdir -p of every directory in path's prefix. */
static int make_dirs(char *path, struct aiv_err *err)
{
	char *p;

	for (p = path + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(path, 0777) && errno != EEXIST) {
			aiv_fail(err, AIV_EIO, "cannot create directory '%s': %s", path,
				 strerror(errno));
			*p = '/';
			return err->code;
		}
		*p = '/';
	}
	return 0;
}

int demo_write(const struct demo *d, const char *rel, const struct strbuf *sb,
	       struct aiv_err *err)
{
	char *path = demo_path(d, rel);
	FILE *f = NULL;
	int ret = 0;

	if ((ret = make_dirs(path, err)))
		goto cleanup;
	f = fopen(path, "wb");
	if (!f) {
		ret = aiv_fail(err, AIV_EIO, "cannot write '%s': %s", path, strerror(errno));
		goto cleanup;
	}
	if (sb->len && fwrite(sb->buf, 1, sb->len, f) != sb->len) {
		ret = aiv_fail(err, AIV_EIO, "cannot write '%s': %s", path, strerror(errno));
		fclose(f);
		goto cleanup;
	}
	if (fclose(f))
		ret = aiv_fail(err, AIV_EIO, "cannot write '%s': %s", path, strerror(errno));
cleanup:
	free(path);
	return ret;
}

int demo_team_find(const struct demo *d, const char *name)
{
	size_t i;

	for (i = 0; i < d->nteams; i++)
		if (!strcmp(d->teams[i].name, name))
			return (int)i;
	return -1;
}

const char *demo_function_lead(const struct demo *d, const char *function, const char *not1,
			       const char *not2)
{
	size_t i;

	for (i = 0; i < d->nteams; i++) {
		const char *lead = d->people[d->teams[i].lead].name;
		if (strcmp(d->teams[i].function, function))
			continue;
		if ((not1 && !strcmp(lead, not1)) || (not2 && !strcmp(lead, not2)))
			continue;
		return lead;
	}
	return NULL;
}

static double seconds_since(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - t0->tv_sec) + (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

int demo_generate(const struct demo_opts *o, struct demo **out, demo_step_fn fn,
		  void *data, struct aiv_err *err)
{
	static const struct {
		const char *name;
		int (*write)(struct demo *, struct aiv_err *);
	} steps[] = {
		{ "write: organisation", demo_write_org },
		{ "write: AI-usage exports", demo_write_usage },
		{ "write: customer journeys", demo_write_journeys },
		{ "write: event log (XES)", demo_write_cases },
		{ "write: SOP/policy/contract graph", demo_write_artefacts },
		{ "write: agents, workflows, policies", demo_write_control },
		{ "write: readiness, hypotheses", demo_write_assess },
		{ "write: prices, unit values", demo_write_money },
	};
	struct demo *d = xcalloc(1, sizeof(*d));
	struct timespec t0;
	size_t i;
	int ret;

	d->o = *o;
	d->dir = xstrdup(o->dir);
	while (strlen(d->dir) > 1 && d->dir[strlen(d->dir) - 1] == '/')
		d->dir[strlen(d->dir) - 1] = '\0';
	d->loaded = json_object();
	stats_rng_seed(&d->rng, o->seed * 3 + (uint64_t)o->industry);
	{
		char *top = xstrfmt("%s/", d->dir);
		ret = make_dirs(top, err);
		free(top);
		if (ret)
			goto fail;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	demo_build_org(d);
	for (i = 0; i < ARRAY_SIZE(steps); i++) {
		struct demo_step st;
		memset(&st, 0, sizeof(st));
		st.name = steps[i].name;
		st.begun = 1;
		if (fn)
			fn(&st, data);
		st.begun = 0;
		clock_gettime(CLOCK_MONOTONIC, &t0);
		if ((ret = steps[i].write(d, err)))
			goto fail;
		st.seconds = seconds_since(&t0);
		if (fn)
			fn(&st, data);
	}
	*out = d;
	return 0;
fail:
	demo_free(d);
	return ret;
}

json_t *demo_summary_json(const struct demo *d)
{
	json_t *o = json_object();

	json_object_set_new(o, "size", json_string(demo_size_name(d->o.size)));
	json_object_set_new(o, "industry", json_string(demo_industry_name(d->o.industry)));
	json_object_set_new(o, "seed", json_integer((json_int_t)d->o.seed));
	json_object_set_new(o, "dir", json_string(d->dir));
	json_object_set_new(o, "organisation", json_string(d->org_name));
	json_object_set_new(o, "datasets", json_pack(
		"{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I}",
		"people", (json_int_t)d->npeople, "teams", (json_int_t)d->nteams,
		"identities", (json_int_t)d->n_identities,
		"copilot_user_days", (json_int_t)d->n_copilot_rows,
		"m365_snapshot_files", (json_int_t)d->n_m365_files,
		"m365_snapshot_rows", (json_int_t)d->n_m365_rows,
		"chatgpt_user_weeks", (json_int_t)d->n_chatgpt_rows,
		"otel_genai_spans", (json_int_t)d->n_otel_spans,
		"journeys", (json_int_t)d->n_journeys,
		"journey_events", (json_int_t)d->n_journey_events,
		"customers", (json_int_t)d->n_customers,
		"cases", (json_int_t)d->n_cases, "case_events", (json_int_t)d->n_case_events,
		"observations", (json_int_t)d->n_observations,
		"artefacts", (json_int_t)d->n_artefacts));
	json_object_set_new(o, "story", json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}",
		"stuck_function", d->story.stuck_function, "ai_channel", d->story.ai_channel,
		"autonomous_workflow", d->story.workflow, "agent", d->story.agent,
		"event_log", d->story.log, "cycle_time_hypothesis", d->story.hypothesis));
	json_object_set(o, "loaded", d->loaded);
	return o;
}

void demo_free(struct demo *d)
{
	size_t i;

	if (!d)
		return;
	for (i = 0; i < d->nusage; i++)
		free(d->usage_files[i]);
	free(d->usage_files);
	free(d->usage_formats);
	free(d->teams);
	free(d->people);
	free(d->dir);
	json_decref(d->loaded);
	free(d);
}
