/*
 * apply.h - declarative configuration: `aivalue apply -f FILE.yaml`.
 *
 * A file is a stream of YAML documents, each one object with a `kind`
 * and a `name`.  Applying is like `kubectl apply`: idempotent (applying
 * the same file twice changes nothing and appends no ledger entry),
 * all-or-nothing (one invalid document and nothing is applied), and each
 * created, changed or deleted object appends one ledger entry with its
 * before/after difference, in the same transaction as the change.
 *
 * The engine knows no kind.  Each layer that owns kinds describes them
 * with a struct kind_ops (parse a document into a canonical JSON spec,
 * name its references, write and delete its typed rows), and cli/
 * registers them at start (apply_register), so lower layers never call
 * up.  Every object's canonical spec is also kept in the `objects` table,
 * which is what makes the idempotency check and the diff cheap.
 */
#ifndef AIV_APPLY_H
#define AIV_APPLY_H

#include <jansson.h>

#include "aiv.h"
#include "catalog/catalog.h"
#include "core/yaml.h"
#include "store/store.h"

/* A reference from a spec field to an object of another (or the same) kind. */
struct kind_ref {
	const char *field;  /* spec field holding a name, or a list of names */
	const char *target; /* kind it names, e.g. "Person" */
};

struct kind_ops {
	const char *kind;     /* "Person" */
	const char *plural;   /* "people": the word `get`/`delete` accept */
	const char *singular; /* "person": used in messages */
	/*
	 * Check one document (keys, types, catalog ids) and build its
	 * canonical spec (new reference; it must hold "name").  Store
	 * references are checked by the engine from `refs`.
	 */
	int (*parse)(const struct ypos *p, struct fy_node *doc,
		     const struct catalog *cat, json_t **spec);
	/* Write the typed rows for spec (insert or update). */
	int (*put)(struct store *s, const json_t *spec, struct aiv_err *err);
	/* Remove the typed rows of `name`. */
	int (*del)(struct store *s, const char *name, struct aiv_err *err);
	const struct kind_ref *refs; /* terminated by {NULL, NULL} */
	const char *const *columns;  /* spec fields for the table view, NULL-terminated */
};

void apply_register(const struct kind_ops *ops);
const struct kind_ops *apply_kind(const char *name); /* by kind, plural or singular */
size_t apply_kinds(const struct kind_ops ***out);

struct apply_item {
	char *kind, *name, *op; /* op: "created", "updated", "unchanged", "deleted" */
	int64_t seq;             /* ledger entry, 0 if unchanged */
};

struct apply_result {
	struct apply_item *items;
	size_t n, alloc;
	size_t created, updated, unchanged;
};

void apply_result_release(struct apply_result *r);

/*
 * Apply the documents of several sources as one transaction.  A source
 * is a file name, a directory (its *.yaml / *.yml files in name order),
 * or "-" for stdin.  `buf`/`len`, when not NULL, is the content of a
 * single source named paths[0] (used by the HTTP API).  On error nothing
 * is changed and err names FILE:LINE:COL and the field.  When the caller
 * already holds a transaction (store_in_tx), the writes and their ledger
 * entries join it and the caller commits, or rolls back on any error.
 */
int apply_sources(struct store *s, const struct catalog *cat, const char *actor,
		  const char *const *paths, size_t npaths, const char *buf,
		  size_t len, int dry_run, struct apply_result *res,
		  struct aiv_err *err);

/*
 * Delete one object; refused (nothing changed) while another object
 * refers to it.  Appends one ledger entry with the spec it removed.
 */
int apply_delete(struct store *s, const char *actor, const char *kind,
		 const char *name, int64_t *seq, struct aiv_err *err);

/*
 * Specs of all objects of a kind, sorted by name (or just `name`).
 * *out is a new JSON array.  AIV_ENOTFOUND when `name` does not exist.
 */
int apply_get(struct store *s, const struct kind_ops *k, const char *name,
	      json_t **out, struct aiv_err *err);

/*
 * Specs of the objects of a kind named in names[0..n), in few statements
 * (store_query_in), not one apply_get each: *out is a new JSON object,
 * name -> spec; a name with no such object (or an unparsable spec) is
 * left out.
 */
int apply_get_many(struct store *s, const struct kind_ops *k, const char *const *names,
		   size_t n, json_t **out, struct aiv_err *err);
/*
 * apply_get_many as one query of store_query_in_many (sent with other
 * reads): fills *q to add each found spec to by_name (a JSON object,
 * name -> spec).  names and by_name must outlive the run.
 */
void apply_get_many_in(const struct kind_ops *k, const char *const *names, size_t n,
		       json_t *by_name, struct store_in *q);

/*
 * Typed reads of the objects table (apply/ owns it) for the layers above,
 * which need no registered kind_ops for them.
 * apply_each_object: fn per stored object of `kind`, by name; the fields are
 * borrowed for the call; a non-zero return from fn stops the walk and is
 * returned.  apply_object_specs: the parsed specs of `kind`, by name (unparsable
 * ones left out), as a new JSON array in *out.
 */
struct apply_object {
	const char *name, *spec;
	int64_t created_seq, updated_seq;
};
typedef int (*apply_object_fn)(const struct apply_object *o, void *data);
int apply_each_object(struct store *s, const char *kind, apply_object_fn fn, void *data,
	       struct aiv_err *err);
int apply_object_specs(struct store *s, const char *kind, json_t **out, struct aiv_err *err);
/*
 * The mark of the objects table, for callers that cache what they built
 * from it: the highest updated_seq (0 when empty) and the row count.
 */
int apply_objects_mark(struct store *s, int64_t *max_seq, int64_t *count,
		       struct aiv_err *err);
/*
 * The stored spec of kind/name if it is the one the ledger says o has
 * (ledger_bound_spec_ok): *spec is a new reference, or NULL when the spec
 * is missing or differs.  Negative only on a store error.
 */
struct ledger_bound_object;
int apply_bound_spec_load(struct store *s, const char *kind, const char *name,
			  const struct ledger_bound_object *o, json_t **spec,
			  struct aiv_err *err);

#endif
