/*
 * test_usage_import.c - the usage readers on sample payloads built from
 * each vendor's documentation (tests/data/usage/), and the importer's
 * guarantees: all-or-nothing, idempotent, errors with FILE:LINE:COL.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "apply/apply.h"
#include "ingest/identity.h"
#include "ingest/usage.h"
#include "ingest/usage_load.h"
#include "ledger/state.h"
#include "metrics/usage_table.h"
#include "org/org.h"
#include "cli/cmd.h"

struct fx {
	char dir[256], db[300];
	struct store *s;
	struct catalog *cat;
};

static char datadir[512];

static const char *data(const char *name)
{
	static char path[1024];

	snprintf(path, sizeof(path), "%s/%s", datadir, name);
	return path;
}

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	struct aiv_err err = AIV_ERR_INIT;
	struct apply_result res;
	const char *paths[1];

	snprintf(f->dir, sizeof(f->dir), "/tmp/aiv-usage-XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	snprintf(f->db, sizeof(f->db), "%s/a.db", f->dir);
	org_register_kinds();
	ingest_register_kinds();
	if (store_open(&f->s, f->db, STORE_CREATE, &err) || catalog_load(&f->cat, NULL, &err))
		return -1;
	paths[0] = data("people.yaml");
	if (apply_sources(f->s, f->cat, "test", paths, 1, NULL, 0, 0, &res, &err)) {
		fprintf(stderr, "%s\n", err.msg);
		return -1;
	}
	apply_result_release(&res);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	char cmd[600];

	store_close(f->s);
	catalog_free(f->cat);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
	if (system(cmd)) {
		/* nothing to do: a leftover temp dir is harmless */
	}
	free(f);
	return 0;
}

static int import(struct fx *f, const char *path, const char *format, const char *map,
		  struct usage_summary *sum, struct aiv_err *err)
{
	struct usage_opts o;

	memset(&o, 0, sizeof(o));
	o.format = format;
	o.map = map;
	return usage_import_file(f->s, "test", path, &o, sum, err);
}

static int64_t q(struct fx *f, const char *sql)
{
	struct aiv_err err = AIV_ERR_INIT;
	int64_t v = -1;

	/* the events as rows (they are stored as columnar blocks) */
	if (strstr(sql, "usage_rows"))
		assert_int_equal(usage_rows_table(f->s, &err), 0);
	assert_int_equal(store_query_int(f->s, sql, &v, &err), 0);
	return v;
}

static const char *write_file(struct fx *f, const char *name, const char *text)
{
	static char path[600];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", f->dir, name);
	fp = fopen(path, "w");
	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
	return path;
}

static void test_copilot_users(void **state)
{
	struct fx *f = *state;
	struct aiv_err err = AIV_ERR_INIT;
	struct usage_summary sum;

	assert_int_equal(import(f, data("copilot-users-1-day.ndjson"), "copilot-users", NULL,
				&sum, &err), 0);
	/* alice: code_completion 12 + agent 50; bob: chat 3; carol-gh: 2 features */
	assert_int_equal(sum.rows, 5);
	assert_int_equal(sum.teams, 1);
	assert_int_equal(sum.people_matched, 2);
	assert_int_equal(sum.nunmatched, 1);
	assert_string_equal(sum.unmatched[0].identity, "carol-gh");
	assert_int_equal(sum.unmatched[0].rows, 2);
	usage_summary_release(&sum);
	assert_int_equal(q(f, "SELECT count FROM usage_rows WHERE person = 'alice'"
			   " AND feature = 'agent'"), 50);
	assert_int_equal(q(f, "SELECT count FROM usage_rows WHERE person = 'alice'"
			   " AND feature = 'code_completion'"), 12);
	assert_int_equal(q(f, "SELECT count FROM usage_rows WHERE identity = 'carol-gh'"
			   " AND feature = 'chat_panel_agent_mode'"), 7);
	/* day 2026-05-07 */
	assert_int_equal(q(f, "SELECT min(day) FROM usage_rows"), 20580);
	assert_int_equal(q(f, "SELECT count(*) FROM usage_team_members WHERE person = 'alice'"
			   " AND team = 'frontend'"), 1);
	/* the same file again: detected, nothing changes */
	assert_int_equal(import(f, data("copilot-users-1-day.ndjson"), "copilot-users", NULL,
				&sum, &err), 0);
	assert_int_equal(sum.already, 1);
	usage_summary_release(&sum);
	assert_int_equal(q(f, "SELECT count(*) FROM usage_rows"), 5);
	assert_int_equal(q(f, "SELECT count(*) FROM usage_imports"), 1);
	assert_int_equal(q(f, "SELECT count(*) FROM ledger WHERE action = 'usage.import'"), 1);
	/* the legacy org-level format is refused with a reason */
	assert_int_equal(import(f, data("copilot-legacy-metrics.json"), "copilot-users", NULL,
				&sum, &err), AIV_EINPUT);
	assert_non_null(strstr(err.msg, "copilot-legacy-metrics.json:1:1: "));
	assert_non_null(strstr(err.msg, "legacy organisation-level"));
	/* ... and read by its own reader as daily totals without people */
	assert_int_equal(import(f, data("copilot-legacy-metrics.json"), "copilot-metrics", NULL,
				&sum, &err), 0);
	assert_int_equal(sum.org_days, 1);
	assert_int_equal(sum.rows, 0);
	usage_summary_release(&sum);
	assert_int_equal(q(f, "SELECT active_users * 100 + engaged_users FROM usage_org_daily"
			   " WHERE day = 19898"), 2420);
}

static void test_copilot_seats(void **state)
{
	struct fx *f = *state;
	struct aiv_err err = AIV_ERR_INIT;
	struct usage_summary sum;

	assert_int_equal(import(f, data("copilot-seats.json"), "copilot-seats", NULL, &sum, &err), 0);
	/* three seats; alice and dave-gh have a last activity, bob has none */
	assert_int_equal(sum.seats, 3);
	assert_int_equal(sum.rows, 2);
	assert_int_equal(sum.teams, 1);
	usage_summary_release(&sum);
	assert_int_equal(q(f, "SELECT count(*) FROM usage_seats WHERE person IN ('alice', 'bob')"), 2);
	/* 2026-05-06 is day 20579 */
	assert_int_equal(q(f, "SELECT day FROM usage_rows WHERE person = 'alice'"), 20579);
	assert_int_equal(q(f, "SELECT count(*) FROM usage_rows WHERE identity = 'dave-gh'"), 1);
	/* the usage-metrics format is not a seats response */
	assert_int_equal(import(f, data("copilot-users-1-day.ndjson"), "copilot-seats", NULL,
				&sum, &err), AIV_EINPUT);
	assert_non_null(strstr(err.msg, "copilot-users-1-day.ndjson:1: missing field 'seats'"));
}

static void test_m365_snapshots(void **state)
{
	struct fx *f = *state;
	struct aiv_err err = AIV_ERR_INIT;
	struct usage_summary sum;
	const char *next;

	assert_int_equal(import(f, data("m365-copilot-user-detail.csv"), "m365-copilot", NULL,
				&sum, &err), 0);
	/* hashed user: Teams, Word, PowerPoint, Copilot Chat; dana: Teams, Excel */
	assert_int_equal(sum.rows, 6);
	assert_int_equal(sum.seats, 3);
	assert_int_equal(sum.nunmatched, 2);
	usage_summary_release(&sum);
	assert_int_equal(q(f, "SELECT count(*) FROM usage_rows WHERE feature = 'Microsoft Teams'"), 2);
	assert_int_equal(q(f, "SELECT count(*) FROM usage_rows WHERE feature = 'Copilot Chat'"), 1);
	/* next day's snapshot repeats dana's Teams date and adds a new one */
	next = write_file(f, "m365-next.csv",
		"Report Refresh Date,Report Period,User Principal Name,Display Name,Last Activity Date,"
		"Microsoft Teams Copilot Last Activity Date,Word Copilot Last Activity Date\n"
		"2024-06-27,7,Dana@Contoso.example,Dana Smith,2024-06-26,2024-06-25,2024-06-26\n");
	assert_int_equal(import(f, next, "m365-copilot", NULL, &sum, &err), 0);
	assert_int_equal(sum.skipped, 1);
	assert_int_equal(sum.rows, 1);
	usage_summary_release(&sum);
	assert_int_equal(q(f, "SELECT count(*) FROM usage_rows WHERE identity ="
			   " 'dana@contoso.example'"), 3);
	/* a bad date names line and column */
	next = write_file(f, "m365-bad.csv",
		"Report Refresh Date,Report Period,User Principal Name,Display Name,Last Activity Date,"
		"Word Copilot Last Activity Date\n"
		"2024-06-27,7,x@y.example,X,2024-06-26,2024-06-26\n"
		"2024-06-27,7,z@y.example,Z,2024-06-26,2024-02-30\n");
	assert_int_equal(import(f, next, "m365-copilot", NULL, &sum, &err), AIV_EINPUT);
	assert_non_null(strstr(err.msg, "m365-bad.csv:3:39: unparseable date '2024-02-30' in "
			       "'Word Copilot Last Activity Date'"));
	assert_int_equal(q(f, "SELECT count(*) FROM usage_rows WHERE identity = 'x@y.example'"), 0);
}

/* Write `text` as `name`, import it as an M365 snapshot; its rows and skips; unmatched. */
static size_t snapshot(struct fx *f, const char *name, const char *text, int64_t rows,
		       int64_t skipped)
{
	struct aiv_err err = AIV_ERR_INIT;
	struct usage_summary sum;
	size_t unmatched;

	assert_int_equal(import(f, write_file(f, name, text), "m365-copilot", NULL, &sum, &err), 0);
	assert_int_equal(sum.rows, rows);
	assert_int_equal(sum.skipped, skipped);
	unmatched = sum.nunmatched;
	usage_summary_release(&sum);
	return unmatched;
}

/*
 * A run of snapshot imports in one process reuses the keys of the stored
 * events (ingest/usage.c, snap_cache) instead of reading them per file;
 * the keys must follow every import of the run, a non-snapshot one
 * included, and be dropped when another process wrote in between.
 */
/*
 * The newest usage.import entry recorded the dictionaries' digests of the
 * whole tables as they are (the digest a process carries on from its last
 * import must be the one reading every row gives).
 */
static void assert_dict_digests(struct fx *f)
{
	static const char *const t[][2] = {
		{ "usage_strings", "SELECT id, value FROM usage_strings ORDER BY id" },
		{ "usage_identities", "SELECT id, identity FROM usage_identities ORDER BY id" },
	};
	struct aiv_err err = AIV_ERR_INIT;
	struct store_stmt *st;
	json_t *p, *d;
	size_t i;

	st = store_prepare(f->s, "SELECT payload FROM ledger WHERE action = 'usage.import'"
			   " ORDER BY seq DESC LIMIT 1", &err);
	assert_non_null(st);
	assert_int_equal(store_step(st, &err), STORE_ROW);
	p = json_loads(store_col_text(st, 0), 0, NULL);
	store_reset(st);
	assert_non_null(p);
	d = json_object_get(p, "state_sha256");
	for (i = 0; i < ARRAY_SIZE(t); i++) {
		char want[SHA256_HEX];
		assert_int_equal(ledger_rows_digest(f->s, t[i][1], 0, 2, want, &err), 0);
		assert_string_equal(json_string_value(json_object_get(d, t[i][0])), want);
	}
	json_decref(p);
}

/* The seat spans are what the seat rows give (as audit verify --state checks). */
static void assert_spans(struct fx *f)
{
	assert_true(q(f, "SELECT count(*) FROM usage_seat_spans") > 0);
	assert_int_equal(q(f, "SELECT count(*) FROM (SELECT identity, tool, person, first_day"
			   " FROM usage_seat_spans EXCEPT SELECT identity, tool, MAX(person),"
			   " MIN(day) FROM usage_seats GROUP BY identity, tool) d"), 0);
	assert_int_equal(q(f, "SELECT count(*) FROM (SELECT identity, tool, MAX(person),"
			   " MIN(day) FROM usage_seats GROUP BY identity, tool EXCEPT SELECT"
			   " identity, tool, person, first_day FROM usage_seat_spans) d"), 0);
}

static void test_m365_snapshot_run(void **state)
{
	struct fx *f = *state;
	struct aiv_err err = AIV_ERR_INIT;
	struct usage_summary sum;
	const char *hdr = "Report Refresh Date,Report Period,User Principal Name,Display Name,"
			  "Last Activity Date,Microsoft Teams Copilot Last Activity Date,"
			  "Word Copilot Last Activity Date,Excel Copilot Last Activity Date\n";
	char text[1024];
	const char *path;
	pid_t pid;
	int st;

	/* 1: dana Teams 06-25, Word 06-24 (2 rows); dana is nobody's identity yet */
	snprintf(text, sizeof(text), "%s2024-06-27,7,dana@contoso.example,Dana,2024-06-25,"
		 "2024-06-25,2024-06-24,\n", hdr);
	assert_int_equal(snapshot(f, "run1.csv", text, 2, 0), 1);
	/* a non-snapshot import between two snapshots */
	assert_int_equal(import(f, data("copilot-users-1-day.ndjson"), "copilot-users", NULL,
				&sum, &err), 0);
	usage_summary_release(&sum);
	/* another process stores dana's Excel on 06-26 */
	fflush(NULL);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct store *s2;
		struct usage_opts o;
		memset(&o, 0, sizeof(o));
		o.format = "m365-copilot";
		/* and a new identity, zoe: the usage dictionary grows under us */
		snprintf(text, sizeof(text), "%s2024-06-28,7,dana@contoso.example,Dana,2024-06-26,"
			 ",,2024-06-26\n2024-06-28,7,zoe@contoso.example,Zoe,2024-06-26,"
			 "2024-06-26,,\n", hdr);
		path = write_file(f, "other.csv", text);
		_exit(store_open(&s2, f->db, 0, &err) ||
		      usage_import_file(s2, "other", path, &o, &sum, &err) || sum.rows != 2 ? 1 : 0);
	}
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	/* 2: repeats Teams 06-25 (ours) and Excel 06-26 (the other process's), adds Word 06-27 */
	snprintf(text, sizeof(text), "%s2024-06-28,7,dana@contoso.example,Dana,2024-06-27,"
		 "2024-06-25,2024-06-27,2024-06-26\n", hdr);
	snapshot(f, "run2.csv", text, 1, 2);
	assert_dict_digests(f);
	assert_spans(f);
	/* 3: in the same process right after: everything in it is stored */
	snapshot(f, "run3.csv", text, 0, 3);
	assert_dict_digests(f);
	assert_spans(f);
	assert_int_equal(q(f, "SELECT count(*) FROM usage_rows WHERE identity ="
			   " 'dana@contoso.example' AND tool = 'm365-copilot'"), 4);
	/* the identity map changes between two imports: the next one sees it (erin is
	 * new to usage, so only the identity lookup can match her) */
	{
		struct identity_import_result res;
		path = write_file(f, "ids.csv", "person,kind,value\nbob,email,erin@contoso.example\n");
		assert_int_equal(identity_import_csv(f->s, "test", path, &res, &err), 0);
	}
	snprintf(text, sizeof(text), "%s2024-06-29,7,erin@contoso.example,Erin,2024-06-28,"
		 "2024-06-28,,\n", hdr);
	assert_int_equal(snapshot(f, "run4.csv", text, 1, 0), 0);
	assert_dict_digests(f);
	assert_spans(f);
	/* erin's span took bob when the identity import re-joined her rows */
	assert_int_equal(q(f, "SELECT count(*) FROM usage_seat_spans WHERE"
			   " identity = 'erin@contoso.example' AND person = 'bob'"), 1);
	assert_int_equal(q(f, "SELECT count(*) FROM usage_rows WHERE person = 'bob' AND"
			   " identity = 'erin@contoso.example'"), 1);
}

static void test_chatgpt(void **state)
{
	struct fx *f = *state;
	struct aiv_err err = AIV_ERR_INIT;
	struct usage_summary sum;
	const char *drift;

	assert_int_equal(import(f, data("chatgpt-user-engagement.csv"), "chatgpt-enterprise",
				NULL, &sum, &err), 0);
	/*
	 * a: first active Apr 2, last Apr 5, 25 messages, of which 5 to the
	 * GPT g-contract-check, 3 with tools, 2 in projects: active Apr 2..5
	 * with 7, 6, 6, 6 messages; the parts poured first: Apr 2 gpt 5 +
	 * tool 2, Apr 3 tool 1 + project 2 + chat 3, Apr 4 chat 6, Apr 5
	 * chat 6 (7 events, 25 messages, not 35).
	 * c: active Apr 1 only, 4 messages, 2 to the GPT: gpt 2 + chat 2.
	 */
	assert_int_equal(sum.rows, 9);
	assert_int_equal(sum.seats, 3);
	/* three user rows: a and c active, b enabled (a seat) */
	assert_int_equal(sum.tally.read, 3);
	assert_int_equal(sum.tally.used, 3);
	usage_summary_release(&sum);
	/* a@example.com is alice's UPN in the identity map */
	assert_int_equal(q(f, "SELECT sum(count) FROM usage_rows WHERE person = 'alice'"), 25);
	assert_int_equal(q(f, "SELECT sum(count) FROM usage_rows WHERE person = 'alice'"
			   " AND feature = 'chat'"), 15);
	assert_int_equal(q(f, "SELECT sum(count) FROM usage_rows WHERE person = 'alice'"
			   " AND feature = 'tool'"), 3);
	assert_int_equal(q(f, "SELECT count(DISTINCT day) FROM usage_rows WHERE person = 'alice'"),
			 4);
	assert_int_equal(q(f, "SELECT min(day) FROM usage_rows WHERE person = 'alice'"),
			 20180); /* 2025-04-02 */
	assert_int_equal(q(f, "SELECT sum(count) FROM usage_rows WHERE person = 'alice' AND"
			   " day = 20180"), 7);
	assert_int_equal(q(f, "SELECT count(*) FROM usage_rows WHERE person = 'alice' AND"
			   " feature = 'chat' AND day = 20180"), 0);
	assert_int_equal(q(f, "SELECT sum(count) FROM usage_rows WHERE person = 'alice' AND"
			   " day = 20181"), 6);
	assert_int_equal(q(f, "SELECT count FROM usage_rows WHERE person = 'alice' AND"
			   " feature = 'chat' AND day = 20183"), 6);
	assert_int_equal(q(f, "SELECT sum(count) FROM usage_rows WHERE"
			   " identity = 'c@example.com'"), 4);
	assert_int_equal(q(f, "SELECT count(DISTINCT day) FROM usage_rows WHERE"
			   " identity = 'c@example.com'"), 1);
	assert_int_equal(q(f, "SELECT count FROM usage_rows WHERE person = 'alice'"
			   " AND workflow = 'g-contract-check'"), 5);
	assert_int_equal(q(f, "SELECT count FROM usage_rows WHERE identity = 'c@example.com'"
			   " AND workflow = 'g-contract-check'"), 2);
	assert_int_equal(import(f, data("chatgpt-gpt-engagement.csv"), "chatgpt-enterprise",
				NULL, &sum, &err), 0);
	assert_int_equal(sum.workflows, 1);
	usage_summary_release(&sum);
	assert_int_equal(q(f, "SELECT count(*) FROM usage_workflows WHERE creator = 'alice'"), 1);
	/* header drift: other case and spacing, reordered, an extra column */
	drift = write_file(f, "drift.csv",
		"Email,Period Start,Period End,Messages,New Column,GPT_Messages\n"
		"b@example.com,2025-04-06,2025-04-12,3,zzz,0\n");
	assert_int_equal(import(f, drift, "chatgpt-enterprise", NULL, &sum, &err), 0);
	assert_int_equal(sum.rows, 1);
	usage_summary_release(&sum);
	/* mixed tenants in one file */
	drift = write_file(f, "tenants.csv",
		"email,period_start,messages,account_id\n"
		"b@example.com,2025-04-13,3,acct-1\n"
		"d@example.com,2025-04-13,3,acct-2\n");
	assert_int_equal(import(f, drift, "chatgpt-enterprise", NULL, &sum, &err), AIV_EINPUT);
	assert_non_null(strstr(err.msg, "tenants.csv:3:28: file mixes tenants: account_id "
			       "'acct-2' here, 'acct-1'"));
	/* negative counts */
	drift = write_file(f, "neg.csv", "email,period_start,messages\nb@example.com,2025-04-20,-4\n");
	assert_int_equal(import(f, drift, "chatgpt-enterprise", NULL, &sum, &err), AIV_EINPUT);
	assert_non_null(strstr(err.msg, "neg.csv:2:26: negative count -4 in 'messages'"));
}

/*
 * Active days of a monthly User Engagement export (the vendor's columns):
 * at most one a message, spread from the first to the last active day.
 */
static void test_chatgpt_active_days(void **state)
{
	struct fx *f = *state;
	struct aiv_err err = AIV_ERR_INIT;
	struct usage_summary sum;
	const char *p;

	p = write_file(f, "monthly.csv",
		"cadence,period_start,period_end,account_id,public_id,name,email,role,user_role,"
		"department,groups,user_status,created_or_invited_date,is_active,"
		"first_day_active_in_period,last_day_active_in_period,messages,messages_rank,"
		"model_to_messages,gpt_messages,gpts_messaged,gpt_to_messages,tool_messages,"
		"tools_messaged,tool_to_messages,project_messages,projects_messaged,"
		"project_to_messages,projects_created,last_day_active\n"
		/* 3 messages over Apr 1..29: three active days, Apr 1, 15, 29 */
		"Monthly,2025-04-01,2025-04-30,acct-1,user-a,A,a@example.com,standard,"
		"standard-user,[],[],enabled,2025-01-02,1,2025-04-01,2025-04-29,3,5,"
		"\"{'gpt-4o': 3}\",0,0,{},0,0,{},0,0,{},0,2025-04-29\n"
		/* 40 messages over Apr 7..11: every day of the span, 8 a day */
		"Monthly,2025-04-01,2025-04-30,acct-1,user-c,C,c@example.com,standard,"
		"standard-user,[],[],enabled,2025-01-02,1,2025-04-07,2025-04-11,40,1,"
		"\"{'gpt-4o': 40}\",0,0,{},0,0,{},0,0,{},0,2025-04-11\n"
		/* enabled, not active: a seat, no activity */
		"Monthly,2025-04-01,2025-04-30,acct-1,user-b,B,b@example.com,standard,"
		"standard-user,[],[],enabled,2025-01-02,0,,,0,,{},0,0,{},0,0,{},0,0,{},0,\n");
	assert_int_equal(import(f, p, "chatgpt-enterprise", NULL, &sum, &err), 0);
	assert_int_equal(sum.rows, 8);
	assert_int_equal(sum.seats, 3);
	usage_summary_release(&sum);
	assert_int_equal(q(f, "SELECT count(DISTINCT day) FROM usage_rows WHERE person = 'alice'"),
			 3);
	assert_int_equal(q(f, "SELECT sum(day) - 3 * 20179 FROM usage_rows WHERE person = 'alice'"),
			 0 + 14 + 28); /* 2025-04-01 is day 20179 */
	assert_int_equal(q(f, "SELECT count(DISTINCT day) FROM usage_rows WHERE"
			   " identity = 'c@example.com'"), 5);
	assert_int_equal(q(f, "SELECT min(count) * 10 + max(count) FROM usage_rows WHERE"
			   " identity = 'c@example.com'"), 88);
	/* the last active day before the first is refused, nothing imported */
	p = write_file(f, "swapped.csv",
		"email,period_start,period_end,first_day_active_in_period,"
		"last_day_active_in_period,messages\n"
		"d@example.com,2025-04-01,2025-04-30,2025-04-20,2025-04-02,5\n");
	assert_int_equal(import(f, p, "chatgpt-enterprise", NULL, &sum, &err), AIV_EINPUT);
	assert_non_null(strstr(err.msg, "swapped.csv:2:48: last active day '2025-04-02' is before"
			       " the first '2025-04-20'"));
	assert_int_equal(q(f, "SELECT count(*) FROM usage_rows WHERE identity = 'd@example.com'"), 0);
}

static void test_otel(void **state)
{
	struct fx *f = *state;
	struct aiv_err err = AIV_ERR_INIT;
	struct usage_summary sum;

	assert_int_equal(import(f, data("otel-genai.jsonl"), "otel-genai", NULL, &sum, &err), 0);
	/* two GenAI spans (new and old attribute names); the HTTP span is skipped */
	assert_int_equal(sum.rows, 2);
	usage_summary_release(&sum);
	assert_int_equal(q(f, "SELECT count(*) FROM usage_rows WHERE identity = 'u-17' AND"
			   " tool = 'anthropic' AND feature = 'invoke_agent' AND workflow ="
			   " 'Contract Reviewer'"), 1);
	/* older gen_ai.system, user from the resource's enduser.id, op from the span name */
	assert_int_equal(q(f, "SELECT count(*) FROM usage_rows WHERE identity ="
			   " 'dana@contoso.example' AND tool = 'openai' AND feature = 'chat'"), 1);
}

static void test_generic_and_bad_input(void **state)
{
	struct fx *f = *state;
	struct aiv_err err = AIV_ERR_INIT;
	struct usage_summary sum;
	const char *p;
	const char *map = "person=email,time=ts,tool=app,workflow=template_id,count=n,tenant=org";

	assert_int_equal(import(f, data("generic.csv"), "csv", map, &sum, &err), 0);
	assert_int_equal(sum.rows, 4);
	assert_int_equal(sum.people_matched, 2);
	assert_int_equal(sum.nunmatched, 1);
	assert_string_equal(sum.unmatched[0].identity, "stranger@elsewhere.example");
	usage_summary_release(&sum);
	/* epoch seconds 1778061600 = 2026-05-06T10:00:00Z */
	assert_int_equal(q(f, "SELECT time_us FROM usage_rows WHERE identity ="
			   " 'stranger@elsewhere.example'"), 1778061600000000LL);
	assert_int_equal(import(f, data("generic.jsonl"), "jsonl",
				"person=email,time=ts,tool=app,workflow=template_id,count=n",
				&sum, &err), 0);
	assert_int_equal(sum.rows, 2);
	usage_summary_release(&sum);
	/* an identity added later joins the rows kept under it */
	{
		struct identity_import_result res;
		p = write_file(f, "ids.csv", "person,kind,value\nbob,email,Stranger@elsewhere.example\n");
		assert_int_equal(identity_import_csv(f->s, "test", p, &res, &err), 0);
		assert_int_equal(res.rejoined, 1);
		assert_int_equal(q(f, "SELECT count(*) FROM usage_rows WHERE person IS NULL AND"
				   " identity = 'stranger@elsewhere.example'"), 0);
		p = write_file(f, "ids2.csv", "person,kind,value\nnobody,email,x@y\n");
		assert_int_equal(identity_import_csv(f->s, "test", p, &res, &err), AIV_EINPUT);
		assert_non_null(strstr(err.msg, "ids2.csv:2:1: unknown person 'nobody'"));
	}
	/* every bad file: clear error, nothing imported */
	{
		int64_t before = q(f, "SELECT count(*) FROM usage_rows");
		int64_t imports = q(f, "SELECT count(*) FROM usage_imports");
		int64_t ledger = q(f, "SELECT count(*) FROM ledger");
		static const struct { const char *name, *text, *format, *map, *want; } bad[] = {
			{ "missing.csv", "when,who\n2026-01-01,a@b\n", "csv", NULL,
			  "missing.csv:1:1: missing column 'person' for person" },
			{ "date.csv", "person,time\nalice,2026-01-01\nalice,yesterday\n", "csv", NULL,
			  "date.csv:3:7: unparseable time 'yesterday' in 'time'" },
			{ "dup.csv", "person,time,count\nalice,2026-01-01,1\nbob,2026-01-01,1\n"
			  "ALICE ,2026-01-01,2\n", "csv", NULL, "dup.csv:4: duplicate row" },
			{ "neg.csv", "person,time,count\nalice,2026-01-01,1\nbob,2026-01-02,-1\n",
			  "csv", NULL, "neg.csv:3:16: negative count -1 in 'count'" },
			{ "tenant.csv", "person,time,org\nalice,2026-01-01,a\nbob,2026-01-01,b\n", "csv",
			  "person=person,time=time,tenant=org", "tenant.csv:3:16: file mixes tenants" },
			{ "quote.csv", "person,time\n\"alice,2026-01-01\n", "csv", NULL,
			  "quote.csv:2:1: quoted field is never closed" },
			{ "fields.csv", "person,time\nalice,2026-01-01,extra\n", "csv", NULL,
			  "fields.csv:2: record has 3 fields, the header has 2" },
			{ "json.csv", "{\"person\":\"a\"}\n", "jsonl", NULL,
			  "json.csv:1: missing field 'time' for time" },
			{ "notjson.ndjson", "person,time\n", "copilot-users", NULL,
			  "notjson.ndjson:1:6: not JSON" },
			{ "empty.csv", "", "csv", NULL, "the file is empty" },
			{ "wrong.csv", "a,b\n1,2\n", "m365-copilot", NULL,
			  "wrong.csv:1:1: missing column 'Report Refresh Date'" },
			{ "span.jsonl", "{\"resourceMetrics\":[]}\n", "otel-genai", NULL,
			  "span.jsonl:1: missing field 'resourceSpans'" },
			{ "map.csv", "person,time\n", "csv", "person=a,when=b", "unknown --map target 'when'" },
			/* the bad-input list, reader by reader */
			{ "dup2.csv", "person,time,tool\nalice,2026-01-01,x\nbob,2026-01-01,x\n"
			  "alice,2026-01-01T00:00:00Z,x\n", "csv", NULL,
			  "dup2.csv:4: duplicate row: same identity, time, tool, feature and workflow"
			  " as line 2" },
			{ "csv.jsonl", "person,time\nalice,2026-01-01\n", "jsonl", NULL,
			  "csv.jsonl:1:6: not a JSON object" },
			{ "neg.jsonl", "{\"person\":\"a\",\"time\":\"2026-01-01\",\"count\":-2}\n", "jsonl",
			  NULL, "neg.jsonl:1: negative count -2 in 'count'" },
			{ "users.csv", "email,period_start,messages\na@b,2025-04-01,1\n", "copilot-users",
			  NULL, "users.csv:1:5: not JSON" },
			{ "cdate.ndjson", "{\"day\":\"May 7\",\"user_login\":\"alice\"}\n", "copilot-users",
			  NULL, "cdate.ndjson:1: unparseable date 'May 7' in field 'day'" },
			{ "cneg.ndjson", "{\"day\":\"2026-05-07\",\"user_login\":\"alice\","
			  "\"code_acceptance_activity_count\":-1}\n", "copilot-users", NULL,
			  "cneg.ndjson:1: negative count -1 in field 'code_acceptance_activity_count'" },
			{ "cdup.ndjson", "{\"day\":\"2026-05-07\",\"user_login\":\"alice\","
			  "\"user_initiated_interaction_count\":2,\"used_chat\":true}\n"
			  "{\"day\":\"2026-05-07\",\"user_login\":\"Alice\","
			  "\"user_initiated_interaction_count\":2,\"used_chat\":true}\n",
			  "copilot-users", NULL, "cdup.ndjson:2: duplicate row" },
			{ "corg.ndjson", "{\"day\":\"2026-05-07\",\"user_login\":\"alice\","
			  "\"organization_id\":\"1\",\"used_chat\":true}\n"
			  "{\"day\":\"2026-05-07\",\"user_login\":\"bob\","
			  "\"organization_id\":\"2\",\"used_chat\":true}\n",
			  "copilot-users", NULL, "corg.ndjson:2: file mixes tenants: organization_id '2'" },
			{ "seats.csv", "login,seat\nalice,1\n", "copilot-seats", NULL,
			  "seats.csv:1:5: not JSON" },
			{ "metrics.ndjson", "{\"day\":\"2026-05-07\",\"user_login\":\"alice\"}\n",
			  "copilot-metrics", NULL, "metrics.ndjson:1:1: not a JSON array of days" },
			{ "mdate.csv", "Report Refresh Date,Report Period,User Principal Name,"
			  "Last Activity Date,Word Copilot Last Activity Date\n"
			  "2024-06-26,7,a@b,2024-06-12,12/06/2024\n", "m365-copilot", NULL,
			  "mdate.csv:2:29: unparseable date '12/06/2024' in 'Word Copilot Last Activity"
			  " Date'" },
			{ "gpt.csv", "user,period_start,messages\na@b,2025-04-01,1\n", "chatgpt-enterprise",
			  NULL, "gpt.csv:1:1: missing column 'email': this is not a ChatGPT Enterprise" },
			{ "gdate.csv", "email,period_start,messages\na@b,April,1\n", "chatgpt-enterprise",
			  NULL, "gdate.csv:2:5: unparseable date 'April' in 'period_start'" },
			{ "odup.jsonl", "{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":["
			  "{\"traceId\":\"t1\",\"spanId\":\"s1\",\"name\":\"chat\","
			  "\"startTimeUnixNano\":\"1746612000000000000\",\"attributes\":["
			  "{\"key\":\"gen_ai.operation.name\",\"value\":{\"stringValue\":\"chat\"}},"
			  "{\"key\":\"user.id\",\"value\":{\"stringValue\":\"alice\"}}]},"
			  "{\"traceId\":\"t1\",\"spanId\":\"s1\",\"name\":\"chat\","
			  "\"startTimeUnixNano\":\"1746612009000000000\",\"attributes\":["
			  "{\"key\":\"gen_ai.operation.name\",\"value\":{\"stringValue\":\"chat\"}},"
			  "{\"key\":\"user.id\",\"value\":{\"stringValue\":\"alice\"}}]}]}]}]}\n",
			  "otel-genai", NULL, "odup.jsonl:1: duplicate row" },
			{ "odate.jsonl", "{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":["
			  "{\"traceId\":\"t1\",\"spanId\":\"s1\",\"name\":\"chat\","
			  "\"startTimeUnixNano\":\"soon\",\"attributes\":["
			  "{\"key\":\"gen_ai.operation.name\",\"value\":{\"stringValue\":\"chat\"}}]}]}]}]}\n",
			  "otel-genai", NULL, "odate.jsonl:1: unparseable startTimeUnixNano 'soon'" },
			{ "big.csv", "person,time,count\nalice,2026-01-01,4294967296\n", "csv", NULL,
			  "big.csv:2: count 4294967296 is larger than 4294967295" },
		};
		size_t i;
		int wrong = 0;
		for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
			p = write_file(f, bad[i].name, bad[i].text);
			aiv_err_clear(&err);
			if (import(f, p, bad[i].format, bad[i].map, &sum, &err) == 0)
				fail_msg("%s imported", bad[i].name);
			if (!strstr(err.msg, bad[i].want)) {
				print_error("%s: got '%s', want '%s'\n", bad[i].name, err.msg,
					    bad[i].want);
				wrong++;
			}
		}
		assert_int_equal(wrong, 0);
		assert_int_equal(q(f, "SELECT count(*) FROM usage_rows"), before);
		assert_int_equal(q(f, "SELECT count(*) FROM usage_imports"), imports);
		assert_int_equal(q(f, "SELECT count(*) FROM ledger"), ledger);
	}
}

/* The number of events of identity (as stored, lowercased) with feature. */
static int64_t events_of(struct fx *f, const char *identity, const char *feature)
{
	char sql[512];

	snprintf(sql, sizeof(sql), "SELECT coalesce(sum(count), -1) FROM usage_rows WHERE"
		 " identity = '%s' AND feature = '%s'", identity, feature);
	return q(f, sql);
}

/*
 * Copilot usage-metrics rows from the documented schema: every kind of
 * use is an event (tests/data/usage/copilot-users-six.ndjson, see
 * t5010 for the figures), a row with no use is skipped with its reason,
 * the documented example form (a JSON array) is read and said so.
 */
static void test_copilot_any_use(void **state)
{
	struct fx *f = *state;
	struct aiv_err err = AIV_ERR_INIT;
	struct usage_summary sum;
	struct usage_opts o;

	assert_int_equal(import(f, data("copilot-users-six.ndjson"), "copilot-users", NULL,
				&sum, &err), 0);
	assert_int_equal(sum.rows, 6);
	assert_int_equal(sum.tally.read, 7);
	assert_int_equal(sum.tally.used, 6);
	assert_int_equal(sum.tally.nskips, 1);
	assert_string_equal(sum.tally.skips[0].what,
			    "no Copilot use that day (every count 0, no used_* flag)");
	assert_non_null(strstr(sum.tally.skips[0].where, "copilot-users-six.ndjson:7"));
	assert_int_equal(sum.tally.nassumptions, 1); /* eli: shown, none accepted */
	assert_int_equal(sum.tally.assumptions[0].count, 1);
	usage_summary_release(&sum);
	assert_int_equal(events_of(f, "ana-gh", "code_completion"), 5 + 9);
	assert_int_equal(events_of(f, "bo-gh", "chat_panel_ask_mode"), 4);
	assert_int_equal(events_of(f, "cy-gh", "cli"), 2);          /* prompt_count */
	assert_int_equal(events_of(f, "dee-gh", "code_review"), 1);
	assert_int_equal(events_of(f, "eli-gh", "code_completion"), 1);
	assert_int_equal(q(f, "SELECT count(*) FROM usage_rows WHERE identity = 'fay-gh'"), 0);
	/* the example form: an array, pretty-printed; user_login null: user_id */
	assert_int_equal(import(f, data("copilot-users-example.json"), "copilot-users", NULL,
				&sum, &err), 0);
	assert_int_equal(sum.rows, 5);
	assert_int_equal(sum.tally.read, 2);
	assert_int_equal(sum.tally.used, 2);
	assert_non_null(strstr(sum.tally.assumptions[0].what, "a JSON array of rows"));
	usage_summary_release(&sum);
	assert_int_equal(events_of(f, "5002", "chat_panel_agent_mode"), 3);
	assert_int_equal(events_of(f, "5002", "agent_edit"), 1);
	assert_int_equal(events_of(f, "5002", "code_review_passive"), 1);
	/* --strict: the skipped row is an error naming it; nothing stored */
	memset(&o, 0, sizeof(o));
	o.format = "copilot-users";
	o.strict = 1;
	assert_int_equal(store_exec(f->s, "DELETE FROM usage_blocks; DELETE FROM usage_imports",
				    &err), 0);
	assert_int_equal(usage_import_file(f->s, "test", data("copilot-users-six.ndjson"), &o,
					   &sum, &err), AIV_EINPUT);
	assert_non_null(strstr(err.msg, "copilot-users-six.ndjson:7: no Copilot use that day"));
	assert_int_equal(q(f, "SELECT count(*) FROM usage_imports"), 0);
	/* the enterprise-level report has no person: refused with the reason */
	{
		const char *p = write_file(f, "ent.json", "[{\"day_totals\": [], \"enterprise_id\":"
					   " \"1\", \"report_start_day\": \"2025-09-04\"}]\n");
		assert_int_equal(import(f, p, "copilot-users", NULL, &sum, &err), AIV_EINPUT);
		assert_non_null(strstr(err.msg, "enterprise- or organization-level report"));
	}
}

static void test_copilot_seats_no_person(void **state)
{
	struct fx *f = *state;
	struct aiv_err err = AIV_ERR_INIT;
	struct usage_summary sum;

	assert_int_equal(import(f, data("copilot-seats-mixed.json"), "copilot-seats", NULL,
				&sum, &err), 0);
	assert_int_equal(sum.seats, 2);
	assert_int_equal(sum.tally.read, 4);
	assert_int_equal(sum.tally.used, 2);
	assert_int_equal(tally_skipped(&sum.tally), 2);
	assert_string_equal(sum.tally.skips[1].what, "seat assignee is a team, not a person");
	assert_non_null(strstr(sum.tally.skips[1].where, "copilot-seats-mixed.json:1 seats[2]"));
	usage_summary_release(&sum);
	assert_int_equal(q(f, "SELECT count(*) FROM usage_seats WHERE identity IN ('ana-gh',"
			   " 'bo-gh')"), 2);
}

static void test_m365_json(void **state)
{
	struct fx *f = *state;
	struct aiv_err err = AIV_ERR_INIT;
	struct usage_summary sum;
	const char *p;

	assert_int_equal(import(f, data("m365-copilot-user-detail.jsonl"), "m365-copilot", NULL,
				&sum, &err), 0);
	assert_int_equal(sum.rows, 7);
	assert_int_equal(sum.seats, 4);
	assert_int_equal(sum.tally.read, 4);
	usage_summary_release(&sum);
	/* camelCase keys name the same apps as the CSV headers */
	assert_int_equal(events_of(f, "ana@acme.onmicrosoft.com", "Microsoft Teams"), 1);
	assert_int_equal(events_of(f, "ana@acme.onmicrosoft.com", "Copilot Chat"), 1);
	assert_int_equal(events_of(f, "bo@acme.onmicrosoft.com", "Excel"), 1);
	assert_int_equal(events_of(f, "9f4c1a7d0b2e48d3a5c6e7f8091a2b3c", "PowerPoint"), 1);
	assert_int_equal(events_of(f, "9f4c1a7d0b2e48d3a5c6e7f8091a2b3c", "OneNote"), 1);
	/* 2025-10-03 is day 20364 */
	assert_int_equal(q(f, "SELECT day FROM usage_rows WHERE feature = 'Microsoft Teams'"), 20364);
	/* one pretty-printed response; a bad date names the field */
	p = write_file(f, "bad.json", "{\n  \"value\": [\n    {\"reportRefreshDate\": \"2025-10-05\",\n"
		       "     \"userPrincipalName\": \"x@y.example\",\n"
		       "     \"wordCopilotLastActivityDate\": \"05/10/2025\"}\n  ]\n}\n");
	assert_int_equal(import(f, p, "m365-copilot", NULL, &sum, &err), AIV_EINPUT);
	assert_non_null(strstr(err.msg, "unparseable date '05/10/2025' in"
			       " 'wordCopilotLastActivityDate'"));
}

/*
 * A conformant trace (tests/data/usage/otel-agent-trace.jsonl, see
 * t5040): the chat and execute_tool spans take agent, user and provider
 * from their invoke_agent parent, which comes later in the file.
 */
static void test_otel_inherited(void **state)
{
	struct fx *f = *state;
	struct aiv_err err = AIV_ERR_INIT;
	struct usage_summary sum;

	assert_int_equal(import(f, data("otel-agent-trace.jsonl"), "otel-genai", NULL, &sum, &err), 0);
	assert_int_equal(sum.rows, 7);
	assert_int_equal(sum.tally.read, 8);
	assert_int_equal(sum.tally.used, 7);
	usage_summary_release(&sum);
	assert_int_equal(q(f, "SELECT count(*) FROM usage_rows WHERE identity = 'ana' AND"
			   " workflow = 'ap-bot' AND tool = 'openai'"), 4);
	assert_int_equal(q(f, "SELECT count(*) FROM usage_rows WHERE identity = 'ana' AND"
			   " feature = 'execute_tool'"), 2);
	assert_int_equal(q(f, "SELECT count(*) FROM usage_rows WHERE identity = 'bob' AND"
			   " workflow = 'claims-bot' AND tool = 'anthropic'"), 2);
	assert_int_equal(q(f, "SELECT count(*) FROM usage_rows WHERE identity = '(no user.id)'"
			   " AND workflow = '' AND tool = 'genai'"), 1);
}

/* The parts of `messages` against the total, at the edges. */
static void test_chatgpt_parts_edges(void **state)
{
	struct fx *f = *state;
	struct aiv_err err = AIV_ERR_INIT;
	struct usage_summary sum;
	const char *p;

	p = write_file(f, "edges.csv",
		"email,period_start,period_end,first_day_active_in_period,last_day_active_in_period,"
		"messages,gpt_messages,tool_messages,project_messages\n"
		/* parts 3 + 2 + 1 = 6 over 4 messages: capped in order, gpt 3, tool 1 */
		"a@example.com,2025-04-06,2025-04-12,2025-04-07,2025-04-08,4,3,2,1\n"
		/* messages 0 but 2 tool messages: the parts are the total */
		"c@example.com,2025-04-06,2025-04-12,2025-04-09,2025-04-09,0,0,2,0\n");
	assert_int_equal(import(f, p, "chatgpt-enterprise", NULL, &sum, &err), 0);
	assert_int_equal(sum.tally.read, 2);
	assert_int_equal(sum.tally.used, 2);
	assert_int_equal(sum.tally.nassumptions, 2);
	usage_summary_release(&sum);
	/* a: 2 days (Apr 7, 8) with 2 messages each: gpt 2 | gpt 1 + tool 1 */
	assert_int_equal(q(f, "SELECT sum(count) FROM usage_rows WHERE person = 'alice'"), 4);
	assert_int_equal(events_of(f, "a@example.com", "gpt"), 3);
	assert_int_equal(events_of(f, "a@example.com", "tool"), 1);
	assert_int_equal(events_of(f, "a@example.com", "project"), -1);
	assert_int_equal(events_of(f, "a@example.com", "chat"), -1);
	assert_int_equal(q(f, "SELECT count(DISTINCT day) FROM usage_rows WHERE person = 'alice'"), 2);
	assert_int_equal(events_of(f, "c@example.com", "tool"), 2);
}

/*
 * The stored form: columnar blocks of 65,536 events, read back by the
 * metrics loader and as rows; rows of workspaces imported before blocks
 * still count; a damaged block is an error, not silence.
 */
/*
 * The loaders of ingest/usage_load.c: people with their team's function
 * (read through org/), and the vendor daily totals, one per tool by
 * tool, a day's figures the largest of its imports.
 */
static void test_load_people_and_vendor(void **state)
{
	struct fx *f = *state;
	struct aiv_err err = AIV_ERR_INIT;
	struct usage_table t;
	struct adoption_vendor_total *v;
	size_t n;
	json_t *j;

	utab_init(&t);
	assert_int_equal(usage_load(&t, f->s, &err), 0);
	assert_int_equal(t.npeople, 2); /* people.yaml: alice and bob of team t1 */
	assert_int_equal(t.n, 0);
	assert_int_equal(utab_find_person(&t, "alice"), 0);
	assert_int_equal(utab_find_person(&t, "bob"), 1);
	assert_string_equal(intern_str(&t.roles, t.role[1]), "Analyst");
	assert_string_equal(intern_str(&t.teams, t.team[1]), "t1");
	assert_string_equal(intern_str(&t.functions, t.function[1]), "finance");
	assert_int_equal(t.champion[0], 0);
	utab_release(&t);
	/* copilot: day 20000 10/4, day 20001 max(20, 30)/max(6, 9), day 20002 5/1 */
	assert_int_equal(store_exec(f->s, "INSERT INTO usage_org_daily(import_id, tool, day,"
				    " active_users, engaged_users) VALUES (1, 'copilot', 20000, 10,"
				    " 4), (1, 'copilot', 20001, 20, 6), (2, 'copilot', 20001, 30, 9),"
				    " (2, 'copilot', 20002, 5, 1), (1, 'alpha', 19999, 7, 7)", &err), 0);
	assert_int_equal(usage_vendor_totals(f->s, &v, &n, &err), 0);
	assert_int_equal(n, 2);
	assert_string_equal(v[0].tool, "alpha");
	assert_int_equal(v[0].days, 1);
	assert_string_equal(v[1].tool, "copilot");
	assert_int_equal(v[1].days, 3);
	assert_int_equal(v[1].from, 20000);
	assert_int_equal(v[1].to, 20002);
	assert_true(v[1].mean_active == 15.0);          /* (10 + 30 + 5) / 3 */
	assert_true(fabs(v[1].mean_engaged - 14.0 / 3) < 1e-9); /* (4 + 9 + 1) / 3 */
	assert_int_equal(v[1].last_active, 5);         /* the last day, 20002 */
	j = adoption_vendor_json(v, n);
	assert_string_equal(json_string_value(json_object_get(json_array_get(j, 1), "from")),
			    "2024-10-04");
	assert_string_equal(json_string_value(json_object_get(json_array_get(j, 1), "to")),
			    "2024-10-06");
	assert_true(json_real_value(json_object_get(json_array_get(j, 1),
						    "mean_daily_engaged_users")) == 4.6667);
	json_decref(j);
	adoption_vendor_release(v, n);
}

static void test_blocks(void **state)
{
	struct fx *f = *state;
	struct aiv_err err = AIV_ERR_INIT;
	struct usage_summary sum;
	struct usage_table t;
	struct strbuf sb = STRBUF_INIT;
	const char *p;
	int i;

	strbuf_addstr(&sb, "person,time,tool,count\n");
	for (i = 0; i < 70000; i++) /* alice: 70,000 distinct seconds from 2026-01-01 */
		strbuf_addf(&sb, "%s,%d,chatgpt,%d\n", i % 7 ? "alice" : "stranger",
			    1767225600 + i, 1 + i % 3);
	p = write_file(f, "many.csv", sb.buf);
	strbuf_release(&sb);
	assert_int_equal(import(f, p, "csv", NULL, &sum, &err), 0);
	assert_int_equal(sum.rows, 70000);
	assert_int_equal(sum.nunmatched, 1);
	assert_int_equal(sum.unmatched[0].rows, 10000);
	usage_summary_release(&sum);
	assert_int_equal(q(f, "SELECT count(*) FROM usage_blocks"), 2);
	assert_int_equal(q(f, "SELECT sum(n) FROM usage_blocks"), 70000);
	assert_int_equal(q(f, "SELECT count(*) FROM usage_rows WHERE person = 'alice'"), 60000);
	assert_int_equal(q(f, "SELECT sum(count) FROM usage_rows"), 70000 / 3 * 6 + 1);
	/* the same content again: detected, nothing added */
	assert_int_equal(import(f, p, "csv", NULL, &sum, &err), 0);
	assert_int_equal(sum.already, 1);
	usage_summary_release(&sum);
	assert_int_equal(q(f, "SELECT count(*) FROM usage_blocks"), 2);
	/* a row written by an older aivalue (before blocks) */
	assert_int_equal(store_exec(f->s, "INSERT INTO usage_events(import_id, person, identity,"
				    " time_us, day, tool, feature, workflow, count) VALUES (99,"
				    " 'bob', 'bob', 1767225600000000, 20454, 'm365', 'Word', '', 4)",
				    &err), 0);
	utab_init(&t);
	assert_int_equal(usage_load(&t, f->s, &err), 0);
	assert_int_equal(t.n, 60001); /* alice's events and bob's old row; not the stranger's */
	utab_release(&t);
	assert_int_equal(q(f, "SELECT count(*) FROM usage_rows"), 70001);
	/* a damaged block */
	assert_int_equal(store_exec(f->s, "UPDATE usage_blocks SET data = substr(data, 1, 100)"
				    " WHERE seq = 1", &err), 0);
	utab_init(&t);
	assert_int_equal(usage_load(&t, f->s, &err), AIV_ESTATE);
	assert_non_null(strstr(err.msg, "a usage block of"));
	assert_non_null(strstr(err.msg, "is damaged"));
	utab_release(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_copilot_users, setup, teardown),
		cmocka_unit_test_setup_teardown(test_copilot_seats, setup, teardown),
		cmocka_unit_test_setup_teardown(test_m365_snapshots, setup, teardown),
		cmocka_unit_test_setup_teardown(test_m365_snapshot_run, setup, teardown),
		cmocka_unit_test_setup_teardown(test_chatgpt, setup, teardown),
		cmocka_unit_test_setup_teardown(test_chatgpt_active_days, setup, teardown),
		cmocka_unit_test_setup_teardown(test_otel, setup, teardown),
		cmocka_unit_test_setup_teardown(test_generic_and_bad_input, setup, teardown),
		cmocka_unit_test_setup_teardown(test_blocks, setup, teardown),
		cmocka_unit_test_setup_teardown(test_load_people_and_vendor, setup, teardown),
		cmocka_unit_test_setup_teardown(test_copilot_any_use, setup, teardown),
		cmocka_unit_test_setup_teardown(test_copilot_seats_no_person, setup, teardown),
		cmocka_unit_test_setup_teardown(test_m365_json, setup, teardown),
		cmocka_unit_test_setup_teardown(test_otel_inherited, setup, teardown),
		cmocka_unit_test_setup_teardown(test_chatgpt_parts_edges, setup, teardown),
	};
	const char *slash;

	/* the fixtures live next to this file: tests/unit/../data/usage */
	slash = strrchr(__FILE__, '/');
	snprintf(datadir, sizeof(datadir), "%.*s/../data/usage",
		 slash ? (int)(slash - __FILE__) : 1, slash ? __FILE__ : ".");
	cli_register_schema();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
