/*
 * adoption.h - value model 1 (workforce empowerment): the metric kernels
 * over a usage_table, the thresholds file data/adoption.yaml, and the
 * two-tier workforce detector.
 *
 * adoption_compute() makes one pass over each person's events (sorted by
 * day), reducing them to a few per-person figures (week and period
 * bitmasks, actions, distinct features, active days in the window,
 * first and last active day), then folds people into the organisation
 * and into groups by role, team and function.  Printers (CLI text,
 * --json, later HTTP) read the result struct and never recompute.
 * Every definition is written out in docs/adoption.md.
 */
#ifndef AIV_METRICS_ADOPTION_H
#define AIV_METRICS_ADOPTION_H

#include <jansson.h>

#include "aiv.h"
#include "catalog/catalog.h"
#include "usage_table.h"

struct adoption_config {
	int privacy_floor;
	int weeks, min_active_weeks;
	double novice_per_week, power_per_week;
	int power_min_features;
	int window_days, stalled_days;
	int wf_min_people, wf_min_teams;
	double xf_min_repeat_rate;
	int xf_min_foreign_users;
	double tt_max_gini, tt_max_role_gap, tt_stalled_rate, tt_org_rate_above;
	char vc_ai_channel[64];
	int vc_periods, vc_min_periods;
	double vc_alpha;
};

/*
 * Load thresholds from `path`, or the built-in data/adoption.yaml when
 * NULL.  Strict: unknown or missing keys, wrong types and values out of
 * range fail with FILE:LINE:COL.
 */
int adoption_config_load(struct adoption_config *c, const char *path, struct aiv_err *err);
int adoption_config_load_buf(struct adoption_config *c, const char *name, const char *buf,
			     size_t len, struct aiv_err *err);

enum adoption_dim { DIM_ROLE, DIM_TEAM, DIM_FUNCTION, DIM_N };
enum adoption_period { PERIOD_WEEK, PERIOD_MONTH };
enum { PROF_NONE, PROF_LOW, PROF_NOVICE, PROF_HABITUAL, PROF_POWER, PROF_N };
extern const char *const adoption_prof_names[PROF_N];
extern const char *const adoption_dim_names[DIM_N];

/* Figures for one population (the organisation, or one group). */
struct adoption_stats {
	char *name;
	int people;          /* licensed people employed in the as-of frame (weeks and
				window): the denominator of every rate */
	int suppressed;      /* people < privacy floor: no figure is reported */
	int active;          /* active in the window */
	int repeat_users;    /* active in >= k of the last n weeks */
	double repeat_rate;
	int prof[PROF_N];
	double gini;         /* of active days in the window */
	double top10_share;
	int tried, stalled;  /* ever active; tried but idle for stalled_days */
	double stalled_share;
	int unused;          /* licensed, no active day in the window */
	int power_users;
	int *active_by_period;
	int *people_by_period; /* licensed people employed in each period (a leaver
				  up to the period holding the day they left) */
};

struct adoption_workflow {
	char *workflow, *creator;
	int creator_champion;
	int people, teams, other_teams, functions;
	int reusable;
};

struct adoption_function {
	char *function;
	int people, suppressed;
	double repeat_rate;
	int enabled;               /* repeat_rate >= cross_functional.min_repeat_rate */
	int foreign_asset_users;   /* used an asset created in another function */
	int cross_enabled;         /* foreign_asset_users >= min_foreign_asset_users */
};

/*
 * A cohort's share for month + j divides by the members employed in that
 * month (people[j], org_people_active_between): a member who left drops
 * out of the months after their departure.  retention[j] is NAN ("no
 * data") when people[j] is 0 or under the privacy floor.
 */
struct adoption_cohort {
	char month[16];    /* "YYYY-MM" of first use */
	int size, suppressed;
	int left;          /* members who had left by as_of */
	int nret;
	double *retention; /* share active in month + j, j = 0 .. nret-1 */
	int *people;       /* members employed in month + j */
};

struct adoption_report {
	struct adoption_config cfg;
	int32_t as_of, weeks_start, weeks_end, window_start;
	int period, nperiods;
	char (*period_label)[16];
	int64_t events;
	int unlicensed_users;       /* people with usage but no seat (seats known) */
	int seats_known;
	struct adoption_stats org;
	struct adoption_stats *groups[DIM_N];
	size_t ngroups[DIM_N];
	double lorenz[11];          /* share of active days held by the lowest j/10 */
	double role_gap;            /* over roles >= floor; -1 if fewer than 2 */
	const char *role_gap_high, *role_gap_low; /* borrowed from groups */
	struct adoption_workflow *workflows;
	size_t nworkflows;
	int reusable_workflows;
	struct adoption_function *functions;
	size_t nfunctions;
	double cross_functional_enablement; /* catalog definition; -1 if no function qualifies */
	double functions_enabled_share;     /* share of functions >= min_repeat_rate */
	struct adoption_cohort *cohorts;
	size_t ncohorts;
};

/*
 * Repeat use of the groups of r->groups[dim] at several days, in one pass
 * over the events: out[i * nends + j] is the repeat_rate that
 * adoption_compute(t, &r->cfg, ..., ends[j], ...) reports for group i of
 * r (matched by name), or NAN when that group is under the privacy floor
 * or has nobody licensed then.  The dashboard's heat map of repeat use by
 * role and month needs twelve of these; computing twelve whole reports
 * for it cost twelve times the page.  out holds r->ngroups[dim] * nends
 * values (caller's); every ends[j] is a day > 0.
 */
void adoption_repeat_series(const struct usage_table *t, const struct adoption_report *r,
			    enum adoption_dim dim, const int32_t *ends, size_t nends, double *out);

/*
 * Compute every model 1 metric as of day `as_of` (days since epoch; 0
 * means the last day with activity).  r is filled (release it).
 */
int adoption_compute(const struct usage_table *t, const struct adoption_config *cfg,
		     enum adoption_period period, int32_t as_of, struct adoption_report *r,
		     struct aiv_err *err);
void adoption_report_release(struct adoption_report *r);

/*
 * The report as JSON, groups of dimension `by` (DIM_N: none).  New
 * reference.  The JSON printers of this header live in adoption_json.c.
 */
json_t *adoption_report_json(const struct adoption_report *r, int by);

/*
 * The two-tier workforce finding, typed.  adoption_two_tier() fills it
 * and returns 1 when the thresholds in cfg.two_tier are crossed (else 0,
 * tt empty).  It borrows from r and from the catalog (both outlive it):
 * r itself, the stalled groups and the leadership move; it owns summary
 * and the three arrays of pointers (adoption_two_tier_release).  The
 * failure mode's name and its move are read from the catalog.
 */
struct adoption_two_tier {
	const struct adoption_report *r;
	int gini_hit, gap_hit, fn_hit;   /* the tests crossed */
	const char *name;                /* the failure mode's name */
	char *summary;
	const struct cat_move *move;     /* NULL: the catalog names none */
	const struct adoption_stats **functions, **roles, **teams; /* stalled groups, in r */
	size_t nfunctions, nroles, nteams;
};
int adoption_two_tier(const struct adoption_report *r, const struct catalog *cat,
		      struct adoption_two_tier *tt);
void adoption_two_tier_release(struct adoption_two_tier *tt);
/* The finding as JSON (id, model, ..., move).  New reference. */
json_t *adoption_two_tier_json(const struct adoption_two_tier *tt);
/* Its evidence only: triggered_by, evidence, stalled.  New reference. */
json_t *adoption_two_tier_evidence_json(const struct adoption_two_tier *tt);

/* Gini coefficient of n values (0 when n == 0 or all are 0). */
double adoption_gini(const int64_t *v, size_t n);
/* Share of the total held by the top ceil(n/10) values. */
double adoption_top10_share(const int64_t *v, size_t n);

/* Civil date helpers: days since epoch <-> year, month (1-12), day. */
void adoption_civil(int32_t days, int *y, int *m, int *d);
int32_t adoption_parse_day(const char *s); /* "YYYY-MM-DD" -> days, INT32_MIN if bad */

/*
 * The governance register as the workspace holds it: specs of kinds Tool
 * and StarterWorkflow (ingest/register.c), as JSON arrays (owned).
 */
struct adoption_register {
	json_t *tools, *starters;
};
int adoption_register_load(struct store *s, struct adoption_register *reg, struct aiv_err *err);
void adoption_register_release(struct adoption_register *reg);

/*
 * The register results below are typed: each function fills a struct the
 * caller owns and frees with its _release (which leaves it zeroed); the
 * JSON printers (adoption_json.c) write the shape `aivalue adoption
 * --json` and GET /api/v1/adoption print, the CLI text and the shadow-AI
 * detector read the fields.  Shares are rounded to 4 decimals, as every
 * printer shows them (adoption_rate4).
 */
double adoption_rate4(double v);

/* A list of owned strings. */
struct adoption_strs {
	char **v;
	size_t n;
};

/* One role or function a starter workflow targets: licensed people in it, users. */
struct adoption_target_reach {
	int is_function;        /* listed under functions, else under roles */
	char *name;
	int people;
	int suppressed;         /* fewer people than the privacy floor: no users, no share */
	int users;
	double share;           /* users / people */
};
/* Adoption of one starter workflow in the report's window. */
struct adoption_starter {
	char *name, *title, *owner;
	int targeted_people, targeted_users, other_users;
	int has_share;          /* targeted_people at or above the privacy floor */
	double targeted_share;  /* targeted_users / targeted_people, with has_share */
	struct adoption_target_reach *by_target;
	size_t nby_target;      /* the roles first, then the functions, as listed */
};
struct adoption_starter_list {
	struct adoption_starter *v;
	size_t n;
};
/* Adoption per starter workflow (the register's order) and per targeted role/function. */
void adoption_starters(const struct usage_table *t, const struct adoption_report *r,
		       const struct adoption_register *reg, struct adoption_starter_list *out);
void adoption_starter_list_release(struct adoption_starter_list *l);
json_t *adoption_starter_list_json(const struct adoption_starter_list *l); /* new reference */

/* Champion reach: the champion's team's repeat use before and after publication. */
struct adoption_champion {
	char *champion, *team;
	struct adoption_strs workflows; /* the starter workflows the champion owns */
	int team_people;        /* licensed, champion excluded */
	int suppressed;         /* team_people under the privacy floor: no rates */
	double repeat_rate_now;
	int32_t published;      /* earliest publication, days since epoch; INT32_MIN: none */
	double repeat_rate_before, change; /* with published */
};
struct adoption_champion_list {
	struct adoption_champion *v;
	size_t n;
};
void adoption_champions(const struct usage_table *t, const struct adoption_report *r,
			const struct adoption_register *reg, struct adoption_champion_list *out);
void adoption_champion_list_release(struct adoption_champion_list *l);
json_t *adoption_champion_list_json(const struct adoption_champion_list *l); /* new reference */
/*
 * Vendor daily totals without people (legacy Copilot org metrics), one
 * per tool: days, date range, mean daily active and engaged users (never
 * a sum of distinct users across days).  ingest/usage_load.h reads them.
 */
struct adoption_vendor_total {
	char *tool;                      /* owned */
	int64_t days;
	int32_t from, to;                /* first and last day, days since epoch */
	double mean_active, mean_engaged;
	int64_t last_active;             /* active users on the last day */
};
/* As the vendor_daily_totals JSON array.  New reference. */
json_t *adoption_vendor_json(const struct adoption_vendor_total *v, size_t n);
void adoption_vendor_release(struct adoption_vendor_total *v, size_t n);
/*
 * The shadow-AI finding: in the window, tools no Tool lists (with the
 * people who used them) and registered tools used by people in a function
 * or role their allow-lists leave out; functions in the order met.
 */
struct adoption_shadow_tool {
	char *tool;
	int people;             /* unregistered: every user; disallowed: those outside */
	struct adoption_strs functions; /* of the people counted */
};
struct adoption_shadow {
	char *summary;          /* one sentence naming each tool */
	struct adoption_shadow_tool *unregistered, *disallowed;
	size_t nunregistered, ndisallowed;
	int registered_tools;   /* Tools in the register */
};
/* 1 and *out filled (adoption_shadow_release) when there is a finding, else 0 and *out empty. */
int adoption_shadow_ai(const struct usage_table *t, const struct adoption_report *r,
		       const struct adoption_register *reg, struct adoption_shadow *out);
void adoption_shadow_release(struct adoption_shadow *s);
/* {id, model, summary, unregistered_tools, disallowed_use, registered_tools}.  New reference. */
json_t *adoption_shadow_json(const struct adoption_shadow *s);
/* Its figures only: {model, unregistered_tools, disallowed_use, registered_tools}. */
json_t *adoption_shadow_figures_json(const struct adoption_shadow *s);
#endif
