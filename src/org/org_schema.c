/*
 * org_schema.c - the tables org/ owns, and their migrations:
 * people, teams and initiatives (org.c), and the credentials they act
 * with: bearer tokens and dashboard sessions (tokens.c).
 *
 * Only org/ holds SQL naming these tables; other layers call its
 * functions (docs/architecture.md, "Who owns which table";
 * tools/check-sql enforces it).  Append only: a released migration is never
 * edited, a change is a new version, unique across every layer's schema
 * (store.h).  Versions that also have parts in other layers (one
 * migrations.c held every table until December 2026) run with those parts
 * in one transaction, in layer order, which keeps an old workspace's schema
 * text identical to a new one's.
 *
 * References between org objects are DEFERRABLE INITIALLY DEFERRED so a
 * single apply can create a team and its lead in either order; they are
 * checked at commit.
 */
#include "org/org.h"
#include "store/store.h"

static const struct store_migration org_migrations[] = {
	{ 1, "ledger, org and tokens",
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
	  " revoked_at TEXT);", NULL },
	{ 11, "token expiry and dashboard sessions (the cookie holds a session id, never a token)",
	  "ALTER TABLE tokens ADD COLUMN expires_at TEXT;"
	  "CREATE TABLE sessions(hash TEXT PRIMARY KEY,"
	  " token_id INTEGER NOT NULL REFERENCES tokens(id),"
	  " created_at TEXT NOT NULL, expires_at TEXT NOT NULL);"
	  "CREATE INDEX sessions_expires ON sessions(expires_at);", NULL },
	/*
	 * The organisation from the directory (ingest/org_import.h): a person
	 * keeps the directory's id, so a re-import finds them after a rename,
	 * and a leaver is marked left with a date, never deleted, so that the
	 * history measured for them stays measurable.
	 */
	{ ORG_LEFT_VERSION, "people from the directory: directory id, status and the day they left",
	  "ALTER TABLE people ADD COLUMN directory_id TEXT;"
	  "ALTER TABLE people ADD COLUMN status TEXT NOT NULL DEFAULT 'active';"
	  "ALTER TABLE people ADD COLUMN left_at TEXT;"
	  /*
	   * people.manager refers to people: every person written makes SQLite
	   * look for the rows that name it as manager, a scan of the table
	   * without this index (a 10,000-person import took 4.6 s CPU, growing
	   * with the square of the people).
	   */
	  "CREATE INDEX people_manager ON people(manager);", NULL },
};

const struct store_schema org_tables = {
	"org", org_migrations, STORE_SCHEMA_COUNT(org_migrations)
};
