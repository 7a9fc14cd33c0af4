/*
 * import_cases.c - `aivalue import cases FILE`: read an event log (XES, .xes.gz,
 * CSV with a column map) into the columnar form and store it, all or
 * nothing, with one ledger entry; and `aivalue logs`: list what is stored.
 *
 * The whole file is parsed and checked before the store is touched, so a
 * bad row anywhere leaves the workspace as it was.
 */
#include <ctype.h>
#include <malloc.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "cmd.h"
#include "core/progress.h"
#include "core/termsafe.h"
#include "ingest/ingest.h"
#include "ingest/logstore.h"
#include "metrics/process.h"
#include "options.h"
#include "process_kept.h"
#include "report/process_json.h"

/* ingest.h's progress callback into the progress line (core/progress.h), in bytes read */
static void show_progress(uint64_t events, uint64_t bytes, void *data)
{
	(void)events;
	progress_update(data, bytes, 0);
}

static const char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

static int has_suffix(const char *s, const char *suf)
{
	size_t n = strlen(s), m = strlen(suf);

	return n >= m && !strcmp(s + n - m, suf);
}

/* Log name from the file name: without directory and known extensions. */
static char *default_name(const char *path)
{
	static const char *const ext[] = { ".xes.gz", ".xes", ".csv", ".jsonocel", ".xmlocel", ".jsonl",
					   ".ndjson", ".json", ".sqlite",
					   ".gz", ".txt" };
	char *n = xstrdup(base_name(path));
	size_t i;

	for (i = 0; i < ARRAY_SIZE(ext); i++) {
		if (has_suffix(n, ext[i]) && strlen(n) > strlen(ext[i])) {
			n[strlen(n) - strlen(ext[i])] = '\0';
			break;
		}
	}
	return n;
}

static const char *guess_format(const char *path)
{
	unsigned char b[2] = { 0, 0 };
	FILE *f;
	int c;

	if (has_suffix(path, ".xes") || has_suffix(path, ".xes.gz"))
		return "xes";
	if (has_suffix(path, ".csv") || has_suffix(path, ".tsv"))
		return "csv";
	if (has_suffix(path, ".jsonl") || has_suffix(path, ".ndjson"))
		return "jsonl";
	if (has_suffix(path, ".jsonocel") || has_suffix(path, ".json") ||
	    has_suffix(path, ".xmlocel") || has_suffix(path, ".sqlite") || has_suffix(path, ".sqlite3"))
		return "ocel";
	f = fopen(path, "rb");
	if (!f)
		return "csv"; /* the importer reports the open error */
	if (fread(b, 1, 2, f) == 2 && b[0] == 0x1f && b[1] == 0x8b) {
		fclose(f);
		return "xes";
	}
	rewind(f);
	while ((c = fgetc(f)) == ' ' || c == '\n' || c == '\r' || c == '\t' || c == 0xEF ||
	       c == 0xBB || c == 0xBF)
		;
	fclose(f);
	return c == '<' ? "xes" : "csv";
}

/*
 * A byte count: digits with an optional K, M, G or T (KiB, MiB, GiB, TiB:
 * powers of 1024).  0 and *out, or -1 when it is not one, is 0 or
 * overflows.
 */
static int parse_byte_count(const char *s, uint64_t *out)
{
	static const char units[] = "KMGT";
	const char *u;
	uint64_t v = 0;
	int shift = 0;

	if (!isdigit((unsigned char)*s))
		return -1;
	for (; isdigit((unsigned char)*s); s++) {
		if (v > (UINT64_MAX - 9) / 10)
			return -1;
		v = v * 10 + (uint64_t)(*s - '0');
	}
	if (*s && (u = strchr(units, toupper((unsigned char)*s))) != NULL) {
		shift = 10 * (int)(u - units + 1);
		s++;
		if (!strcmp(s, "iB") || !strcmp(s, "B"))
			s += strlen(s);
	}
	if (*s || v == 0 || v > UINT64_MAX >> shift)
		return -1;
	*out = v << shift;
	return 0;
}

/*
 * An import touches tens of MB once (the columns, their sorted copies,
 * SQLite's pages), and on this kind of virtual machine each first touch of
 * a 4 KiB page is a fault of several microseconds: 5,800 faults, about
 * 15 % of importing bpic2012 (docs/performance.md, "XES").  So, for this
 * process only: blocks up to 32 MiB come from the heap and freed memory
 * stays there for reuse (no mmap and munmap per block, so no new faults),
 * the heap grows in 64 MiB steps, and its next 128 MiB ask for
 * transparent huge pages (one fault per 2 MiB).  Addresses only: a page
 * is still allocated when first touched.  No figure depends on it.
 *
 * A 2 MiB stretch gets a huge page only if nothing in it was touched
 * before: one 4 KiB page written there (a malloc header) and every later
 * fault in it is a 4 KiB one.  So the heap grows by one allocation (two
 * headers written, at its start and at its end, both below lo), the
 * advice covers what lies above, and the stretch from the freed block to
 * lo is held, never touched, for the life of the process, so that the
 * import's memory starts at lo.  Blocks of 16 MiB, as before 8 December
 * 2026, wrote a header every 16 MiB, and up to 512 of an import's 980
 * faults were in one such stretch.
 */
static void bulk_memory(void)
{
#if defined(__GLIBC__) && defined(M_MMAP_THRESHOLD) && defined(MADV_HUGEPAGE) && \
	(__GLIBC__ > 2 || __GLIBC_MINOR__ >= 33)
	uintptr_t lo, hi, huge = (uintptr_t)2 << 20;
	size_t grow;
	uintptr_t at;
	char *b;

	mallopt(M_MMAP_THRESHOLD, 32 << 20);
	mallopt(M_TRIM_THRESHOLD, 512 << 20);
	/* more than the heap's free top, so the heap must grow for it */
	grow = mallinfo2().keepcost + (64 << 10);
	mallopt(M_TOP_PAD, grow < (16 << 20) ? 128 << 20 : 64 << 20);
	b = grow < (16 << 20) ? malloc(grow) : NULL;
	mallopt(M_TOP_PAD, 64 << 20);
	if (!b)
		return;
	at = (uintptr_t)b; /* compared after the free: an address, not a pointer */
	lo = (at + grow + 4096 + huge - 1) & ~(huge - 1); /* past the top's header */
	hi = (uintptr_t)sbrk(0) & ~(huge - 1);
	if (hi > lo)
		madvise((void *)lo, hi - lo, MADV_HUGEPAGE); /* advice: failure changes nothing */
	free(b);
	if (hi > lo) {
		/* kept in a static: held on purpose, not lost (leak checkers) */
		static void *gap;
		gap = malloc(lo - at - 2 * sizeof(size_t));
		if ((uintptr_t)gap != at) {
			free(gap); /* not the top's first block: given back */
			gap = NULL;
		}
	}
#endif
}

int cmd_import_cases(int argc, char **argv, struct aiv_ctx *ctx)
{
	static const char *const usage[] = {
		"aivalue import cases FILE [--name LOG] [--format xes|csv|jsonl|ocel[1|2][-json|-xml|-sqlite]]"
		" [--object-type TYPE]"
		" [--case COL] [--activity COL] [--time COL] [--resource COL] [--lifecycle COL]"
		" [--cost COL] [--attr KEY=COL ...] [--delimiter C] [--date-order ymd|dmy|mdy]"
		" [--time-format epoch-s|epoch-ms] [--strict] [--max-bytes SIZE] [--json]",
		NULL };
	const char *name = NULL, *format = NULL, *delim = NULL, *object_type = NULL;
	const char *date_order = NULL, *time_format = NULL;
	int strict = 0;
	const char *max_bytes = NULL;
	struct ingest_csv_map map;
	struct opt_list attrs = { NULL, 0, 0 };
	const struct option opts[] = {
		{ OPT_STRING, 0, "name", &name, "LOG", "name of the log (default: file name)" },
		{ OPT_STRING, 0, "format", &format, "FMT", "xes, csv, jsonl, ocel (any OCEL form, told from the content), "
		  "ocel1-json, ocel1-xml, ocel2-json, ocel2-xml, ocel2-sqlite (default: from the file)" },
		{ OPT_STRING, 0, "object-type", &object_type, "TYPE",
		  "OCEL: flatten on this object type (its objects are the cases)" },
		{ OPT_STRING, 0, "case", &map.case_col, "COL", "CSV: case id column (case:concept:name)" },
		{ OPT_STRING, 0, "activity", &map.activity_col, "COL", "CSV: activity column (concept:name)" },
		{ OPT_STRING, 0, "time", &map.time_col, "COL", "CSV: timestamp column (time:timestamp)" },
		{ OPT_STRING, 0, "resource", &map.resource_col, "COL", "CSV: resource column (org:resource)" },
		{ OPT_STRING, 0, "lifecycle", &map.lifecycle_col, "COL",
		  "CSV: lifecycle column (lifecycle:transition)" },
		{ OPT_STRING, 0, "cost", &map.cost_col, "COL", "CSV: numeric cost column (cost:total)" },
		{ OPT_LIST, 0, "attr", &attrs, "KEY=COL",
		  "CSV/JSONL: keep column COL as attribute KEY; XES: --attr KEY keeps only the named attributes" },
		{ OPT_STRING, 0, "delimiter", &delim, "C", "CSV: field separator (default: detect)" },
		{ OPT_STRING, 0, "date-order", &date_order, "ORDER",
		  "CSV/JSONL: dates with the year last are dmy (day first) or mdy; ymd refuses them"
		  " (default: detect, refusing an ambiguous column)" },
		{ OPT_STRING, 0, "time-format", &time_format, "FMT",
		  "CSV/JSONL: times are Unix epoch-s (seconds) or epoch-ms (milliseconds)"
		  " (default: dates, or epoch numbers by magnitude)" },
		{ OPT_BOOL, 0, "strict", &strict, NULL,
		  "refuse the import if any event would be skipped" },
		{ OPT_STRING, 0, "max-bytes", &max_bytes, "SIZE",
		  "gzip input: refuse more than SIZE bytes once decompressed (K/M/G/T; default 4G)" },
		{ OPT_END, 0, NULL, NULL, NULL, NULL },
	};
	struct aiv_err err = AIV_ERR_INIT;
	struct eventlog l;
	struct ingest_opts io = { 0 };
	struct tally tally;
	struct progress prog;
	enum logstore_status status;
	char hash[SHA256_HEX], *logname = NULL, **keys = NULL;
	const char **cols = NULL;
	int64_t seq = 0;
	int n, i, ret = 0, is_ocel, ocel_want = 0, ocel_found = 0;
	const char *path;

	memset(&map, 0, sizeof(map));
	eventlog_init(&l);
	tally_init(&tally, "events");
	io.tally = &tally;
	if ((n = parse_options(argc, argv, opts, usage)) < 0) {
		ret = n == -2 ? 0 : 2;
		goto cleanup;
	}
	if (n != 1) {
		usage_with_options(usage, opts, 1);
		ret = 2;
		goto cleanup;
	}
	path = argv[1];
	if ((ret = cli_open_store(ctx, 0)))
		goto cleanup;
	if (!format)
		format = object_type ? "ocel" : guess_format(path);
	is_ocel = !ingest_ocel_form_parse(format, &ocel_want);
	if (strcmp(format, "xes") && strcmp(format, "csv") && !is_ocel && strcmp(format, "jsonl")) {
		ret = cli_errorf("unknown format '%s' (formats: xes, csv, jsonl, ocel, ocel1-json, "
				 "ocel1-xml, ocel2-json, ocel2-xml, ocel2-sqlite)", format);
		goto cleanup;
	}
	if (is_ocel && !(ocel_want & INGEST_OCEL_CONTAINERS))
		ocel_want |= ingest_ocel_form_of_name(path);
	if (is_ocel != !!object_type) {
		fprintf(stderr, "error: %s\n", object_type ? "--object-type is for OCEL logs only"
				: "an OCEL log is flattened on one object type: give --object-type TYPE");
		ret = 2;
		goto cleanup;
	}
	if (max_bytes && parse_byte_count(max_bytes, &io.max_bytes)) {
		fprintf(stderr, "error: --max-bytes wants a size such as 500M or 8G, not '%s'\n",
			max_bytes);
		ret = 2;
		goto cleanup;
	}
	if (delim) {
		if (!strcmp(delim, "\\t") || !strcmp(delim, "tab"))
			map.delimiter = '\t';
		else if (strlen(delim) == 1)
			map.delimiter = delim[0];
		else {
			ret = cli_errorf("delimiter must be one character, not '%s'", delim);
			goto cleanup;
		}
	}
	if ((date_order || time_format) && strcmp(format, "csv") && strcmp(format, "jsonl")) {
		ret = cli_errorf("--date-order and --time-format apply to CSV and JSONL only;"
				 " XES dates are ISO 8601");
		goto cleanup;
	}
	if (date_order) {
		if (!strcmp(date_order, "ymd"))
			map.date_order = INGEST_ORDER_YMD;
		else if (!strcmp(date_order, "dmy"))
			map.date_order = INGEST_ORDER_DMY;
		else if (!strcmp(date_order, "mdy"))
			map.date_order = INGEST_ORDER_MDY;
		else {
			fprintf(stderr, "error: --date-order is ymd, dmy or mdy, not '%s'\n", date_order);
			ret = 2;
			goto cleanup;
		}
	}
	if (time_format) {
		if (!strcmp(time_format, "epoch-s"))
			map.time_format = INGEST_TIME_EPOCH_S;
		else if (!strcmp(time_format, "epoch-ms"))
			map.time_format = INGEST_TIME_EPOCH_MS;
		else {
			fprintf(stderr, "error: --time-format is epoch-s or epoch-ms, not '%s'\n",
				time_format);
			ret = 2;
			goto cleanup;
		}
	}
	tally.strict = strict;
	if (attrs.n && strcmp(format, "csv") && strcmp(format, "jsonl")) {
		/* XES and OCEL: --attr KEY keeps only the named attributes */
		if (is_ocel) {
			ret = cli_errorf("--attr does not apply to OCEL logs");
			goto cleanup;
		}
		for (i = 0; i < attrs.n; i++)
			if (strchr(attrs.v[i], '=')) {
				ret = cli_errorf("XES attributes are named, not mapped: --attr %.*s",
						 (int)(strchr(attrs.v[i], '=') - attrs.v[i]), attrs.v[i]);
				goto cleanup;
			}
		io.keep_attrs = attrs.v;
		io.nkeep_attrs = (size_t)attrs.n;
	} else if (attrs.n) {
		keys = xcalloc((size_t)attrs.n, sizeof(*keys));
		cols = xcalloc((size_t)attrs.n, sizeof(*cols));
		for (i = 0; i < attrs.n; i++) {
			const char *eq = strchr(attrs.v[i], '=');
			if (!eq || eq == attrs.v[i] || !eq[1]) {
				fprintf(stderr, "error: --attr wants KEY=COLUMN, not '%s'\n", attrs.v[i]);
				ret = 2;
				goto cleanup;
			}
			keys[i] = xstrndup(attrs.v[i], (size_t)(eq - attrs.v[i]));
			cols[i] = eq + 1;
		}
		map.attr_keys = (const char **)keys;
		map.attr_cols = cols;
		map.nattrs = attrs.n;
	}
	if (strcmp(format, "csv") && strcmp(format, "jsonl") && (map.case_col || map.activity_col || map.time_col ||
				       map.resource_col || map.lifecycle_col || map.cost_col)) {
		ret = cli_errorf("column options apply to CSV and JSONL only; XES and OCEL use their standard keys");
		goto cleanup;
	}
	bulk_memory();
	progress_start_file(&prog, "importing", path);
	io.progress = show_progress;
	io.progress_data = &prog;
	if (!strcmp(format, "xes"))
		ret = ingest_xes_file(path, &l, &io, &err);
	else if (is_ocel)
		ret = ingest_ocel_any_file(path, ocel_want, object_type, &l, &io, &ocel_found, &err);
	else if (!strcmp(format, "jsonl"))
		ret = ingest_jsonl_file(path, &map, &l, &io, &err);
	else
		ret = ingest_csv_file(path, &map, &l, &io, &err);
	progress_stop(&prog);
	if (ret) {
		ret = cli_error(&err);
		/* what was read before the error, so a refusal explains itself */
		if (tally_skipped(&tally))
			tally_print(&tally, stderr, 2);
		goto cleanup;
	}
	if (is_ocel && (ocel_want & ocel_found) != ocel_want)
		fprintf(stderr, "note: '%s' is %s, not %s: read as %s\n", path,
			ingest_ocel_form_name(ocel_found), ingest_ocel_form_name(ocel_want),
			ingest_ocel_form_name(ocel_found));
	if (is_ocel)
		format = ingest_ocel_form_key(ocel_found);
	logname = name ? xstrdup(name) : default_name(path);
	if (!*logname) {
		ret = cli_errorf("a log needs a name: use --name");
		goto cleanup;
	}
	{
		/*
		 * Keep what `process stats` prints by default, computed now over
		 * the columns being saved, so that it does not reload the log
		 * (issue 20); same transaction, keyed by the content hash.
		 */
		struct process_stats ps;
		struct logstore_kept kept[2];
		char *text, *js;
		process_stats_compute(&l, NULL, &ps);
		text = process_stats_render(logname, &l, &ps, 0);
		js = process_stats_render(logname, &l, &ps, 1);
		process_stats_release(&ps);
		kept[0] = (struct logstore_kept){ process_stats_kept_form(0), text };
		kept[1] = (struct logstore_kept){ process_stats_kept_form(1), js };
		ret = logstore_save_kept(ctx->store, ctx->actor, logname, format, base_name(path),
					 &l, &tally, kept, 2, &status, &seq, hash, &err);
		free(text);
		free(js);
		if (ret) {
			ret = cli_error(&err);
			goto cleanup;
		}
	}
	if (ctx->json) {
		json_t *o = json_pack("{s:s, s:s, s:I, s:I, s:I, s:I, s:b, s:s, s:I}",
				      "log", logname,
				      "status", status == LOGSTORE_UNCHANGED ? "unchanged" :
						status == LOGSTORE_REPLACED ? "replaced" : "imported",
				      "cases", (json_int_t)l.ncases, "events", (json_int_t)l.n,
				      "activities", (json_int_t)eventlog_count_activities(&l),
				      "out_of_order", (json_int_t)l.out_of_order,
				      "timestamps", !l.no_time,
				      "content_sha256", hash, "ledger_seq", (json_int_t)seq);
		json_object_set_new(o, "tally", tally_json(&tally));
		cli_print_json(o);
	} else {
		if (status == LOGSTORE_UNCHANGED) {
			printf("log '%s' unchanged: same content (sha256 %.16s)\n", logname, hash);
		} else {
			printf("%s log '%s': %u cases, %zu events, %u activities",
			       status == LOGSTORE_REPLACED ? "replaced" : "imported", logname,
			       l.ncases, l.n, eventlog_count_activities(&l));
			if (l.out_of_order)
				printf(", %zu events out of time order (sorted)", l.out_of_order);
			if (l.no_time)
				printf(", no timestamps");
			printf(" (ledger #%lld)\n", (long long)seq);
		}
		tally_print(&tally, stdout, 2);
	}
	ret = 0;
cleanup:
	if (keys)
		for (i = 0; i < attrs.n; i++)
			free(keys[i]);
	free(keys);
	free(cols);
	free(logname);
	opt_list_release(&attrs);
	eventlog_release(&l);
	tally_release(&tally);
	return ret;
}

int cmd_logs(int argc, char **argv, struct aiv_ctx *ctx)
{
	static const char *const usage[] = { "aivalue logs [--json]", NULL };
	static const struct option opts[] = { { OPT_END, 0, NULL, NULL, NULL, NULL } };
	struct aiv_err err = AIV_ERR_INIT;
	struct logstore_info *v;
	size_t nv, i;
	int n;

	if ((n = parse_options(argc, argv, opts, usage)) < 0)
		return n == -2 ? 0 : 2;
	if (n != 0) {
		usage_with_options(usage, opts, 1);
		return 2;
	}
	if (logstore_list(ctx->store, &v, &nv, &err))
		return cli_error(&err);
	if (ctx->json) {
		json_t *arr = json_array();
		for (i = 0; i < nv; i++)
			json_array_append_new(arr, pjson_log_info(&v[i]));
		cli_print_json(arr);
	} else if (!nv) {
		printf("no event logs; import one with 'aivalue import cases FILE'\n");
	} else {
		printf("%-24s %-6s %9s %11s %10s  %-10s  %s\n", "NAME", "FORMAT", "CASES", "EVENTS",
		       "ACTIVITIES", "FROM", "TO");
		for (i = 0; i < nv; i++)
			printf("%-24s %-6s %9lld %11lld %10lld  %.10s  %.10s%s\n", v[i].name,
			       v[i].format, (long long)v[i].cases, (long long)v[i].events,
			       (long long)v[i].activities, v[i].first_time, v[i].last_time,
			       *v[i].first_time ? "" : "(no timestamps)");
	}
	logstore_info_free(v, nv);
	return 0;
}
