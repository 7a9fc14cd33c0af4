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
	 * A person's manager is a deferred reference to people: while any is
	 * pending (a report applied before the manager), SQLite looks for the
	 * rows that point at each new person, which without this index was a
	 * scan of people per person (the large demo's 20,000 took 14 s of CPU).
	 */
	{ 15, "index on a person's manager (deferred reference checks)",
	  "CREATE INDEX people_manager ON people(manager);", NULL },
};

const struct store_schema org_tables = {
	"org", org_migrations, STORE_SCHEMA_COUNT(org_migrations)
};
