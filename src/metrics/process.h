/*
 * process.h - process-mining figures over a finished columnar event log.
 *
 * One call computes everything into a plain result struct; printers
 * (terminal, JSON, Graphviz) read the struct and never the log's store.
 * Definitions (docs/process.md says the same for users):
 *   - every event counts, whatever its lifecycle transition;
 *   - variant: the sequence of activity names of a case, every event
 *     included (so "A start, A complete" is the variant A,A);
 *   - case duration: last event time - first event time of a case;
 *   - waiting time before activity X: for each event of X that is not
 *     first in its case, its time minus the previous event's time;
 *   - directly-follows edge a->b: consecutive events of a case; its time
 *     is b's time minus a's time;
 *   - handover r->s: consecutive events of a case with resources r != s
 *     (events without a resource break no chain: they are skipped pairs);
 *   - rework: a case in which some activity occurs more than once; an
 *     activity's repeats are its occurrences beyond the first per case;
 *   - cases started per week: ISO 8601 week (UTC) of the first event;
 *   - a log without timestamps: counts, variants (file order), DFG
 *     counts, rework and handovers as usual; every time figure unknown.
 * Percentiles are type 7 (metrics/stats.h).  Times are seconds.
 */
#ifndef AIV_METRICS_PROCESS_H
#define AIV_METRICS_PROCESS_H

#include "aiv.h"
#include "metrics/eventlog.h"

struct pstat_summary {
	size_t n;
	double min, median, mean, p90, max;
};

struct pstat_variant {
	uint32_t first_case; /* a case with this variant (the first one) */
	uint32_t len;        /* events */
	size_t count;
};

struct pstat_activity {
	uint32_t activity;
	size_t events;
	size_t cases;          /* cases with at least one event of it */
	struct pstat_summary wait; /* waiting time before it, seconds */
	size_t rework_cases;   /* cases where it occurs more than once */
	size_t repeats;        /* occurrences beyond the first per case */
};

struct pstat_edge {
	uint32_t from, to;     /* activity ids (dfg) or resource ids (handovers) */
	size_t count;
	double median, p90;    /* seconds (dfg only) */
};

struct pstat_week {
	int year, week;
	size_t cases;
};

struct process_stats {
	size_t cases, events, activities, resources, out_of_order;
	int64_t first_time, last_time; /* us */
	struct pstat_summary duration;
	double *durations;          /* per included case, sorted ascending, seconds */
	struct pstat_variant *variants; /* by count desc, then first appearance */
	size_t nvariants;
	struct pstat_activity *acts;    /* by events desc, then name */
	size_t nacts;
	struct pstat_edge *dfg;         /* by count desc */
	size_t ndfg;
	struct pstat_edge *starts, *ends; /* to = activity; by count desc */
	size_t nstarts, nends;
	struct pstat_edge *handovers;   /* by count desc */
	size_t nhandovers, handover_total;
	size_t rework_cases;
	struct pstat_week *weeks;       /* ascending */
	size_t nweeks;
	double cost_total;              /* NaN when the log has no costs */
	size_t cost_cases;              /* cases with at least one cost */
	/*
	 * The log has no timestamps: durations[] are NaN, duration, waits and
	 * DFG times are NaN summaries (n = 0), no weeks, first/last_time 0.
	 * Printers say "no timestamps" (text) or null (JSON).
	 */
	int no_time;
};

/*
 * Compute figures over the cases c with (mask == NULL || mask[c]).  The
 * log must be finished and is borrowed.  Release with process_stats_release.
 * A mask selecting no case gives zero counts and NaN summaries.
 */
void process_stats_compute(const struct eventlog *l, const uint8_t *mask,
			   struct process_stats *out);
void process_stats_release(struct process_stats *s);

/*
 * Only the case figures of process_stats_compute over the same cases, the
 * same numbers: cases, rework_cases, and durations (cases entries, sorted
 * when the log is timed, NaN each when not; free() it).  The process
 * metrics' evidence needs nothing else, and the DFG, handovers and
 * variants cost most of a computation (the large demo's 531,820 handover
 * pairs).
 */
struct process_cases {
	size_t cases, rework_cases;
	double *durations;
};
void process_cases_compute(const struct eventlog *l, const uint8_t *mask,
			   struct process_cases *out);

/* ISO 8601 week of a UTC instant. */
void process_iso_week(int64_t us, int *year, int *week);

#endif
