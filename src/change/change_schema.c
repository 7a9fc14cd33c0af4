/*
 * change_schema.c - the tables change/ owns, and their migrations:
 * model 4, change control: artefacts and their dependency edges, change
 * requests, signatures, stale marks, conflicts, findings, baselines.
 *
 * Only change/ holds SQL naming these tables; other layers call its
 * functions (docs/architecture.md, "Who owns which table";
 * tools/check-sql enforces it).  Append only: a released migration is never
 * edited, a change is a new version, unique across every layer's schema
 * (store.h).  Versions that also have parts in other layers (one
 * migrations.c held every table until December 2026) run with those parts
 * in one transaction, in layer order, which keeps an old workspace's schema
 * text identical to a new one's.
 */
#include "store/store.h"

static const struct store_migration change_migrations[] = {
	{ 3, "change control: artefacts, edges, change requests, signatures, stale marks, baselines",
	  "CREATE TABLE artefacts(id TEXT PRIMARY KEY, type TEXT NOT NULL, title TEXT NOT NULL,"
	  " owner TEXT NOT NULL, owner_kind TEXT NOT NULL, version INTEGER NOT NULL, path TEXT,"
	  " uri TEXT, fingerprint TEXT NOT NULL);"
	  "CREATE TABLE artefact_edges(src TEXT NOT NULL, dst TEXT NOT NULL, type TEXT NOT NULL,"
	  " PRIMARY KEY(src, dst));"
	  "CREATE INDEX artefact_edges_dst ON artefact_edges(dst);"
	  "CREATE TABLE change_blobs(sha256 TEXT PRIMARY KEY, content BLOB NOT NULL);"
	  "CREATE TABLE change_requests(id TEXT PRIMARY KEY, num INTEGER NOT NULL UNIQUE,"
	  " artefact TEXT NOT NULL, status TEXT NOT NULL, base_version INTEGER NOT NULL,"
	  " base_fingerprint TEXT NOT NULL, new_fingerprint TEXT NOT NULL, reason TEXT NOT NULL,"
	  " risk TEXT NOT NULL, author TEXT NOT NULL, generated_by TEXT, model TEXT,"
	  " impact TEXT NOT NULL, approval_path TEXT NOT NULL, opened_at INTEGER NOT NULL,"
	  " approved_at INTEGER, merged_at INTEGER, closed_at INTEGER, seq INTEGER NOT NULL,"
	  " evidence TEXT NOT NULL DEFAULT '[]');"
	  "CREATE INDEX change_requests_artefact ON change_requests(artefact);"
	  "CREATE TABLE change_signatures(id INTEGER PRIMARY KEY, cr TEXT NOT NULL,"
	  " artefact TEXT NOT NULL, decision TEXT NOT NULL, signer TEXT NOT NULL,"
	  " time TEXT NOT NULL, meaning TEXT NOT NULL, reason TEXT NOT NULL, record TEXT NOT NULL,"
	  " record_hash TEXT NOT NULL, ledger_seq INTEGER NOT NULL);"
	  "CREATE INDEX change_signatures_cr ON change_signatures(cr);"
	  "CREATE TABLE stale_marks(artefact TEXT NOT NULL, cr TEXT NOT NULL, cause TEXT NOT NULL,"
	  " path TEXT NOT NULL, marked_at INTEGER NOT NULL, cleared_at INTEGER, cleared_by TEXT,"
	  " signature INTEGER, PRIMARY KEY(artefact, cr));"
	  "CREATE TABLE change_conflicts(a TEXT NOT NULL, b TEXT NOT NULL, overlap TEXT NOT NULL,"
	  " detected_at INTEGER NOT NULL, resolved_at INTEGER, PRIMARY KEY(a, b));"
	  "CREATE TABLE change_findings(id INTEGER PRIMARY KEY, time INTEGER NOT NULL,"
	  " code TEXT NOT NULL, message TEXT NOT NULL, data TEXT NOT NULL);"
	  "CREATE TABLE baselines(name TEXT PRIMARY KEY, root TEXT NOT NULL,"
	  " created_at INTEGER NOT NULL, items TEXT NOT NULL);", NULL },
	/*
	 * Numbering the rows an older workspace holds needs their insertion
	 * order (rowid), so it is the SQLite backfill; run after the DDL, it
	 * leaves the same schema text and numbers as the one statement list of
	 * before.
	 */
	{ 7, "change control: artefacts and edges by integer number, so the graph loads without id lookups",
	  "ALTER TABLE artefacts ADD COLUMN num INTEGER;"
	  "CREATE INDEX artefacts_num ON artefacts(num, id, type);"
	  "ALTER TABLE artefact_edges ADD COLUMN src_num INTEGER;"
	  "ALTER TABLE artefact_edges ADD COLUMN dst_num INTEGER;",
	  STORE_SQLITE("UPDATE artefacts SET num = rowid;"
		       "UPDATE artefact_edges SET src_num = (SELECT num FROM artefacts a"
		       " WHERE a.id = artefact_edges.src), dst_num = (SELECT num FROM"
		       " artefacts a WHERE a.id = artefact_edges.dst);") },
};

const struct store_schema change_tables = {
	"change", change_migrations, STORE_SCHEMA_COUNT(change_migrations)
};
