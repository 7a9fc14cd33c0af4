/*
 * fuzz_register.c - libFuzzer target: `aivalue apply` of the adoption
 * kinds (Tool, StarterWorkflow, Identity: the allowed-tools register,
 * starter workflows and the identity map) on arbitrary YAML, as a dry
 * run against a workspace made once per process with a small
 * organisation, so that references resolve.  Seeds:
 * tests/fuzz/corpus/register.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "apply/apply.h"
#include "catalog/catalog.h"
#include "ingest/identity.h"
#include "org/org.h"
#include "cli/cmd.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct store *store;
static struct catalog *cat;
static char dir[] = "/tmp/aiv-fuzz-register.XXXXXX";
static char path[sizeof(dir) + 16];

static const char seed_org[] =
	"kind: Team\nname: ops\ntitle: Operations\nfunction: operations\n---\n"
	"kind: Person\nname: ana\ndisplay_name: Ana\nrole: Analyst\nteam: ops\n"
	"champion: true\n";

static void cleanup(void)
{
	char file[sizeof(path) + 8];

	store_close(store);
	catalog_free(cat);
	unlink(path);
	snprintf(file, sizeof(file), "%s-wal", path);
	unlink(file);
	snprintf(file, sizeof(file), "%s-shm", path);
	unlink(file);
	rmdir(dir);
}

static void setup(void)
{
	struct aiv_err err = AIV_ERR_INIT;
	struct apply_result res;
	const char *name[] = { "seed.yaml" };

	org_register_kinds();
	ingest_register_kinds();
	if (!mkdtemp(dir))
		abort();
	snprintf(path, sizeof(path), "%s/fuzz.db", dir);
	cli_register_schema();
	if (store_open(&store, path, STORE_CREATE, &err) || catalog_load(&cat, NULL, &err) ||
	    apply_sources(store, cat, "fuzz", name, 1, seed_org, strlen(seed_org), 0, &res, &err)) {
		fprintf(stderr, "fuzz_register setup: %s\n", err.msg);
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
