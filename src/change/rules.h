/*
 * rules.h - change-control rules: approval paths, staleness propagation,
 * governance-rate thresholds (data/change-rules.yaml, validated strictly).
 *
 * The rules are data, like the catalog: an organisation tunes who must
 * approve what without a rebuild.  Function ids are checked against the
 * catalog, artefact and edge types against artefact.h, and every error
 * says FILE:LINE:COL.
 */
#ifndef AIV_CHANGE_RULES_H
#define AIV_CHANGE_RULES_H

#include <jansson.h>

#include "aiv.h"
#include "catalog/catalog.h"

enum { RISK_LOW, RISK_MEDIUM, RISK_HIGH, RISK_N };
enum { IMPACT_NONE, IMPACT_FIRST_HOP, IMPACT_TRANSITIVE };

#define RULES_EDGE_TYPES 5

struct change_rules {
	char *source;
	json_t *by_type;                   /* artefact type -> [function ids] */
	json_t *by_risk;                   /* risk -> [function ids] */
	int impacted[RULES_EDGE_TYPES];    /* IMPACT_* per edge type index */
	int quorum[RISK_N];
	int author_is_owner_manager;       /* 1: the author's manager stands in */
	unsigned propagate_mask;           /* edge types that carry staleness */
	int window_days;
	int max_backlog;
	double max_ai_per_approval;
};

/*
 * Load rules from `path`, or the built-in data/change-rules.yaml when NULL.
 * *out is new (change_rules_free).  cat validates function ids.
 */
int change_rules_load(struct change_rules **out, const char *path,
		      const struct catalog *cat, struct aiv_err *err);
int change_rules_load_buf(struct change_rules **out, const char *name,
			  const char *buf, size_t len, const struct catalog *cat,
			  struct aiv_err *err);
void change_rules_free(struct change_rules *r);

/* "low" "medium" "high" -> RISK_*, or -1. */
int change_risk_index(const char *s);
extern const char *const change_risks[];

#endif
