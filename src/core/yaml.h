/*
 * yaml.h - reading YAML with libfyaml, with errors that point at a place.
 *
 * Everything aivalue reads from YAML (the catalog, `apply -f` files) goes
 * through here so that every complaint has the same shape:
 *     FILE:LINE:COLUMN: what is wrong
 * Lines and columns are 1-based.  The checking helpers (yget_*) take a
 * struct ypos naming the file and the err to fill, and return 0 or a
 * negative AIV_E* code.
 */
#ifndef AIV_YAML_H
#define AIV_YAML_H

#include <jansson.h>
#include <libfyaml.h>

#include "aiv.h"

struct ydocs {
	struct fy_document **docs;
	size_t n, alloc;
	char *file; /* name used in messages */
};

/*
 * Bounds on what aliases may do (docs/security-limits.md).  Resolving an
 * alias copies the node it names, so a few hundred bytes of nested
 * aliases ("billion laughs") would expand to billions of nodes.  Across
 * one stream, aliases may add at most AIV_YAML_MAX_ALIAS_NODES nodes, and
 * no document may nest deeper than AIV_YAML_MAX_DEPTH once expanded (the
 * same depth libfyaml allows in written text).
 */
#define AIV_YAML_MAX_ALIAS_NODES 10000
#define AIV_YAML_MAX_DEPTH 64

/*
 * Parse every document of a YAML stream (from a file, or from `buf` when
 * not NULL; `name` is used in messages).  Empty documents are skipped.
 * Aliases are resolved (copied in place), within the bounds above; an
 * alias over them fails with AIV_ETOOBIG naming it at FILE:LINE:COL.
 * On failure nothing is kept and err says FILE:LINE:COL.  Release with
 * ydocs_release().
 */
int ydocs_load(struct ydocs *out, const char *name, const char *buf,
	       size_t len, struct aiv_err *err);
void ydocs_release(struct ydocs *d);

struct ypos {
	const char *file;
	struct aiv_err *err;
};

/* 1-based line/column of a node (0/0 when unknown). */
void ymark(struct fy_node *n, long *line, long *col);
/* Fail with the node's location as prefix. */
int yfail(const struct ypos *p, struct fy_node *n, int code, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* NUL-terminated text of a scalar node, borrowed from the document; NULL if not a scalar. */
const char *ytext(struct fy_node *n);
/* True if n is a plain (unquoted) scalar. */
int yplain(struct fy_node *n);

/*
 * Refuse keys of `map` not in the NULL-terminated `allowed`; `what`
 * names the object in the message ("person 'ana'").
 */
int ycheck_keys(const struct ypos *p, struct fy_node *map,
		const char *const *allowed, const char *what);
/* The value node of `key`, or NULL. */
struct fy_node *yget(struct fy_node *map, const char *key);
/* The key node of `key` (for locations), or NULL. */
struct fy_node *ykey(struct fy_node *map, const char *key);

/*
 * Typed getters.  required: absence is an error naming the key; absent
 * and optional leaves *out untouched and returns 0.  Strings are
 * borrowed from the document.
 */
int yget_str(const struct ypos *p, struct fy_node *map, const char *key,
	     int required, const char **out, const char *what);
int yget_int(const struct ypos *p, struct fy_node *map, const char *key,
	     int required, long long *out, const char *what);
int yget_num(const struct ypos *p, struct fy_node *map, const char *key,
	     int required, double *out, const char *what);
int yget_bool(const struct ypos *p, struct fy_node *map, const char *key,
	      int required, int *out, const char *what);
/* A sequence node (required or not); *out NULL when optional and absent. */
int yget_seq(const struct ypos *p, struct fy_node *map, const char *key,
	     int required, struct fy_node **out, const char *what);

/*
 * Convert a node to JSON with the YAML 1.2 core schema for plain scalars
 * (null, true/false, integers, floats; everything else and every quoted
 * scalar is a string).  New reference; caller json_decref()s.
 */
json_t *yaml_to_json(struct fy_node *n);

#endif
