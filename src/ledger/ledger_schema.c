/*
 * ledger_schema.c - the tables ledger/ owns, and their migrations:
 * the ledger table: the hash-chained record (ledger.c appends and verifies it);
 * ledger_entry: each entry's hash input as stored (verify hashes it as is).
 *
 * Only ledger/ holds SQL naming these tables; other layers call its
 * functions (docs/architecture.md, "Who owns which table";
 * tools/check-sql enforces it).  Append only: a released migration is never
 * edited, a change is a new version, unique across every layer's schema
 * (store.h).  Versions that also have parts in other layers (one
 * migrations.c held every table until December 2026) run with those parts
 * in one transaction, in layer order, which keeps an old workspace's schema
 * text identical to a new one's.
 */
#include "store/store.h"

static const struct store_migration ledger_migrations[] = {
	/* the first part of version 1, so its name covers apply's and org's parts */
	{ 1, "ledger, org and tokens",
	  "CREATE TABLE ledger("
	  " seq INTEGER PRIMARY KEY,"
	  " time TEXT NOT NULL,"
	  " actor TEXT NOT NULL,"
	  " action TEXT NOT NULL,"
	  " subject TEXT NOT NULL,"
	  " payload TEXT NOT NULL,"
	  " prev_hash TEXT NOT NULL,"
	  " hash TEXT NOT NULL);", NULL },
	/*
	 * Each entry's hash input as one blob (prev_hash then the canonical
	 * entry), so verify hashes it as stored and compares the fields with
	 * it in place (issue 20).  A table of its own, so that the ledger's
	 * rows keep their columns.  The backfill fills the entries whose
	 * strings need no JSON escaping (json_quote adds only the quotes),
	 * which lays out the same bytes as build_entry in ledger.c; any other
	 * old entry has no row here and verify lays it out from its fields as
	 * before.  The chain's bytes and hashes do not change.
	 */
	{ 17, "ledger: each entry's hash input stored as one blob, hashed as stored",
	  "CREATE TABLE ledger_entry(seq INTEGER PRIMARY KEY, entry BLOB NOT NULL);",
	  STORE_SQLITE("INSERT INTO ledger_entry(seq, entry) SELECT seq,"
		       " CAST(prev_hash || '{\"action\":' ||"
		       " json_quote(action) || ',\"actor\":' || json_quote(actor) ||"
		       " ',\"payload\":' || payload || ',\"seq\":' || seq ||"
		       " ',\"subject\":' || json_quote(subject) || ',\"time\":' ||"
		       " json_quote(time) || '}' AS BLOB) FROM ledger"
		       " WHERE json_quote(action) = '\"' || action || '\"'"
		       " AND json_quote(actor) = '\"' || actor || '\"'"
		       " AND json_quote(subject) = '\"' || subject || '\"'"
		       " AND json_quote(time) = '\"' || time || '\"'") },
};

const struct store_schema ledger_tables = {
	"ledger", ledger_migrations, STORE_SCHEMA_COUNT(ledger_migrations)
};
