/*
 * ocel1.c - OCEL 1.0 JSON (the "JSON-OCEL" of the 2020 standard) into a
 * struct ocel_doc; ocel.c parses the file and calls this when the keys
 * are OCEL 1.0's.
 *
 *   { "ocel:global-log":    {ocel:version, ocel:ordering,
 *                            ocel:attribute-names, ocel:object-types},
 *     "ocel:global-event":  {defaults},  "ocel:global-object": {defaults},
 *     "ocel:events":  { ID: {"ocel:activity": A, "ocel:timestamp": T,
 *                            "ocel:omap": [object ids], "ocel:vmap": {k: v}} },
 *     "ocel:objects": { ID: {"ocel:type": T, "ocel:ovmap": {k: v}} } }
 *
 * Records are keyed by their id, in file order (jansson keeps insertion
 * order).  The global blocks declare defaults and names the flattening
 * does not need: they are counted as not used.  pm4py's extensions
 * ("ocel:typedOmap" qualifiers, "ocel:o2o") are counted as not used too.
 */
#include <string.h>

#include <jansson.h>

#include "ingest/oceldoc.h"

/* A {key: value} map of event or object `idx` (vmap / ovmap). */
static int read_map(struct ocel_doc *d, json_t *map, const char *field, const char *kind,
		    const char *id, size_t idx, struct aiv_err *err)
{
	const char *k;
	json_t *jv;

	if (!map || json_is_null(map))
		return 0;
	if (!json_is_object(map))
		return aiv_fail(err, AIV_EINPUT, "%s: %s '%s': '%s' is not an object", d->name, kind,
				id, field);
	json_object_foreach(map, k, jv) {
		char buf[64];
		const char *v = ocel_json_text(jv, buf, sizeof(buf));
		size_t vlen;
		if (!v) {
			ocel_note(d, "attribute with a null, list or object value", kind, id);
			continue;
		}
		vlen = json_is_string(jv) ? json_string_length(jv) : strlen(v);
		if (*kind == 'e')
			ocel_add_eattr(d, idx, k, v, vlen);
		else
			ocel_add_oattr(d, idx, k, v, vlen);
	}
	return 0;
}

/* Keys of an event or object record other than the ones read. */
static void note_other_keys(struct ocel_doc *d, json_t *rec, const char *const *known,
			    const char *kind, const char *id)
{
	const char *k;
	json_t *v;
	size_t i;

	json_object_foreach(rec, k, v) {
		for (i = 0; known[i] && strcmp(k, known[i]); i++)
			;
		if (known[i])
			continue;
		if (!strcmp(k, "ocel:typedOmap"))
			ocel_note(d, "relationship qualifiers (ocel:typedOmap)", kind, id);
		else if (!strcmp(k, "ocel:o2o"))
			ocel_note(d, "object-to-object relationship", kind, id);
		else
			ocel_note(d, *kind == 'e' ? "unknown key in an OCEL 1.0 event"
						  : "unknown key in an OCEL 1.0 object", kind, id);
	}
}

int ocel1_read_json(json_t *root, struct ocel_doc *d, struct aiv_err *err)
{
	static const char *const ev_keys[] = { "ocel:activity", "ocel:timestamp", "ocel:omap",
					       "ocel:vmap", NULL };
	static const char *const obj_keys[] = { "ocel:type", "ocel:ovmap", NULL };
	json_t *events = json_object_get(root, "ocel:events");
	json_t *objects = json_object_get(root, "ocel:objects");
	json_t *rec, *v;
	const char *id, *key;
	int ret;

	d->form = INGEST_OCEL_V1 | INGEST_OCEL_JSON;
	if (!json_is_object(events) || !json_is_object(objects)) {
		const char *which = json_is_object(events) ? "ocel:objects" : "ocel:events";
		return aiv_fail(err, AIV_EINPUT, "%s: not an OCEL 1.0 JSON log: '%s' is %s", d->name,
				which, json_object_get(root, which) ? "not an object" : "missing");
	}
	json_object_foreach(root, key, v) {
		if (!strcmp(key, "ocel:global-log") || !strcmp(key, "ocel:global-event") ||
		    !strcmp(key, "ocel:global-object"))
			ocel_note(d, "OCEL 1.0 global block (declarations and defaults)", NULL, NULL);
		else if (strcmp(key, "ocel:events") && strcmp(key, "ocel:objects"))
			ocel_note(d, "unknown top-level key", NULL, NULL);
	}
	json_object_foreach(objects, id, rec) {
		const char *type = json_string_value(json_object_get(rec, "ocel:type"));
		size_t idx;
		if (!json_is_object(rec))
			return aiv_fail(err, AIV_EINPUT, "%s: object '%s': not a JSON object", d->name, id);
		if (!type)
			return aiv_fail(err, AIV_EINPUT, "%s: object '%s': no 'ocel:type' (a string)",
					d->name, id);
		idx = ocel_add_object(d, id, type);
		if ((ret = read_map(d, json_object_get(rec, "ocel:ovmap"), "ocel:ovmap", "object",
				    id, idx, err)))
			return ret;
		note_other_keys(d, rec, obj_keys, "object", id);
	}
	json_object_foreach(events, id, rec) {
		const char *act = json_string_value(json_object_get(rec, "ocel:activity"));
		json_t *ts = json_object_get(rec, "ocel:timestamp"), *omap, *o;
		size_t idx, k;
		if (!json_is_object(rec))
			return aiv_fail(err, AIV_EINPUT, "%s: event '%s': not a JSON object", d->name, id);
		if (!act)
			return aiv_fail(err, AIV_EINPUT, "%s: event '%s': no 'ocel:activity' (a string)",
					d->name, id);
		if (!json_is_string(ts))
			return aiv_fail(err, AIV_EINPUT, "%s: event '%s': no 'ocel:timestamp' (a string)",
					d->name, id);
		idx = ocel_add_event(d, id, act);
		if ((ret = ocel_event_time(d, idx, "ocel:timestamp", json_string_value(ts),
					   json_string_length(ts), err)))
			return ret;
		omap = json_object_get(rec, "ocel:omap");
		if (omap && !json_is_array(omap))
			return aiv_fail(err, AIV_EINPUT, "%s: event '%s': 'ocel:omap' is not a list",
					d->name, id);
		json_array_foreach(omap, k, o) {
			if (!json_is_string(o))
				return aiv_fail(err, AIV_EINPUT,
						"%s: event '%s': ocel:omap[%zu] is not an object id (a string)",
						d->name, id, k);
			ocel_add_rel(d, idx, json_string_value(o), json_string_length(o));
		}
		if ((ret = read_map(d, json_object_get(rec, "ocel:vmap"), "ocel:vmap", "event", id,
				    idx, err)))
			return ret;
		note_other_keys(d, rec, ev_keys, "event", id);
	}
	return 0;
}
