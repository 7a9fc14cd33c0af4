/*
 * bench/org - how fast `aivalue import org` syncs a large directory,
 * against SQLite inserting the same rows.
 *
 *   build/bench/bench_org [--users N] [--keep DIR]
 *
 * Generates a Microsoft Graph /users export of N users (default 50,000;
 * issue 21 asks for under 10 s) in pages of 999 (Graph's $top limit)
 * joined by @odata.nextLink, 40 departments, a manager tree eight levels
 * deep, and a mapping file; then, in a new workspace:
 *
 *   import    org_import(): read and check every page, map, diff against
 *             the (empty) workspace, apply every Team and Person through
 *             the apply engine (one ledger entry each, as `apply -f`),
 *             org.join, the identities and their entry
 *   resync    the same export again: read, map, diff, nothing to apply
 *   sqlite    the yardstick: the same people rows (name, display name,
 *             email, role, team, manager, directory id) inserted into a
 *             plain table with one prepared statement in one transaction,
 *             in the same kind of file-backed database
 *
 * Prints CPU seconds of this process and wall seconds for each (the
 * machine is shared: both), and the ratios import / sqlite and
 * resync / sqlite.  Kept out of `make test` (run it with `make bench` or
 * alone); it writes only under a temporary directory, removed at the end
 * unless --keep names one.  The SQL is SQLite's own and lives here,
 * outside src/, because it is a yardstick, not a path of the program.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "catalog/catalog.h"
#include "cli/cmd.h"
#include "core/timeutil.h"
#include "ingest/identity.h"
#include "ingest/org_import.h"
#include "org/org.h"
#include "store/store.h"

/* CPU seconds of this process (C's clock) and wall seconds (core/timeutil.h). */
static double cpu_s(void)
{
	return (double)clock() / CLOCKS_PER_SEC;
}

static double wall_s(void)
{
	return (double)time_now_us() / 1e6;
}

static const char *const functions[] = { "operations", "sales", "engineering", "finance",
					 "customer_service", "marketing", "it", "hr", "legal",
					 "quality" };
#define NDEPTS 40
#define PAGE 999

/* User i's manager: a tree with fan-out 8 (user 0 has none). */
static long manager_of(long i)
{
	return i ? (i - 1) / 8 : -1;
}

static int write_export(const char *dir, long n, int *npages)
{
	long i;
	int page = 0;
	FILE *f = NULL;
	char path[4096];

	for (i = 0; i < n; i++) {
		if (i % PAGE == 0) {
			snprintf(path, sizeof(path), "%s/users-%d.json", dir, ++page);
			if (!(f = fopen(path, "w")))
				return -1;
			fputs("{\"@odata.context\": \"https://graph.microsoft.com/v1.0/$metadata#users\",\n", f);
			if (i + PAGE < n)
				fprintf(f, "\"@odata.nextLink\": \"https://graph.microsoft.com/v1.0/users"
					"?$skiptoken=p%d\",\n", page + 1);
			fputs("\"value\": [\n", f);
		}
		fprintf(f, "{\"id\": \"b0000000-0000-4000-8000-%012ld\", \"displayName\": \"User %ld\","
			" \"mail\": \"user%ld@bench.example\", \"userPrincipalName\": \"user%ld@bench.example\","
			" \"jobTitle\": \"Title %ld\", \"department\": \"Department %ld\","
			" \"officeLocation\": null, \"accountEnabled\": true, \"manager\": ",
			i, i, i, i, i % 25, (i / 125) % NDEPTS);
		if (manager_of(i) >= 0)
			fprintf(f, "{\"id\": \"b0000000-0000-4000-8000-%012ld\"}}", manager_of(i));
		else
			fputs("null}", f);
		if ((i + 1) % PAGE && i + 1 < n) {
			fputs(",\n", f);
			continue;
		}
		fputs("\n]}\n", f);
		if (fclose(f))
			return -1;
	}
	*npages = page;
	snprintf(path, sizeof(path), "%s/map.yaml", dir);
	if (!(f = fopen(path, "w")))
		return -1;
	fputs("roles:\n  Title 0: Lead\ndepartments:\n", f);
	for (i = 0; i < NDEPTS; i++)
		fprintf(f, "  Department %ld: %s\n", i, functions[i % 10]);
	return fclose(f);
}

static int sqlite_baseline(const char *path, long n)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	long i;
	char a[128], b[128], c[128], d[64];

	if (sqlite3_open(path, &db) != SQLITE_OK)
		return -1;
	sqlite3_exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
		     "CREATE TABLE people(name TEXT PRIMARY KEY, display_name TEXT NOT NULL,"
		     " email TEXT, role TEXT NOT NULL, team TEXT NOT NULL, manager TEXT,"
		     " directory_id TEXT); BEGIN", NULL, NULL, NULL);
	sqlite3_prepare_v2(db, "INSERT INTO people VALUES (?,?,?,?,?,?,?)", -1, &st, NULL);
	for (i = 0; i < n; i++) {
		snprintf(a, sizeof(a), "user%ld", i);
		snprintf(b, sizeof(b), "User %ld", i);
		snprintf(c, sizeof(c), "user%ld@bench.example", i);
		snprintf(d, sizeof(d), "department-%ld", (i / 125) % NDEPTS);
		sqlite3_bind_text(st, 1, a, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 2, b, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 3, c, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 4, "Title", -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 5, d, -1, SQLITE_TRANSIENT);
		if (manager_of(i) >= 0) {
			snprintf(a, sizeof(a), "user%ld", manager_of(i));
			sqlite3_bind_text(st, 6, a, -1, SQLITE_TRANSIENT);
		} else {
			sqlite3_bind_null(st, 6);
		}
		snprintf(b, sizeof(b), "b0000000-0000-4000-8000-%012ld", i);
		sqlite3_bind_text(st, 7, b, -1, SQLITE_TRANSIENT);
		if (sqlite3_step(st) != SQLITE_DONE)
			break;
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
	sqlite3_close(db);
	return i == n ? 0 : -1;
}

int main(int argc, char **argv)
{
	struct aiv_err err = AIV_ERR_INIT;
	struct catalog *cat = NULL;
	struct store *s = NULL;
	struct org_import_opts o;
	struct org_result res;
	char tmpl[] = "/tmp/aiv-bench-org.XXXXXX", path[4096], map[4096];
	const char *dir = NULL, *keep = NULL;
	char **paths;
	long n = 50000;
	int i, npages = 0, ret = 1;
	double c0, w0, imp_c, imp_w, re_c, re_w, sq_c, sq_w;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--users") && i + 1 < argc)
			n = atol(argv[++i]);
		else if (!strcmp(argv[i], "--keep") && i + 1 < argc)
			keep = argv[++i];
		else {
			fprintf(stderr, "usage: bench_org [--users N] [--keep DIR]\n");
			return 2;
		}
	}
	if (n < 2)
		n = 2;
	if (!(dir = keep) && !(dir = mkdtemp(tmpl))) {
		perror("mkdtemp");
		return 1;
	}
	if (write_export(dir, n, &npages)) {
		fprintf(stderr, "bench_org: cannot write the export under %s\n", dir);
		goto out;
	}
	cli_register_schema();
	org_register_kinds();
	ingest_register_kinds();
	if (catalog_load(&cat, NULL, &err))
		goto fail;
	snprintf(path, sizeof(path), "%s/aivalue.db", dir);
	if (store_open(&s, path, STORE_CREATE, &err))
		goto fail;
	paths = calloc((size_t)npages, sizeof(*paths));
	for (i = 0; i < npages; i++) {
		paths[i] = malloc(4200);
		snprintf(paths[i], 4200, "%s/users-%d.json", dir, i + 1);
	}
	snprintf(map, sizeof(map), "%s/map.yaml", dir);
	memset(&o, 0, sizeof(o));
	o.format = "entra-users";
	o.paths = (const char *const *)paths;
	o.npaths = (size_t)npages;
	o.map = map;

	c0 = cpu_s();
	w0 = wall_s();
	if (org_import(s, cat, "bench", &o, &res, &err))
		goto fail;
	imp_c = cpu_s() - c0;
	imp_w = wall_s() - w0;
	printf("import    %ld users in %d pages: %zu joined, %zu teams; %.2f s CPU, %.2f s wall\n",
	       n, npages, res.njoined, res.nteams, imp_c, imp_w);
	org_result_release(&res);

	c0 = cpu_s();
	w0 = wall_s();
	if (org_import(s, cat, "bench", &o, &res, &err))
		goto fail;
	re_c = cpu_s() - c0;
	re_w = wall_s() - w0;
	printf("resync    the same export, %s: %.2f s CPU, %.2f s wall\n",
	       res.unchanged ? "nothing to change" : "CHANGED (a bug)", re_c, re_w);
	org_result_release(&res);

	snprintf(path, sizeof(path), "%s/baseline.db", dir);
	c0 = cpu_s();
	w0 = wall_s();
	if (sqlite_baseline(path, n)) {
		fprintf(stderr, "bench_org: the SQLite baseline failed\n");
		goto out;
	}
	sq_c = cpu_s() - c0;
	sq_w = wall_s() - w0;
	printf("sqlite    %ld plain inserts in one transaction: %.2f s CPU, %.2f s wall\n", n,
	       sq_c, sq_w);
	printf("ratio     import / sqlite %.1fx CPU; resync / sqlite %.1fx CPU; "
	       "import %s the 10 s goal (wall)\n", imp_c / sq_c, re_c / sq_c,
	       imp_w < 10 ? "within" : "OVER");
	for (i = 0; i < npages; i++)
		free(paths[i]);
	free(paths);
	ret = 0;
	goto out;
fail:
	fprintf(stderr, "bench_org: %s\n", err.msg);
out:
	store_close(s);
	catalog_free(cat);
	if (!keep) {
		char cmd[4200];
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
		if (system(cmd))
			fprintf(stderr, "bench_org: could not remove %s\n", dir);
	}
	return ret;
}
