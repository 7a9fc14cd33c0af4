/*
 * questionnaire.h - the readiness questionnaire as data: data/readiness.yaml.
 *
 * At most a few dozen questions over the catalog's readiness dimensions,
 * each with numbered choices mapped to the catalog's level scale, a time
 * estimate, and a crosswalk to NIST AI RMF subcategories and ISO/IEC 42001
 * Annex A controls (ids only).  The file also holds the thresholds the
 * scoring rule uses (readiness.h).  Loaded and validated strictly: every
 * complaint names FILE:LINE:COL.  Every string is owned by the
 * questionnaire; questionnaire_free() releases all.
 */
#ifndef AIV_QUESTIONNAIRE_H
#define AIV_QUESTIONNAIRE_H

#include <jansson.h>

#include "aiv.h"
#include "catalog/catalog.h"

#define RQ_MAX_QUESTIONS 45

/* The four governance basics, in this order everywhere. */
enum rq_basic { RQ_ALLOWED, RQ_REVIEWED, RQ_LOGGED, RQ_OWNED, RQ_NBASICS };
extern const char *const rq_basic_names[RQ_NBASICS];

struct rq_choice {
	int level;
	char *text;
};

struct rq_question {
	char *id, *dimension, *text;
	int dim;   /* index into catalog dimensions */
	int basic; /* enum rq_basic, or -1 */
	double minutes;
	struct rq_choice *choices;
	size_t nchoices;
	struct strlist nist, iso;
	/*
	 * Optional measured check: when a provider measures `metric`, the
	 * measured level (number of thresholds met: value >= thr[k] for
	 * at_least, value <= thr[k] for at_most) replaces the stated answer.
	 */
	char *measure_metric;
	int measure_down;  /* 1 for at_most thresholds */
	double measure_thr[8];
	int nthr;
};

struct rq_scoring {
	int governance_cap_margin; /* no dimension above lowest basic + this */
	int basic_min_level;       /* a basic counts as evidenced from this level */
	double half_life_days;     /* confidence halves every so many days */
	double weight[3];          /* by provenance: stated, documented, measured */
	int target_level;          /* the level the roadmap aims at */
};

/* Crosswalk of one catalog gate criterion. */
struct rq_gatexw {
	char *criterion;
	struct strlist nist, iso;
};

/* One workflow foundation: the questions that speak to it, and a measured bar. */
struct rq_foundation {
	char *foundation;     /* catalog workflow foundation id */
	struct strlist questions;
	char *metric;         /* organisation-wide catalog metric, or NULL */
	int has_bar;          /* a measure: bar for measured figures (per workflow too) */
	int down;             /* 1: at_most, else at_least */
	double bar;
};

struct questionnaire {
	char *source;
	int version;
	struct rq_scoring scoring;
	struct rq_question *q;
	size_t n;
	int max_level; /* highest level of the catalog's scale */
	struct rq_gatexw *gx;
	size_t ngx;
	struct rq_foundation *fd; /* parallel to catalog foundations */
	size_t nfd;
};

/* The crosswalk of gate criterion `id` (borrowed), or NULL. */
const struct rq_gatexw *questionnaire_gate_xwalk(const struct questionnaire *q,
						 const char *id);

/*
 * Load and validate against `cat` (dimensions, level scale).  `path` NULL
 * loads the built-in data/readiness.yaml.  *out is new (questionnaire_free).
 */
int questionnaire_load(struct questionnaire **out, const struct catalog *cat,
		       const char *path, struct aiv_err *err);
/* Same from a buffer; `name` is used in messages. */
int questionnaire_load_buf(struct questionnaire **out, const struct catalog *cat,
			   const char *name, const char *buf, size_t len,
			   struct aiv_err *err);
void questionnaire_free(struct questionnaire *q);

/* Question by id (borrowed) or NULL; its index in *idx when not NULL. */
const struct rq_question *questionnaire_find(const struct questionnaire *q,
					     const char *id, size_t *idx);
/* Total of the time estimates, in minutes. */
double questionnaire_minutes(const struct questionnaire *q);
/*
 * The questions as JSON (as `aivalue assess questions --json` and the API
 * print them): id, dimension, text, minutes, choices, crosswalk ids,
 * basic.  New reference.
 */
json_t *questionnaire_json(const struct questionnaire *q);

/* 1 when `id` is a NIST AI RMF 1.0 subcategory id ("GOVERN 1.1"). */
int rq_valid_nist(const char *id);
/* 1 when `id` is an ISO/IEC 42001:2023 Annex A control id ("A.6.2.8"). */
int rq_valid_iso(const char *id);

#endif
