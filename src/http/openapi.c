/*
 * openapi.c - the OpenAPI 3.0 document, generated at run time from the
 * route tables, so every documented operation exists and every API route
 * is documented.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/cjson.h"
#include "routes.h"
#include "routes_int.h"

static json_t *error_response(const char *description)
{
	return json_pack("{s:s, s:{s:{s:{s:s}}}}", "description", description,
			 "content", "application/json", "schema", "$ref",
			 "#/components/schemas/Error");
}

static json_t *operation_json(const struct http_route *r)
{
	char names[HTTP_MAX_PARAMS][64];
	size_t n = http_pattern_params(r->pattern, names, HTTP_MAX_PARAMS), i;
	json_t *op = json_object(), *params = json_array(), *responses = json_object();
	const char *ctype = r->ctype ? r->ctype : "application/json";
	struct strbuf id = STRBUF_INIT;
	const char *p;

	/* operationId: get_api_v1_people_name */
	for (p = r->method; *p; p++)
		strbuf_addch(&id, *p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
	for (p = r->pattern; *p; p++) {
		if (*p == '/' || *p == '.' || *p == '-')
			strbuf_addch(&id, '_');
		else if (*p != '{' && *p != '}')
			strbuf_addch(&id, *p);
	}
	json_object_set_new(op, "operationId", json_string(id.buf));
	strbuf_release(&id);
	json_object_set_new(op, "summary", json_string(r->summary));
	json_object_set_new(op, "tags", json_pack("[s]", r->tag));
	for (i = 0; i < n; i++)
		json_array_append_new(params, json_pack("{s:s, s:s, s:b, s:{s:s}}",
			"name", names[i], "in", "path", "required", 1, "schema", "type", "string"));
	for (i = 0; r->query && r->query[i].name; i++)
		json_array_append_new(params, json_pack("{s:s, s:s, s:b, s:s, s:{s:s}}",
			"name", r->query[i].name, "in", "query", "required", 0,
			"description", r->query[i].description, "schema", "type", r->query[i].type));
	if (json_array_size(params))
		json_object_set_new(op, "parameters", params);
	else
		json_decref(params);
	if ((r->flags & R_BODY) && (r->flags & R_BODY_DATA))
		json_object_set_new(op, "requestBody", json_pack(
			"{s:b, s:{s:{s:{s:s}}, s:{s:{s:s}}}}", "required", 1, "content",
			"application/json", "schema", "type", "object", "text/csv", "schema", "type",
			"string"));
	else if (r->flags & R_BODY)
		json_object_set_new(op, "requestBody", json_pack(
			"{s:b, s:{s:{s:{s:s}}}}", "required", 1, "content", "application/yaml",
			"schema", "type", "string"));
	json_object_set_new(responses, "200", json_pack("{s:s, s:{s:{s:{}}}}",
		"description", "success", "content", ctype, "schema"));
	if ((r->flags & R_BODY) || r->query)
		json_object_set_new(responses, "400", error_response("bad request"));
	if (!(r->flags & R_PUBLIC)) {
		json_object_set_new(responses, "401", error_response("no valid token"));
		json_object_set_new(responses, "403", error_response("role not allowed"));
	}
	if (n)
		json_object_set_new(responses, "404", error_response("no such object"));
	if (r->flags & R_BODY)
		json_object_set_new(responses, "413", error_response("request body too large"));
	json_object_set_new(op, "responses", responses);
	json_object_set_new(op, "security", (r->flags & R_PUBLIC) ? json_array()
			    : json_pack("[{s:[]}]", "bearerAuth"));
	json_object_set_new(op, "x-roles", http_roles_json((r->flags & R_PUBLIC) ? ROLE_ALL : r->roles));
	if (r->flags & R_PUBLIC)
		json_object_set_new(op, "x-public", json_true());
	return op;
}

json_t *http_openapi(void)
{
	const struct http_route *const *t;
	const struct http_route *r;
	json_t *paths = json_object(), *doc;

	for (t = http_route_tables; *t; t++) {
		for (r = *t; r->method; r++) {
			json_t *item;
			char method[16];
			size_t i;

			if (!(r->flags & R_DOC))
				continue;
			item = json_object_get(paths, r->pattern);
			if (!item) {
				item = json_object();
				json_object_set_new(paths, r->pattern, item);
			}
			for (i = 0; r->method[i] && i < sizeof(method) - 1; i++)
				method[i] = (char)(r->method[i] >= 'A' && r->method[i] <= 'Z'
						   ? r->method[i] + 32 : r->method[i]);
			method[i] = '\0';
			json_object_set_new(item, method, operation_json(r));
		}
	}
	doc = json_pack("{s:s, s:{s:s, s:s, s:s}, s:o}",
		"openapi", "3.0.3",
		"info", "title", "aivalue API", "version", AIV_VERSION,
		"description", "Read the organisation, the value models and the ledger;"
		" apply declarative configuration.  Every operation but the public ones"
		" needs 'Authorization: Bearer TOKEN'; x-roles lists the roles allowed.",
		"paths", paths);
	json_object_set_new(doc, "components", json_pack(
		"{s:{s:{s:s, s:s, s:s}}, s:{s:{s:s, s:[s], s:{s:{s:s, s:[s,s,s], s:{s:{s:s}, s:{s:s}, s:{s:s}}}}}}}",
		"securitySchemes", "bearerAuth", "type", "http", "scheme", "bearer",
		"description", "a token from 'aivalue token create'",
		"schemas", "Error", "type", "object", "required", "error",
		"properties", "error", "type", "object", "required", "status", "code", "message",
		"properties", "status", "type", "integer", "code", "type", "string",
		"message", "type", "string"));
	json_object_set_new(doc, "security", json_pack("[{s:[]}]", "bearerAuth"));
	return doc;
}
