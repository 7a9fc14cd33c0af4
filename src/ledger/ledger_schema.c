/*
 * ledger_schema.c - the tables ledger/ owns, and their migrations:
 * the ledger table: the hash-chained record (ledger.c appends and verifies it).
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
};

const struct store_schema ledger_tables = {
	"ledger", ledger_migrations, STORE_SCHEMA_COUNT(ledger_migrations)
};
