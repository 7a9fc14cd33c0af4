/*
 * migrations.c - the numbered schema history of an aivalue workspace.
 *
 * Append only: a released migration is never edited, a change is a new
 * number.  SQL stays in the portable subset described in store.h.
 * References between org objects are DEFERRABLE INITIALLY DEFERRED so a
 * single apply can create a team and its lead in either order; they are
 * checked at commit.
 */
#include "backend.h"

const struct migration store_migrations[] = {
	{ 1, "ledger, org and tokens",
	  "CREATE TABLE ledger("
	  " seq INTEGER PRIMARY KEY,"
	  " time TEXT NOT NULL,"
	  " actor TEXT NOT NULL,"
	  " action TEXT NOT NULL,"
	  " subject TEXT NOT NULL,"
	  " payload TEXT NOT NULL,"
	  " prev_hash TEXT NOT NULL,"
	  " hash TEXT NOT NULL);"
	  "CREATE TABLE objects("
	  " kind TEXT NOT NULL,"
	  " name TEXT NOT NULL,"
	  " spec TEXT NOT NULL,"
	  " spec_hash TEXT NOT NULL,"
	  " created_seq INTEGER NOT NULL,"
	  " updated_seq INTEGER NOT NULL,"
	  " PRIMARY KEY(kind, name));"
	  "CREATE TABLE teams("
	  " name TEXT PRIMARY KEY,"
	  " title TEXT NOT NULL,"
	  " function TEXT NOT NULL,"
	  " parent TEXT REFERENCES teams(name) DEFERRABLE INITIALLY DEFERRED,"
	  " lead TEXT REFERENCES people(name) DEFERRABLE INITIALLY DEFERRED);"
	  "CREATE TABLE people("
	  " name TEXT PRIMARY KEY,"
	  " display_name TEXT NOT NULL,"
	  " email TEXT,"
	  " role TEXT NOT NULL,"
	  " team TEXT NOT NULL REFERENCES teams(name) DEFERRABLE INITIALLY DEFERRED,"
	  " manager TEXT REFERENCES people(name) DEFERRABLE INITIALLY DEFERRED,"
	  " champion INTEGER NOT NULL DEFAULT 0);"
	  "CREATE INDEX people_team ON people(team);"
	  "CREATE TABLE initiatives("
	  " name TEXT PRIMARY KEY,"
	  " title TEXT NOT NULL,"
	  " model TEXT NOT NULL,"
	  " owner TEXT NOT NULL REFERENCES people(name) DEFERRABLE INITIALLY DEFERRED,"
	  " phase INTEGER NOT NULL,"
	  " status TEXT NOT NULL,"
	  " description TEXT);"
	  "CREATE TABLE tokens("
	  " id INTEGER PRIMARY KEY,"
	  " name TEXT NOT NULL UNIQUE,"
	  " role TEXT NOT NULL,"
	  " hash TEXT NOT NULL UNIQUE,"
	  " agent TEXT,"
	  " created_at TEXT NOT NULL,"
	  " revoked_at TEXT);" },
	{ 3, "change control: artefacts, edges, change requests, signatures, stale marks, baselines", "CREATE TABLE artefacts(id TEXT PRIMARY KEY, type TEXT NOT NULL, title TEXT NOT NULL, owner TEXT NOT NULL, owner_kind TEXT NOT NULL, version INTEGER NOT NULL, path TEXT, uri TEXT, fingerprint TEXT NOT NULL); CREATE TABLE artefact_edges(src TEXT NOT NULL, dst TEXT NOT NULL, type TEXT NOT NULL, PRIMARY KEY(src, dst)); CREATE INDEX artefact_edges_dst ON artefact_edges(dst); CREATE TABLE change_blobs(sha256 TEXT PRIMARY KEY, content BLOB NOT NULL); CREATE TABLE change_requests(id TEXT PRIMARY KEY, num INTEGER NOT NULL UNIQUE, artefact TEXT NOT NULL, status TEXT NOT NULL, base_version INTEGER NOT NULL, base_fingerprint TEXT NOT NULL, new_fingerprint TEXT NOT NULL, reason TEXT NOT NULL, risk TEXT NOT NULL, author TEXT NOT NULL, generated_by TEXT, model TEXT, impact TEXT NOT NULL, approval_path TEXT NOT NULL, opened_at INTEGER NOT NULL, approved_at INTEGER, merged_at INTEGER, closed_at INTEGER, seq INTEGER NOT NULL, evidence TEXT NOT NULL DEFAULT '[]'); CREATE INDEX change_requests_artefact ON change_requests(artefact); CREATE TABLE change_signatures(id INTEGER PRIMARY KEY, cr TEXT NOT NULL, artefact TEXT NOT NULL, decision TEXT NOT NULL, signer TEXT NOT NULL, time TEXT NOT NULL, meaning TEXT NOT NULL, reason TEXT NOT NULL, record TEXT NOT NULL, record_hash TEXT NOT NULL, ledger_seq INTEGER NOT NULL); CREATE INDEX change_signatures_cr ON change_signatures(cr); CREATE TABLE stale_marks(artefact TEXT NOT NULL, cr TEXT NOT NULL, cause TEXT NOT NULL, path TEXT NOT NULL, marked_at INTEGER NOT NULL, cleared_at INTEGER, cleared_by TEXT, signature INTEGER, PRIMARY KEY(artefact, cr)); CREATE TABLE change_conflicts(a TEXT NOT NULL, b TEXT NOT NULL, overlap TEXT NOT NULL, detected_at INTEGER NOT NULL, resolved_at INTEGER, PRIMARY KEY(a, b)); CREATE TABLE change_findings(id INTEGER PRIMARY KEY, time INTEGER NOT NULL, code TEXT NOT NULL, message TEXT NOT NULL, data TEXT NOT NULL); CREATE TABLE baselines(name TEXT PRIMARY KEY, root TEXT NOT NULL, created_at INTEGER NOT NULL, items TEXT NOT NULL);" },
	{ 6, "playbook: readiness, evidence files, hypotheses, observations, phase verdicts, imported frameworks", "CREATE TABLE evidence_files(sha256 TEXT PRIMARY KEY, name TEXT NOT NULL, size INTEGER NOT NULL, content BLOB NOT NULL, stored_at TEXT NOT NULL);CREATE TABLE readiness_sets(id INTEGER PRIMARY KEY, created_at TEXT NOT NULL, actor TEXT NOT NULL, origin TEXT NOT NULL, seq INTEGER NOT NULL);CREATE TABLE readiness_answers(set_id INTEGER NOT NULL REFERENCES readiness_sets(id), question TEXT NOT NULL, choice INTEGER NOT NULL, level INTEGER NOT NULL, provenance TEXT NOT NULL, evidence_sha TEXT REFERENCES evidence_files(sha256), evidence_name TEXT, source TEXT, note TEXT, answered_at TEXT NOT NULL, PRIMARY KEY(set_id, question));CREATE TABLE readiness_draft(question TEXT PRIMARY KEY, choice INTEGER NOT NULL, level INTEGER NOT NULL, provenance TEXT NOT NULL, evidence_sha TEXT, evidence_name TEXT, source TEXT, answered_at TEXT NOT NULL);CREATE TABLE hypotheses(name TEXT PRIMARY KEY, initiative TEXT NOT NULL REFERENCES initiatives(name) DEFERRABLE INITIALLY DEFERRED, metric TEXT NOT NULL, criteria_hash TEXT NOT NULL, supersedes TEXT, spec TEXT NOT NULL);CREATE TABLE observation_imports(sha256 TEXT PRIMARY KEY, name TEXT NOT NULL, nrows INTEGER NOT NULL, seq INTEGER NOT NULL);CREATE TABLE observations(id INTEGER PRIMARY KEY, import_sha TEXT NOT NULL REFERENCES observation_imports(sha256), initiative TEXT NOT NULL, unit TEXT NOT NULL, metric TEXT NOT NULL, time_us INTEGER NOT NULL, value REAL NOT NULL, attrs TEXT);CREATE INDEX observations_im ON observations(initiative, metric);CREATE TABLE phase_verdicts(id INTEGER PRIMARY KEY, computed_at TEXT NOT NULL, earned INTEGER NOT NULL, verdict TEXT NOT NULL, verdict_hash TEXT NOT NULL, seq INTEGER NOT NULL);CREATE TABLE frameworks(urn TEXT PRIMARY KEY, ref_id TEXT, name TEXT NOT NULL, version INTEGER NOT NULL, provider TEXT, sha256 TEXT NOT NULL, min_score REAL NOT NULL, max_score REAL NOT NULL, scores TEXT NOT NULL, groups TEXT NOT NULL, seq INTEGER NOT NULL);CREATE TABLE framework_nodes(framework TEXT NOT NULL REFERENCES frameworks(urn), ord INTEGER NOT NULL, urn TEXT NOT NULL, parent_urn TEXT, depth INTEGER NOT NULL, assessable INTEGER NOT NULL, ref_id TEXT, name TEXT, description TEXT, groups TEXT NOT NULL, PRIMARY KEY(framework, urn));" },
};

const int store_migrations_count =
	(int)(sizeof(store_migrations) / sizeof(store_migrations[0]));
