/*
 * fuzz_apply.c - libFuzzer target: `aivalue apply` on arbitrary YAML.
 *
 * Runs the whole engine (ydocs_load, the org kinds' parsers, reference
 * and duplicate checks, the write step) as a dry run against a workspace
 * made once per process in a temporary directory, seeded with a small
 * organisation so that references can resolve.  A dry run rolls back, so
 * every input sees the same store.  Seeds in tests/fuzz/corpus/apply/.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "apply/apply.h"
#include "catalog/catalog.h"
#include "org/org.h"
#include "cli/cmd.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct store *store;
static struct catalog *cat;
static char dir[] = "/tmp/aiv-fuzz-apply.XXXXXX";
static char path[sizeof(dir) + 16];

static const char seed_org[] =
	"kind: Team\nname: ops\ntitle: Operations\nfunction: operations\nlead: ana\n---\n"
	"kind: Person\nname: ana\ndisplay_name: Ana\nrole: Head of operations\nteam: ops\n---\n"
	"kind: Person\nname: bo\ndisplay_name: Bo\nrole: Claims handler\nteam: ops\n"
	"manager: ana\nchampion: true\n---\n"
	"kind: Initiative\nname: triage\ntitle: Claims triage\nmodel: process\nowner: ana\n"
	"phase: 3\nstatus: pilot\nteams: [ops]\n";

static void cleanup(void)
{
	char wal[sizeof(path) + 8], shm[sizeof(path) + 8];

	store_close(store);
	catalog_free(cat);
	snprintf(wal, sizeof(wal), "%s-wal", path);
	snprintf(shm, sizeof(shm), "%s-shm", path);
	unlink(path);
	unlink(wal);
	unlink(shm);
	rmdir(dir);
}

static void setup(void)
{
	struct aiv_err err = AIV_ERR_INIT;
	struct apply_result res;
	const char *name[] = { "seed.yaml" };

	org_register_kinds();
	if (!mkdtemp(dir))
		abort();
	snprintf(path, sizeof(path), "%s/fuzz.db", dir);
	cli_register_schema();
	if (store_open(&store, path, STORE_CREATE, &err) || catalog_load(&cat, NULL, &err) ||
	    apply_sources(store, cat, "fuzz", name, 1, seed_org, strlen(seed_org), 0, &res, &err)) {
		fprintf(stderr, "fuzz_apply setup: %s\n", err.msg);
		abort();
	}
	apply_result_release(&res);
	atexit(cleanup);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct aiv_err err = AIV_ERR_INIT;
	struct apply_result res;
	const char *name[] = { "fuzz.yaml" };
	int rc;

	if (!store)
		setup();
	rc = apply_sources(store, cat, "fuzz", name, 1, (const char *)data, size, 1, &res, &err);
	if (rc == 0)
		apply_result_release(&res);
	else if (err.msg[0] == '\0' || res.n != 0)
		abort(); /* a failure says why and reports nothing applied */
	if (store_in_tx(store))
		abort(); /* a dry run always rolls back */
	return 0;
}
