/*
 * usage.h - importing AI-usage exports: `aivalue import usage FILE --format F`.
 *
 * A reader (one per vendor format, see usage_readers[]) parses its file
 * as a stream and hands normalised rows to the import sink:
 *
 *   file --> reader (csv/jsonl/copilot-users/m365-copilot/...)
 *              |  usage_emit(): one usage event
 *              |  usage_emit_seat() / _team() / _workflow(): licences,
 *              |  team membership, shared workflows (GPTs, templates)
 *              v
 *            sink: identity -> person (identity map, people.email,
 *                  people.name), duplicate-row check, tenant check,
 *                  SHA-256 over the normalised rows, rows into plain
 *                  tables inside one store transaction
 *              |
 *              v
 *            one ledger entry "usage.import" {rows, content_hash, ...}
 *
 * All-or-nothing: any error rolls the transaction back.  Idempotent: the
 * content hash covers the normalised rows, and an import whose hash is
 * already in usage_imports changes nothing (summary.already is set).
 * Identities that match no person are imported (person NULL) and listed
 * in the summary and in usage_unmatched, never dropped.
 */
#ifndef AIV_INGEST_USAGE_H
#define AIV_INGEST_USAGE_H

#include <stdio.h>

#include "aiv.h"
#include "core/hash.h"
#include "core/tally.h"
#include "store/store.h"

struct usage_import; /* the sink, opaque to readers */

struct usage_row {
	const char *identity; /* login, UPN, email or hashed id as in the file */
	int64_t time_us;      /* UTC microseconds */
	const char *tool;     /* "github-copilot", "chatgpt-enterprise", ... */
	const char *feature;  /* "chat", "agent", "Word", ... ("" when none) */
	const char *workflow; /* template / GPT / agent id ("" when none) */
	int64_t count;        /* intentional actions, >= 0 */
	long line;            /* record's line, for messages */
	const char *uid;      /* source's own row id (span id), or NULL: when
				 set, duplicates are judged by it alone */
};

struct usage_opts {
	const char *format;   /* reader name */
	const char *map;      /* generic readers: "person=email,time=ts,..." or NULL */
	const char *tool;     /* generic readers: tool when no column gives it */
	int dry_run;          /* parse and check everything, write nothing */
	int strict;           /* a skipped row is an error (--strict) */
	/* called every few thousand rows (may be NULL) */
	void (*progress)(void *data, int64_t rows, int64_t bytes);
	void *progress_data;
};

struct usage_unmatched {
	char *identity;
	int64_t rows;
};

struct usage_summary {
	char format[32];
	int64_t import_id;     /* new import, or the earlier identical one */
	int64_t ledger_seq;
	int64_t rows, skipped, seats, teams, workflows, org_days;
	int64_t token_rows;     /* spans with token counts (usage_tokens rows) */
	int64_t people_matched; /* distinct people the rows were joined to */
	int64_t unmatched_rows;
	int64_t min_time_us, max_time_us; /* events stored by this import (rows > 0) */
	int already;            /* identical content was imported before */
	char content_hash[SHA256_HEX];
	/* rows read, used, skipped by reason, not used, assumptions; also in
	 * the import's ledger entry */
	struct tally tally;
	struct usage_unmatched *unmatched; /* sorted by rows desc, identity */
	size_t nunmatched, aunmatched;
};

void usage_summary_release(struct usage_summary *sum);

/*
 * Import `path` ("-" for stdin) with the reader o->format.  `s` may be
 * NULL only with o->dry_run (parse and validate without a workspace,
 * e.g. for fuzzing).  On error nothing is changed and err names FILE,
 * LINE and column or field.  sum is filled on success (release it).
 */
int usage_import_file(struct store *s, const char *actor, const char *path,
		      const struct usage_opts *o, struct usage_summary *sum,
		      struct aiv_err *err);
/*
 * A run of imports into a workspace that holds no seat rows yet (the
 * demo's year of exports): usage_run_begin() drops the index of the seat
 * rows by person, usage_run_end() builds it again, as migration 10 did.
 * Each weekly snapshot lists every seat, so each import's commit otherwise
 * rewrote nearly every page of that index (random keys); built once at the
 * end it is written once.  The stored rows and figures are the same.
 * usage_run_end() is also the way out after a failed import.
 */
int usage_run_begin(struct store *s, struct aiv_err *err);
int usage_run_end(struct store *s, struct aiv_err *err);
/* Same from an open stream; `name` is used in messages. */
int usage_import_stream(struct store *s, const char *actor, FILE *f,
			const char *name, const struct usage_opts *o,
			struct usage_summary *sum, struct aiv_err *err);

/*
 * Materialise every stored usage event (columnar blocks and rows of
 * older workspaces) as the temporary table usage_rows(import_id, person,
 * identity, time_us, day, tool, feature, workflow, count), replacing an
 * earlier one: for SQL inspection (tests, the benchmark's baseline).
 * Not for the metrics, which read the blocks (usage_load, usage_load.h).
 */
int usage_rows_table(struct store *s, struct aiv_err *err);

/* Sink calls for readers.  Each returns 0 or a negative code with err set. */
int usage_emit(struct usage_import *im, const struct usage_row *row, struct aiv_err *err);
/* A licensed seat for identity on tool, seen on `day` (days since epoch). */
int usage_emit_seat(struct usage_import *im, const char *identity, const char *tool,
		    int64_t day, struct aiv_err *err);
/* The schema version that created usage_tokens (ingest_schema.c). */
#define USAGE_TOKENS_VERSION 15

/*
 * Token counts of one GenAI span: identity's `input`/`output` tokens of
 * `model` (by provider `tool`) on `day` (usage_tokens, digested with the
 * import).  The counts are 0 or more; the caller checks them.
 */
int usage_emit_tokens(struct usage_import *im, const char *identity, const char *tool,
		      const char *model, int64_t day, int64_t input, int64_t output,
		      struct aiv_err *err);
/* Identity belonged to vendor team `team` on `day`. */
int usage_emit_team(struct usage_import *im, const char *identity, const char *team,
		    int64_t day, struct aiv_err *err);
/* A shared workflow (custom GPT, template, agent) and its creator. */
int usage_emit_workflow(struct usage_import *im, const char *tool, const char *workflow,
			const char *title, const char *creator_identity, int64_t day,
			struct aiv_err *err);
/* Vendor daily totals without people (legacy Copilot org metrics). */
int usage_emit_org_day(struct usage_import *im, const char *tool, int64_t day,
		       int64_t active, int64_t engaged, struct aiv_err *err);
/*
 * The tenant (organisation, enterprise, account) a record belongs to:
 * the first one seen is the file's; a different one is an error naming
 * `field` at line:col.
 */
int usage_tenant(struct usage_import *im, const char *tenant, const char *field,
		 long line, long col, struct aiv_err *err);
/* Mark the row being produced as a snapshot repeat to skip if already stored. */
void usage_set_snapshot(struct usage_import *im, int on);
/* Progress hook for readers (bytes read so far). */
void usage_progress_bytes(struct usage_import *im, int64_t bytes);
/* File name the import reads (borrowed). */
const char *usage_file(const struct usage_import *im);
const struct usage_opts *usage_options(const struct usage_import *im);
/*
 * The import's accounting (the summary's tally, borrowed): the sink sets
 * it up with unit "rows" and o->strict; a reader may set another static
 * unit before counting, counts read and used, and calls tally_skip() for
 * every row it drops.  The sink refuses an import whose reader left
 * read != used + skipped.
 */
struct tally *usage_tally(struct usage_import *im);

/* A reader: parse stream f and call the sink. */
struct usage_reader {
	const char *format;
	const char *summary;
	int (*read)(struct usage_import *im, FILE *f, struct aiv_err *err);
};

extern const struct usage_reader usage_readers[];
const struct usage_reader *usage_reader_find(const char *format);

/*
 * Helpers shared by the readers (ingest/usage_util.c).
 * Normalise a header/key for tolerant matching: lowercase ASCII letters
 * and digits only ("User Principal Name" == "userPrincipalName").
 */
void usage_norm_key(const char *in, char *out, size_t outsz);
/* Parse a count: a non-negative integer (a float with .0 is accepted). */
int usage_parse_count(const char *s, int64_t *out);
/*
 * Parse a time: ISO 8601 date or date-time, or Unix epoch seconds,
 * milliseconds or microseconds (by magnitude).  Returns 0 or -1.
 */
int usage_parse_time(const char *s, int64_t *us);

#define USAGE_US_PER_DAY 86400000000LL
static inline int64_t usage_day_of(int64_t us)
{
	return us >= 0 ? us / USAGE_US_PER_DAY : -((-us + USAGE_US_PER_DAY - 1) / USAGE_US_PER_DAY);
}

#endif
