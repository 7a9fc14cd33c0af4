/*
 * apply_schema.c - the tables apply/ owns, and their migrations:
 * the objects table: the declarative specs that `apply` stores (apply.c).
 *
 * Only apply/ holds SQL naming these tables; other layers call its
 * functions (docs/architecture.md, "Who owns which table";
 * tools/check-sql enforces it).  Append only: a released migration is never
 * edited, a change is a new version, unique across every layer's schema
 * (store.h).  Versions that also have parts in other layers (one
 * migrations.c held every table until December 2026) run with those parts
 * in one transaction, in layer order, which keeps an old workspace's schema
 * text identical to a new one's.
 */
#include "store/store.h"

static const struct store_migration apply_migrations[] = {
	{ 1, "ledger, org and tokens",
	  "CREATE TABLE objects("
	  " kind TEXT NOT NULL,"
	  " name TEXT NOT NULL,"
	  " spec TEXT NOT NULL,"
	  " spec_hash TEXT NOT NULL,"
	  " created_seq INTEGER NOT NULL,"
	  " updated_seq INTEGER NOT NULL,"
	  " PRIMARY KEY(kind, name));", NULL },
	{ 20, "objects by updated_seq, so the applied objects' mark is read from an index",
	  /*
	   * apply_objects_mark() (max(updated_seq), count(*)) runs at every
	   * decision's commit (control's snapshot mark); without it each read
	   * scanned every object's spec: 800 decisions over the large demo's
	   * 20,000 people were 10 % of its CPU.
	   */
	  "CREATE INDEX objects_updated ON objects(updated_seq);", NULL },
};

const struct store_schema apply_tables = {
	"apply", apply_migrations, STORE_SCHEMA_COUNT(apply_migrations)
};
