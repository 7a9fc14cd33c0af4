/*
 * ocel.c - OCEL 2.0 JSON importer, flattened on one object type.
 *
 * NEEDSWORK: the document is read whole with jansson (OCEL example and
 * export sizes are modest); a streaming reader would be needed for
 * multi-gigabyte OCEL files.  OCEL 2.0 XML is not read yet.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "ingest/ingest.h"

static const char *str_of(json_t *v, char *buf, size_t n)
{
	if (json_is_string(v))
		return json_string_value(v);
	if (json_is_integer(v)) {
		snprintf(buf, n, "%lld", (long long)json_integer_value(v));
		return buf;
	}
	if (json_is_real(v)) {
		snprintf(buf, n, "%.17g", json_real_value(v));
		return buf;
	}
	if (json_is_boolean(v))
		return json_is_true(v) ? "true" : "false";
	return NULL;
}

static int flatten(json_t *root, const char *path, const char *object_type,
		   struct eventlog *l, struct aiv_err *err)
{
	json_t *objects, *events, *o, *e;
	struct strbuf types = STRBUF_INIT;
	uint32_t *obj_of_string = NULL; /* string id -> 1 if an object of the type */
	size_t i, k, nobj = 0, nobjstr = 0;
	int ret = 0;

	objects = json_object_get(root, "objects");
	events = json_object_get(root, "events");
	if (!json_is_object(root) || !json_is_array(objects) || !json_is_array(events)) {
		ret = aiv_fail(err, AIV_EINPUT, "%s: not an OCEL 2.0 JSON log (no 'objects' and "
			       "'events' arrays%s)", path,
			       json_object_get(root, "ocel:events") ? "; this is OCEL 1.0" : "");
		goto cleanup;
	}
	/* objects of the type: their ids, and their attributes as case attributes */
	json_array_foreach(objects, i, o) {
		const char *id = json_string_value(json_object_get(o, "id"));
		const char *type = json_string_value(json_object_get(o, "type"));
		json_t *attrs = json_object_get(o, "attributes"), *a;
		uint32_t cid;
		if (!id || !type) {
			ret = aiv_fail(err, AIV_EINPUT, "%s: objects[%zu]: no 'id' or 'type'", path, i);
			goto cleanup;
		}
		if (strcmp(type, object_type)) {
			if (!strstr(types.buf, type) && types.len < 600)
				strbuf_addf(&types, "%s'%s'", types.len ? ", " : "", type);
			continue;
		}
		nobj++;
		cid = eventlog_intern(l, id, strlen(id));
		json_array_foreach(attrs, k, a) {
			const char *name = json_string_value(json_object_get(a, "name"));
			char buf[64];
			const char *v = str_of(json_object_get(a, "value"), buf, sizeof(buf));
			size_t j;
			int seen = 0;
			if (!name || !v)
				continue;
			/* first value of each attribute only */
			for (j = 0; j < k && !seen; j++) {
				const char *prev = json_string_value(json_object_get(
					json_array_get(attrs, j), "name"));
				seen = prev && !strcmp(name, prev);
			}
			if (!seen)
				eventlog_add_case_attr(l, cid, eventlog_intern(l, name, strlen(name)),
						       EVL_STRING, eventlog_intern(l, v, strlen(v)));
		}
	}
	if (!nobj) {
		ret = aiv_fail(err, AIV_EINPUT, "%s: no objects of type '%s' (types: %s)", path,
			       object_type, types.len ? types.buf : "none");
		goto cleanup;
	}
	nobjstr = l->strs.n;
	obj_of_string = xcalloc(nobjstr, sizeof(*obj_of_string));
	json_array_foreach(objects, i, o) {
		const char *id = json_string_value(json_object_get(o, "id"));
		if (!strcmp(json_string_value(json_object_get(o, "type")), object_type))
			obj_of_string[strpool_find(&l->strs, id, strlen(id))] = 1;
	}
	json_array_foreach(events, i, e) {
		const char *type = json_string_value(json_object_get(e, "type"));
		const char *time = json_string_value(json_object_get(e, "time"));
		json_t *rels = json_object_get(e, "relationships"), *r, *attrs, *a;
		int64_t t;
		uint32_t act;
		size_t first_new = l->n;
		if (!type || !time) {
			ret = aiv_fail(err, AIV_EINPUT, "%s: events[%zu]: no 'type' or 'time'", path, i);
			goto cleanup;
		}
		if (ingest_parse_time(time, strlen(time), &t)) {
			ret = aiv_fail(err, AIV_EINPUT, "%s: events[%zu]: unparseable time '%s'",
				       path, i, time);
			goto cleanup;
		}
		act = eventlog_intern(l, type, strlen(type));
		json_array_foreach(rels, k, r) {
			const char *oid = json_string_value(json_object_get(r, "objectId"));
			uint32_t sid, j;
			int dup = 0;
			if (!oid)
				continue;
			sid = strpool_find(&l->strs, oid, strlen(oid));
			if (sid == EVL_NONE || sid >= nobjstr || !obj_of_string[sid])
				continue;
			for (j = (uint32_t)first_new; j < l->n && !dup; j++)
				dup = l->ev_case[j] == sid;
			if (!dup)
				eventlog_add(l, sid, act, EVL_NONE, t);
		}
		attrs = json_object_get(e, "attributes");
		for (k = first_new; k < l->n; k++) {
			size_t j;
			json_array_foreach(attrs, j, a) {
				const char *name = json_string_value(json_object_get(a, "name"));
				char buf[64];
				const char *v = str_of(json_object_get(a, "value"), buf, sizeof(buf));
				if (name && v)
					eventlog_add_event_attr(l, k, eventlog_intern(l, name, strlen(name)),
								EVL_STRING, eventlog_intern(l, v, strlen(v)));
			}
		}
	}
	ret = eventlog_finish(l, err);
	if (ret)
		aiv_err_prefix(err, "%s", path);
cleanup:
	free(obj_of_string);
	strbuf_release(&types);
	return ret;
}

static int json_fail(const char *path, const json_error_t *je, struct aiv_err *err)
{
	return aiv_fail_at(err, AIV_EINPUT, path, je->line > 0 ? je->line : 0,
			   je->column > 0 ? je->column : 0, "malformed JSON: %s", je->text);
}

int ingest_ocel_file(const char *path, const char *object_type, struct eventlog *l,
		     struct aiv_err *err)
{
	json_error_t je;
	json_t *root = json_load_file(path, 0, &je);
	int ret;

	if (!root)
		return json_fail(path, &je, err);
	ret = flatten(root, path, object_type, l, err);
	json_decref(root);
	return ret;
}

int ingest_ocel_buffer(const char *data, size_t len, const char *name,
		       const char *object_type, struct eventlog *l, struct aiv_err *err)
{
	json_error_t je;
	json_t *root = json_loadb(data, len, 0, &je);
	int ret;

	if (!root)
		return json_fail(name, &je, err);
	ret = flatten(root, name, object_type, l, err);
	json_decref(root);
	return ret;
}
