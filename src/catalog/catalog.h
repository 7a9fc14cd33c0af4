/*
 * catalog.h - the framework as data: data/framework.yaml, loaded and
 * validated at start.
 *
 * The five value models, their metrics, failure modes and leadership
 * moves; organisation-level signals; the three phases and their exit
 * gates; readiness dimensions; the six workflow foundations; industry
 * paths; business functions and the readiness level scale.  C code looks
 * things up here by id and never hard-codes a threshold or a text.
 *
 * Every string is owned by the catalog; catalog_free() releases all.
 */
#ifndef AIV_CATALOG_H
#define AIV_CATALOG_H

#include <jansson.h>

#include "aiv.h"

struct strlist {
	char **v;
	size_t n, alloc;
};

/*
 * A metric's default target (docs/metrics.md): with direction "up" a
 * value at or above at_risk is on track, one below off_track is off
 * track, and one in between is at risk (target >= at_risk >= off_track);
 * with "down" the same mirrored (target <= at_risk <= off_track).  An
 * organisation overrides them with a MetricTarget (assess/series.h).
 */
struct cat_metric {
	char *id, *name, *unit, *direction, *definition;
	double target, at_risk, off_track;
	int model; /* index into models, or -1 for a signal */
};

struct cat_failure {
	char *id, *name, *description, *signal, *move;
	struct strlist metrics;
};

struct cat_move {
	char *id, *name, *text;
};

struct cat_model {
	char *id, *name, *short_name, *color, *summary;
	int number;
	struct strlist practices;
	size_t first_metric, nmetrics; /* slice of catalog.metrics */
	struct cat_failure *failures;
	size_t nfailures;
	struct cat_move *moves;
	size_t nmoves;
};

struct cat_criterion {
	char *id, *description, *metric, *op;
	double value;
};

struct cat_phase {
	char *id, *name, *summary;
	int number;
	struct strlist models, goals;
	struct cat_criterion *gate;
	size_t ngate;
};

struct cat_named {
	char *id, *name, *description;
	struct strlist models; /* dimensions only */
};

struct cat_step {
	char *model, *focus;
};

struct cat_industry {
	char *id, *name, *summary;
	struct cat_step *steps;
	size_t nsteps;
};

struct cat_level {
	int level;
	char *name, *description;
};

struct catalog {
	char *source; /* file name, or "(built-in)" */
	int version;
	struct cat_named *functions;
	size_t nfunctions;
	struct cat_level *levels;
	size_t nlevels;
	struct cat_model *models;
	size_t nmodels;
	struct cat_metric *metrics; /* model metrics (grouped) then signals */
	size_t nmetrics, nmodel_metrics;
	struct cat_phase *phases;
	size_t nphases;
	struct cat_named *dimensions;
	size_t ndimensions;
	struct cat_named *foundations;
	size_t nfoundations;
	struct cat_industry *industries;
	size_t nindustries;
};

/*
 * Load and validate.  `path` NULL loads the built-in copy of
 * data/framework.yaml compiled into the binary.  On success *out is a
 * new catalog (catalog_free).  On failure err names FILE:LINE:COL.
 */
int catalog_load(struct catalog **out, const char *path, struct aiv_err *err);
/* Same from a buffer; `name` is used in messages. */
int catalog_load_buf(struct catalog **out, const char *name, const char *buf,
		     size_t len, struct aiv_err *err);
void catalog_free(struct catalog *c);

const struct cat_model *catalog_model(const struct catalog *c, const char *id);
const struct cat_metric *catalog_metric(const struct catalog *c, const char *id);
const struct cat_named *catalog_function(const struct catalog *c, const char *id);
const struct cat_phase *catalog_phase_by_number(const struct catalog *c, int n);

/*
 * Check that target, at_risk and off_track are ordered as `direction`
 * ("up" or "down") needs (see struct cat_metric).  NULL when they are;
 * otherwise a static text saying why, with *field the offending key
 * ("target", "at_risk" or "off_track").  Shared by the catalog loader
 * and the MetricTarget apply kind.
 */
const char *catalog_target_check(const char *direction, double target, double at_risk,
				 double off_track, const char **field);

/* The catalog as JSON (models with metrics, failure modes, moves; phases;
 * dimensions; foundations; industries).  New reference. */
json_t *catalog_to_json(const struct catalog *c);
/* One model as JSON.  New reference. */
json_t *catalog_model_json(const struct catalog *c, const struct cat_model *m);

#endif
