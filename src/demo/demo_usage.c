/*
 * demo_usage.c - a year of AI-usage exports in the vendors' formats:
 *
 *   usage/copilot/users-YYYY-MM.ndjson  GitHub Copilot users-1-day NDJSON
 *                                       (engineering and IT), a month a file
 *   usage/m365/YYYY-MM-DD.csv           Microsoft 365 Copilot usage user
 *                                       detail (every licensed person):
 *                                       weekly snapshots, then daily for the
 *                                       last 8 weeks, as an organisation
 *                                       that started exporting daily does
 *   usage/chatgpt/users-YYYY-MM.csv     ChatGPT Enterprise weekly user
 *                                       engagement (legal, sales, marketing)
 *   usage/chatgpt/gpts.csv              ChatGPT Enterprise GPT engagement
 *   usage/otel/YYYY-MM.jsonl            OTLP/JSON GenAI spans of the
 *                                       in-house assistant (operations and
 *                                       customer service)
 *
 * The days are simulated in order, everyone each day, so that each
 * Microsoft 365 snapshot can state the last activity date per app up to
 * its day, as the real report does.  Each person draws from their own
 * random stream (seeded in demo_org.c), so the files do not depend on the
 * order the datasets are written in.
 */
#include <stdio.h>
#include <string.h>

#include "core/banned.h"
#include "demo/demo_int.h"

#define M365_APPS 6
#define DAILY_FROM (DEMO_DAYS - 56)
static const char *const m365_apps[M365_APPS] = {
	"Microsoft Teams", "Word", "Excel", "PowerPoint", "Outlook", "Copilot Chat" };

struct gpt_def {
	const char *id, *name, *function; /* created by the champion of `function` */
};
static const struct gpt_def gpts[] = {
	{ "g-contract-check", "Contract clause checker", "legal" },
	{ "g-campaign-brief", "Campaign brief writer", "marketing" },
	{ "g-proposal", "Proposal drafter", "sales" },
};

struct pstate {
	struct stats_rng r;
	short last[M365_APPS];  /* last active day per app, -1 none */
	short week_first, week_last;
	int week_msgs, week_gpt[3], week_tool, week_active;
	unsigned char occ_week;  /* occasional: active this week */
	unsigned char tool;      /* 1 copilot, 2 chatgpt, 4 assistant */
};

static int is_fn(const struct demo *d, const struct demo_person *p, const char *fn)
{
	return !strcmp(d->teams[p->team].function, fn);
}

/* Remember an export for the loader, in load order. */
static void add_file(struct demo *d, const char *rel, const char *format)
{
	d->usage_files = xrealloc(d->usage_files, st_mult(d->nusage + 1, sizeof(char *)));
	d->usage_formats = xrealloc(d->usage_formats, st_mult(d->nusage + 1, sizeof(char *)));
	d->usage_files[d->nusage] = xstrdup(rel);
	d->usage_formats[d->nusage] = format;
	d->nusage++;
}

static int flush(struct demo *d, struct strbuf *sb, const char *rel, const char *format,
		 struct aiv_err *err)
{
	int ret;

	if (!sb->len)
		return 0;
	if ((ret = demo_write(d, rel, sb, err)))
		return ret;
	add_file(d, rel, format);
	strbuf_reset(sb);
	return 0;
}

/* Is person p active on `day`?  Draws from p's stream. */
static int active_today(const struct demo_person *p, struct pstate *s, int day)
{
	int wd = demo_weekday(day);
	double q;

	if (p->profile == PROF_NEVER || day < p->start || day > p->stop)
		return 0;
	if (wd == 1 || day == p->start) /* a new week: do occasional users show up? */
		s->occ_week = demo_chance(&s->r, 0.42);
	if (wd >= 6)
		return demo_chance(&s->r, p->profile == PROF_POWER ? 0.15 : 0.02);
	if (day == p->start)
		return 1;
	switch (p->profile) {
	case PROF_POWER:
		q = 0.93;
		break;
	case PROF_HABITUAL:
		q = 0.72;
		break;
	case PROF_STALLED:
		q = 0.45;
		break;
	default:
		q = s->occ_week ? 0.35 : 0;
		break;
	}
	return demo_chance(&s->r, q);
}

static void m365_header(struct strbuf *sb)
{
	size_t i;

	strbuf_addstr(sb, "\xEF\xBB\xBFReport Refresh Date,Report Period,User Principal Name,"
		      "Display Name,Last Activity Date");
	for (i = 0; i < M365_APPS; i++)
		strbuf_addf(sb, ",%s%s Last Activity Date", m365_apps[i],
			    i == M365_APPS - 1 ? "" : " Copilot");
	strbuf_addch(sb, '\n');
}

static void m365_snapshot(struct demo *d, struct pstate *st, int day, struct strbuf *sb)
{
	char today[11], date[11];
	size_t i, a;
	int tenant = (int)(strchr(d->domain, '.') - d->domain);

	demo_date(day, today);
	m365_header(sb);
	for (i = 0; i < d->npeople; i++) {
		const struct demo_person *p = &d->people[i];
		int last = -1;
		for (a = 0; a < M365_APPS; a++)
			if (st[i].last[a] > last)
				last = st[i].last[a];
		strbuf_addf(sb, "%s,%d,%s@%.*s.onmicrosoft.com,%s,", today,
			    7, p->name, tenant, d->domain, p->display);
		if (last >= 0) {
			demo_date(last, date);
			strbuf_addstr(sb, date);
		}
		for (a = 0; a < M365_APPS; a++) {
			strbuf_addch(sb, ',');
			if (st[i].last[a] >= 0) {
				demo_date(st[i].last[a], date);
				strbuf_addstr(sb, date);
			}
		}
		strbuf_addch(sb, '\n');
		d->n_m365_rows++;
	}
}

static void copilot_row(struct demo *d, const struct demo_person *p, size_t idx,
			struct pstate *s, int day, struct strbuf *sb)
{
	char date[11], login[64];
	size_t j, o = 0;
	int acc = 1 + (int)(p->intensity * 2 * demo_unif(&s->r));
	int ask = (int)(p->intensity * demo_unif(&s->r));
	int agent = p->profile == PROF_POWER ? 1 + (int)(4 * demo_unif(&s->r)) : 0;

	for (j = 0; p->name[j] && o + 1 < sizeof(login); j++)
		login[o++] = p->name[j] == '.' ? '-' : p->name[j];
	login[o] = '\0';
	demo_date(day, date);
	strbuf_addf(sb, "{\"day\":\"%s\",\"user_id\":%zu,\"user_login\":\"%s-gh\","
		    "\"organization_id\":\"4242\",\"enterprise_id\":\"77\","
		    "\"user_initiated_interaction_count\":%d,\"code_generation_activity_count\":%d,"
		    "\"code_acceptance_activity_count\":%d,\"used_chat\":%s,\"used_agent\":%s,"
		    "\"totals_by_feature\":[{\"feature\":\"code_completion\","
		    "\"user_initiated_interaction_count\":0,\"code_acceptance_activity_count\":%d}",
		    date, 100000 + idx, login, ask + agent, acc * 3, acc, ask ? "true" : "false",
		    agent ? "true" : "false", acc);
	if (ask)
		strbuf_addf(sb, ",{\"feature\":\"chat_panel_ask_mode\","
			    "\"user_initiated_interaction_count\":%d,\"code_acceptance_activity_count\":0}",
			    ask);
	if (agent)
		strbuf_addf(sb, ",{\"feature\":\"chat_panel_agent_mode\","
			    "\"user_initiated_interaction_count\":%d,\"code_acceptance_activity_count\":0}",
			    agent);
	strbuf_addstr(sb, "]}\n");
	d->n_copilot_rows++;
}

static void chatgpt_header(struct strbuf *sb)
{
	strbuf_addstr(sb, "cadence,period_start,period_end,account_id,public_id,name,email,role,"
		      "user_role,department,groups,user_status,created_or_invited_date,is_active,"
		      "first_day_active_in_period,last_day_active_in_period,messages,messages_rank,"
		      "model_to_messages,gpt_messages,gpts_messaged,gpt_to_messages,tool_messages,"
		      "tools_messaged,tool_to_messages,project_messages,projects_messaged,"
		      "project_to_messages,projects_created,last_day_active\n");
}

/* One weekly row per ChatGPT user; the week is days [w0, w0 + 6]. */
static void chatgpt_rows(struct demo *d, struct pstate *st, int w0, struct strbuf *sb)
{
	char ps[11], pe[11], f[11], l[11], toolmap[48];
	size_t i, g;

	demo_date(w0, ps);
	demo_date(w0 + 6, pe);
	for (i = 0; i < d->npeople; i++) {
		const struct demo_person *p = &d->people[i];
		struct pstate *s = &st[i];
		int gm = 0, ng = 0;
		if (!(s->tool & 2))
			continue;
		for (g = 0; g < ARRAY_SIZE(gpts); g++) {
			gm += s->week_gpt[g];
			ng += s->week_gpt[g] > 0;
		}
		strbuf_addf(sb, "Weekly,%s,%s,acct-%s,u-%05zu,%s,%s@%s,standard,standard-user,"
			    "\"[\"\"%s\"\"]\",[],enabled,2025-11-01,%d,", ps, pe, d->domain, i + 1,
			    p->display, p->name, d->domain, d->teams[p->team].title,
			    s->week_active ? 1 : 0);
		if (!s->week_active) {
			strbuf_addstr(sb, ",,0,,{},0,0,{},0,0,{},0,0,{},0,\n");
		} else {
			demo_date(s->week_first, f);
			demo_date(s->week_last, l);
			strbuf_addf(sb, "%s,%s,%d,,\"{\"\"gpt-4o\"\": %d}\",%d,%d,\"{", f, l,
				    s->week_msgs + gm + s->week_tool, s->week_msgs, gm, ng);
			for (g = 0, ng = 0; g < ARRAY_SIZE(gpts); g++)
				if (s->week_gpt[g])
					strbuf_addf(sb, "%s\"\"%s\"\": %d", ng++ ? ", " : "", gpts[g].id,
						    s->week_gpt[g]);
			if (s->week_tool)
				snprintf(toolmap, sizeof(toolmap), "\"{\"\"python\"\": %d}\"",
					 s->week_tool);
			else
				snprintf(toolmap, sizeof(toolmap), "{}");
			strbuf_addf(sb, "}\",%d,%d,%s,0,0,{},0,%s\n", s->week_tool,
				    s->week_tool ? 1 : 0, toolmap, l);
		}
		d->n_chatgpt_rows++;
		memset(s->week_gpt, 0, sizeof(s->week_gpt));
		s->week_msgs = s->week_tool = s->week_active = 0;
		s->week_first = s->week_last = -1;
	}
}

static void otel_span(struct demo *d, const struct demo_person *p, size_t idx,
		      struct pstate *s, int day, struct strbuf *sb, int first)
{
	int64_t t = demo_unix(day, 8 * 3600 + (int)stats_rng_below(&s->r, 9 * 3600));
	uint64_t id = (uint64_t)d->n_otel_spans + 1;
	const char *agent = d->o.industry == DEMO_INSURANCE ? "Claims Helper"
			  : d->o.industry == DEMO_RETAIL ? "Store Helper" : "Plant Helper";

	strbuf_addf(sb, "%s{\"traceId\":\"%016llx%016llx\",\"spanId\":\"%016llx\","
		    "\"name\":\"invoke_agent %s\",\"startTimeUnixNano\":\"%lld000000000\","
		    "\"endTimeUnixNano\":\"%lld000000000\",\"attributes\":["
		    "{\"key\":\"gen_ai.operation.name\",\"value\":{\"stringValue\":\"invoke_agent\"}},"
		    "{\"key\":\"gen_ai.provider.name\",\"value\":{\"stringValue\":\"anthropic\"}},"
		    "{\"key\":\"gen_ai.agent.name\",\"value\":{\"stringValue\":\"%s\"}},"
		    "{\"key\":\"gen_ai.request.model\",\"value\":{\"stringValue\":\"claude-sonnet-4-5\"}},"
		    "{\"key\":\"gen_ai.usage.input_tokens\",\"value\":{\"intValue\":\"%u\"}},"
		    "{\"key\":\"gen_ai.usage.output_tokens\",\"value\":{\"intValue\":\"%u\"}},"
		    "{\"key\":\"user.id\",\"value\":{\"stringValue\":\"e%05zu\"}}]}",
		    first ? "" : ",", (unsigned long long)d->o.seed, (unsigned long long)id,
		    (unsigned long long)(id * 2654435761u), agent, (long long)t,
		    (long long)t + 3 + (long long)stats_rng_below(&s->r, 20), agent,
		    400 + (unsigned)stats_rng_below(&s->r, 3000),
		    100 + (unsigned)stats_rng_below(&s->r, 800), idx + 1);
	d->n_otel_spans++;
}

int demo_write_usage(struct demo *d, struct aiv_err *err)
{
	struct strbuf cop = STRBUF_INIT, chat = STRBUF_INIT, otel = STRBUF_INIT;
	struct strbuf m365 = STRBUF_INIT, line = STRBUF_INIT;
	struct pstate *st = xcalloc(d->npeople, sizeof(*st));
	char month[8] = "", date[11], rel[96];
	int day, ret = 0, nspans;
	size_t i, a, g;

	for (i = 0; i < d->npeople; i++) {
		const struct demo_person *p = &d->people[i];
		stats_rng_seed(&st[i].r, d->o.seed ^ ((uint64_t)p->rnd << 20) ^ i);
		for (a = 0; a < M365_APPS; a++)
			st[i].last[a] = -1;
		st[i].week_first = st[i].week_last = -1;
		if (is_fn(d, p, "engineering") || is_fn(d, p, "it"))
			st[i].tool |= 1;
		if (is_fn(d, p, "legal") || is_fn(d, p, "sales") || is_fn(d, p, "marketing"))
			st[i].tool |= 2;
		if (is_fn(d, p, "operations") || is_fn(d, p, "customer_service"))
			st[i].tool |= 4;
	}
	for (day = 0; day < DEMO_DAYS; day++) {
		char m[8];
		demo_date(day, date);
		memcpy(m, date, 7);
		m[7] = '\0';
		if (strcmp(m, month)) {
			/* a new month: write last month's files */
			if (month[0]) {
				snprintf(rel, sizeof(rel), "usage/copilot/users-%s.ndjson", month);
				if ((ret = flush(d, &cop, rel, "copilot-users", err)))
					goto cleanup;
				snprintf(rel, sizeof(rel), "usage/chatgpt/users-%s.csv", month);
				if ((ret = flush(d, &chat, rel, "chatgpt-enterprise", err)))
					goto cleanup;
				snprintf(rel, sizeof(rel), "usage/otel/%s.jsonl", month);
				if ((ret = flush(d, &otel, rel, "otel-genai", err)))
					goto cleanup;
			}
			memcpy(month, m, 8);
		}
		strbuf_reset(&line);
		nspans = 0;
		for (i = 0; i < d->npeople; i++) {
			const struct demo_person *p = &d->people[i];
			struct pstate *s = &st[i];
			int napps;
			if (!active_today(p, s, day))
				continue;
			napps = p->profile == PROF_POWER ? 3 + (int)stats_rng_below(&s->r, 3)
						       : 1 + (int)stats_rng_below(&s->r, 2);
			for (a = 0; a < (size_t)napps; a++)
				s->last[stats_rng_below(&s->r, M365_APPS)] = (short)day;
			if ((s->tool & 1) && demo_chance(&s->r, 0.9)) {
				if (!cop.len)
					strbuf_grow(&cop, 1 << 16);
				copilot_row(d, p, i, s, day, &cop);
			}
			if (s->tool & 2) {
				if (s->week_first < 0)
					s->week_first = (short)day;
				s->week_last = (short)day;
				s->week_active = 1;
				s->week_msgs += 1 + (int)(p->intensity * 2 * demo_unif(&s->r));
				for (g = 0; g < ARRAY_SIZE(gpts); g++)
					if (demo_chance(&s->r, p->profile >= PROF_HABITUAL ? 0.25 : 0.1))
						s->week_gpt[g] += 1 + (int)stats_rng_below(&s->r, 4);
				if (p->profile == PROF_POWER)
					s->week_tool += (int)stats_rng_below(&s->r, 3);
			}
			if ((s->tool & 4) && demo_chance(&s->r, 0.3)) {
				otel_span(d, p, i, s, day, &line, nspans == 0);
				nspans++;
			}
		}
		if (nspans) {
			strbuf_addf(&otel, "{\"resourceSpans\":[{\"resource\":{\"attributes\":["
				    "{\"key\":\"service.name\",\"value\":{\"stringValue\":\"assistant-platform\"}}]},"
				    "\"scopeSpans\":[{\"scope\":{\"name\":\"opentelemetry.instrumentation.anthropic\"},"
				    "\"spans\":[%s]}]}]}\n", line.buf);
		}
		if (demo_weekday(day) == 6 && day >= 7) {
			if (!chat.len)
				chatgpt_header(&chat);
			chatgpt_rows(d, st, day - 6, &chat);
		}
		if (day >= DAILY_FROM || demo_weekday(day) == 6) {
			strbuf_reset(&m365);
			m365_snapshot(d, st, day, &m365);
			snprintf(rel, sizeof(rel), "usage/m365/%s.csv", date);
			if ((ret = flush(d, &m365, rel, "m365-copilot", err)))
				goto cleanup;
			d->n_m365_files++;
		}
	}
	snprintf(rel, sizeof(rel), "usage/copilot/users-%s.ndjson", month);
	if ((ret = flush(d, &cop, rel, "copilot-users", err)))
		goto cleanup;
	snprintf(rel, sizeof(rel), "usage/chatgpt/users-%s.csv", month);
	if ((ret = flush(d, &chat, rel, "chatgpt-enterprise", err)))
		goto cleanup;
	snprintf(rel, sizeof(rel), "usage/otel/%s.jsonl", month);
	if ((ret = flush(d, &otel, rel, "otel-genai", err)))
		goto cleanup;

	/* the GPTs and who made them (the reusable workflows' creators) */
	strbuf_addstr(&chat, "cadence,period_start,period_end,account_id,gpt_id,gpt_name,"
		      "config_type,gpt_description,gpt_url,gpt_creator_public_id,gpt_creator_email,"
		      "is_active,first_day_active_in_period,last_day_active_in_period,"
		      "messages_workspace,unique_messagers_workspace\n");
	for (g = 0; g < ARRAY_SIZE(gpts); g++) {
		const char *creator = NULL;
		char ps[11], pe[11];
		for (i = 0; i < d->nteams && !creator; i++)
			if (!strcmp(d->teams[i].function, gpts[g].function))
				creator = d->people[d->teams[i].first + 1].name;
		demo_date(DEMO_DAYS - 7, ps);
		demo_date(DEMO_DAYS - 1, pe);
		strbuf_addf(&chat, "Weekly,%s,%s,acct-%s,%s,%s,custom,\"%s, shared by the %s team\","
			    "https://chatgpt.com/g/%s,%s,%s@%s,1,%s,%s,%d,%d\n", ps, pe, d->domain,
			    gpts[g].id, gpts[g].name, gpts[g].name, gpts[g].function, gpts[g].id,
			    creator ? creator : "unknown", creator ? creator : "unknown", d->domain,
			    ps, pe, 40, 8);
	}
	ret = flush(d, &chat, "usage/chatgpt/gpts.csv", "chatgpt-enterprise", err);
cleanup:
	strbuf_release(&cop);
	strbuf_release(&chat);
	strbuf_release(&otel);
	strbuf_release(&m365);
	strbuf_release(&line);
	free(st);
	return ret;
}
