/*
 * csv.c - CSV event-log importer with a column map (RFC 4180).
 *
 * The file is mapped into memory and scanned once; unquoted fields are
 * used in place, quoted ones are unescaped ("" -> ") into a scratch
 * buffer.  Only the mapped columns are looked at, so a wide export costs
 * little more than a narrow one.  Errors name the file and the physical
 * line where the record starts (records may span lines inside quotes).
 *
 * Times go through core/timeutil's time_parse().  Dates with the year
 * last (03/04/2024) are read in the order --date-order gives, or, when it
 * is not given, in the order the column itself shows: the first such date
 * starts one scan of the rest of the column, and a value whose first part
 * is above 12 means day first, a second part above 12 month first.  A
 * column that never tells (every day <= 12), or tells both, is refused
 * with an example; the order found is an assumption in the tally.  Digits
 * alone are Unix time, by magnitude unless --time-format says.  Costs may
 * use a decimal comma ("12,5", "1.234,5"); a column mixing "12,5" and
 * "3.75" is refused.  Rows with an empty case id, activity or time are
 * skipped and counted in the tally (an error without one, or --strict).
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ingest/ingest.h"

struct field {
	const char *p;
	size_t len;
	size_t scratch_off; /* SIZE_MAX: p points into the input */
};

struct csv_reader {
	const char *s, *end, *name;
	char delim;
	long line;          /* line of the next unread byte */
	struct field *f;
	size_t nf, af;
	struct strbuf scratch;
};

/*
 * Read one record into r->f; returns 1 (record), 0 (end of input) or
 * negative with err set.  *rec_line is the line the record starts on.
 */
static int next_record(struct csv_reader *r, long *rec_line, struct aiv_err *err)
{
	const char *s = r->s, *end = r->end;
	size_t i;

	r->nf = 0;
	strbuf_reset(&r->scratch);
	if (s >= end)
		return 0;
	*rec_line = r->line;
	for (;;) {
		struct field *fd;
		ALLOC_GROW(r->f, r->nf + 1, r->af);
		fd = &r->f[r->nf++];
		if (s < end && *s == '"') {
			const char *q = ++s;
			fd->scratch_off = r->scratch.len;
			for (;;) {
				const char *qq = memchr(q, '"', (size_t)(end - q));
				if (!qq)
					return aiv_fail_at(err, AIV_EINPUT, r->name, *rec_line, 0,
							   "unterminated quoted field");
				for (const char *c = q; c < qq; c++)
					if (*c == '\n')
						r->line++;
				strbuf_add(&r->scratch, q, (size_t)(qq - q));
				if (qq + 1 < end && qq[1] == '"') {
					strbuf_addch(&r->scratch, '"');
					q = qq + 2;
					continue;
				}
				s = qq + 1;
				break;
			}
			fd->len = r->scratch.len - fd->scratch_off;
			if (s < end && *s != r->delim && *s != '\n' && *s != '\r')
				return aiv_fail_at(err, AIV_EINPUT, r->name, r->line, 0,
						   "unexpected character after closing quote in field %zu",
						   r->nf);
		} else {
			const char *b = s;
			while (s < end && *s != r->delim && *s != '\n' && *s != '\r')
				s++;
			fd->p = b;
			fd->len = (size_t)(s - b);
			fd->scratch_off = SIZE_MAX;
		}
		if (s < end && *s == r->delim) {
			s++;
			continue;
		}
		if (s < end && *s == '\r')
			s++;
		if (s < end && *s == '\n')
			s++;
		r->line++;
		break;
	}
	r->s = s;
	for (i = 0; i < r->nf; i++)
		if (r->f[i].scratch_off != SIZE_MAX)
			r->f[i].p = r->scratch.buf + r->f[i].scratch_off;
	return 1;
}

static char detect_delimiter(const char *s, const char *end)
{
	static const char cand[] = { ',', ';', '\t', '|' };
	size_t counts[4] = { 0 }, i, best = 0;
	int inq = 0;

	for (; s < end && (inq || *s != '\n'); s++) {
		if (*s == '"')
			inq = !inq;
		else if (!inq)
			for (i = 0; i < 4; i++)
				if (*s == cand[i])
					counts[i]++;
	}
	for (i = 1; i < 4; i++)
		if (counts[i] > counts[best])
			best = i;
	return cand[best];
}

static int find_col(const struct csv_reader *hdr, const char *name)
{
	size_t i, n = strlen(name);

	for (i = 0; i < hdr->nf; i++)
		if (hdr->f[i].len == n && !memcmp(hdr->f[i].p, name, n))
			return (int)i;
	return -1;
}

static int unknown_col(const struct csv_reader *hdr, const char *opt,
		       const char *name, struct aiv_err *err)
{
	struct strbuf sb = STRBUF_INIT;
	size_t i;
	int ret;

	for (i = 0; i < hdr->nf && sb.len < 600; i++) {
		strbuf_addstr(&sb, i ? ", " : "");
		strbuf_add(&sb, hdr->f[i].p, hdr->f[i].len);
	}
	ret = aiv_fail(err, AIV_EINPUT, "%s: unknown column '%s' for %s (columns: %s)",
		       hdr->name, name, opt, sb.buf);
	strbuf_release(&sb);
	return ret;
}

/* Resolve a mapped column: explicit name must exist; default may be absent. */
static int map_col(const struct csv_reader *hdr, const char *given, const char *def,
		   const char *opt, int required, int *out, struct aiv_err *err)
{
	*out = -1;
	if (given) {
		if ((*out = find_col(hdr, given)) < 0)
			return unknown_col(hdr, opt, given, err);
		return 0;
	}
	if (def)
		*out = find_col(hdr, def);
	if (*out < 0 && required)
		return aiv_fail(err, AIV_EINPUT,
				"%s: no column '%s'; name the column with %s COLUMN",
				hdr->name, def, opt);
	return 0;
}

/* A field's text for messages: at most 64 bytes of it. */
#define FIELD_FMT(f) (int)((f).len > 64 ? 64 : (f).len), (f).p

struct order_scan {
	long line[2];         /* first line with day-first / month-first evidence */
	char example[2][72];
	char ambiguous[72];   /* the first value that reads both ways */
	long ambiguous_line;
};

/* Which orders the year-last date f can be read in; fills the scan's evidence. */
static void order_evidence(struct order_scan *sc, const struct field *f, long line,
			   const struct time_format *tf)
{
	unsigned m = time_orders_possible(f->p, f->len, tf);
	int k = m == (1u << TIME_ORDER_DMY) ? 0 : m == (1u << TIME_ORDER_MDY) ? 1 : -1;

	if (k >= 0 && !sc->line[k]) {
		sc->line[k] = line;
		snprintf(sc->example[k], sizeof(sc->example[k]), "%.*s", FIELD_FMT(*f));
	} else if (k < 0 && m && !sc->ambiguous_line) {
		sc->ambiguous_line = line;
		snprintf(sc->ambiguous, sizeof(sc->ambiguous), "%.*s", FIELD_FMT(*f));
	}
}

/*
 * Decide the date order of column `col` from the record just read (at
 * `line`, value `cur`) and every record after it; sets tf->order.  Reads
 * with its own reader, so r is untouched.
 */
static int detect_order(const struct csv_reader *r, const struct field *cur, long line,
			int col, size_t ncols, const char *colname, struct time_format *tf,
			struct tally *t, struct aiv_err *err)
{
	struct csv_reader rr;
	struct order_scan sc;
	char where[AIV_ERR_MSG];
	long l2;
	int ret, k;

	memset(&sc, 0, sizeof(sc));
	memset(&rr, 0, sizeof(rr));
	rr.s = r->s;
	rr.end = r->end;
	rr.name = r->name;
	rr.delim = r->delim;
	rr.line = r->line;
	strbuf_init(&rr.scratch, 256);
	order_evidence(&sc, cur, line, tf);
	while ((ret = next_record(&rr, &l2, err)) == 1)
		if (rr.nf == ncols && rr.f[col].len)
			order_evidence(&sc, &rr.f[col], l2, tf);
	free(rr.f);
	strbuf_release(&rr.scratch);
	if (ret < 0)
		return ret;
	if (sc.line[0] && sc.line[1])
		return aiv_fail_at(err, AIV_EINPUT, r->name, sc.line[1], 0,
				   "column '%s' mixes day-first dates ('%s', line %ld) and "
				   "month-first dates ('%s'); give --date-order dmy or mdy",
				   colname, sc.example[0], sc.line[0], sc.example[1]);
	if (!sc.line[0] && !sc.line[1])
		return aiv_fail_at(err, AIV_EINPUT, r->name, line, 0,
				   "ambiguous date '%s' in column '%s': no date in the column "
				   "has a day above 12, so it reads day-first and month-first; "
				   "give --date-order dmy or mdy", sc.ambiguous, colname);
	k = sc.line[0] ? 0 : 1;
	tf->order = k ? TIME_ORDER_MDY : TIME_ORDER_DMY;
	if (t) {
		snprintf(where, sizeof(where), "%s:%ld", r->name, sc.line[k]);
		tally_assume(t, k ? "dates with the year last read month first (detected, e.g. '04/13/2024')"
				  : "dates with the year last read day first (detected, e.g. '13/04/2024')",
			     where);
	}
	return 0;
}

/*
 * A number with a decimal point or comma: "12.5", "12,5", "-3", "1e3";
 * with both marks the last is the decimal one and the other groups
 * thousands ("1.234,5", "1,234.5").  *mark is the decimal mark used ('.'
 * or ','), 0 for none.  Returns 0 or -1.
 */
static int parse_number(const char *p, size_t len, double *v, char *mark)
{
	char buf[64], *end;
	const char *lastsep = NULL, *c;
	size_t n = 0;
	int commas = 0, points = 0;
	char group;

	if (len == 0 || len >= sizeof(buf))
		return -1;
	for (c = p; c < p + len; c++) {
		if (*c == ',' || *c == '.') {
			commas += *c == ',';
			points += *c == '.';
			lastsep = c;
		}
	}
	*mark = 0;
	if (commas && points) {
		*mark = *lastsep;
		if ((*mark == ',' && commas > 1) || (*mark == '.' && points > 1))
			return -1;
	} else if (commas > 1 || points > 1) {
		return -1; /* "1.234.567": grouping without a decimal mark is not guessed */
	} else if (commas || points) {
		*mark = *lastsep;
	}
	group = commas && points ? (*mark == ',' ? '.' : ',') : 0;
	for (c = p; c < p + len; c++) {
		if (group && *c == group) {
			/* a thousands separator: three digits, then another or the mark */
			if (p + len - c < 4 || !isdigit((unsigned char)c[1]) ||
			    !isdigit((unsigned char)c[2]) || !isdigit((unsigned char)c[3]) ||
			    (c[4] != group && c + 4 != lastsep))
				return -1;
			continue;
		}
		buf[n++] = c == lastsep ? '.' : *c;
	}
	buf[n] = '\0';
	*v = strtod(buf, &end);
	return end == buf || *end || !isfinite(*v) ? -1 : 0;
}

int ingest_csv_buffer(const char *data, size_t len, const char *name,
		      const struct ingest_csv_map *map, struct eventlog *l,
		      const struct ingest_opts *o, struct aiv_err *err)
{
	struct csv_reader r;
	struct strbuf hdrcopy = STRBUF_INIT;
	int ccase, cact, ctime, cres, clife, ccost, *cattr = NULL, ret, i;
	uint32_t *attr_key = NULL;
	size_t ncols, maxcol = 0;
	uint64_t next_report = 65536;
	long line = 1;
	struct tally *t = o ? o->tally : NULL;
	struct time_format tf;
	int order_known = map->date_order != INGEST_ORDER_DETECT;
	char time_name[72] = "", cost_mark = 0, cost_example[72] = "", where[AIV_ERR_MSG];
	long cost_line = 0;

	ingest_time_format(&tf, map->date_order == INGEST_ORDER_DMY ? TIME_ORDER_DMY :
				map->date_order == INGEST_ORDER_MDY ? TIME_ORDER_MDY : TIME_ORDER_ISO,
			   map->time_format == INGEST_TIME_EPOCH_S ? TIME_EPOCH_S :
			   map->time_format == INGEST_TIME_EPOCH_MS ? TIME_EPOCH_MS : TIME_EPOCH_AUTO);
	memset(&r, 0, sizeof(r));
	strbuf_init(&r.scratch, 256);
	r.s = data;
	r.end = data + len;
	r.name = name;
	r.line = 1;
	{
		const char *nul = memchr(data, '\0', len);
		if (nul) {
			const char *c;
			for (c = data; c < nul; c++)
				if (*c == '\n')
					line++;
			ret = aiv_fail_at(err, AIV_EINPUT, name, line, 0,
					  "NUL byte: not a text CSV file");
			goto cleanup;
		}
	}
	if (len >= 3 && !memcmp(data, "\xEF\xBB\xBF", 3))
		r.s += 3;
	r.delim = map->delimiter ? map->delimiter : detect_delimiter(r.s, r.end);
	ret = next_record(&r, &line, err);
	if (ret <= 0) {
		if (ret == 0)
			ret = aiv_fail(err, AIV_EINPUT, "%s: empty file: no header", name);
		goto cleanup;
	}
	/* keep the header's text: the scratch buffer is reused per record */
	ncols = r.nf;
	{
		struct csv_reader h = r;
		size_t k;
		struct field *hf = xmalloc(st_mult(ncols, sizeof(*hf)));
		for (k = 0; k < ncols; k++) {
			hf[k].scratch_off = hdrcopy.len;
			strbuf_add(&hdrcopy, r.f[k].p, r.f[k].len);
			hf[k].len = r.f[k].len;
		}
		for (k = 0; k < ncols; k++)
			hf[k].p = hdrcopy.buf + hf[k].scratch_off;
		h.f = hf;
		h.nf = ncols;
		ret = map_col(&h, map->case_col, "case:concept:name", "--case", 1, &ccase, err);
		if (!ret)
			ret = map_col(&h, map->activity_col, "concept:name", "--activity", 1, &cact, err);
		if (!ret)
			ret = map_col(&h, map->time_col, "time:timestamp", "--time", 1, &ctime, err);
		if (!ret)
			ret = map_col(&h, map->resource_col, "org:resource", "--resource", 0, &cres, err);
		if (!ret)
			ret = map_col(&h, map->lifecycle_col, "lifecycle:transition", "--lifecycle",
				      0, &clife, err);
		if (!ret)
			ret = map_col(&h, map->cost_col, "cost:total", "--cost", 0, &ccost, err);
		if (!ret && map->nattrs) {
			cattr = xmalloc(st_mult((size_t)map->nattrs, sizeof(*cattr)));
			attr_key = xmalloc(st_mult((size_t)map->nattrs, sizeof(*attr_key)));
			for (i = 0; i < map->nattrs && !ret; i++) {
				ret = map_col(&h, map->attr_cols[i], NULL, "--attr", 1, &cattr[i], err);
				attr_key[i] = eventlog_intern(l, map->attr_keys[i],
							      strlen(map->attr_keys[i]));
				if (!ret && (size_t)cattr[i] > maxcol)
					maxcol = (size_t)cattr[i];
			}
		}
		if (!ret)
			snprintf(time_name, sizeof(time_name), "%.*s", FIELD_FMT(hf[ctime]));
		free(hf);
		if (ret)
			goto cleanup;
	}
	{
		int cols[] = { ccase, cact, ctime, cres, clife, ccost };
		for (i = 0; i < 6; i++)
			if (cols[i] >= 0 && (size_t)cols[i] > maxcol)
				maxcol = (size_t)cols[i];
	}
	for (;;) {
		int64_t t_us;
		uint32_t cid, aid, rid = EVL_NONE;
		size_t ev;

		ret = next_record(&r, &line, err);
		if (ret < 0)
			goto cleanup;
		if (ret == 0)
			break;
		if (r.nf == 1 && r.f[0].len == 0)
			continue; /* blank line: not a row */
		if (t)
			t->read++;
		if (r.nf != ncols) {
			ret = aiv_fail_at(err, AIV_EINPUT, name, line, 0,
					  "record has %zu fields, the header has %zu", r.nf, ncols);
			goto cleanup;
		}
		(void)maxcol;
		if (!r.f[ccase].len || !r.f[cact].len || !r.f[ctime].len) {
			const char *why = !r.f[ccase].len ? "empty case id" :
					  !r.f[cact].len ? "empty activity" : "empty time";
			snprintf(where, sizeof(where), "%s:%ld", name, line);
			if (!t)
				ret = aiv_fail_at(err, AIV_EINPUT, name, line, 0, "%s", why);
			else
				ret = tally_skip(t, why, where, err);
			if (ret)
				goto cleanup;
			continue;
		}
		if (time_parse(r.f[ctime].p, r.f[ctime].len, &tf, &t_us)) {
			if (!order_known && time_orders_possible(r.f[ctime].p, r.f[ctime].len, &tf)) {
				order_known = 1;
				if ((ret = detect_order(&r, &r.f[ctime], line, ctime, ncols, time_name,
							&tf, t, err)))
					goto cleanup;
			}
			if (time_parse(r.f[ctime].p, r.f[ctime].len, &tf, &t_us)) {
				ret = aiv_fail_at(err, AIV_EINPUT, name, line, 0,
						  "unparseable date '%.*s' in column %d%s",
						  FIELD_FMT(r.f[ctime]), ctime + 1,
						  map->date_order == INGEST_ORDER_YMD &&
						  time_orders_possible(r.f[ctime].p, r.f[ctime].len, &tf) ?
						  " (the year is last: --date-order ymd refuses that)" : "");
				goto cleanup;
			}
		} else if (t && tf.epoch == TIME_EPOCH_AUTO) {
			enum time_epoch unit = time_epoch_unit(r.f[ctime].p, r.f[ctime].len, TIME_TRIM);
			if (unit != TIME_EPOCH_NONE) {
				snprintf(where, sizeof(where), "%s:%ld", name, line);
				tally_assume(t, unit == TIME_EPOCH_S ? "time as Unix seconds (by magnitude)" :
						unit == TIME_EPOCH_MS ? "time as Unix milliseconds (by magnitude)" :
						unit == TIME_EPOCH_US ? "time as Unix microseconds (by magnitude)" :
						"time as Unix nanoseconds (by magnitude)", where);
			}
		}
		cid = eventlog_intern(l, r.f[ccase].p, r.f[ccase].len);
		aid = eventlog_intern(l, r.f[cact].p, r.f[cact].len);
		if (cres >= 0 && r.f[cres].len)
			rid = eventlog_intern(l, r.f[cres].p, r.f[cres].len);
		ev = eventlog_add(l, cid, aid, rid, t_us);
		if (clife >= 0 && r.f[clife].len)
			eventlog_set_lifecycle(l, ev, eventlog_intern(l, r.f[clife].p,
								     r.f[clife].len));
		if (ccost >= 0 && r.f[ccost].len) {
			double v;
			char mark;
			if (parse_number(r.f[ccost].p, r.f[ccost].len, &v, &mark)) {
				ret = aiv_fail_at(err, AIV_EINPUT, name, line, 0,
						  "invalid cost '%.*s' in column %d", FIELD_FMT(r.f[ccost]),
						  ccost + 1);
				goto cleanup;
			}
			if (mark && cost_mark && mark != cost_mark) {
				ret = aiv_fail_at(err, AIV_EINPUT, name, line, 0,
						  "cost column %d mixes decimal marks: '%.*s' here, '%s' "
						  "on line %ld", ccost + 1, FIELD_FMT(r.f[ccost]),
						  cost_example, cost_line);
				goto cleanup;
			}
			if (mark && !cost_mark) {
				cost_mark = mark;
				cost_line = line;
				snprintf(cost_example, sizeof(cost_example), "%.*s",
					 FIELD_FMT(r.f[ccost]));
			}
			if (mark == ',' && t) {
				snprintf(where, sizeof(where), "%s:%ld", name, line);
				tally_assume(t, "cost with a decimal comma ('12,5' is 12.5)", where);
			}
			eventlog_set_cost(l, ev, v);
		}
		for (i = 0; i < map->nattrs; i++)
			if (r.f[cattr[i]].len)
				eventlog_add_event_attr(l, ev, attr_key[i], EVL_STRING,
							eventlog_intern(l, r.f[cattr[i]].p,
									r.f[cattr[i]].len));
		if (t)
			t->used++;
		if (o && o->progress && l->n >= next_report) {
			o->progress(l->n, (uint64_t)(r.s - data), o->progress_data);
			next_report = l->n + 65536;
		}
	}
	ret = eventlog_finish(l, err);
	if (ret)
		aiv_err_prefix(err, "%s", name);
cleanup:
	free(cattr);
	free(attr_key);
	free(r.f);
	strbuf_release(&r.scratch);
	strbuf_release(&hdrcopy);
	return ret;
}

int ingest_csv_file(const char *path, const struct ingest_csv_map *map,
		    struct eventlog *l, const struct ingest_opts *o,
		    struct aiv_err *err)
{
	struct stat st;
	void *m = NULL;
	int fd, ret;

	fd = open(path, O_RDONLY);
	if (fd < 0)
		return aiv_fail(err, AIV_EIO, "cannot open '%s': %s", path, strerror(errno));
	if (fstat(fd, &st)) {
		ret = aiv_fail(err, AIV_EIO, "cannot stat '%s': %s", path, strerror(errno));
		close(fd);
		return ret;
	}
	if (st.st_size == 0) {
		close(fd);
		return aiv_fail(err, AIV_EINPUT, "%s: empty file: no header", path);
	}
	m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (m == MAP_FAILED)
		return aiv_fail(err, AIV_EIO, "cannot read '%s': %s", path, strerror(errno));
	madvise(m, (size_t)st.st_size, MADV_SEQUENTIAL);
	ret = ingest_csv_buffer(m, (size_t)st.st_size, path, map, l, o, err);
	munmap(m, (size_t)st.st_size);
	return ret;
}
