/*
 * tally.h - the accounting every import ends with.
 *
 * An import must say what it did with each row of a real export: how many
 * it read, how many became data, how many it skipped and why (with the
 * first place each reason was seen), what else in the file it did not use
 * (metadata blocks, unknown columns), and which assumptions it made (date
 * order, inherited attributes, default titles).  A row that produced no
 * data is never silent: it is either used or skipped with a reason, so
 *
 *     read == used + skipped          (tally_balanced() checks it)
 *
 * The tally is printed by the CLI (tally_print), returned in --json and
 * recorded in the import's ledger entry (tally_json).  With `strict` set,
 * the first skip is an error instead (the `--strict` option).
 *
 * Reasons and assumptions are short lowercase phrases, constant per
 * cause ("seat assignee is a team", "no concept:name on trace"), so that
 * counts group; the place goes in `where` ("FILE:LINE", "record 12").
 * Order of first appearance is kept, so output is deterministic.
 */
#ifndef AIV_TALLY_H
#define AIV_TALLY_H

#include <stdint.h>
#include <stdio.h>

#include <jansson.h>

#include "err.h"

struct tally_item {
	char *what;       /* the reason or the note; owned */
	char *where;      /* first place seen, or NULL; owned */
	int64_t count;
};

struct tally {
	const char *unit;   /* "rows", "events", "lines" ...; borrowed, static */
	int64_t read;       /* rows read from the file */
	int64_t used;       /* rows that became data */
	int strict;         /* a skip is an error */
	struct tally_item *skips;       /* rows not used, by reason */
	size_t nskips, askips;
	struct tally_item *notes;       /* things in the file not used (not rows) */
	size_t nnotes, anotes;
	struct tally_item *assumptions; /* assumptions made, counted */
	size_t nassumptions, aassumptions;
};

/* Set up an empty tally counting `unit` (a static string). */
void tally_init(struct tally *t, const char *unit);
/* Free what t holds (not t itself); t may be re-initialised after. */
void tally_release(struct tally *t);

/*
 * A row was skipped for `reason` at `where` (may be NULL).  Returns 0, or
 * with t->strict an AIV_EINPUT error naming where and the reason (the
 * caller aborts the import; the count is still taken).
 */
int tally_skip(struct tally *t, const char *reason, const char *where, struct aiv_err *err);
/* Something that is not a row was not used (an attribute, a block). */
void tally_note(struct tally *t, const char *what, const char *where);
/* An assumption was made (counted: "date order day-first", "title from heading"). */
void tally_assume(struct tally *t, const char *what, const char *where);

int64_t tally_skipped(const struct tally *t);
/* 1 when read == used + skipped. */
int tally_balanced(const struct tally *t);

/*
 * {"unit", "read", "used", "skipped", "skips": [{reason, count, first}],
 *  "not_used": [{what, count, first}], "assumptions": [{what, count, first}]}
 * New reference; caller owns it.
 */
json_t *tally_json(const struct tally *t);
/* Read tally_json's form back (for ledger entries and tests); 0 or error. */
int tally_from_json(struct tally *t, const json_t *j, struct aiv_err *err);

/*
 * Plain words for people, one item a line, indented by `indent` spaces:
 *   read 8,577 events: 8,570 used, 7 skipped
 *     skipped 7: event without concept:name (first at log.xes:812)
 *     not used 3: nested attribute in <classifier> (first at log.xes:14)
 *     assumed 1,434: ...
 */
void tally_print(const struct tally *t, FILE *f, int indent);

#endif
