/*
 * assess_schema.c - the tables assess/ owns, and their migrations:
 * the playbook: readiness answers and evidence files, hypotheses,
 * observations, phase verdicts, imported frameworks.
 *
 * Only assess/ holds SQL naming these tables; other layers call its
 * functions (docs/architecture.md, "Who owns which table";
 * tools/check-sql enforces it).  Append only: a released migration is never
 * edited, a change is a new version, unique across every layer's schema
 * (store.h).  Versions that also have parts in other layers (one
 * migrations.c held every table until December 2026) run with those parts
 * in one transaction, in layer order, which keeps an old workspace's schema
 * text identical to a new one's.
 */
#include "store/store.h"

static const struct store_migration assess_migrations[] = {
	{ 6, "playbook: readiness, evidence files, hypotheses, observations, phase verdicts, imported frameworks",
	  "CREATE TABLE evidence_files(sha256 TEXT PRIMARY KEY, name TEXT NOT NULL,"
	  " size INTEGER NOT NULL, content BLOB NOT NULL, stored_at TEXT NOT NULL);"
	  "CREATE TABLE readiness_sets(id INTEGER PRIMARY KEY, created_at TEXT NOT NULL,"
	  " actor TEXT NOT NULL, origin TEXT NOT NULL, seq INTEGER NOT NULL);"
	  "CREATE TABLE readiness_answers(set_id INTEGER NOT NULL REFERENCES readiness_sets(id),"
	  " question TEXT NOT NULL, choice INTEGER NOT NULL, level INTEGER NOT NULL,"
	  " provenance TEXT NOT NULL, evidence_sha TEXT REFERENCES evidence_files(sha256),"
	  " evidence_name TEXT, source TEXT, note TEXT, answered_at TEXT NOT NULL,"
	  " PRIMARY KEY(set_id, question));"
	  "CREATE TABLE readiness_draft(question TEXT PRIMARY KEY, choice INTEGER NOT NULL,"
	  " level INTEGER NOT NULL, provenance TEXT NOT NULL, evidence_sha TEXT,"
	  " evidence_name TEXT, source TEXT, answered_at TEXT NOT NULL);"
	  "CREATE TABLE hypotheses(name TEXT PRIMARY KEY,"
	  " initiative TEXT NOT NULL REFERENCES initiatives(name) DEFERRABLE INITIALLY DEFERRED,"
	  " metric TEXT NOT NULL, criteria_hash TEXT NOT NULL, supersedes TEXT, spec TEXT NOT NULL);"
	  "CREATE TABLE observation_imports(sha256 TEXT PRIMARY KEY, name TEXT NOT NULL,"
	  " nrows INTEGER NOT NULL, seq INTEGER NOT NULL);"
	  "CREATE TABLE observations(id INTEGER PRIMARY KEY,"
	  " import_sha TEXT NOT NULL REFERENCES observation_imports(sha256),"
	  " initiative TEXT NOT NULL, unit TEXT NOT NULL, metric TEXT NOT NULL,"
	  " time_us INTEGER NOT NULL, value REAL NOT NULL, attrs TEXT);"
	  "CREATE INDEX observations_im ON observations(initiative, metric);"
	  "CREATE TABLE phase_verdicts(id INTEGER PRIMARY KEY, computed_at TEXT NOT NULL,"
	  " earned INTEGER NOT NULL, verdict TEXT NOT NULL, verdict_hash TEXT NOT NULL,"
	  " seq INTEGER NOT NULL);"
	  "CREATE TABLE frameworks(urn TEXT PRIMARY KEY, ref_id TEXT, name TEXT NOT NULL,"
	  " version INTEGER NOT NULL, provider TEXT, sha256 TEXT NOT NULL,"
	  " min_score REAL NOT NULL, max_score REAL NOT NULL, scores TEXT NOT NULL,"
	  " groups TEXT NOT NULL, seq INTEGER NOT NULL);"
	  "CREATE TABLE framework_nodes(framework TEXT NOT NULL REFERENCES frameworks(urn),"
	  " ord INTEGER NOT NULL, urn TEXT NOT NULL, parent_urn TEXT, depth INTEGER NOT NULL,"
	  " assessable INTEGER NOT NULL, ref_id TEXT, name TEXT, description TEXT,"
	  " groups TEXT NOT NULL, PRIMARY KEY(framework, urn));", NULL },
	/*
	 * Answers are listed in the order they were given; that order was
	 * rowid, which only SQLite has.  New rows take max(ord) + 1, which is
	 * what SQLite's rowid was, so old and new rows keep their order.
	 */
	{ 13, "playbook: readiness answers keep their order in a column (rowid is SQLite's alone)",
	  "ALTER TABLE readiness_answers ADD COLUMN ord INTEGER;"
	  "ALTER TABLE readiness_draft ADD COLUMN ord INTEGER;",
	  STORE_SQLITE("UPDATE readiness_answers SET ord = rowid;"
		       "UPDATE readiness_draft SET ord = rowid;") },
	/*
	 * Metric history (series.h): a cache derived from ledgered data (the
	 * usage imports, people and teams), not bound to the ledger.  The
	 * marks row holds the fingerprint the stored points were computed
	 * from; a stale mark makes readers compute in memory.
	 */
	{ 14, "metric history: stored weekly and monthly series per metric and breakdown",
	  "CREATE TABLE metric_series(metric TEXT NOT NULL, period TEXT NOT NULL,"
	  " period_start INTEGER NOT NULL, breakdown TEXT NOT NULL, grp TEXT NOT NULL,"
	  " label TEXT NOT NULL, as_of_day INTEGER NOT NULL, have INTEGER NOT NULL,"
	  " value REAL NOT NULL, why TEXT NOT NULL,"
	  " PRIMARY KEY(metric, period, period_start, breakdown, grp));"
	  "CREATE TABLE metric_series_marks(id INTEGER PRIMARY KEY, usage TEXT NOT NULL,"
	  " org TEXT NOT NULL, last_day INTEGER NOT NULL, computed INTEGER NOT NULL,"
	  " refreshed_points INTEGER NOT NULL);",
	  NULL },
};

const struct store_schema assess_tables = {
	"assess", assess_migrations, STORE_SCHEMA_COUNT(assess_migrations)
};
