/*
 * jsonl.c - JSON Lines event-log importer with the CSV column map.
 *
 * One jansson parse per line (json_loadb on the line's bytes, no copy of
 * the file); the map's field names are looked up in each object.  Exports
 * from ticketing systems and log pipelines often come this way.
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "ingest/ingest.h"

/* Text of a scalar field into buf (or borrowed); NULL if absent/null/not scalar. */
static const char *field(json_t *obj, const char *name, char *buf, size_t n, size_t *len)
{
	json_t *v = name ? json_object_get(obj, name) : NULL;

	if (json_is_string(v)) {
		*len = json_string_length(v);
		return json_string_value(v);
	}
	if (json_is_integer(v))
		*len = (size_t)snprintf(buf, n, "%lld", (long long)json_integer_value(v));
	else if (json_is_real(v))
		*len = (size_t)snprintf(buf, n, "%.17g", json_real_value(v));
	else if (json_is_boolean(v))
		*len = (size_t)snprintf(buf, n, "%s", json_is_true(v) ? "true" : "false");
	else
		return NULL;
	return buf;
}

int ingest_jsonl_buffer(const char *data, size_t len, const char *name,
			const struct ingest_csv_map *map, struct eventlog *l,
			const struct ingest_opts *o, struct aiv_err *err)
{
	const char *p = data, *end = data + len;
	const char *case_col = map->case_col ? map->case_col : "case:concept:name";
	const char *act_col = map->activity_col ? map->activity_col : "concept:name";
	const char *time_col = map->time_col ? map->time_col : "time:timestamp";
	const char *res_col = map->resource_col ? map->resource_col : "org:resource";
	const char *life_col = map->lifecycle_col ? map->lifecycle_col : "lifecycle:transition";
	const char *cost_col = map->cost_col ? map->cost_col : "cost:total";
	uint32_t *attr_key = NULL;
	uint64_t next_report = 65536;
	long line = 0;
	int ret = 0, i;
	struct tally *tl_ = o ? o->tally : NULL;
	struct time_format tf;
	char where[AIV_ERR_MSG];

	ingest_time_format(&tf, map->date_order == INGEST_ORDER_DMY ? TIME_ORDER_DMY :
				map->date_order == INGEST_ORDER_MDY ? TIME_ORDER_MDY : TIME_ORDER_ISO,
			   map->time_format == INGEST_TIME_EPOCH_S ? TIME_EPOCH_S :
			   map->time_format == INGEST_TIME_EPOCH_MS ? TIME_EPOCH_MS : TIME_EPOCH_AUTO);

	if (map->nattrs) {
		attr_key = xmalloc(st_mult((size_t)map->nattrs, sizeof(*attr_key)));
		for (i = 0; i < map->nattrs; i++)
			attr_key[i] = eventlog_intern(l, map->attr_keys[i], strlen(map->attr_keys[i]));
	}
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p)), *e = nl ? nl : end;
		const char *cs, *as, *ts, *rs, *v;
		size_t cl = 0, al = 0, tl = 0, rl = 0, vl = 0;
		char cb[64], ab[64], tb[64], rb[64], vb[64];
		json_error_t je;
		json_t *obj;
		int64_t t;
		size_t ev;
		const char *q;

		line++;
		for (q = p; q < e && (*q == ' ' || *q == '\t' || *q == '\r'); q++)
			;
		if (q == e) {
			p = e + 1;
			continue;
		}
		obj = json_loadb(p, (size_t)(e - p), 0, &je);
		if (!obj || !json_is_object(obj)) {
			ret = aiv_fail_at(err, AIV_EINPUT, name, line, obj || je.column < 0 ? 0 : je.column,
					  "%s", obj ? "not a JSON object" : je.text);
			json_decref(obj);
			goto cleanup;
		}
		if (tl_)
			tl_->read++;
		cs = field(obj, case_col, cb, sizeof(cb), &cl);
		as = field(obj, act_col, ab, sizeof(ab), &al);
		ts = field(obj, time_col, tb, sizeof(tb), &tl);
		if (!cs || !cl || !as || !al || !ts || !tl) {
			const char *missing = !cs || !cl ? case_col : !as || !al ? act_col : time_col;
			char why[160];
			snprintf(why, sizeof(why), "no '%.60s'", missing);
			snprintf(where, sizeof(where), "%s:%ld", name, line);
			if (!tl_)
				ret = aiv_fail_at(err, AIV_EINPUT, name, line, 0, "%s", why);
			else
				ret = tally_skip(tl_, why, where, err);
			json_decref(obj);
			if (ret)
				goto cleanup;
			p = e + 1;
			continue;
		}
		if (json_is_number(json_object_get(obj, time_col))) {
			double num = json_number_value(json_object_get(obj, time_col));
			double unit = map->time_format == INGEST_TIME_EPOCH_MS ? 1e3 : 1e6;
			if (!(fabs(num) < (unit == 1e3 ? 1e14 : 1e11))) { /* beyond year 5000 */
				ret = aiv_fail_at(err, AIV_EINPUT, name, line, 0,
						  "time %g in field '%s' is not Unix %s", num, time_col,
						  unit == 1e3 ? "milliseconds" : "seconds");
				json_decref(obj);
				goto cleanup;
			}
			t = (int64_t)llround(num * unit);
		} else if (time_parse(ts, tl, &tf, &t)) {
			ret = aiv_fail_at(err, AIV_EINPUT, name, line, 0,
					  "unparseable date '%.*s' in field '%s'%s",
					  (int)(tl > 64 ? 64 : tl), ts, time_col,
					  map->date_order != INGEST_ORDER_YMD &&
					  time_orders_possible(ts, tl, &tf) ?
					  " (the year is last: give --date-order dmy or mdy)" : "");
			json_decref(obj);
			goto cleanup;
		}
		rs = field(obj, res_col, rb, sizeof(rb), &rl);
		ev = eventlog_add(l, eventlog_intern(l, cs, cl), eventlog_intern(l, as, al),
				  rs && rl ? eventlog_intern(l, rs, rl) : EVL_NONE, t);
		if ((v = field(obj, life_col, vb, sizeof(vb), &vl)) && vl)
			eventlog_set_lifecycle(l, ev, eventlog_intern(l, v, vl));
		if (json_is_number(json_object_get(obj, cost_col)))
			eventlog_set_cost(l, ev, json_number_value(json_object_get(obj, cost_col)));
		for (i = 0; i < map->nattrs; i++)
			if ((v = field(obj, map->attr_cols[i], vb, sizeof(vb), &vl)))
				eventlog_add_event_attr(l, ev, attr_key[i], EVL_STRING,
							eventlog_intern(l, v, vl));
		json_decref(obj);
		if (tl_)
			tl_->used++;
		if (o && o->progress && l->n >= next_report) {
			o->progress(l->n, (uint64_t)(e - data), o->progress_data);
			next_report = l->n + 65536;
		}
		p = e + 1;
	}
	ret = eventlog_finish(l, err);
	if (ret)
		aiv_err_prefix(err, "%s", name);
cleanup:
	free(attr_key);
	return ret;
}

int ingest_jsonl_file(const char *path, const struct ingest_csv_map *map,
		      struct eventlog *l, const struct ingest_opts *o,
		      struct aiv_err *err)
{
	struct stat st;
	void *m;
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
		return aiv_fail(err, AIV_EINPUT, "%s: empty log: no events", path);
	}
	m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (m == MAP_FAILED)
		return aiv_fail(err, AIV_EIO, "cannot read '%s': %s", path, strerror(errno));
	ret = ingest_jsonl_buffer(m, (size_t)st.st_size, path, map, l, o, err);
	munmap(m, (size_t)st.st_size);
	return ret;
}
