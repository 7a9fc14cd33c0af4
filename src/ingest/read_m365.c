/*
 * read_m365.c - Microsoft 365 Copilot usage user detail, as CSV or as
 * the Graph reports API's default JSON.
 *
 * Source: microsoftgraph/microsoft-graph-docs-contrib, api-reference/beta/
 * api/reportroot-getmicrosoft365copilotusageuserdetail.md.  The CSV
 * ($format=text/csv) has the header
 *
 *   Report Refresh Date, Report Period, User Principal Name, Display Name,
 *   Last Activity Date, Microsoft Teams Copilot Last Activity Date,
 *   Word Copilot Last Activity Date, Excel ..., PowerPoint ..., Outlook ...,
 *   OneNote ..., Loop ..., Copilot Chat Last Activity Date
 *
 * and the JSON (the default, application/json) is
 *
 *   {"@odata.context": ..., "value": [{"reportRefreshDate",
 *     "userPrincipalName", "displayName", "lastActivityDate",
 *     "copilotChatLastActivityDate", "microsoftTeamsCopilotLastActivityDate",
 *     "wordCopilotLastActivityDate", ... (null when never),
 *     "copilotActivityUserDetailsByPeriod": [{"reportPeriod": 7}]}]}
 *
 * one response, or pages one per line ("@odata.nextLink" is noted, not
 * followed).  Both forms go through one row function; names match
 * ignoring case and punctuation, so "Word Copilot Last Activity Date" and
 * "wordCopilotLastActivityDate" are the same field and the same app.
 *
 * The report lists licensed users only and carries last-activity dates,
 * no counts.  Each row therefore yields a seat (tool "m365-copilot" on
 * the refresh date) and, per app with a date, one event (feature = the
 * app, count 1) on that date; "Last Activity Date" alone gives an event
 * "any" when no app has a date.  Importing a report every day keeps each
 * snapshot: an (identity, date, app) event already stored by an earlier
 * snapshot is skipped (noted in the tally), so frequency builds up over
 * time without double counting.  Concealed names (MD5 hashes) are
 * identities like any other: map them with `aivalue identities import`.
 */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "core/cjson.h"
#include "csvread.h"
#include "readers.h"

#define M365_TOOL "m365-copilot"
#define M365_MAX_APPS 32
#define SUFFIX "lastactivitydate"

/* The documented apps, by normalised prefix of "<App> Copilot Last Activity Date". */
static const struct { const char *key, *name; } m365_apps[] = {
	{ "microsoftteamscopilot", "Microsoft Teams" },
	{ "wordcopilot", "Word" },
	{ "excelcopilot", "Excel" },
	{ "powerpointcopilot", "PowerPoint" },
	{ "outlookcopilot", "Outlook" },
	{ "onenotecopilot", "OneNote" },
	{ "loopcopilot", "Loop" },
	{ "copilotchat", "Copilot Chat" },
};

/*
 * The app an "... Last Activity Date" field names (caller frees), or NULL
 * when the field is not one.  Documented apps get their report name;
 * another "X Copilot Last Activity Date" column gives "X", a camelCase
 * key its prefix.
 */
static char *app_of(const char *field)
{
	char k[128];
	size_t n = strlen(field), kl, i;

	usage_norm_key(field, k, sizeof(k));
	kl = strlen(k);
	if (kl <= strlen(SUFFIX) || strcmp(k + kl - strlen(SUFFIX), SUFFIX))
		return NULL;
	k[kl - strlen(SUFFIX)] = '\0';
	for (i = 0; i < ARRAY_SIZE(m365_apps); i++)
		if (!strcmp(k, m365_apps[i].key))
			return xstrdup(m365_apps[i].name);
	if (n > strlen(" Last Activity Date") &&
	    !strcmp(field + n - strlen(" Last Activity Date"), " Last Activity Date"))
		n -= strlen(" Last Activity Date");
	else if (n > strlen("LastActivityDate"))
		n -= strlen("LastActivityDate");
	if (n > strlen(" Copilot") && !strncmp(field + n - strlen(" Copilot"), " Copilot", 8))
		n -= strlen(" Copilot");
	else if (n > strlen("Copilot") && !strncmp(field + n - strlen("Copilot"), "Copilot", 7))
		n -= strlen("Copilot");
	return xstrndup(field, n);
}

static int is_field(const char *field, const char *want)
{
	char a[128], b[128];

	usage_norm_key(field, a, sizeof(a));
	usage_norm_key(want, b, sizeof(b));
	return !strcmp(a, b);
}

/* One user row, whichever the form: values NULL or "" when absent. */
struct m365_row {
	const char *upn, *refresh, *last;
	const char *app_date[M365_MAX_APPS];
	long app_col[M365_MAX_APPS];
	long line, col_upn, col_refresh, col_last;
};

struct m365_apps {
	char *name[M365_MAX_APPS];   /* feature */
	char *field[M365_MAX_APPS];  /* the field as written, for messages */
	size_t n;
};

static void apps_release(struct m365_apps *a)
{
	size_t i;

	for (i = 0; i < a->n; i++) {
		free(a->name[i]);
		free(a->field[i]);
	}
	a->n = 0;
}

/* Index of app field `field` (added when new), or -1 when not an app field. */
static int app_index(struct m365_apps *a, const char *field)
{
	char *name;
	size_t i;

	if (is_field(field, "Last Activity Date"))
		return -1;
	for (i = 0; i < a->n; i++)
		if (!strcmp(a->field[i], field))
			return (int)i;
	if (a->n == M365_MAX_APPS || !(name = app_of(field)))
		return -1;
	a->name[a->n] = name;
	a->field[a->n] = xstrdup(field);
	return (int)a->n++;
}

static int m365_user(struct usage_import *im, const struct m365_apps *apps,
		     const struct m365_row *row, struct aiv_err *err)
{
	const char *name = usage_file(im);
	int64_t t_refresh;
	size_t a;
	int any = 0, ret;

	usage_tally(im)->read++;
	if (!row->refresh || usage_parse_time(row->refresh, &t_refresh))
		return aiv_fail_at(err, AIV_EINPUT, name, row->line, row->col_refresh,
				   "unparseable date '%s' in 'Report Refresh Date'",
				   row->refresh ? row->refresh : "");
	if (!row->upn || !*row->upn)
		return aiv_fail_at(err, AIV_EINPUT, name, row->line, row->col_upn,
				   "empty 'User Principal Name'");
	if ((ret = usage_emit_seat(im, row->upn, M365_TOOL, usage_day_of(t_refresh), err)))
		return ret;
	for (a = 0; a < apps->n + 1; a++) {
		const char *d = a < apps->n ? row->app_date[a] : row->last;
		struct usage_row r;
		if (!d || !*d || (a == apps->n && any))
			continue;
		memset(&r, 0, sizeof(r));
		if (usage_parse_time(d, &r.time_us))
			return aiv_fail_at(err, AIV_EINPUT, name, row->line,
					   a < apps->n ? row->app_col[a] : row->col_last,
					   "unparseable date '%s' in '%s'", d,
					   a < apps->n ? apps->field[a] : "Last Activity Date");
		r.identity = row->upn;
		r.tool = M365_TOOL;
		r.feature = a < apps->n ? apps->name[a] : "any";
		r.workflow = "";
		r.count = 1;
		r.line = row->line;
		any = 1;
		if ((ret = usage_emit(im, &r, err)))
			return ret;
	}
	usage_tally(im)->used++;
	return 0;
}

static int read_csv(struct usage_import *im, FILE *f, struct aiv_err *err)
{
	static const char *const a_refresh[] = { "Report Refresh Date", NULL };
	static const char *const a_upn[] = { "User Principal Name", NULL };
	static const char *const a_last[] = { "Last Activity Date", NULL };
	const char *name = usage_file(im);
	struct csv_reader r;
	struct m365_apps apps;
	unsigned char *seen = NULL;
	int c_refresh, c_upn, c_last, col_app[M365_MAX_APPS];
	size_t nhdr, i;
	int ret;

	memset(&apps, 0, sizeof(apps));
	csv_reader_init(&r, f, name);
	if ((ret = csv_next(&r, err)) <= 0) {
		if (ret == 0)
			ret = aiv_fail(err, AIV_EINPUT, "cannot import '%s': the file is empty", name);
		goto cleanup;
	}
	nhdr = r.nfields;
	c_refresh = usage_csv_find(&r, a_refresh);
	c_upn = usage_csv_find(&r, a_upn);
	c_last = usage_csv_find(&r, a_last);
	if (c_refresh < 0 || c_upn < 0 || c_last < 0) {
		ret = aiv_fail_at(err, AIV_EINPUT, name, r.rec_line, 1,
				  "missing column '%s': this is not a Microsoft 365 Copilot "
				  "usage user-detail report (wrong --format?)",
				  c_refresh < 0 ? "Report Refresh Date" :
				  c_upn < 0 ? "User Principal Name" : "Last Activity Date");
		goto cleanup;
	}
	seen = xcalloc(nhdr, 1);
	for (i = 0; i < nhdr; i++) {
		int a = (int)i == c_last ? -1 : app_index(&apps, csv_str(&r, i));
		if (a >= 0)
			col_app[a] = (int)i;
		seen[i] = a >= 0 || (int)i == c_refresh || (int)i == c_upn || (int)i == c_last;
	}
	usage_note_columns(im, &r, seen);
	usage_set_snapshot(im, 1);
	while ((ret = csv_next(&r, err)) == 1) {
		struct m365_row row;
		size_t a;

		if (r.nfields != nhdr) {
			ret = aiv_fail_at(err, AIV_EINPUT, name, r.rec_line, 0,
					  "record has %zu fields, the header has %zu", r.nfields, nhdr);
			break;
		}
		usage_progress_bytes(im, r.bytes);
		memset(&row, 0, sizeof(row));
		row.line = r.rec_line;
		row.upn = csv_str(&r, (size_t)c_upn);
		row.refresh = csv_str(&r, (size_t)c_refresh);
		row.last = csv_str(&r, (size_t)c_last);
		row.col_upn = r.fields[c_upn].col;
		row.col_refresh = r.fields[c_refresh].col;
		row.col_last = r.fields[c_last].col;
		for (a = 0; a < apps.n; a++) {
			row.app_date[a] = csv_str(&r, (size_t)col_app[a]);
			row.app_col[a] = r.fields[col_app[a]].col;
		}
		if ((ret = m365_user(im, &apps, &row, err)))
			break;
	}
	usage_set_snapshot(im, 0);
cleanup:
	free(seen);
	apps_release(&apps);
	csv_reader_release(&r);
	return ret < 0 ? ret : 0;
}

/* A JSON string member, or NULL for null / absent; an error for other types. */
static int json_text(struct usage_import *im, json_t *o, const char *key, long line,
		     const char **out, struct aiv_err *err)
{
	json_t *v = json_object_get(o, key);

	*out = NULL;
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_string(v))
		return aiv_fail_at(err, AIV_EINPUT, usage_file(im), line, 0,
				   "field '%s' is not a string", key);
	*out = json_string_value(v);
	return 0;
}

static int json_page(void *data, json_t *doc, long line, struct aiv_err *err)
{
	struct usage_import *im = data;
	struct tally *tl = usage_tally(im);
	json_t *rows = json_object_get(doc, "value"), *o, *v;
	struct m365_apps apps;
	char where[512];
	const char *k;
	size_t i;
	int ret = 0;

	usage_where(im, line, where, sizeof(where));
	if (!json_is_object(doc) || !json_is_array(rows))
		return aiv_fail_at(err, AIV_EINPUT, usage_file(im), line, 1,
				   "missing field 'value': not a Graph report response "
				   "(getMicrosoft365CopilotUsageUserDetail, JSON)");
	json_object_foreach(doc, k, v)
		if (!strcmp(k, "@odata.nextLink"))
			tally_note(tl, "more pages at '@odata.nextLink' (not fetched: save each "
				   "page, one per line)", where);
		else if (strcmp(k, "value") && strcmp(k, "@odata.context"))
			tally_note(tl, "unknown field of the response", where);
	memset(&apps, 0, sizeof(apps));
	usage_set_snapshot(im, 1);
	json_array_foreach(rows, i, o) {
		struct m365_row row;
		int a;

		if (!json_is_object(o)) {
			ret = aiv_fail_at(err, AIV_EINPUT, usage_file(im), line, 0,
					  "value[%zu] is not an object", i);
			break;
		}
		memset(&row, 0, sizeof(row));
		row.line = line;
		if ((ret = json_text(im, o, "reportRefreshDate", line, &row.refresh, err)) ||
		    (ret = json_text(im, o, "userPrincipalName", line, &row.upn, err)) ||
		    (ret = json_text(im, o, "lastActivityDate", line, &row.last, err)))
			break;
		json_object_foreach(o, k, v) {
			if (!strcmp(k, "reportRefreshDate") || !strcmp(k, "userPrincipalName") ||
			    !strcmp(k, "lastActivityDate") || !strcmp(k, "displayName") ||
			    !strcmp(k, "copilotActivityUserDetailsByPeriod") ||
			    !strcmp(k, "reportPeriod"))
				continue;
			if ((a = app_index(&apps, k)) < 0) {
				char what[200];
				snprintf(what, sizeof(what), "field '%.150s'", k);
				tally_note(tl, what, where);
				continue;
			}
			if ((ret = json_text(im, o, k, line, &row.app_date[a], err)))
				break;
		}
		if (ret || (ret = m365_user(im, &apps, &row, err)))
			break;
	}
	usage_set_snapshot(im, 0);
	apps_release(&apps);
	return ret;
}

int usage_read_m365(struct usage_import *im, FILE *f, struct aiv_err *err)
{
	usage_tally(im)->unit = "users";
	if (usage_first_char(f) == '{')
		return usage_json_docs(f, usage_file(im), json_page, im, err);
	return read_csv(im, f, err);
}
