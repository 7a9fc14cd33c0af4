/*
 * demo_int.h - what the demo generator's files share: the organisation
 * in memory, the calendar, the seeded random stream and file writing.
 * Private to src/demo/.
 */
#ifndef AIV_DEMO_INT_H
#define AIV_DEMO_INT_H

#include "demo/demo.h"
#include "metrics/stats.h"

/* The demo year: day 0 is DEMO_FIRST_DAY, the last active day DEMO_DAYS - 1. */
#define DEMO_DAYS 364
#define DEMO_FIRST_Y 2025
#define DEMO_FIRST_M 11
#define DEMO_FIRST_D 22 /* a Saturday; day 363 is Friday 2026-11-20 */

enum demo_profile { PROF_NEVER, PROF_STALLED, PROF_OCCASIONAL, PROF_HABITUAL, PROF_POWER };

struct demo_team {
	char name[48], title[80];
	const char *function; /* catalog function id */
	const char *const *roles; /* NULL-terminated; roles[0] is the lead's */
	int lead;             /* person index */
	int first, n;         /* people first .. first + n - 1 */
};

struct demo_person {
	char name[48], display[72];
	int team, manager;    /* manager -1 for the CEO */
	const char *role;
	int champion;
	unsigned char profile;
	short start, stop;    /* first and last day of use */
	double intensity;     /* actions per active day, mean */
	uint32_t rnd;         /* per-person seed for the usage stream */
};

struct demo_story {
	const char *stuck_function;
	const char *workflow;     /* the autonomous workflow (and its initiative) */
	const char *agent;
	const char *action, *resource_type;
	const char *log;          /* event log name */
	const char *hypothesis;   /* the cycle-time hypothesis */
	const char *ai_channel;
};

struct demo {
	struct demo_opts o;
	char *dir;
	struct stats_rng rng;
	const char *org_name, *domain;
	struct demo_team *teams;
	size_t nteams;
	struct demo_person *people;
	size_t npeople;
	struct demo_story story;
	/* sizes */
	int cases, journeys_per_month;
	/* what was written, for the summary */
	int64_t n_copilot_rows, n_m365_rows, n_m365_files, n_chatgpt_rows, n_otel_spans;
	int64_t n_journeys, n_journey_events, n_customers, n_cases, n_case_events;
	int64_t n_observations, n_artefacts, n_identities;
	int org_pages;        /* org/users-1.json ... org/users-N.json (demo_org.c) */
	/* files the loader reads, relative to dir, in load order */
	char **usage_files;
	const char **usage_formats;
	size_t nusage;
	/* filled by the loader */
	json_t *loaded;
};

/* Uniform double in [0, 1). */
double demo_unif(struct stats_rng *r);
/* True with probability p. */
int demo_chance(struct stats_rng *r, double p);

/* "YYYY-MM-DD" of demo day `day` (may be negative). */
void demo_date(int day, char out[11]);
/* Unix seconds of demo day `day` at hh:mm:ss UTC. */
int64_t demo_unix(int day, int secs_of_day);
/* ISO weekday of demo day: 1 Monday .. 7 Sunday. */
int demo_weekday(int day);

/* Write sb to DIR/rel (creating directories); AIV_EIO on failure. */
int demo_write(const struct demo *d, const char *rel, const struct strbuf *sb,
	       struct aiv_err *err);
/* DIR/rel; caller frees. */
char *demo_path(const struct demo *d, const char *rel);

/* Generators, one per dataset (demo_org.c, demo_usage.c, demo_flow.c, demo_govern.c). */
void demo_build_org(struct demo *d);
int demo_write_org(struct demo *d, struct aiv_err *err);
int demo_write_usage(struct demo *d, struct aiv_err *err);
int demo_write_journeys(struct demo *d, struct aiv_err *err);
/* The activity that makes a case an exception (the demo's ExceptionRule). */
const char *demo_exception_activity(const struct demo *d);
int demo_write_cases(struct demo *d, struct aiv_err *err);
int demo_write_artefacts(struct demo *d, struct aiv_err *err);
int demo_write_control(struct demo *d, struct aiv_err *err);
int demo_write_assess(struct demo *d, struct aiv_err *err);
/* Price book, unit values and one more measured effect (demo_money.c). */
int demo_write_money(struct demo *d, struct aiv_err *err);

/* SOPs in the artefact graph (demo_govern.c). */
int demo_sop_count(const struct demo *d);
/* 1: the change request of SOP-k is merged with a walk-through note as evidence. */
int demo_change_has_evidence(const struct demo *d, int k);
/* Team index by name, or -1. */
int demo_team_find(const struct demo *d, const char *name);
/* The lead of the first team of a function other than `not`, or NULL. */
const char *demo_function_lead(const struct demo *d, const char *function, const char *not1,
			       const char *not2);

#endif
