/*
 * fuzz_identities.c - libFuzzer target for the identity map reader
 * (`aivalue identities import FILE.csv`: person,kind,value rows) against
 * a workspace with two people.  Errors are fine; a crash, a leak or a
 * sanitizer report is a bug.  Seeds: tests/fuzz/corpus/identities.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ingest/identity.h"
#include "store/store.h"
#include "cli/cmd.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct store *ws;
static char dir[] = "/tmp/aiv-fuzz-identities-XXXXXX";
static char db[64], csv[64];

static void cleanup(void)
{
	char file[sizeof(db) + 8];

	store_close(ws);
	unlink(csv);
	unlink(db);
	snprintf(file, sizeof(file), "%s-wal", db);
	unlink(file);
	snprintf(file, sizeof(file), "%s-shm", db);
	unlink(file);
	rmdir(dir);
}

static int setup(void)
{
	struct aiv_err err = AIV_ERR_INIT;

	if (!mkdtemp(dir))
		return -1;
	snprintf(db, sizeof(db), "%s/a.db", dir);
	snprintf(csv, sizeof(csv), "%s/ids.csv", dir);
	cli_register_schema();
	if (store_open(&ws, db, STORE_CREATE, &err) ||
	    store_exec(ws, "INSERT INTO teams(name, title, function) VALUES ('t', 't', 'f');"
		       "INSERT INTO people(name, display_name, role, team) VALUES"
		       " ('alice', 'A', 'r', 't'), ('bob', 'B', 'r', 't')", &err))
		return -1;
	atexit(cleanup);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct aiv_err err = AIV_ERR_INIT;
	struct identity_import_result res;
	FILE *f;

	if (!ws && setup())
		abort();
	f = fopen(csv, "wb");
	if (!f)
		return 0;
	fwrite(data, 1, size, f);
	fclose(f);
	identity_import_csv(ws, "fuzz", csv, &res, &err);
	return 0;
}
