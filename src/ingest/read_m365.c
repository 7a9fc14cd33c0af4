/*
 * read_m365.c - Microsoft 365 Copilot usage user-detail CSV.
 *
 * Source: microsoftgraph/microsoft-graph-docs-contrib, api-reference/beta/
 * api/reportroot-getmicrosoft365copilotusageuserdetail.md.  Header:
 *
 *   Report Refresh Date, Report Period, User Principal Name, Display Name,
 *   Last Activity Date, Microsoft Teams Copilot Last Activity Date,
 *   Word Copilot Last Activity Date, Excel ..., PowerPoint ..., Outlook ...,
 *   OneNote ..., Loop ..., Copilot Chat Last Activity Date
 *
 * The report lists licensed users only and carries last-activity dates,
 * no counts.  Each row therefore yields a seat (tool "m365-copilot" on
 * the refresh date) and, per app column with a date, one event (feature
 * = the app, count 1) on that date.  Importing a report every day keeps
 * each snapshot: an (identity, date, app) event already stored by an
 * earlier snapshot is skipped, so frequency builds up over time without
 * double counting.  Matching of headers ignores case, spaces and
 * punctuation, so the camelCase names of the JSON variant work too.
 * Concealed names (MD5 hashes) are identities like any other: map them
 * with `aivalue identities import`.
 */
#include <stdlib.h>
#include <string.h>

#include "csvread.h"
#include "readers.h"

#define M365_TOOL "m365-copilot"
#define M365_MAX_APPS 32

int usage_read_m365(struct usage_import *im, FILE *f, struct aiv_err *err)
{
	static const char *const a_refresh[] = { "Report Refresh Date", NULL };
	static const char *const a_upn[] = { "User Principal Name", NULL };
	static const char *const a_last[] = { "Last Activity Date", NULL };
	const char *name = usage_file(im);
	struct csv_reader r;
	int c_refresh, c_upn, c_last, apps[M365_MAX_APPS];
	char *app_names[M365_MAX_APPS], *app_cols[M365_MAX_APPS];
	size_t napps = 0, nhdr, i;
	int ret;

	csv_reader_init(&r, f, name);
	if ((ret = csv_next(&r, err)) <= 0) {
		if (ret == 0)
			ret = aiv_fail(err, AIV_EINPUT, "cannot import '%s': the file is empty", name);
		csv_reader_release(&r);
		return ret;
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
		csv_reader_release(&r);
		return ret;
	}
	for (i = 0; i < nhdr; i++) {
		char k[128];
		const char *h = csv_str(&r, i);
		size_t n = strlen(h);
		usage_norm_key(h, k, sizeof(k));
		if ((int)i == c_last || strlen(k) <= strlen("lastactivitydate") ||
		    strcmp(k + strlen(k) - strlen("lastactivitydate"), "lastactivitydate") ||
		    napps == M365_MAX_APPS)
			continue;
		/* "Word Copilot Last Activity Date" -> "Word"; camelCase kept whole */
		if (n > strlen(" Last Activity Date") &&
		    !strcmp(h + n - strlen(" Last Activity Date"), " Last Activity Date"))
			n -= strlen(" Last Activity Date");
		if (n > strlen(" Copilot") && !strncmp(h + n - strlen(" Copilot"), " Copilot", 8))
			n -= strlen(" Copilot");
		apps[napps] = (int)i;
		app_cols[napps] = xstrdup(h);
		app_names[napps++] = xstrndup(h, n);
	}
	usage_set_snapshot(im, 1);
	while ((ret = csv_next(&r, err)) == 1) {
		const char *upn, *refresh;
		int64_t t_refresh;
		size_t a;
		int any = 0;

		if (r.nfields != nhdr) {
			ret = aiv_fail_at(err, AIV_EINPUT, name, r.rec_line, 0,
					  "record has %zu fields, the header has %zu", r.nfields, nhdr);
			break;
		}
		usage_progress_bytes(im, r.bytes);
		upn = csv_str(&r, (size_t)c_upn);
		refresh = csv_str(&r, (size_t)c_refresh);
		if (usage_parse_time(refresh, &t_refresh)) {
			ret = aiv_fail_at(err, AIV_EINPUT, name, r.rec_line, r.fields[c_refresh].col,
					  "unparseable date '%s' in 'Report Refresh Date'", refresh);
			break;
		}
		if (!*upn) {
			ret = aiv_fail_at(err, AIV_EINPUT, name, r.rec_line, r.fields[c_upn].col,
					  "empty 'User Principal Name'");
			break;
		}
		if ((ret = usage_emit_seat(im, upn, M365_TOOL, usage_day_of(t_refresh), err)))
			break;
		for (a = 0; a < napps + 1 && !ret; a++) {
			int c = a < napps ? apps[a] : c_last;
			const char *d = csv_str(&r, (size_t)c);
			struct usage_row row;
			if (!*d || (a == napps && any))
				continue;
			memset(&row, 0, sizeof(row));
			if (usage_parse_time(d, &row.time_us)) {
				ret = aiv_fail_at(err, AIV_EINPUT, name, r.rec_line, r.fields[c].col,
						  "unparseable date '%s' in '%s'", d,
						  a < napps ? app_cols[a] : "Last Activity Date");
				break;
			}
			row.identity = upn;
			row.tool = M365_TOOL;
			row.feature = a < napps ? app_names[a] : "any";
			row.workflow = "";
			row.count = 1;
			row.line = r.rec_line;
			any = 1;
			ret = usage_emit(im, &row, err);
		}
		if (ret)
			break;
	}
	usage_set_snapshot(im, 0);
	for (i = 0; i < napps; i++) {
		free(app_names[i]);
		free(app_cols[i]);
	}
	csv_reader_release(&r);
	return ret < 0 ? ret : 0;
}
