/*
 * report.c - `aivalue report --format html|md|json [--industry ID] [-o FILE]`:
 * one standalone file with the phase, readiness, scorecards, hypotheses,
 * findings and roadmap.  Writes to a temporary file and renames it, so a
 * failed run never leaves half a report behind.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "cmd.h"
#include "core/progress.h"
#include "core/timeutil.h"
#include "ledger/ledger.h"
#include "options.h"
#include "report/report.h"

int cmd_report(int argc, char **argv, struct aiv_ctx *ctx)
{
	static const char *const usage[] = {
		"aivalue report [--format html|md|json] [--industry ID] [--org NAME] [--as-of DATE]"
		" [-o FILE]", NULL };
	const char *format = "html", *outfile = NULL, *industry = NULL, *org = NULL, *as_of = NULL;
	int64_t as_of_us = 0;
	const struct option opts[] = {
		{ OPT_STRING, 0, "format", &format, "html|md|json", "html (default), md or json" },
		{ OPT_STRING, 0, "industry", &industry, "ID", "industry path for the roadmap" },
		{ OPT_STRING, 0, "org", &org, "NAME", "the organisation's name on page one" },
		{ OPT_STRING, 'o', "output", &outfile, "FILE", "write to FILE (default stdout)" },
		{ OPT_STRING, 0, "as-of", &as_of, "DATE",
		  "every figure as of DATE, from data up to that day" },
		{ OPT_END, 0, NULL, NULL, NULL, NULL },
	};
	struct aiv_err err = AIV_ERR_INIT;
	struct playbook_state ps;
	struct report_meta meta;
	struct strbuf sb = STRBUF_INIT;
	struct progress prog;
	struct stat stbuf;
	char now[TIME_ISO_LEN];
	char *tmp = NULL;
	int n, ret = 0;

	if ((n = parse_options(argc, argv, opts, usage)) < 0)
		return n == -2 ? 0 : 2;
	if (n != 0) {
		usage_with_options(usage, opts, 1);
		return 2;
	}
	if (ctx->json)
		format = "json";
	if (strcmp(format, "html") && strcmp(format, "md") && strcmp(format, "json")) {
		fprintf(stderr, "error: unknown report format '%s' (html, md or json)\n", format);
		return 2;
	}
	memset(&meta, 0, sizeof(meta));
	time_format_us(time_now_us(), now);
	meta.generated_at = now;
	meta.workspace = ctx->db_path;
	meta.organisation = org;
	if (ledger_head(ctx->store, &meta.head_seq, meta.head_hash, &err))
		return cli_error(&err);
	if (as_of && cli_parse_as_of(as_of, &as_of_us))
		return 2;
	/* two stages, computing the figures and rendering them; the line shows the time spent */
	progress_start(&prog, "building the report", "stages", 2);
	if ((as_of ? playbook_compute_as_of(ctx->store, ctx->cat, cli_questionnaire_path(),
					    industry, as_of_us, &ps, &err) :
		     playbook_compute(ctx->store, ctx->cat, cli_questionnaire_path(), industry,
				      time_now_us(), &ps, &err)) ||
	    (progress_update(&prog, 1, 0), report_render(&ps, &meta, format, &sb, &err))) {
		progress_stop(&prog);
		ret = cli_error(&err);
		goto out;
	}
	progress_stop(&prog);
	if (!outfile) {
		fwrite(sb.buf, 1, sb.len, stdout);
		goto out;
	}
	if (!stat(outfile, &stbuf) && !S_ISREG(stbuf.st_mode)) {
		/* a device or pipe (e.g. /dev/null): write to it, never rename over it */
		FILE *f = fopen(outfile, "w");
		if (!f || fwrite(sb.buf, 1, sb.len, f) != sb.len || fclose(f)) {
			ret = cli_errorf("cannot write '%s': %s", outfile, strerror(errno));
			goto out;
		}
		goto wrote;
	}
	tmp = xstrfmt("%s.tmp", outfile);
	{
		FILE *f = fopen(tmp, "w");
		if (!f || fwrite(sb.buf, 1, sb.len, f) != sb.len || fclose(f) ||
		    rename(tmp, outfile)) {
			ret = cli_errorf("cannot write '%s': %s", outfile, strerror(errno));
			remove(tmp);
			goto out;
		}
	}
wrote:
	fprintf(stderr, "wrote %s report to '%s' (%zu bytes)\n", format, outfile, sb.len);
out:
	free(tmp);
	strbuf_release(&sb);
	playbook_release(&ps);
	return ret;
}
