/*
 * usage_util.c - small parsers shared by the usage readers, and the
 * reader table.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "core/timeutil.h"
#include "csvread.h"
#include "readers.h"

const struct usage_reader usage_readers[] = {
	{ "chatgpt-enterprise", "ChatGPT Enterprise user- and GPT-engagement CSV",
	  usage_read_chatgpt },
	{ "copilot-metrics", "legacy GitHub Copilot /copilot/metrics daily org totals (backfill)",
	  usage_read_copilot_metrics },
	{ "copilot-seats", "GitHub Copilot billing/seats responses (licences, last activity)",
	  usage_read_copilot_seats },
	{ "copilot-users", "GitHub Copilot usage-metrics users-1-day / user-teams-1-day NDJSON",
	  usage_read_copilot },
	{ "csv", "generic CSV usage events with --map", usage_read_csv },
	{ "jsonl", "generic JSON-lines usage events with --map", usage_read_jsonl },
	{ "m365-copilot", "Microsoft 365 Copilot usage user-detail CSV (daily snapshots)",
	  usage_read_m365 },
	{ "otel-genai", "OTLP/JSON spans with OpenTelemetry GenAI attributes",
	  usage_read_otel },
	{ NULL, NULL, NULL },
};

const struct usage_reader *usage_reader_find(const char *format)
{
	const struct usage_reader *r;

	if (!format)
		return NULL;
	for (r = usage_readers; r->format; r++)
		if (!strcmp(r->format, format))
			return r;
	return NULL;
}

void usage_norm_key(const char *in, char *out, size_t outsz)
{
	size_t o = 0;

	for (; *in && o + 1 < outsz; in++)
		if (isalnum((unsigned char)*in))
			out[o++] = (char)tolower((unsigned char)*in);
	out[o] = '\0';
}

int usage_parse_count(const char *s, int64_t *out)
{
	char *end;
	long long v;
	double d;

	while (isspace((unsigned char)*s))
		s++;
	if (!*s)
		return -1;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (!errno && end != s) {
		while (isspace((unsigned char)*end))
			end++;
		if (!*end) {
			*out = v;
			return 0;
		}
	}
	/* "12.0" as some exports write integers */
	errno = 0;
	d = strtod(s, &end);
	while (isspace((unsigned char)*end))
		end++;
	/* range first: converting a NaN or a huge double to an integer is undefined */
	if (errno || end == s || *end || !(d <= 9e15 && d >= -9e15) || d != (double)(long long)d)
		return -1;
	*out = (int64_t)d;
	return 0;
}

int usage_parse_time(const char *s, int64_t *us)
{
	/* ISO year-first only (usage exports never write year-last dates) */
	static const struct time_format f = { TIME_ORDER_ISO, TIME_EPOCH_AUTO, TIME_TRIM };

	return s ? time_parse(s, strlen(s), &f, us) : -1;
}

int usage_csv_find(const struct csv_reader *r, const char *const *aliases)
{
	char want[128], have[128];
	size_t i;

	for (; *aliases; aliases++) {
		usage_norm_key(*aliases, want, sizeof(want));
		for (i = 0; i < r->nfields; i++) {
			usage_norm_key(csv_str(r, i), have, sizeof(have));
			if (!strcmp(want, have))
				return (int)i;
		}
	}
	return -1;
}

int usage_json_docs(FILE *f, const char *name, usage_doc_fn fn, void *data,
		    struct aiv_err *err)
{
	struct strbuf line = STRBUF_INIT;
	long lineno = 0;
	int ret;

	while ((ret = usage_getline(f, name, lineno + 1, &line, err)) == 1) {
		json_error_t jerr;
		json_t *doc;
		size_t lead;

		lineno++;
		for (lead = 0; lead < line.len && isspace((unsigned char)line.buf[lead]); lead++)
			;
		if (lead == line.len)
			continue;
		doc = json_loadb(line.buf, line.len, 0, &jerr);
		if (!doc && lineno == 1 && (line.buf[lead] == '{' || line.buf[lead] == '[')) {
			/* one pretty-printed document: read the rest and parse it whole */
			char chunk[65536];
			size_t n;
			strbuf_addch(&line, '\n');
			while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
				strbuf_add(&line, chunk, n);
				if (line.len > USAGE_MAX_DOC) {
					ret = aiv_fail(err, AIV_ETOOBIG, "cannot import '%s': a single "
						       "JSON document over 256 MiB; write one document "
						       "per line", name);
					goto cleanup;
				}
			}
			if (ferror(f)) {
				ret = aiv_fail(err, AIV_EIO, "cannot read '%s'", name);
				goto cleanup;
			}
			doc = json_loadb(line.buf, line.len, 0, &jerr);
			if (!doc) {
				ret = aiv_fail_at(err, AIV_EINPUT, name, jerr.line, jerr.column,
						  "not JSON: %s", jerr.text);
				goto cleanup;
			}
		} else if (!doc) {
			ret = aiv_fail_at(err, AIV_EINPUT, name, lineno, jerr.column,
					  "not JSON: %s", jerr.text);
			goto cleanup;
		}
		ret = fn(data, doc, lineno, err);
		json_decref(doc);
		if (ret)
			goto cleanup;
	}
cleanup:
	strbuf_release(&line);
	return ret < 0 ? ret : 0;
}

void usage_where(const struct usage_import *im, long line, char *buf, size_t bufsz)
{
	snprintf(buf, bufsz, "%s:%ld", usage_file(im), line);
}

int usage_first_char(FILE *f)
{
	int c;

	while ((c = fgetc(f)) != EOF && isspace(c))
		;
	if (c != EOF)
		ungetc(c, f);
	return c;
}

void usage_note_columns(struct usage_import *im, const struct csv_reader *r,
			const unsigned char *read)
{
	struct strbuf sb = STRBUF_INIT;
	char where[512];
	size_t i, n = 0;

	strbuf_addstr(&sb, "columns not read: ");
	for (i = 0; i < r->nfields; i++)
		if (!read[i])
			strbuf_addf(&sb, "%s'%.100s'", n++ ? ", " : "", csv_str(r, i));
	if (n) {
		usage_where(im, r->rec_line, where, sizeof(where));
		tally_note(usage_tally(im), sb.buf, where);
	}
	strbuf_release(&sb);
}
