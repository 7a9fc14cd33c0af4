/*
 * playbook.h - phase gates, findings and the roadmap.
 *
 * Everything here is computed from evidence_get() (evidence.h), the
 * readiness score and the initiatives in the store, into plain result
 * structs that printers (terminal, --json, report) consume.
 *
 * Phase gates: phase 1 is where every organisation starts.  Phase N+1 is
 * earned when every exit_gate criterion of phases 1..N passes.  A
 * criterion passes when its metric is measured and `value op threshold`
 * holds; it fails when measured and the comparison does not hold; it
 * lacks evidence when no provider measures the metric or the provider has
 * no data.  Lacking evidence never passes a gate.
 *
 * The verdict is persisted (table phase_verdicts, newest row wins, and a
 * ledger entry "phase.verdict" whenever it changes) so that lower layers,
 * such as agent control, read it from the store and never call up here.
 */
#ifndef AIV_PLAYBOOK_H
#define AIV_PLAYBOOK_H

#include <jansson.h>

#include "assess/evidence.h"
#include "assess/hypothesis.h"
#include "assess/library.h"
#include "assess/readiness.h"

enum gate_status { GATE_PASS = 0, GATE_FAIL = 1, GATE_LACKS = 2 };
extern const char *const gate_status_names[3];

struct gate_result {
	const struct cat_phase *phase;   /* whose exit gate */
	const struct cat_criterion *cr;
	struct evidence_value ev;
	int status;
};

struct ahead_item {
	char *initiative, *model, *status;
	int phase;
};

struct phase_verdict {
	int earned;                  /* phase number */
	/*
	 * 0 when no criterion of phase 1's exit gate has evidence (an empty
	 * workspace): the organisation starts in phase 1 but has earned
	 * nothing, and every printer says so (phase_headline).
	 */
	int evidenced;
	const struct cat_phase *phase;
	struct gate_result *g;
	size_t ng;
	struct ahead_item *ahead;    /* initiatives running ahead of the earned phase */
	size_t nahead;
};

/* A gate's operator in words for sentences: ">=" is "at least", "==" "exactly". */
const char *gate_op_words(const char *op);
/* Pass / fail / lacks for one criterion and its evidence. */
int gate_check(const struct cat_criterion *cr, const struct evidence_value *ev);
/* Compute the verdict; release with phase_verdict_release. */
int phase_compute(const struct evidence_env *env, struct phase_verdict *out,
		  struct aiv_err *err);
void phase_verdict_release(struct phase_verdict *v);
/*
 * The verdict in one line, the same for the CLI, the API and the pages:
 * "Phase 1 of 3 earned: Build fluency and trust", or without evidence
 * "Phase 1 of 3, not earned yet: Build fluency and trust (no evidence
 * imported)".  Writes into buf (n bytes) and returns it.
 */
const char *phase_headline(const struct phase_verdict *v, size_t nphases, char *buf, size_t n);
json_t *phase_verdict_json(const struct phase_verdict *v);
/* Add "nist" and "iso" id lists to each criterion of a phase_verdict_json(). */
void phase_json_add_crosswalk(json_t *verdict, const struct questionnaire *q);
/*
 * Store the verdict when it differs from the newest stored one: a row in
 * phase_verdicts and a ledger entry, in one transaction.  *changed says
 * whether it did; *seq the ledger entry (0 when unchanged).
 */
int phase_persist(struct store *s, const char *actor, const struct phase_verdict *v,
		  int *changed, int64_t *seq, struct aiv_err *err);

/* ---- findings ---- */

/*
 * One figure of a finding's evidence, typed so that printers can write it
 * in words and units ("repeat use across the organisation: 54 %") instead
 * of dumping the detector's JSON.  name is the figure's key (as in the
 * detector's JSON where it has one); label says what it is in words;
 * unit is one of "ratio" (0..1, shown as a percentage), "count",
 * "seconds", "phase" (a phase number), "coefficient" (a unitless 0..1 index such as Gini)
 * or "p-value".  target is the threshold the detector compared the figure
 * with (NAN when none) and bound says which side of it is wanted: "under",
 * "at most", "at least" or "above" (NULL when no target).  name and label
 * are owned by the finding; unit and bound are static strings.
 */
struct finding_figure {
	char *name;
	char *label;
	double value;      /* NAN: not measured */
	const char *unit;
	double target;     /* NAN: no target */
	const char *bound;
};

/*
 * One finding.  Every string is owned by the finding (freed by
 * finding_list_release()); move and model are borrowed from the catalog.
 * `figures` is the detector's evidence as JSON, kept as it was for
 * --json and the API (nested kernel output such as the trend test's
 * series); `fig` is the same evidence as a typed list, the one the human
 * printers (report, pages) read.
 */
struct finding {
	char *mode;        /* failure mode id */
	char *name;        /* failure mode name */
	char *subject;     /* e.g. "initiative/underwriting-risk-briefs" */
	char *severity;    /* high, medium, low */
	char *summary;
	json_t *figures;   /* evidence figures, owned */
	struct finding_figure *fig; /* typed evidence, owned, in the detector's order */
	size_t nfig, afig;
	const struct cat_move *move; /* borrowed from the catalog */
	const struct cat_model *model;
};

/*
 * Append a typed figure to f (copies name and label; unit and bound must
 * be static).  target NAN and bound NULL when the figure has no target.
 */
void finding_add_figure(struct finding *f, const char *name, const char *label,
			double value, const char *unit, double target, const char *bound);

/* A failure mode a detector could not assess, and what would supply it. */
struct finding_gap {
	char *mode;        /* failure mode id, or the detector's own finding id */
	char *name;        /* its display name */
	char *lacks;       /* the import or capability that supplies the evidence */
};

/* Owns its findings and gaps; release with finding_list_release(). */
struct finding_list {
	struct finding *f;
	size_t n, alloc;
	struct finding_gap *gaps; /* not assessed, in the order the detectors ran */
	size_t ngaps, agaps;
};

/*
 * A detector for one failure mode; appends findings with findings_add().
 * Return 0, or 1 when it lacks the evidence it needs (with *lacks set to a
 * static text), or a negative code.
 */
typedef int (*finding_detector_fn)(const struct evidence_env *env,
				   const struct phase_verdict *phase,
				   struct finding_list *out, const char **lacks,
				   void *data, struct aiv_err *err);
struct finding_detector {
	const char *mode; /* catalog failure mode id, or a finding id of its own */
	finding_detector_fn fn;
	void *data;
	const char *name; /* display name when mode is not a catalog failure mode */
	int history;      /* 1: fn honours env->now as a past date (evidence_env.as_of) */
};
/* Register a detector (borrowed for the program's life). */
void findings_register(const struct finding_detector *d);
/* The built-in detectors (demo not embedded, automating before controls). */
void findings_register_builtin(void);
/*
 * Append a finding (takes ownership of figures; NULL: an empty object).
 * Returns it, borrowed and valid until the next findings_add() on out, so
 * that the detector can add its typed figures with finding_add_figure().
 */
struct finding *findings_add(struct finding_list *out, const struct catalog *cat,
			     const char *mode, const char *subject, const char *severity,
			     json_t *figures, const char *fmt, ...)
	__attribute__((format(printf, 7, 8)));
/*
 * Loads of the usage table the detectors and adoption metrics made on
 * this thread (tests): a playbook computation makes one, however many
 * detectors and metrics read it.
 */
uint64_t assess_usage_loads(void);
/* Run every catalog failure mode's detector, in catalog order. */
int findings_compute(const struct evidence_env *env, const struct phase_verdict *phase,
		     struct finding_list *out, struct aiv_err *err);
void finding_list_release(struct finding_list *l);
/*
 * The printers (new references): one finding {mode, name, subject,
 * severity, summary, figures, evidence[, model][, move]} where evidence is
 * the typed list [{name, label, value, unit[, target, bound]}], one gap {mode, name,
 * lacks}, and the list {findings, not_assessed} that `aivalue findings
 * --json`, GET /api/v1/findings and the JSON report carry.
 */
json_t *finding_json(const struct finding *f);
json_t *finding_gap_json(const struct finding_gap *g);
json_t *finding_list_json(const struct finding_list *l);

/* ---- roadmap ---- */

struct roadmap_step {
	char *kind;      /* "gate", "readiness", "finding" */
	char *id;
	char *title;
	char *why;
	double gap, impact, dependency, priority;
	/*
	 * What a person acts on (roadmap_compute fills these after ordering):
	 * the action, starting with a verb; its leadership move (catalog
	 * name, borrowed; NULL when none applies), shown first; the owner
	 * (the initiative's owner or team, the workflow's owner, or the
	 * owner of an initiative in the step's model), NULL when nobody owns
	 * it yet, and the name a person reads for it (display name or team
	 * title; NULL: print the owner); the horizon by rank (now: 1-3, next:
	 * 4-7, later) and its due date; and how the priority was computed, in
	 * words.
	 */
	char *action;
	const char *move;
	char *owner;
	char *owner_name;
	const char *horizon;  /* "now", "next", "later" */
	char due[11];         /* YYYY-MM-DD */
	char *how;
	char *models;         /* the models the step serves, comma separated (owned) */
};

/* The owner as a person reads it (display name, team title, else the id); NULL: none. */
static inline const char *roadmap_step_owner(const struct roadmap_step *s)
{
	return s->owner_name ? s->owner_name : s->owner;
}

struct trio_pick {
	const char *slot;     /* "distribution play", "expert bottleneck", "workflow" */
	char *initiative;     /* NULL when no candidate */
	char *title;          /* the Initiative's title; NULL when it has none */
	char *reason;
};

/* The initiative as a person reads it (its title, else its id); NULL: none. */
static inline const char *trio_pick_name(const struct trio_pick *t)
{
	return t->title ? t->title : t->initiative;
}

struct value_report;
struct roadmap {
	const struct cat_industry *industry; /* NULL for generic */
	int industry_step;    /* index of the first step not yet ready, or -1 */
	struct roadmap_step *steps;
	size_t n, alloc;
	struct trio_pick trio[3];
	/* the value report priced for the expected value (value.h), kept so
	 * the overview's value card shows the same figures without pricing
	 * the cost again; NULL when the store cannot price */
	struct value_report *value;
};

/*
 * Order next steps (docs/playbook.md, "Roadmap"):
 *   priority = gap x impact x dependency, ties by kind then id.
 * `industry` NULL or "generic" for no industry path.  `hr` is
 * hyp_evaluate_all() of the same store, catalog and env->now (the
 * playbook's own: evaluating them again cost a second bootstrap).
 */
int roadmap_compute(const struct evidence_env *env, const struct questionnaire *q,
		    const struct readiness_score *rs, const struct phase_verdict *pv,
		    const struct finding_list *fl, const struct hyp_report *hr,
		    const char *industry, struct roadmap *out, struct aiv_err *err);
void roadmap_release(struct roadmap *r);
json_t *roadmap_json(const struct roadmap *r);

/* ---- providers ---- */

/*
 * Register the evidence providers over data this layer owns: readiness
 * answers (governance_basics_evidenced, scored with the questionnaire at
 * `questionnaire_path`, NULL for the built-in one), the ledger
 * (ledger_verifies), hypotheses (supported_hypotheses,
 * value_plays_measured) and initiatives (expert_pilots_unembedded).
 */
void assess_register_providers(const char *questionnaire_path);
/*
 * `metric` from the observations of the last 90 days before env->now
 * (every initiative): sum for count metrics, median for seconds, else the
 * mean.  EV_MISSING with the import that supplies it when there are none.
 */
int evidence_from_observations(const struct evidence_env *env, const char *metric,
			       struct evidence_value *out, struct aiv_err *err);

/* The questionnaire path registered above (borrowed; NULL: built-in). */
const char *assess_questionnaire_path(void);

/* Active initiatives as JSON specs from the objects table (new reference). */
int assess_initiatives(struct store *s, json_t **out, struct aiv_err *err);

/* ---- one workflow's readiness on the six foundations ---- */

struct wf_result {
	const struct cat_named *foundation;
	const char *status;  /* "ready", "not ready", "lacks evidence" */
	const char *basis;   /* "measured", "answers", "none" */
	int level;           /* lowest answered level, or -1 */
	const char *scope;   /* measured: "workflow" or "organisation"; else NULL */
	double measured, bar;
	int down;            /* the bar is an upper bound */
	char detail[768];
};

struct workflow_verdict {
	json_t *initiative;  /* its spec (owned) */
	struct wf_result *r; /* parallel to catalog foundations */
	size_t n;
	const char *overall; /* "ready", "not ready", "lacks evidence" */
	int earned, ahead;   /* ahead: in pilot/production above the earned phase */
	int measured;        /* agent control knows this workflow */
};

/*
 * Judge workflow `name` (an initiative, an agent workflow of agent
 * control, or both under one name) on the six foundations
 * (docs/playbook.md, "Workflow readiness"): the figure measured for this
 * workflow against the foundation's bar wins, then an organisation-wide
 * measurement, else the lowest answer among its questions against
 * target_level; ownership also needs an owning team when an initiative
 * names its owner.  Overall ready only when all six are.  AIV_ENOTFOUND
 * when neither an initiative nor an agent workflow has that name.
 */
int workflow_assess(const struct evidence_env *env, const struct questionnaire *q,
		    const struct ra_set *set, const struct phase_verdict *pv,
		    const char *name, struct workflow_verdict *out, struct aiv_err *err);
void workflow_verdict_release(struct workflow_verdict *v);
json_t *workflow_verdict_json(const struct workflow_verdict *v);

/* ---- everything at once (report, dashboard) ---- */

struct playbook_state {
	struct evidence_env env;
	struct questionnaire *q;
	struct ra_set set;
	int have_set;
	struct readiness_score rs;
	struct phase_verdict pv;
	struct hyp_report hr;
	struct finding_list fl;
	struct roadmap rm;
	struct evidence_value *metrics; /* parallel to catalog metrics (models and signals) */
	struct ra_measured_list measured; /* readiness_apply_measured notes */
	struct lib_crosswalk crosswalk;  /* library_crosswalk() of imported frameworks */
	struct pb_snapshot *shared;     /* set when the state is a cached snapshot */
};

/*
 * Compute readiness, phase, hypotheses, findings and roadmap from the
 * store.  Read only: the caller persists the phase verdict if it wants.
 * Release with playbook_release (also after a failure).
 *
 * The result is cached: a later call with the same store state (the
 * evidence cache key of evidence.h: ledger head, watches, catalog,
 * providers), questionnaire path and industry, within
 * EVIDENCE_CACHE_TTL_US of the first, gets the same computed state,
 * shared read-only between threads (out->shared is set; out->env holds
 * the caller's store and now).  Everything reachable from *out is then
 * read-only: do not modify it, or its JSON values (json_incref them to
 * keep them).  playbook_cache_stats() counts hits and misses.
 */
int playbook_compute(struct store *s, const struct catalog *cat, const char *qpath,
		     const char *industry, int64_t now, struct playbook_state *out,
		     struct aiv_err *err);
/*
 * The same as of a past moment `as_of` (--as-of): every metric from data
 * up to then (evidence_env.as_of), or "cannot be computed as of" where
 * its provider keeps only current state.  Never cached.
 */
int playbook_compute_as_of(struct store *s, const struct catalog *cat, const char *qpath,
			   const char *industry, int64_t as_of, struct playbook_state *out,
			   struct aiv_err *err);
/*
 * For the server's warmer: compute the playbook as playbook_compute()
 * would, but treat a snapshot that a reader has had and that is older
 * than PLAYBOOK_REFRESH_US (half the time-to-live) as missing, and
 * replace it.  Readers meanwhile keep
 * getting the older snapshot, which is still within its time-to-live, so
 * none waits for the recomputation an expired snapshot used to cost on
 * the request path.  The evidence cache is cleared first, so that the new
 * snapshot holds no answer older than itself.
 */
#define PLAYBOOK_REFRESH_US (EVIDENCE_CACHE_TTL_US / 2)
int playbook_refresh(struct store *s, const struct catalog *cat, const char *qpath,
		     const char *industry, int64_t now, struct aiv_err *err);
void playbook_release(struct playbook_state *p);
void playbook_cache_stats(struct evidence_cache_stats *out);
/*
 * Computations whose independent loads ran on a second thread (the
 * hypotheses, the event-log and journey caches): *used, those whose side
 * results were used; *redone, those whose side saw another store state or
 * failed, so the computing thread did the work again itself.
 */
void playbook_side_stats(uint64_t *used, uint64_t *redone);

/*
 * Register what this layer contributes at start: the Hypothesis kind,
 * its evidence providers and its finding detectors, including those over
 * the measurement and control layers (the two below).  Called once from
 * cli/main.c, the one place that initialises the registries.
 */
void assess_register(const char *questionnaire_path);
/*
 * The detectors and providers over adoption, journeys, change control and
 * agent control (detectors.c), and over event logs, journeys and the
 * exception queue (evidence_providers.c); assess_register() calls both.
 */
void assess_register_detectors(void);
void assess_register_evidence(void);
/* Register the assessment tables' checks for audit verify (assess_state.c). */
void assess_state_register(void);

#endif
