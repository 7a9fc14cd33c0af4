/*
 * cedar_int.h - the Cedar AST, shared by cedar_parse.c, cedar_eval.c and
 * cedar_validate.c (internal to control/).
 */
#ifndef AIV_CEDAR_INT_H
#define AIV_CEDAR_INT_H

#include "cedar.h"

enum cedar_op {
	CX_LIT,     /* lit (bool, long, string, entity) */
	CX_VAR,     /* var: 0 principal, 1 action, 2 resource, 3 context */
	CX_NOT,
	CX_NEG,
	CX_AND,
	CX_OR,
	CX_EQ,
	CX_NE,
	CX_LT,
	CX_LE,
	CX_GT,
	CX_GE,
	CX_IN,
	CX_ADD,
	CX_SUB,
	CX_MUL,
	CX_HAS,     /* a has name */
	CX_LIKE,    /* a like pattern */
	CX_IS,      /* a is name [in b] (b may be NULL) */
	CX_IF,      /* if a then b else c */
	CX_SET,     /* [kids] */
	CX_RECORD,  /* {keys: kids} */
	CX_ATTR,    /* a.name or a["name"] */
	CX_METHOD,  /* a.fn(kids) */
	CX_DECIMAL, /* decimal("..") with a literal, folded at parse time */
	CX_DECIMAL_CALL, /* decimal(expr) */
};

enum cedar_fn {
	CF_CONTAINS,
	CF_CONTAINS_ALL,
	CF_CONTAINS_ANY,
	CF_IS_EMPTY,
	CF_LESS_THAN,
	CF_LESS_THAN_OR_EQUAL,
	CF_GREATER_THAN,
	CF_GREATER_THAN_OR_EQUAL,
};

struct cedar_expr {
	int op;
	int fn;       /* CX_VAR: variable; CX_METHOD: enum cedar_fn */
	uint32_t line, col;
	struct cedar_expr *a, *b, *c;
	struct cedar_expr **kids;
	uint32_t nkids;
	struct cedar_str *keys;   /* CX_RECORD, parallel to kids */
	struct cedar_str name;    /* CX_HAS, CX_ATTR, CX_IS */
	struct cedar_value lit;   /* CX_LIT, CX_DECIMAL */
	struct cedar_uid uid;     /* storage for an entity literal */
	const char *pat;          /* CX_LIKE: bytes */
	const unsigned char *star; /* CX_LIKE: 1 where pat[i] is a wildcard */
	uint32_t npat;
};

/* Wildcard match of s against a like pattern. */
int cedar_like_match(const char *s, size_t n, const char *pat,
		     const unsigned char *star, size_t npat);

#endif
