/*
 * cedar.h - the Cedar policy language: parser, entity store, evaluator,
 * authorizer and a small validator.
 *
 * A self-contained implementation of the Cedar subset aivalue's agent
 * control layer needs (docs/control.md lists it):
 *
 *     policy text --cedar_parse--> struct cedar_policyset (AST in an arena)
 *                                        |
 *     entities JSON --cedar_entities_*--> struct cedar_entities
 *                                        |        (hash index, transitive
 *                                        v         ancestor sets)
 *     request {principal, action, resource, context}
 *               --cedar_authorize--> allow | deny, satisfied and errored
 *                                    policies (Cedar's semantics exactly)
 *
 * Values are small tagged structs; strings are (pointer, length) views;
 * entity uids carry a precomputed hash so equality and ancestor lookups
 * are one integer compare in the common case.  Evaluation allocates only
 * from a per-request arena (struct cedar_arena) that the caller resets.
 *
 * Semantics follow Cedar (https://docs.cedarpolicy.com): deny by default,
 * any satisfied forbid wins, a policy whose evaluation errors is skipped
 * and reported.  The agent layer's fail-closed rule for erroring forbids
 * is NOT applied here; control.c applies it on top of the raw response,
 * so the differential test can compare this file against Cedar itself.
 */
#ifndef AIV_CEDAR_H
#define AIV_CEDAR_H

#include <jansson.h>

#include "aiv.h"

/* ---- arena ---------------------------------------------------------- */

struct cedar_arena_chunk;
struct cedar_arena {
	struct cedar_arena_chunk *head;
	size_t used_total;
};

void *cedar_arena_alloc(struct cedar_arena *a, size_t n);
/* Free every chunk but the first; memory from before is invalid. */
void cedar_arena_reset(struct cedar_arena *a);
void cedar_arena_release(struct cedar_arena *a);

/* ---- values --------------------------------------------------------- */

struct cedar_str {
	const char *p;
	uint32_t n;
};

struct cedar_uid {
	struct cedar_str type, id;
	uint64_t hash;
};

enum cedar_type {
	CV_BOOL,
	CV_LONG,
	CV_STRING,
	CV_ENTITY,
	CV_SET,
	CV_RECORD,
	CV_DECIMAL, /* int64 scaled by 10^4 */
};

struct cedar_set;
struct cedar_record;

struct cedar_value {
	int type;
	union {
		int b;
		int64_t l; /* Long, or Decimal * 10000 */
		struct cedar_str s;
		const struct cedar_uid *uid;
		const struct cedar_set *set;
		const struct cedar_record *rec;
	} u;
};

struct cedar_set {
	uint32_t n;
	struct cedar_value *v;
};

struct cedar_record {
	uint32_t n;
	struct cedar_str *keys; /* sorted by bytes, unique */
	struct cedar_value *v;
};

const char *cedar_type_name(int type);
void cedar_uid_hash(struct cedar_uid *u);
int cedar_uid_eq(const struct cedar_uid *a, const struct cedar_uid *b);
int cedar_value_eq(const struct cedar_value *a, const struct cedar_value *b);
/* Member of a record, or NULL. */
const struct cedar_value *cedar_record_get(const struct cedar_record *r,
					   const char *key, size_t n);
/* Parse Cedar's decimal text ("-12.3456"); 0 or -1. */
int cedar_decimal_parse(const char *s, size_t n, int64_t *out);
/* Append a value as Cedar JSON (entities as {"__entity":..}). */
void cedar_value_json(struct strbuf *sb, const struct cedar_value *v);

/*
 * Convert Cedar JSON (entity / attribute / context format) into a value
 * in arena `a`.  Objects with "__entity" are entity refs and with
 * "__extn" {fn: "decimal", arg} are decimals.  With `real_as_decimal`,
 * JSON reals become decimals (at most 4 fractional digits: more is an
 * error), as aivalue's context rule says; otherwise reals are an error.
 * `path` names the value in messages.
 */
int cedar_value_from_json(struct cedar_arena *a, const json_t *j, int real_as_decimal,
			  const char *path, struct cedar_value *out, struct aiv_err *err);
/*
 * r with `key` set to v: a new record in arena a, the key in its sorted
 * place (its value replaced if r has it).  r is not changed; the new
 * record shares r's keys and values and borrows `key` (it must outlive
 * the record).
 */
const struct cedar_record *cedar_record_put(struct cedar_arena *a, const struct cedar_record *r,
					   const char *key, const struct cedar_value *v);
/* A {"type","id"} object (or {"__entity":{..}}) into a uid in arena a. */
int cedar_uid_from_json(struct cedar_arena *a, const json_t *j, struct cedar_uid *out);
/* Parse 'Type::"id"' (namespaces allowed) into arena a; 0 or -1. */
int cedar_uid_parse(struct cedar_arena *a, const char *text, struct cedar_uid *out);

/* ---- entities ------------------------------------------------------- */

struct cedar_entity {
	struct cedar_uid uid;
	struct cedar_record *attrs;
	struct cedar_uid *parents;
	uint32_t nparents;
	/* transitive closure, sorted by hash: filled by cedar_entities_close() */
	const struct cedar_uid **anc;
	uint32_t nanc;
};

struct cedar_entities {
	struct cedar_arena arena;
	struct cedar_entity *v;
	size_t n, alloc;
	uint32_t *index; /* open addressing, entity index + 1 */
	size_t index_size;
	int closed;
	/* entities that this store's parents may name (an overlay's base) */
	const struct cedar_entities *base;
};

void cedar_entities_init(struct cedar_entities *es);
void cedar_entities_release(struct cedar_entities *es);
/*
 * Add an entity (uid copied into the store's arena; attrs/parents must
 * live in es->arena).  A duplicate uid is an error.  Returns the entity,
 * borrowed until release.
 */
struct cedar_entity *cedar_entities_add(struct cedar_entities *es,
					const struct cedar_uid *uid,
					struct aiv_err *err);
/* Add the entities of a Cedar entities JSON array. */
int cedar_entities_add_json(struct cedar_entities *es, const json_t *arr,
			    struct aiv_err *err);
/* Compute ancestor closures; call after the last add (and again after more). */
void cedar_entities_close(struct cedar_entities *es);
const struct cedar_entity *cedar_entities_find(const struct cedar_entities *es,
					       const struct cedar_uid *uid);

/* ---- policies ------------------------------------------------------- */

struct cedar_expr;

enum cedar_scope_op {
	CS_ANY,
	CS_EQ,
	CS_IN,
	CS_IS,
	CS_IS_IN,
	CS_IN_SET, /* action in [...] */
};

struct cedar_scope {
	int op;
	struct cedar_uid uid;     /* CS_EQ, CS_IN, CS_IS_IN */
	struct cedar_str is_type; /* CS_IS, CS_IS_IN */
	struct cedar_uid *set;    /* CS_IN_SET */
	uint32_t nset;
	uint32_t line, col;
};

struct cedar_annotation {
	struct cedar_str key, value;
	uint32_t line, col;
};

struct cedar_cond {
	int is_when;
	struct cedar_expr *e;
};

enum cedar_effect { CEDAR_PERMIT, CEDAR_FORBID };

struct cedar_policy {
	char *id; /* @id("..") or prefix + position; in the set's arena */
	int effect;
	struct cedar_scope principal, action, resource;
	struct cedar_annotation *ann;
	uint32_t nann;
	struct cedar_cond *conds;
	uint32_t nconds;
	uint32_t line, col; /* of the effect keyword */
};

struct cedar_policyset {
	struct cedar_arena arena;
	struct cedar_policy *v;
	size_t n, alloc;
};

void cedar_policyset_init(struct cedar_policyset *ps);
void cedar_policyset_release(struct cedar_policyset *ps);
/*
 * Parse policy text and append its policies to ps.  Ids are the @id
 * annotation when present, otherwise id_prefix followed by the policy's
 * position in this text (id_prefix "policy" gives Cedar's own policy0, policy1..).
 * `file`, `line0` and `col0` place error locations (line0 = 1, col0 = 1
 * for a stand-alone file; the YAML line of a block scalar otherwise).
 * On a syntax error nothing is added and err says FILE:LINE:COL.
 */
int cedar_parse(struct cedar_policyset *ps, const char *text, size_t len,
		const char *id_prefix, const char *file, long line0, long col0,
		struct aiv_err *err);
/* Value of annotation `key` on p, or NULL. */
const struct cedar_str *cedar_policy_annotation(const struct cedar_policy *p,
						const char *key);

/* ---- evaluation ----------------------------------------------------- */

struct cedar_request {
	struct cedar_uid principal, action, resource;
	struct cedar_value context; /* a record */
	/* more entities (per-request resources), searched after the store */
	const struct cedar_entities *extra;
};

struct cedar_policy_error {
	uint32_t policy; /* index in the set */
	uint32_t line, col;
	const char *msg; /* static text */
};

enum cedar_decision { CEDAR_DENY = 0, CEDAR_ALLOW = 1 };

struct cedar_response {
	int decision;
	uint32_t *permits, *forbids; /* satisfied, policy indexes */
	uint32_t npermits, nforbids;
	struct cedar_policy_error *errors;
	uint32_t nerrors;
	size_t alloc_p, alloc_f, alloc_e;
};

void cedar_response_init(struct cedar_response *r);
void cedar_response_release(struct cedar_response *r);

/*
 * Evaluate every policy of ps for req (Cedar semantics: satisfied
 * forbid -> deny; else satisfied permit -> allow; else deny; erroring
 * policies are skipped and listed).  `scratch` is reset by the caller
 * between requests.  res is reset first (its arrays are reused).
 */
void cedar_authorize(const struct cedar_policyset *ps,
		     const struct cedar_entities *es,
		     const struct cedar_request *req, struct cedar_arena *scratch,
		     struct cedar_response *res);

/* ---- validation ----------------------------------------------------- */

struct cedar_schema_type {
	const char *name;           /* "Agent" */
	const char *const *attrs;   /* NULL-terminated; NULL: any attribute */
	const char *const *attr_types; /* parallel: "entity:Person", "string", "long", "bool", "set", "record", "decimal", or NULL */
};

struct cedar_schema {
	const struct cedar_schema_type *types;
	size_t ntypes;
	const char *const *extra_types; /* more known types, no attribute knowledge */
	size_t nextra;
	const char *principal_type;     /* type the principal always has, or NULL */
	const char *action_type;        /* "Action" */
};

/*
 * Check a parsed policy set against the schema: unknown entity types in
 * scopes and literals, unknown attributes on known types, and type errors
 * (arithmetic or `<` on non-Longs such as decimals, decimal methods on
 * non-decimals, non-boolean conditions and operands of && || !).  First
 * problem -> AIV_EINPUT with FILE:LINE:COL (positions as in cedar_parse).
 */
int cedar_validate(const struct cedar_policyset *ps, const struct cedar_schema *sc,
		   const char *file, struct aiv_err *err);

#endif
