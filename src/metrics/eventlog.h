/*
 * eventlog.h - the columnar in-memory event log every process kernel reads.
 *
 * One event is one row across parallel arrays ("columns"); every string
 * (case id, activity, resource, lifecycle transition, attribute keys and
 * values) is interned once (metrics/intern.h, the one interner) and stored
 * as a uint32_t id.
 *
 *   strs:  "3" "register request" "Pete" "examine casually" ...
 *           0          1            2            3
 *
 *   event   ev_case  activity  resource  time (int64 us)   lifecycle cost
 *   0       0        1         2         1293715920000000  NONE      50
 *   1       0        3         ...
 *
 * Building: eventlog_add() appends events in file order; eventlog_finish()
 * then groups them by case (cases in order of first appearance) and sorts
 * each case by (time, original position), counting the events that were
 * out of time order.  A log without timestamps (no_time) keeps file order.  After finish, the events of case c are the index
 * range [case_off[c], case_off[c+1]) and ev_case holds case indexes.
 *
 * Memory per event: ev_case, activity, resource 4 bytes each, time 8;
 * lifecycle (4) and cost (8) only when the log has them: 20..32 bytes,
 * at most 16 more while finish() permutes the columns.  Attributes other
 * than the standard ones are kept sparse as (owner, key, value) triples.
 */
#ifndef AIV_METRICS_EVENTLOG_H
#define AIV_METRICS_EVENTLOG_H

#include "aiv.h"
#include "metrics/intern.h"

#define EVL_NONE UINT32_MAX

enum evl_type {
	EVL_STRING = 0,
	EVL_DATE,
	EVL_INT,
	EVL_FLOAT,
	EVL_BOOL,
	EVL_ID,
	EVL_LIST,
};

/* A non-standard attribute: owner is a case (case attrs) or an event. */
struct eventlog_attr {
	uint32_t owner;
	uint32_t key;   /* interned key */
	uint32_t value; /* interned value text (dates as ISO UTC text) */
	uint32_t type;  /* enum evl_type */
};

struct eventlog {
	struct intern strs;
	size_t n, alloc;        /* events */
	uint32_t *ev_case;      /* before finish: case name id; after: case index */
	uint32_t *activity;
	uint32_t *resource;     /* EVL_NONE where absent */
	int64_t *time;          /* microseconds since the epoch, UTC */
	uint32_t *lifecycle;    /* NULL if no event has one; else EVL_NONE where absent */
	double *cost;           /* NULL if no event has one; else NaN where absent */

	uint32_t ncases;
	uint32_t *case_name;    /* interned case id, per case (after finish) */
	size_t *case_off;       /* ncases + 1 offsets (after finish) */
	size_t out_of_order;    /* events found earlier than their predecessor */

	struct eventlog_attr *cattrs; /* owner: case name id, then case index */
	size_t ncattrs, acattrs;
	struct eventlog_attr *eattrs; /* owner: event index (file order, then sorted) */
	size_t neattrs, aeattrs;
	int finished;
	/*
	 * No event has a timestamp (time:timestamp is optional in IEEE 1849):
	 * time[] is all 0, events stay in file order within their case, and
	 * every time figure (durations, waits, weeks) is unknown, not 0.
	 */
	int no_time;
};

void eventlog_init(struct eventlog *l);
void eventlog_release(struct eventlog *l);

static inline uint32_t eventlog_intern(struct eventlog *l, const char *s, size_t len)
{
	return intern_idn(&l->strs, s, len);
}
static inline const char *eventlog_str(const struct eventlog *l, uint32_t id)
{
	return id == EVL_NONE ? "" : intern_str(&l->strs, id);
}

/*
 * Room for n events before appends grow the columns (an importer's estimate
 * from the file's size; a wrong one only costs a later copy or unused
 * address space, which is not touched).
 */
void eventlog_reserve(struct eventlog *l, size_t n);

/* Append one event (file order); returns its index.  Ids from eventlog_intern. */
size_t eventlog_add(struct eventlog *l, uint32_t case_name, uint32_t activity,
		    uint32_t resource, int64_t time_us);
void eventlog_set_lifecycle(struct eventlog *l, size_t ev, uint32_t lifecycle);
void eventlog_set_cost(struct eventlog *l, size_t ev, double cost);
void eventlog_add_case_attr(struct eventlog *l, uint32_t case_name, uint32_t key,
			    enum evl_type type, uint32_t value);
void eventlog_add_event_attr(struct eventlog *l, size_t ev, uint32_t key,
			     enum evl_type type, uint32_t value);

/*
 * Group by case and sort within cases (see the top of this file).  Case
 * attributes of case names that have no event are dropped.  Fails with
 * AIV_EINPUT on an empty log.  Idempotent once finished.
 */
int eventlog_finish(struct eventlog *l, struct aiv_err *err);

/* Number of distinct activities (after finish). */
uint32_t eventlog_count_activities(const struct eventlog *l);

/*
 * Value id of attribute `key` for case c: the case attribute, else the
 * first event of the case carrying it as an event attribute; EVL_NONE if
 * neither.  key is a string id; O(attributes) per call, so callers that
 * ask for every case use eventlog_case_attr_all().
 */
uint32_t eventlog_case_attr(const struct eventlog *l, uint32_t c, uint32_t key);
/* The same for every case at once into out[ncases]. */
void eventlog_case_attr_all(const struct eventlog *l, uint32_t key, uint32_t *out);

#endif
