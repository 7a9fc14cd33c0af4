/*
 * report_summary.h - the report's page one, typed, and the sentences the
 * report writes about findings, proven value and moves.
 *
 * report_summary_compute() reads a computed playbook_state (never the
 * store) into struct report_summary; the HTML, Markdown and JSON printers
 * of report.c write it.  Every figure goes through core/units.h, the one
 * formatter, so the same number reads the same on every page.
 */
#ifndef AIV_REPORT_SUMMARY_H
#define AIV_REPORT_SUMMARY_H

#include "assess/playbook.h"

#define REPORT_TOP 3

/* One supported hypothesis, in the metric's units. */
struct report_value {
	const struct hyp_result *h;  /* borrowed from the playbook state */
	char *metric_name;           /* the catalog name ("End-to-end cycle time") */
	char *title;                 /* the hypothesis title, or its name */
	char *sentence;              /* "End-to-end cycle time is 36 % faster: 2 d 02 h instead of 3 d 05 h" */
	char *interval;              /* "95 % interval: 28 % to 44 % faster", or "" */
	double relative;             /* improvement / baseline; NAN when the baseline is 0 */
};

/* One of the next moves, from the roadmap's typed result. */
struct report_move {
	const struct roadmap_step *step; /* borrowed */
	char *action;                /* what to do, as an action */
	char *owner;                 /* who owns it, or "owner to be named" */
};

struct report_summary {
	const char *organisation;    /* borrowed from report_meta; NULL: not given */
	int empty;                   /* nothing imported: no phase is claimed */
	int phase;                   /* earned phase number (0 when empty) */
	const char *phase_name;      /* borrowed from the catalog */
	size_t nphases;
	char *value_lead;            /* who pays back, in money (value.h's value_lead_sentence);
					NULL when no initiative has a hypothesis: the summary leads with it */
	char *phase_why;             /* the phase and why, in words */
	const struct finding *top[REPORT_TOP]; /* borrowed, most severe first */
	size_t ntop;
	struct report_value *value;  /* supported hypotheses, owned */
	size_t nvalue;
	struct report_move move[REPORT_TOP];
	size_t nmove;
};

/*
 * Fill *out from ps (borrowed: out must not outlive ps).  organisation
 * is the name printed on page one (borrowed; NULL when none was given).  Release with
 * report_summary_release().
 */
void report_summary_compute(const struct playbook_state *ps, const char *organisation,
			    struct report_summary *out);
void report_summary_release(struct report_summary *s);
/* The summary as JSON (new reference): the report JSON's "summary". */
json_t *report_summary_json(const struct report_summary *s);

/*
 * The steps to take in an empty workspace: what to import, in order, and
 * what each unlocks.  A NULL-terminated static table.
 */
struct report_setup_step {
	const char *what, *command, *unlocks;
};
extern const struct report_setup_step report_setup_steps[];

/*
 * A finding as prose: its summary as a sentence, then its typed evidence
 * in words and units ("Evidence: repeat use in customer_service 0.0 %
 * (target: at least 15 %); ...").  Appends plain text to sb (the caller
 * escapes it for HTML).  brief: only the figures that have a target (page
 * one), and without the failure mode's name when the summary starts with it
 * and the caller prints the name itself (brief 2).
 */
void report_finding_sentence(struct strbuf *sb, const struct finding *f, int brief);
/* A typed figure in its unit ("54 %", "2 d 03 h", "phase 1", "p = 0.004"). */
const char *report_figure_value(const struct finding_figure *g, double v, char *buf, size_t n);
/*
 * The word for a change of `improvement` (positive: better) in metric m:
 * "faster"/"slower" for durations, else "higher"/"lower" by the metric's
 * direction.  m may be NULL (then lower is better).
 */
const char *report_change_word(const struct cat_metric *m, double improvement);
/* A criterion's comparison in words: "at least", "at most", "exactly", "above", "under". */
const char *report_op_words(const char *op);
/*
 * A phase gate criterion's state in words: "now 1, needs exactly 0" or
 * "no data yet" (plain text into sb).
 */
void report_gate_words(struct strbuf *sb, const struct catalog *cat, const struct gate_result *g);
/* The move of a finding as an action: "Make good easy: <text>"; "" when none. */
void report_move_sentence(struct strbuf *sb, const struct finding *f);

#endif
