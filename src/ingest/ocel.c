/*
 * ocel.c - OCEL JSON reader: the document is parsed whole by jansson, its
 * keys tell the version, and the OCEL 2.0 form is walked here (OCEL 1.0
 * in ocel1.c) into a struct ocel_doc that oceldoc.c flattens.
 *
 *   OCEL 2.0: { "objectTypes": [...], "eventTypes": [...],      declarations
 *               "objects": [ {id, type, attributes: [{name, time, value}],
 *                             relationships: [{objectId, qualifier}]} ],
 *               "events":  [ {id, type, time, attributes: [{name, value}],
 *                             relationships: [{objectId, qualifier}]} ] }
 *   OCEL 1.0: { "ocel:global-log": ..., "ocel:events": {ID: ...},
 *               "ocel:objects": {ID: ...} }                       (ocel1.c)
 *
 * Duplicate keys are refused (JSON_REJECT_DUPLICATES): in OCEL 1.0 the
 * keys are the event and object ids, and a repeated one would otherwise
 * silently replace a record.
 *
 * NEEDSWORK: a multi-gigabyte OCEL JSON export needs a streaming reader;
 * the example and export sizes seen so far are modest.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "ingest/oceldoc.h"

const char *ocel_json_text(json_t *v, char *buf, size_t n)
{
	if (json_is_string(v))
		return json_string_value(v);
	if (json_is_integer(v)) {
		snprintf(buf, n, "%lld", (long long)json_integer_value(v));
		return buf;
	}
	if (json_is_real(v)) {
		/* the shortest text that reads back to the same double, with ".0"
		 * when integral: 1.0 stays "1.0" and 0.1 "0.1", as written */
		double x = json_real_value(v);
		int prec;
		for (prec = 1; prec < 17; prec++) {
			snprintf(buf, n, "%.*g", prec, x);
			if (strtod(buf, NULL) == x)
				break;
		}
		snprintf(buf, n, "%.*g", prec, x);
		if (!strpbrk(buf, ".eEni") && strlen(buf) + 2 < n)
			memcpy(buf + strlen(buf), ".0", 3);
		return buf;
	}
	if (json_is_boolean(v))
		return json_is_true(v) ? "true" : "false";
	return NULL;
}

static size_t text_len(json_t *v, const char *s)
{
	return json_is_string(v) ? json_string_length(v) : strlen(s);
}

/* attributes: [{name, value, time?}] of event or object `idx`. */
static int read_attrs(struct ocel_doc *d, json_t *attrs, const char *kind, const char *id,
		      size_t idx, struct aiv_err *err)
{
	json_t *a;
	size_t k;

	if (!attrs || json_is_null(attrs))
		return 0;
	if (!json_is_array(attrs))
		return aiv_fail(err, AIV_EINPUT, "%s: %s '%s': 'attributes' is not a list", d->name,
				kind, id);
	json_array_foreach(attrs, k, a) {
		const char *name = json_string_value(json_object_get(a, "name"));
		json_t *jv = json_object_get(a, "value");
		char buf[64];
		const char *v = ocel_json_text(jv, buf, sizeof(buf));
		if (!name)
			return aiv_fail(err, AIV_EINPUT, "%s: %s '%s': attributes[%zu]: no 'name' (a string)",
					d->name, kind, id, k);
		if (!v) {
			ocel_note(d, "attribute with a null, list or object value", kind, id);
			continue;
		}
		if (*kind == 'e')
			ocel_add_eattr(d, idx, name, v, text_len(jv, v));
		else
			ocel_add_oattr(d, idx, name, v, text_len(jv, v));
	}
	return 0;
}

static int read_v2(json_t *root, struct ocel_doc *d, struct aiv_err *err)
{
	json_t *objects = json_object_get(root, "objects"), *events = json_object_get(root, "events");
	json_t *o, *e, *r, *v;
	const char *key;
	size_t i, k;
	int ret;

	d->form = INGEST_OCEL_V2 | INGEST_OCEL_JSON;
	if (!json_is_array(objects) || !json_is_array(events)) {
		const char *which = json_is_array(objects) ? "events" : "objects";
		return aiv_fail(err, AIV_EINPUT, "%s: not an OCEL 2.0 JSON log: '%s' is %s", d->name,
				which, json_object_get(root, which) ? "not a list" : "missing");
	}
	json_object_foreach(root, key, v)
		if (strcmp(key, "objects") && strcmp(key, "events") && strcmp(key, "objectTypes") &&
		    strcmp(key, "eventTypes"))
			ocel_note(d, "unknown top-level key", NULL, NULL);
	json_array_foreach(objects, i, o) {
		const char *id = json_string_value(json_object_get(o, "id"));
		const char *type = json_string_value(json_object_get(o, "type"));
		json_t *rels = json_object_get(o, "relationships");
		size_t idx;
		if (!id)
			return aiv_fail(err, AIV_EINPUT, "%s: objects[%zu]: no 'id' (a string)", d->name, i);
		if (!type)
			return aiv_fail(err, AIV_EINPUT, "%s: object '%s': no 'type' (a string)", d->name, id);
		idx = ocel_add_object(d, id, type);
		if ((ret = read_attrs(d, json_object_get(o, "attributes"), "object", id, idx, err)))
			return ret;
		json_array_foreach(rels, k, r)
			ocel_note(d, "object-to-object relationship", "object", id);
	}
	json_array_foreach(events, i, e) {
		const char *id = json_string_value(json_object_get(e, "id"));
		const char *type = json_string_value(json_object_get(e, "type"));
		json_t *time = json_object_get(e, "time"), *rels = json_object_get(e, "relationships");
		size_t idx;
		if (!id)
			return aiv_fail(err, AIV_EINPUT, "%s: events[%zu]: no 'id' (a string)", d->name, i);
		if (!type)
			return aiv_fail(err, AIV_EINPUT, "%s: event '%s': no 'type' (a string)", d->name, id);
		if (!json_is_string(time))
			return aiv_fail(err, AIV_EINPUT, "%s: event '%s': no 'time' (a string)", d->name, id);
		idx = ocel_add_event(d, id, type);
		if ((ret = ocel_event_time(d, idx, "time", json_string_value(time),
					   json_string_length(time), err)))
			return ret;
		if (rels && !json_is_null(rels) && !json_is_array(rels))
			return aiv_fail(err, AIV_EINPUT, "%s: event '%s': 'relationships' is not a list",
					d->name, id);
		json_array_foreach(rels, k, r) {
			json_t *oid = json_object_get(r, "objectId");
			if (!json_is_string(oid))
				return aiv_fail(err, AIV_EINPUT,
						"%s: event '%s': relationships[%zu]: no 'objectId' (a string)",
						d->name, id, k);
			ocel_add_rel(d, idx, json_string_value(oid), json_string_length(oid));
		}
		if ((ret = read_attrs(d, json_object_get(e, "attributes"), "event", id, idx, err)))
			return ret;
	}
	return 0;
}

int ocel_read_json(const char *path, const char *data, size_t len, struct ocel_doc *d,
		   struct aiv_err *err)
{
	json_error_t je;
	json_t *root = path ? json_load_file(path, JSON_REJECT_DUPLICATES, &je)
			    : json_loadb(data, len, JSON_REJECT_DUPLICATES, &je);
	int v1, v2, ret;

	d->form = INGEST_OCEL_JSON;
	if (!root)
		return aiv_fail_at(err, AIV_EINPUT, d->name, je.line > 0 ? je.line : 0,
				   je.column > 0 ? je.column : 0, "malformed JSON: %s", je.text);
	v1 = json_object_get(root, "ocel:events") || json_object_get(root, "ocel:objects");
	v2 = json_object_get(root, "events") || json_object_get(root, "objects");
	if (!json_is_object(root) || (!v1 && !v2))
		ret = aiv_fail(err, AIV_EINPUT, "%s: not an OCEL JSON log: no 'events' and 'objects' "
			       "(OCEL 2.0) nor 'ocel:events' and 'ocel:objects' (OCEL 1.0)", d->name);
	else if (v1 && v2)
		ret = aiv_fail(err, AIV_EINPUT, "%s: ambiguous OCEL JSON log: it has both OCEL 2.0 "
			       "keys ('events', 'objects') and OCEL 1.0 keys ('ocel:events', "
			       "'ocel:objects')", d->name);
	else if (v1)
		ret = ocel1_read_json(root, d, err);
	else
		ret = read_v2(root, d, err);
	json_decref(root);
	return ret;
}

/* The OCEL 2.0 JSON entry points of old: the any-form reader, expecting JSON. */
int ingest_ocel_file(const char *path, const char *object_type, struct eventlog *l,
		     struct aiv_err *err)
{
	return ingest_ocel_any_file(path, INGEST_OCEL_V2 | INGEST_OCEL_JSON, object_type, l, NULL,
				    NULL, err);
}

int ingest_ocel_buffer(const char *data, size_t len, const char *name,
		       const char *object_type, struct eventlog *l, struct aiv_err *err)
{
	return ingest_ocel_any_buffer(data, len, name, INGEST_OCEL_V2 | INGEST_OCEL_JSON,
				      object_type, l, NULL, NULL, err);
}
