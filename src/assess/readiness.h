/*
 * readiness.h - readiness answers, their provenance, and the scores.
 *
 * An answer set is what one run of `aivalue assess org` (interactive or
 * from --answers FILE) saves: one answer per question with its choice,
 * level, provenance (stated, documented with an evidence file whose
 * SHA-256 and bytes are kept content-addressed in the store, or measured
 * by a named system check) and date.  Saving a set is one transaction and
 * one ledger entry.  The interactive run keeps a draft as it goes, so an
 * interrupted questionnaire resumes where it stopped.
 *
 * Scoring rule (docs/playbook.md, "Scoring"):
 *   dimension raw level = lower median of the answered levels
 *   cap                 = lowest governance-basic level + margin
 *                         (a basic with no answer counts as level 0)
 *   dimension level     = min(raw, cap)
 *   model level         = min of the levels of the dimensions the catalog
 *                         lists for that model (weakest link)
 *   answer confidence   = weight(provenance) * 0.5 ^ (age_days / half_life)
 *   dimension confidence= sum of answer confidences / questions in it
 *   model confidence    = mean of its dimensions' confidences
 *   basic evidenced     = every question of the basic answered as
 *                         documented or measured at basic_min_level or more
 */
#ifndef AIV_READINESS_H
#define AIV_READINESS_H

#include <jansson.h>

#include "aiv.h"
#include "assess/questionnaire.h"
#include "store/store.h"

enum provenance { PROV_STATED = 0, PROV_DOCUMENTED = 1, PROV_MEASURED = 2 };
extern const char *const provenance_names[3];
int provenance_parse(const char *s); /* -1 when unknown */

struct ra_answer {
	char *question;
	int choice;         /* 1-based; 0 = skipped (drafts only) */
	int level;
	int provenance;
	char *evidence_sha; /* documented: SHA-256 hex of the file */
	char *evidence_name;/* documented: the file's name as given */
	char *evidence_data;/* documented, before saving: the bytes (owned) */
	size_t evidence_len;
	char *source;       /* measured: the system check that measured it */
	char *note;
	int64_t answered_at;
};

struct ra_set {
	int64_t id, seq, created_at;
	char *actor, *origin; /* origin: "interactive" or the answers file */
	struct ra_answer *a;
	size_t n, alloc;
};

void ra_set_release(struct ra_set *s);
/* The answer to `question` in s, or NULL (borrowed). */
struct ra_answer *ra_set_find(const struct ra_set *s, const char *question);
/* Add a copy of *a (replacing an answer to the same question). */
void ra_set_put(struct ra_set *s, const struct ra_answer *a);

/*
 * Read the evidence file `path` into a (sha, name, bytes); documented
 * provenance.  At most 16 MiB.
 */
int ra_answer_attach(struct ra_answer *a, const char *path, struct aiv_err *err);

/*
 * Parse an answers file (docs/playbook.md, "Answers file"):
 *     answers:
 *       - { question: ID, choice: N, provenance: stated|documented|measured,
 *           evidence: FILE, source: TEXT, as_of: YYYY-MM-DD, note: TEXT }
 * Evidence paths are relative to the answers file.  Every error names
 * FILE:LINE:COL (unknown question, choice out of range, ...).  `now`
 * dates answers without as_of.  out is filled (ra_set_release).
 */
int readiness_parse_answers(const struct questionnaire *q, const char *path,
			    int64_t now, struct ra_set *out, struct aiv_err *err);

/*
 * The same from a buffer (an HTTP request body, YAML or JSON) called
 * `name` in error locations.  Evidence files are refused there: a
 * request cannot name files on the server.
 */
int readiness_parse_answers_buf(const struct questionnaire *q, const char *name,
				const char *buf, size_t len, int64_t now, struct ra_set *out,
				struct aiv_err *err);

/*
 * Save a complete set: evidence bytes (content-addressed), the set, its
 * answers and one ledger entry "assess.answers", in one transaction.
 * Clears the interactive draft when clear_draft.  *seq gets the entry.
 */
int readiness_save(struct store *s, const char *actor, struct ra_set *set,
		   int clear_draft, int64_t *seq, struct aiv_err *err);
/* The newest saved set; *found 0 when there is none. */
int readiness_load_latest(struct store *s, struct ra_set *out, int *found,
			  struct aiv_err *err);
/* Draft of an interactive run: load, put one answer, clear. */
int readiness_draft_load(struct store *s, struct ra_set *out, struct aiv_err *err);
int readiness_draft_put(struct store *s, const struct ra_answer *a,
			struct aiv_err *err);
int readiness_draft_clear(struct store *s, struct aiv_err *err);

struct rs_dim {
	int level;         /* -1 when nothing in it is answered */
	int raw;           /* before the governance cap */
	int capped;        /* 1 when the cap lowered it */
	size_t answered, total;
	double confidence; /* 0..1 */
};

struct rs_model {
	int level;         /* -1 when none of its dimensions is answered */
	int limiting_dim;  /* index of the weakest dimension, or -1 */
	double confidence;
};

struct readiness_score {
	size_t ndims, nmodels;
	struct rs_dim *dims;     /* parallel to catalog dimensions */
	struct rs_model *models; /* parallel to catalog models */
	int basic_level[RQ_NBASICS];     /* -1 unanswered */
	int basic_evidenced[RQ_NBASICS];
	double basics_evidenced;         /* 0, 0.25, .. 1 */
	int cap;
	size_t answered, total;
	double minutes_left;
};

/* Score a set by the rule above; release with readiness_score_release. */
void readiness_score(const struct catalog *cat, const struct questionnaire *q,
		     const struct ra_set *set, int64_t now,
		     struct readiness_score *out);
void readiness_score_release(struct readiness_score *r);
/* Scores and answers as JSON (new reference). */
json_t *readiness_score_json(const struct catalog *cat, const struct questionnaire *q,
			     const struct ra_set *set, const struct readiness_score *r);
/*
 * One measured answer: a question whose metric an evidence provider
 * measures, the level that figure gives, and the level stated before
 * it (-1: not answered).  `agrees` is 1 when the two are the same level.
 */
struct ra_measured {
	const char *question;  /* borrowed from the questionnaire */
	const char *metric;    /* borrowed from the questionnaire */
	double value;          /* in the metric's unit */
	int measured_level;
	int stated_level;      /* -1: not answered */
	int agrees;
	char *source;          /* owned: where the figure comes from */
};

struct ra_measured_list {
	size_t n;
	struct ra_measured *v;
};

/*
 * Measured answers: for each question with a `measure` whose metric an
 * evidence provider measures now, replace the answer in `set` by the
 * measured level (provenance measured, source = the provider's) and add
 * a note to *notes, so that a stated answer the systems contradict is
 * shown, not silently kept.  *notes borrows strings from `q`; release it
 * with ra_measured_list_release (also done on error).
 */
struct evidence_env;
int readiness_apply_measured(const struct evidence_env *env, const struct questionnaire *q,
			     struct ra_set *set, struct ra_measured_list *notes,
			     struct aiv_err *err);
void ra_measured_list_release(struct ra_measured_list *l);
/* The notes as JSON (new reference): an array of {question, metric,
 * value, measured_level, stated_level (null: not answered), agrees,
 * source}, as `assess show --json` prints them under measured_answers. */
json_t *ra_measured_list_json(const struct ra_measured_list *l);

/* Confidence of one answer at `now`. */
double readiness_answer_confidence(const struct questionnaire *q,
				   const struct ra_answer *a, int64_t now);

#endif
