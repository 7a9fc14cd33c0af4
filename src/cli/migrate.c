/*
 * migrate.c - `aivalue migrate --from SRC --to DST`: copy a workspace,
 * ledger included, from one database into a new one, and prove on arrival
 * that it is the same workspace.
 *
 *   SRC, DST    a SQLite file path or a postgres:// URI, either way round
 *               (and SQLite to SQLite: a compacted copy of a file)
 *
 *   1. open SRC read-only; it must be at this aivalue's schema and its
 *      ledger must verify (a broken chain is not copied into a new home)
 *   2. create DST (a new file, or an empty PostgreSQL database) at the same
 *      schema; refuse it when any table holds a row
 *   3. store_copy (store/copy.h): every table in one transaction on DST
 *   4. on arrival, what `audit verify` does: the chain recomputed (the head
 *      must be SRC's head), the tables compared with the ledger; and each
 *      table's row count compared with SRC's
 *
 * The result is computed into struct migrate_report; the text and --json
 * outputs print it.  Exit 0 when the copy verifies, 1 when anything failed
 * (before the commit DST holds no row; after it, the message says what
 * differs and DST is left to look at), 2 on a usage error.
 */
#include "aiv.h"

#include "cmd.h"
#include "core/progress.h"
#include "ledger/ledger.h"
#include "ledger/state.h"
#include "options.h"
#include "store/copy.h"
#include "table.h"

struct migrate_report {
	const char *from, *to;           /* as given (borrowed from argv) */
	struct store_copy_result copy;
	struct ledger_verify_result src_chain, dst_chain;
	struct ledger_state_report state;
};

static void migrate_report_release(struct migrate_report *r)
{
	store_copy_result_release(&r->copy);
	ledger_state_report_release(&r->state);
}

/*
 * The URI as it may be printed: a password in it ("postgres://u:PW@h/db")
 * becomes "***".  Caller frees.
 */
static char *uri_for_print(const char *uri)
{
	const char *scheme = strstr(uri, "://"), *at, *colon;
	struct strbuf sb = STRBUF_INIT;

	if (!scheme)
		return xstrdup(uri);
	scheme += 3;
	at = strchr(scheme, '@');
	colon = strchr(scheme, ':');
	if (!at || !colon || colon > at || strcspn(scheme, "/?") < (size_t)(at - scheme))
		return xstrdup(uri);
	strbuf_add(&sb, uri, (size_t)(colon + 1 - uri));
	strbuf_addstr(&sb, "***");
	strbuf_addstr(&sb, at);
	return strbuf_detach(&sb, NULL);
}

/* Steps 1 to 4 into r; 0, or the error of the step that failed. */
static int migrate_run(struct migrate_report *r, struct aiv_err *err)
{
	struct store *src = NULL, *dst = NULL;
	struct progress prog;
	int ret;

	if ((ret = store_open(&src, r->from, STORE_READONLY, err))) {
		aiv_err_prefix(err, "--from");
		goto cleanup;
	}
	if (store_schema_version(src) != store_schema_latest()) {
		ret = aiv_fail(err, AIV_ESTATE, "--from: the workspace is at schema version %d "
			       "and this aivalue at %d; upgrade it first ('aivalue --db SRC init')",
			       store_schema_version(src), store_schema_latest());
		goto cleanup;
	}
	if ((ret = ledger_verify(src, 0, NULL, &r->src_chain, err)))
		goto cleanup;
	if (!r->src_chain.ok) {
		ret = aiv_fail(err, AIV_ESTATE, "--from: the ledger does not verify at entry "
			       "%lld (%s); migrate copies only a workspace whose ledger verifies",
			       (long long)r->src_chain.bad_seq, r->src_chain.reason);
		goto cleanup;
	}
	if ((ret = store_open(&dst, r->to, STORE_CREATE, err))) {
		aiv_err_prefix(err, "--to");
		goto cleanup;
	}
	progress_start(&prog, "copying the workspace", "rows", 0);
	ret = store_copy(src, dst, progress_cb, &prog, &r->copy, err);
	progress_stop(&prog);
	if (ret)
		goto cleanup;
	if ((ret = ledger_verify(dst, r->src_chain.head_seq,
				 r->src_chain.head_seq ? r->src_chain.head_hash : NULL,
				 &r->dst_chain, err)))
		goto cleanup;
	if (r->dst_chain.ok && (r->dst_chain.head_seq != r->src_chain.head_seq ||
				strcmp(r->dst_chain.head_hash, r->src_chain.head_hash))) {
		r->dst_chain.ok = 0;
		snprintf(r->dst_chain.reason, sizeof(r->dst_chain.reason),
			 "the head is %lld:%s, the source's %lld:%s", (long long)r->dst_chain.head_seq,
			 r->dst_chain.head_hash, (long long)r->src_chain.head_seq,
			 r->src_chain.head_hash);
	}
	if (r->dst_chain.ok)
		ret = ledger_state_verify(dst, &r->state, err);
cleanup:
	store_close(dst);
	store_close(src);
	return ret;
}

static void print_json(const struct migrate_report *r, const char *from, const char *to)
{
	json_t *tables = json_array(), *o;
	size_t i;

	for (i = 0; i < r->copy.n; i++)
		json_array_append_new(tables, json_pack("{s:s, s:I}", "name", r->copy.v[i].name,
							"rows", (json_int_t)r->copy.v[i].copied));
	o = json_pack("{s:s, s:s, s:i, s:I, s:o, s:{s:b, s:I, s:I, s:s}}",
		      "from", from, "to", to, "schema", r->copy.schema,
		      "rows", (json_int_t)r->copy.rows, "tables", tables,
		      "ledger", "ok", r->dst_chain.ok, "entries", (json_int_t)r->dst_chain.entries,
		      "head_seq", (json_int_t)r->dst_chain.head_seq,
		      "head_hash", r->dst_chain.head_hash);
	if (!r->dst_chain.ok)
		json_object_set_new(json_object_get(o, "ledger"), "reason",
				    json_string(r->dst_chain.reason));
	else
		json_object_set_new(o, "state", ledger_state_report_json(&r->state));
	cli_print_json(o);
}

static void print_text(const struct migrate_report *r, const char *from, const char *to)
{
	static const char *const heads[] = { "TABLE", "ROWS", NULL };
	struct table t;
	size_t i;

	printf("copied '%s' to '%s' (schema %d): %zu table%s, %lld row%s\n", from, to,
	       r->copy.schema, r->copy.n, r->copy.n == 1 ? "" : "s", (long long)r->copy.rows,
	       r->copy.rows == 1 ? "" : "s");
	table_init(&t, heads);
	table_right(&t, 1);
	for (i = 0; i < r->copy.n; i++) {
		table_add(&t, r->copy.v[i].name);
		table_addf(&t, "%lld", (long long)r->copy.v[i].copied);
	}
	table_print(&t);
	table_release(&t);
	if (r->dst_chain.ok)
		printf("ledger ok on arrival: %lld entr%s, head %lld:%s (the source's)\n",
		       (long long)r->dst_chain.entries, r->dst_chain.entries == 1 ? "y" : "ies",
		       (long long)r->dst_chain.head_seq, r->dst_chain.head_hash);
	if (r->dst_chain.ok && !r->state.n)
		printf("state ok on arrival: %d tables, %lld rows match the ledger\n",
		       r->state.tables, (long long)r->state.rows);
}

int cmd_migrate(int argc, char **argv, struct aiv_ctx *ctx)
{
	static const char *const usage[] = {
		"aivalue migrate --from SRC --to DST [--json]", NULL };
	const char *from = NULL, *to = NULL;
	const struct option opts[] = {
		{ OPT_STRING, 0, "from", &from, "SRC",
		  "the workspace to copy: a SQLite file or a postgres:// URI" },
		{ OPT_STRING, 0, "to", &to, "DST",
		  "a new SQLite file, or an empty PostgreSQL database (postgres:// URI)" },
		{ OPT_END, 0, NULL, NULL, NULL, NULL },
	};
	struct migrate_report r;
	struct aiv_err err = AIV_ERR_INIT;
	char *pfrom, *pto;
	size_t i;
	int n, ret;

	if ((n = parse_options(argc, argv, opts, usage)) < 0)
		return n == -2 ? 0 : 2;
	if (n != 0 || !from || !to || !*from || !*to) {
		usage_with_options(usage, opts, 1);
		return 2;
	}
	if (!strcmp(from, to)) {
		fprintf(stderr, "error: --from and --to name the same workspace '%s'\n", from);
		return 2;
	}
	memset(&r, 0, sizeof(r));
	r.from = from;
	r.to = to;
	pfrom = uri_for_print(from);
	pto = uri_for_print(to);
	if ((ret = migrate_run(&r, &err))) {
		ret = cli_error(&err);
		goto cleanup;
	}
	if (ctx->json)
		print_json(&r, pfrom, pto);
	else
		print_text(&r, pfrom, pto);
	if (!r.dst_chain.ok) {
		fprintf(stderr, "error: the copy in '%s' does not verify at entry %lld: %s\n", pto,
			(long long)r.dst_chain.bad_seq, r.dst_chain.reason);
		ret = 1;
		goto cleanup;
	}
	for (i = 0; i < r.state.n && i < 1000; i++)
		fprintf(stderr, "error: table %s, row %s: %s\n", r.state.v[i].table,
			r.state.v[i].key, r.state.v[i].what);
	if (r.state.n) {
		fprintf(stderr, "error: the copy in '%s' does not verify: %zu difference%s "
			"between the tables and the ledger\n", pto, r.state.n,
			r.state.n == 1 ? "" : "s");
		ret = 1;
	}
cleanup:
	migrate_report_release(&r);
	free(pfrom);
	free(pto);
	return ret;
}
