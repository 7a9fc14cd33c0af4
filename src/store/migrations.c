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
	{ 2, "event logs (columnar, chunked)", "CREATE TABLE event_logs(id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, format TEXT NOT NULL, source TEXT NOT NULL, content_hash TEXT NOT NULL, cases INTEGER NOT NULL, events INTEGER NOT NULL, activities INTEGER NOT NULL, out_of_order INTEGER NOT NULL, first_time TEXT NOT NULL, last_time TEXT NOT NULL, imported_at TEXT NOT NULL, ledger_seq INTEGER NOT NULL); CREATE TABLE event_log_columns(log_id INTEGER NOT NULL REFERENCES event_logs(id), name TEXT NOT NULL, chunk INTEGER NOT NULL, data BLOB NOT NULL, PRIMARY KEY(log_id, name, chunk));" },
};

const int store_migrations_count =
	(int)(sizeof(store_migrations) / sizeof(store_migrations[0]));
