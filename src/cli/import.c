/*
 * import.c - `aivalue import usage FILE --format F [--map ...]`: bring an
 * AI-usage export into the workspace (ingest/usage.h does the work; this
 * file parses options, draws the progress line and prints the summary).
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "assess/series.h"
#include "cmd.h"
#include "core/progress.h"
#include "core/termsafe.h"
#include "core/timeutil.h"
#include "ingest/org_import.h"
#include "ingest/usage.h"
#include "options.h"

/* ingest/usage.h's progress callback into the progress line (core/progress.h), in bytes read */
static void show_progress(void *data, int64_t rows, int64_t bytes)
{
	(void)rows;
	progress_update(data, bytes > 0 ? (uint64_t)bytes : 0, 0);
}

static json_t *summary_json(const struct usage_summary *s, int dry_run)
{
	json_t *un = json_array(), *o;
	size_t i;

	for (i = 0; i < s->nunmatched; i++)
		json_array_append_new(un, json_pack("{s:s, s:I}", "identity",
						    s->unmatched[i].identity, "rows",
						    (json_int_t)s->unmatched[i].rows));
	o = json_pack("{s:s, s:b, s:b, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:s, s:o}",
			 "format", s->format, "dry_run", dry_run, "already_imported", s->already,
			 "import_id", (json_int_t)s->import_id,
			 "ledger_seq", (json_int_t)s->ledger_seq,
			 "rows", (json_int_t)s->rows, "skipped_snapshot_rows", (json_int_t)s->skipped,
			 "seats", (json_int_t)s->seats, "team_rows", (json_int_t)s->teams,
			 "people_matched", (json_int_t)s->people_matched,
			 "unmatched_rows", (json_int_t)s->unmatched_rows,
			 "content_hash", s->content_hash, "unmatched_identities", un);
	json_object_set_new(o, "workflows", json_integer(s->workflows));
	json_object_set_new(o, "org_days", json_integer(s->org_days));
	json_object_set_new(o, "token_rows", json_integer(s->token_rows));
	json_object_set_new(o, "tally", tally_json(&s->tally));
	return o;
}

static void print_summary(const struct usage_summary *s, const char *file, int dry_run)
{
	size_t i;

	if (s->already) {
		printf("'%s' was already imported (import %lld, same content %.12s); "
		       "nothing changed\n", file, (long long)s->import_id, s->content_hash);
		tally_print(&s->tally, stdout, 2);
		return;
	}
	printf("%s%lld rows from '%s' (%s)", dry_run ? "dry run: would import " : "imported ",
	       (long long)s->rows, file, s->format);
	if (!dry_run)
		printf(" as import %lld, ledger entry %lld", (long long)s->import_id,
		       (long long)s->ledger_seq);
	printf("\n");
	if (s->skipped)
		printf("  %lld snapshot rows already stored, skipped\n", (long long)s->skipped);
	if (s->seats)
		printf("  %lld licensed seats\n", (long long)s->seats);
	if (s->teams)
		printf("  %lld team-membership rows\n", (long long)s->teams);
	if (s->workflows)
		printf("  %lld shared workflows\n", (long long)s->workflows);
	if (s->org_days)
		printf("  %lld days of vendor organisation totals (no person)\n", (long long)s->org_days);
	printf("  people matched: %lld\n", (long long)s->people_matched);
	printf("  unmatched identities: %zu (%lld rows)%s\n", s->nunmatched,
	       (long long)s->unmatched_rows, s->nunmatched ?
	       "; map them with 'aivalue identities import FILE' or kind: Identity" : "");
	for (i = 0; i < s->nunmatched && i < 20; i++)
		printf("    %-40s %lld rows\n", s->unmatched[i].identity,
		       (long long)s->unmatched[i].rows);
	if (s->nunmatched > 20)
		printf("    ... and %zu more (--json lists all)\n", s->nunmatched - 20);
	tally_print(&s->tally, stdout, 2);
}

static int refresh_series(struct aiv_ctx *ctx, const struct usage_summary *sum)
{
	struct aiv_err err = AIV_ERR_INIT;
	int32_t from = sum->rows ? (int32_t)(sum->min_time_us / (86400LL * 1000000) -
					     (sum->min_time_us < 0)) : INT32_MIN;
	int ret;

	if ((ret = cli_load_catalog(ctx)))
		return ret;
	if (metric_series_refresh(ctx->store, ctx->cat, from, NULL, &err)) {
		fprintf(stderr, "warning: the import is stored, but the metric series were not "
			"updated (%s); 'aivalue metrics history' computes them in memory\n", err.msg);
	}
	return 0;
}

static int import_usage(int argc, char **argv, struct aiv_ctx *ctx)
{
	static const char *const usage[] = {
		"aivalue import usage FILE --format F [--map TARGET=COLUMN,...] [--tool NAME] [--dry-run]"
		" [--strict]",
		NULL };
	const char *format = NULL, *map = NULL, *tool = NULL;
	int dry_run = 0, strict = 0, n, ret;
	const struct option opts[] = {
		{ OPT_STRING, 'f', "format", &format, "F",
		  "csv, jsonl, copilot-users, copilot-seats, copilot-metrics, m365-copilot, chatgpt-enterprise, otel-genai" },
		{ OPT_STRING, 0, "map", &map, "MAP",
		  "csv/jsonl: person=COL,time=COL,tool=COL,feature=COL,workflow=COL,count=COL,tenant=COL" },
		{ OPT_STRING, 0, "tool", &tool, "NAME", "csv/jsonl: tool when no column names it" },
		{ OPT_BOOL, 0, "dry-run", &dry_run, NULL, "check everything, change nothing" },
		{ OPT_BOOL, 0, "strict", &strict, NULL,
		  "a skipped row is an error: nothing is imported" },
		{ OPT_END, 0, NULL, NULL, NULL, NULL },
	};
	struct aiv_err err = AIV_ERR_INIT;
	struct usage_summary sum;
	struct usage_opts o;
	struct progress prog;

	if ((n = parse_options(argc, argv, opts, usage)) < 0)
		return n == -2 ? 0 : 2;
	if (n != 1 || !format) {
		fprintf(stderr, "error: import usage needs one FILE and --format\n");
		usage_with_options(usage, opts, 1);
		return 2;
	}
	if ((ret = cli_open_store(ctx, 0)))
		return ret;
	memset(&o, 0, sizeof(o));
	o.format = format;
	o.map = map;
	o.tool = tool;
	o.dry_run = dry_run;
	o.strict = strict;
	progress_start_file(&prog, "importing", argv[1]);
	o.progress = show_progress;
	o.progress_data = &prog;
	ret = usage_import_file(ctx->store, ctx->actor, argv[1], &o, &sum, &err);
	progress_stop(&prog);
	if (ret)
		return cli_error(&err);
	/*
	 * The import has committed; bring the stored metric series up to date
	 * for the periods it touched (a derived cache: if this fails the
	 * import stands and readers compute the series in memory).
	 */
	if (!dry_run && !sum.already && (ret = refresh_series(ctx, &sum)))
		return ret;
	if (ctx->json)
		cli_print_json(summary_json(&sum, dry_run));
	else
		print_summary(&sum, argv[1], dry_run);
	usage_summary_release(&sum);
	return 0;
}

/* ---- import org: the organisation from the directory (docs/org.md) ---- */

static void org_print_changes(const char *head, const struct org_change *v, size_t n,
			      int64_t seq)
{
	size_t i;

	if (!n)
		return;
	printf("  %s: %zu %s", head, n, n == 1 ? "person" : "people");
	if (seq)
		printf(" (ledger entry %lld)", (long long)seq);
	printf("\n");
	for (i = 0; i < n && i < 20; i++)
		printf("    %s%s%s\n", v[i].name, v[i].detail[0] ? ": " : "", v[i].detail);
	if (n > 20)
		printf("    ... and %zu more (--json lists all)\n", n - 20);
}

static void org_print(const struct org_result *r)
{
	size_t i;

	if (r->unchanged && !r->dry_run)
		printf("the workspace already matches the directory (%s); nothing changed\n",
		       r->format);
	else
		printf("%s the organisation from the directory (%s)\n",
		       r->dry_run ? "dry run: would sync" : "synced", r->format);
	org_print_changes("joined", r->joined, r->njoined, r->seq_join);
	org_print_changes("moved", r->moved, r->nmoved, r->seq_move);
	org_print_changes("left", r->left, r->nleft, r->seq_leave);
	if (r->nteams) {
		printf("  teams created: %zu\n", r->nteams);
		for (i = 0; i < r->nteams && i < 20; i++)
			printf("    %s\n", r->teams_created[i]);
	}
	if (r->nteams_updated) {
		printf("  teams updated: %zu", r->nteams_updated);
		if (r->seq_team)
			printf(" (ledger entry %lld)", (long long)r->seq_team);
		printf("\n");
		for (i = 0; i < r->nteams_updated && i < 20; i++)
			printf("    %s: %s\n", r->teams_updated[i].name, r->teams_updated[i].detail);
	}
	printf("  active people from the directory: %lld\n", (long long)r->people);
	if (!r->dry_run)
		printf("  identities (logins and emails): %lld, %lld new or changed\n",
		       (long long)r->identities, (long long)r->identities_changed);
	for (i = 0; i < r->nwarnings; i++)
		printf("  warning: %s: %s\n", r->warnings[i].what, r->warnings[i].detail);
	tally_print(&r->tally, stdout, 2);
}

static int import_org(int argc, char **argv, struct aiv_ctx *ctx)
{
	static const char *const usage[] = {
		"aivalue import org FILE... --format entra-users|okta-users|scim|csv [--map MAPFILE]"
		" [--date YYYY-MM-DD] [--dry-run]",
		NULL };
	const char *format = NULL, *map = NULL, *date = NULL;
	int dry_run = 0, n, ret;
	const struct option opts[] = {
		{ OPT_STRING, 'f', "format", &format, "F", "entra-users, okta-users, scim, csv" },
		{ OPT_STRING, 0, "map", &map, "MAPFILE",
		  "mapping YAML: roles, departments, default_role, default_function, champions,"
		  " columns (csv)" },
		{ OPT_STRING, 0, "date", &date, "YYYY-MM-DD", "the day leavers left (default today)" },
		{ OPT_BOOL, 0, "dry-run", &dry_run, NULL, "show the difference, change nothing" },
		{ OPT_END, 0, NULL, NULL, NULL, NULL },
	};
	struct aiv_err err = AIV_ERR_INIT;
	struct org_import_opts o;
	struct org_result res;

	if ((n = parse_options(argc, argv, opts, usage)) < 0)
		return n == -2 ? 0 : 2;
	if (n < 1 || !format) {
		fprintf(stderr, "error: import org needs FILE... and --format\n");
		usage_with_options(usage, opts, 1);
		return 2;
	}
	if ((ret = cli_open_store(ctx, 0)) || (ret = cli_load_catalog(ctx)))
		return ret;
	memset(&o, 0, sizeof(o));
	o.format = format;
	o.paths = (const char *const *)argv + 1;
	o.npaths = (size_t)n;
	o.map = map;
	o.date = date;
	o.dry_run = dry_run;
	if (org_import(ctx->store, ctx->cat, ctx->actor, &o, &res, &err)) {
		org_result_release(&res);
		return cli_error(&err);
	}
	if (ctx->json)
		cli_print_json(org_result_json(&res));
	else
		org_print(&res);
	org_result_release(&res);
	return 0;
}

int cmd_import(int argc, char **argv, struct aiv_ctx *ctx)
{
	if (argc >= 2 && !strcmp(argv[1], "org"))
		return import_org(argc - 1, argv + 1, ctx);
	if (argc >= 2 && !strcmp(argv[1], "cases"))
		return cmd_import_cases(argc - 1, argv + 1, ctx);
	if (argc >= 2 && !strcmp(argv[1], "usage"))
		return import_usage(argc - 1, argv + 1, ctx);
	if (argc >= 2 && !strcmp(argv[1], "journeys"))
		return cmd_import_journeys(argc - 1, argv + 1, ctx);
	if (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		printf("usage: aivalue import cases FILE [--name LOG] [--format xes|csv|jsonl|ocel] [...]\n"
		       "   or: aivalue import usage FILE --format F [--map ...] [--dry-run] [--strict]\n"
		       "   or: aivalue import journeys FILE --format csv|jsonl [--kind events|outcomes]\n"
		       "   or: aivalue import org FILE... --format entra-users|okta-users|scim|csv"
		       " [--map MAPFILE] [--dry-run]\n"
		       "\n'aivalue import cases --help' and 'aivalue import usage --help' show the options.\n");
		return 0;
	}
	fprintf(stderr, "error: import needs 'cases', 'usage', 'journeys' or 'org'\n");
	return 2;
}
