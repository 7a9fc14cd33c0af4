/*
 * state.h - `audit verify --state`: do the tables say what the ledger says?
 *
 * The chain proves the ledger was not edited; this proves the tables were
 * not edited behind it.  Each ledger-bound table is checked one of these
 * ways (docs/ledger.md has the full list, and the tables left unbound
 * with the reason):
 *
 *   replayed   the ledger's entries give every row's state: tokens (org/org_state.c,
 *              from token.create/revoke), objects and the typed rows the
 *              kinds write from specs (apply/apply_state.c), exceptions,
 *              readiness answers, change requests, frameworks ...
 *   digested   the entry holds state_sha256, a digest of the rows it wrote
 *              (usage.import, journeys.import, spans.import: added by
 *              ledger_append to entries appended from 2026-12 on; older
 *              entries have none and their rows are reported as not
 *              covered, never as bad)
 *   derived    the row carries its own hash chained into the ledger:
 *              decision_log (record -> digest -> decisions.batch), change
 *              signatures; or is content-addressed (evidence files, blobs)
 *
 * This file checks the digests; the owning layers register
 * the rest (the registry below), so no SQL on their tables lives here.
 *
 * The row digest: SHA-256 over each row in the query's order, each column
 * as "N" (NULL) or "V<length>:<bytes>" (the value as SQLite text or blob
 * bytes), each row ended by "\n".
 */
#ifndef AIV_LEDGER_STATE_H
#define AIV_LEDGER_STATE_H

#include <jansson.h>

#include "aiv.h"
#include "core/hash.h"
#include "store/store.h"

struct ledger_state_diff {
	char *table, *key, *what;
};

struct ledger_state_report {
	struct ledger_state_diff *v;
	size_t n, alloc;
	int64_t rows;      /* rows compared */
	int tables;        /* tables checked */
	int64_t uncovered; /* entries (or rows) too old to carry the digest or hash they are checked by */
};

void ledger_state_report_release(struct ledger_state_report *r);
/*
 * The report as JSON (new reference): {ok, tables, rows,
 * uncovered_imports, differences, diffs: [{table, key, what}]} with at
 * most 1000 diffs (differences counts them all).  `audit verify --json`
 * and GET /api/v1/audit/verify print this.
 */
json_t *ledger_state_report_json(const struct ledger_state_report *r);
/* Record one difference; at most 1000 are kept (n counts them all). */
void ledger_state_add(struct ledger_state_report *r, const char *table, const char *key,
		      const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/*
 * Run every check: the ledger's own (the digested imports), then
 * each registered one in registration order.  0 when they ran (r->n says
 * whether the tables match), negative on a store error.
 */
int ledger_state_verify(struct store *s, struct ledger_state_report *r, struct aiv_err *err);

/* ---- the registry: each layer checks the tables it owns -------------- */

/*
 * Each layer owns its tables (DESIGN.md), so the ledger does not query
 * them: the owning layer registers a check at start (from its
 * *_register_kinds() / *_register() function, which main calls), and
 * `audit verify` and GET /api/v1/audit/verify run them all through
 * ledger_state_verify().  A check adds one difference per bad row with
 * ledger_state_add() (naming the table and the row's key), counts
 * r->rows and r->tables, and returns non-zero only on a store error.
 */
typedef int (*ledger_state_check_fn)(struct store *s, struct ledger_state_report *r,
				     struct aiv_err *err);
/* Register fn (once: a second call with the same fn is ignored). */
void ledger_state_register(ledger_state_check_fn fn);

/*
 * A digested import: the rows an entry of `action` wrote are digested
 * into its payload's "state_sha256" object ({table: digest}) by
 * ledger_append, and compared again by verify.  Each query takes the
 * payload's integer `id_field` as its one parameter and must ORDER BY
 * every column; a query without '?' is a whole-table digest (for
 * append-only dictionaries the imports share), compared with the newest
 * entry of the action only.  At most 8 queries; the struct must outlive
 * the process (static).
 */
struct ledger_state_query {
	const char *table, *sql;
	int ncols;
};
struct ledger_state_import {
	const char *action, *id_field;
	struct ledger_state_query q[12]; /* ended by { NULL, NULL, 0 }: at most 11 */
};
void ledger_state_register_import(const struct ledger_state_import *bi);
/*
 * Say that `table` (static string) of a digested import was created by
 * schema version `version`: an older workspace opened read-only (never
 * migrated) lacks it, and its query is then left out of the digest.
 */
void ledger_state_table_since(const char *table, int version);
/*
 * Say that entries of a digested import written before `table`'s query
 * was narrowed digested it with `sql` (static string, same parameter,
 * over `ncols` columns): verify accepts an entry whose digest matches
 * either form.  For a column left out because it is filled in later (the
 * person of a usage row, re-joined when identities.import maps its
 * identity): old entries keep verifying while their rows are not
 * re-joined.  At most 8.
 */
void ledger_state_old_form(const char *table, const char *sql, int ncols);

/*
 * Say that whole-table `table` (static string) of a digested import only
 * ever grows by rows of larger ids: its query orders by an integer id in
 * its first column, and `tail_sql` (static string) is the same query
 * over the rows whose id is greater than its one parameter.  The digest
 * of each new entry of the import then goes on from the one this process
 * computed for the entry before it, hashing only the new rows, while that
 * entry is still the ledger's head and recorded that same digest (any
 * other entry in between, or one that recorded another digest, means the
 * whole table is read again).  The digest is the same either way; verify
 * always reads the whole table.  At most 8.
 */
void ledger_state_append_only(const char *table, const char *tail_sql);

/*
 * A stamp: entries of `action` (exactly, or every action starting with
 * it when it ends in '.'), and when `kind` is set only those whose
 * payload's "kind" is it, get fields added to their payload by fn (a
 * copy: fn adds to `payload`) inside the caller's transaction, after the
 * caller wrote its rows.  For a table written by more than one kind of
 * entry (identities: identities.import and Identity applies), each entry
 * can record what the table then was.  The struct must be static.
 */
typedef int (*ledger_state_stamp_fn)(struct store *s, json_t *payload, struct aiv_err *err);
struct ledger_state_stamp {
	const char *action, *kind;
	ledger_state_stamp_fn fn;
};
void ledger_state_register_stamp(const struct ledger_state_stamp *st);
/* 1 if the entry (action, parsed payload) is one that stamp `st` stamps. */
int ledger_state_stamps(const struct ledger_state_stamp *st, const char *action,
			const json_t *payload);

/*
 * For the checks: the payload of the newest entry of `action` (exactly)
 * for each value of its string field `key_field` (or integer, as decimal
 * text), as {value: payload} (new reference in *out), each payload with
 * "_seq" and "_actor" added.  Entries with an unreadable payload or
 * without the field are skipped (the chain check owns their form).
 */
int ledger_state_last_entries(struct store *s, const char *action, const char *key_field,
			      json_t **out, struct aiv_err *err);
/*
 * The payload of every entry whose action starts with `action_prefix` and
 * whose payload has `field` (NULL: any), as {"SEQ": payload} (new
 * reference in *out): for rows that name their entry.
 */
int ledger_state_entries_by_seq(struct store *s, const char *action_prefix, const char *field,
				json_t **out, struct aiv_err *err);

/*
 * The common shape of a replayed check.  Run `sql` (no parameters; its
 * first column is the row's key, as text) over `table`; for each row, look
 * the key up in `want` (an object of entries as ledger_state_last_entries
 * gives them, with "_seq"): a row without one is reported as written by
 * no `action` entry, a row with one is passed to fn (which adds its own
 * differences) and its key deleted from want; what is left in want is
 * reported missing (with its "_seq", or its key when it has none).
 * Counts r->rows; not r->tables.
 */
typedef void (*ledger_state_row_fn)(struct store_stmt *st, const json_t *entry,
				    struct ledger_state_report *r);
int ledger_state_match_rows(struct store *s, const char *table, const char *sql, json_t *want,
			    const char *action, ledger_state_row_fn fn,
			    struct ledger_state_report *r, struct aiv_err *err);

/* Helpers for the checks: o's string k, or ""; column i's text, or "" for NULL. */
const char *ledger_state_str(const json_t *o, const char *k);
const char *ledger_state_col(struct store_stmt *st, int i);

/*
 * Compare `table` in `have` (the workspace) with `want` (a replay):
 * `keys` and `cols` are comma-separated column lists (keys first, unique
 * together).  Each missing, extra or differing row is added to r.
 */
int ledger_state_compare(struct store *have, struct store *want, const char *table,
			 const char *keys, const char *cols, struct ledger_state_report *r,
			 struct aiv_err *err);

/*
 * The row digest (see above) of `sql`, whose first parameter (if any) is
 * bound to `arg`, over its first `ncols` columns.
 */
int ledger_rows_digest(struct store *s, const char *sql, int64_t arg, int ncols,
		       char out[SHA256_HEX], struct aiv_err *err);
/*
 * One row digest per group: `sql` (no parameters) selects the group key
 * (text) and then `ncols` columns, ordered by the key first; *out (new
 * reference) is {key: row digest of that group's rows}.  One pass, for
 * per-key digests of a whole table (identities, per person).
 */
int ledger_rows_digest_grouped(struct store *s, const char *sql, int ncols, json_t **out,
			       struct aiv_err *err);
/* The same with a text parameter (a key that is not an integer). */
int ledger_rows_digest_text(struct store *s, const char *sql, const char *arg, int ncols,
			    char out[SHA256_HEX], struct aiv_err *err);

/*
 * If `action` writes rows that ledger_append digests (see above), add
 * "state_sha256" to a copy of payload and return it (new reference);
 * otherwise return NULL.  Called by ledger_append inside the caller's
 * transaction, after the caller wrote the rows.
 */
int ledger_state_stamp(struct store *s, const char *action, const json_t *payload,
		       json_t **out, struct aiv_err *err);
/*
 * 0 when ledger_state_stamp never changes an entry of `action`, whatever
 * its payload: no stamp names it (or a prefix of it) and no import is
 * registered for it; else 1.
 */
int ledger_state_stamped(const char *action);

#endif
