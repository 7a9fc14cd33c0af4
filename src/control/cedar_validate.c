/*
 * cedar_validate.c - a small Cedar validator, run when policies are applied.
 *
 * Not Cedar's full schema-based typechecker: a one-pass type inference
 * over each policy's AST with three outcomes per expression (a known
 * type, a known entity type, or unknown), which catches what an author
 * most often gets wrong and Cedar's validator would also refuse:
 *
 *   - entity types that do not exist (typos such as Agnet::"x"), in
 *     scopes, literals and `is`;
 *   - attributes that an entity type we know does not have
 *     (principal.ownr when the principal is an Agent);
 *   - operators applied to the wrong type where the type is known:
 *     `<` on decimals (Cedar compares decimals only with .lessThan() and
 *     friends), .lessThan() on a Long, arithmetic on non-Longs,
 *     non-boolean operands of && || ! and non-boolean conditions.
 *
 * Anything unknown (context attributes, resources of undeclared shape)
 * is let through: evaluation errors are still caught at decision time.
 */
#include <string.h>

#include "cedar_int.h"

enum { VT_UNKNOWN = -1 };

struct vtype {
	int t;                 /* enum cedar_type or VT_UNKNOWN */
	struct cedar_str etype; /* CV_ENTITY: type, or n == 0 if unknown */
};

struct vctx {
	const struct cedar_schema *sc;
	const struct cedar_policy *pol;
	const char *file;
	struct aiv_err *err;
	struct cedar_str ptype, rtype; /* from the scope or the schema */
};

static int sname_eq(const struct cedar_str *s, const char *name)
{
	return name && s->n == strlen(name) && !memcmp(s->p, name, s->n);
}

static const struct cedar_schema_type *schema_type(const struct cedar_schema *sc,
						   const struct cedar_str *name)
{
	size_t i;

	for (i = 0; i < sc->ntypes; i++)
		if (sname_eq(name, sc->types[i].name))
			return &sc->types[i];
	return NULL;
}

static int type_known(const struct cedar_schema *sc, const struct cedar_str *name)
{
	size_t i;

	if (schema_type(sc, name) || sname_eq(name, sc->action_type))
		return 1;
	for (i = 0; i < sc->nextra; i++)
		if (sname_eq(name, sc->extra_types[i]))
			return 1;
	return 0;
}

static int vfail(struct vctx *v, uint32_t line, uint32_t col, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int vfail(struct vctx *v, uint32_t line, uint32_t col, const char *fmt, ...)
{
	char msg[600];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return aiv_fail_at(v->err, AIV_EINPUT, v->file, line, col, "policy '%s': %s",
			   v->pol->id, msg);
}

static int check_type(struct vctx *v, const struct cedar_str *t, uint32_t line, uint32_t col)
{
	struct strbuf list = STRBUF_INIT;
	size_t i;
	int ret;

	if (type_known(v->sc, t))
		return 0;
	for (i = 0; i < v->sc->ntypes; i++)
		strbuf_addf(&list, "%s%s", i ? ", " : "", v->sc->types[i].name);
	if (v->sc->action_type)
		strbuf_addf(&list, ", %s", v->sc->action_type);
	for (i = 0; i < v->sc->nextra; i++)
		strbuf_addf(&list, ", %s", v->sc->extra_types[i]);
	ret = vfail(v, line, col, "unknown entity type '%.*s' (known types: %s)",
		    (int)t->n, t->p, list.buf);
	strbuf_release(&list);
	return ret;
}

static void set_vt(struct vtype *o, int t)
{
	o->t = t;
	o->etype.p = NULL;
	o->etype.n = 0;
}

static int attr_vtype(const struct cedar_schema_type *st, size_t i, struct vtype *o)
{
	const char *t = st->attr_types ? st->attr_types[i] : NULL;

	set_vt(o, VT_UNKNOWN);
	if (!t)
		return 0;
	if (!strncmp(t, "entity:", 7)) {
		o->t = CV_ENTITY;
		o->etype.p = t + 7;
		o->etype.n = (uint32_t)strlen(t + 7);
	} else if (!strcmp(t, "string")) {
		o->t = CV_STRING;
	} else if (!strcmp(t, "long")) {
		o->t = CV_LONG;
	} else if (!strcmp(t, "bool")) {
		o->t = CV_BOOL;
	} else if (!strcmp(t, "set")) {
		o->t = CV_SET;
	} else if (!strcmp(t, "record")) {
		o->t = CV_RECORD;
	} else if (!strcmp(t, "decimal")) {
		o->t = CV_DECIMAL;
	}
	return 0;
}

static int infer(struct vctx *v, const struct cedar_expr *e, struct vtype *o);

/* Infer e and require type `want` if known. */
static int need(struct vctx *v, const struct cedar_expr *e, int want, const char *what,
		struct vtype *o)
{
	struct vtype tmp;

	if (!o)
		o = &tmp;
	if (infer(v, e, o))
		return -1;
	if (o->t != VT_UNKNOWN && o->t != want)
		return vfail(v, e->line, e->col, "type error: %s, not %s", what,
			     cedar_type_name(o->t));
	return 0;
}

static int infer(struct vctx *v, const struct cedar_expr *e, struct vtype *o)
{
	struct vtype a, b;
	uint32_t i;

	set_vt(o, VT_UNKNOWN);
	switch (e->op) {
	case CX_LIT:
		o->t = e->lit.type;
		if (e->lit.type == CV_ENTITY) {
			o->etype = e->lit.u.uid->type;
			return check_type(v, &e->lit.u.uid->type, e->line, e->col);
		}
		return 0;
	case CX_DECIMAL:
		o->t = CV_DECIMAL;
		return 0;
	case CX_DECIMAL_CALL:
		/* Cedar accepts these and errors only when evaluating them;
		 * the validator reports them before a policy is applied */
		o->t = CV_DECIMAL;
		if (e->nkids != 1)
			return vfail(v, e->line, e->col, "decimal() takes exactly one argument");
		if (e->a->op == CX_LIT && e->a->lit.type == CV_STRING)
			return vfail(v, e->a->line, e->a->col, "invalid decimal literal \"%.*s\" "
				     "(digits, a '.', 1 to 4 fractional digits, within "
				     "+-922337203685477.5807)", (int)e->a->lit.u.s.n,
				     e->a->lit.u.s.p);
		return need(v, e->a, CV_STRING, "decimal() takes a string", NULL);
	case CX_VAR:
		if (e->fn == 3) {
			o->t = CV_RECORD;
			return 0;
		}
		o->t = CV_ENTITY;
		if (e->fn == 0)
			o->etype = v->ptype;
		else if (e->fn == 1 && v->sc->action_type) {
			o->etype.p = v->sc->action_type;
			o->etype.n = (uint32_t)strlen(v->sc->action_type);
		} else if (e->fn == 2)
			o->etype = v->rtype;
		return 0;
	case CX_NOT:
		o->t = CV_BOOL;
		return need(v, e->a, CV_BOOL, "'!' needs a boolean", NULL);
	case CX_NEG:
		o->t = CV_LONG;
		return need(v, e->a, CV_LONG, "'-' needs a long", NULL);
	case CX_AND:
	case CX_OR:
		o->t = CV_BOOL;
		if (need(v, e->a, CV_BOOL, e->op == CX_AND ? "'&&' needs booleans"
			 : "'||' needs booleans", NULL))
			return -1;
		return need(v, e->b, CV_BOOL, e->op == CX_AND ? "'&&' needs booleans"
			    : "'||' needs booleans", NULL);
	case CX_EQ:
	case CX_NE:
		o->t = CV_BOOL;
		if (infer(v, e->a, &a) || infer(v, e->b, &b))
			return -1;
		return 0;
	case CX_LT:
	case CX_LE:
	case CX_GT:
	case CX_GE:
		o->t = CV_BOOL;
		if (infer(v, e->a, &a) || infer(v, e->b, &b))
			return -1;
		if (a.t == CV_DECIMAL || b.t == CV_DECIMAL)
			return vfail(v, e->line, e->col, "type error: '%s' does not apply to "
				     "decimals; use .%s()",
				     e->op == CX_LT ? "<" : e->op == CX_LE ? "<=" : e->op == CX_GT ? ">" : ">=",
				     e->op == CX_LT ? "lessThan" : e->op == CX_LE ? "lessThanOrEqual" :
				     e->op == CX_GT ? "greaterThan" : "greaterThanOrEqual");
		if (a.t != VT_UNKNOWN && a.t != CV_LONG)
			return vfail(v, e->a->line, e->a->col, "type error: comparison needs longs, "
				     "not %s", cedar_type_name(a.t));
		if (b.t != VT_UNKNOWN && b.t != CV_LONG)
			return vfail(v, e->b->line, e->b->col, "type error: comparison needs longs, "
				     "not %s", cedar_type_name(b.t));
		return 0;
	case CX_ADD:
	case CX_SUB:
	case CX_MUL:
		o->t = CV_LONG;
		if (need(v, e->a, CV_LONG, "arithmetic needs longs", NULL))
			return -1;
		return need(v, e->b, CV_LONG, "arithmetic needs longs", NULL);
	case CX_IN:
		o->t = CV_BOOL;
		if (need(v, e->a, CV_ENTITY, "left of 'in' must be an entity", NULL) ||
		    infer(v, e->b, &b))
			return -1;
		if (b.t != VT_UNKNOWN && b.t != CV_ENTITY && b.t != CV_SET)
			return vfail(v, e->b->line, e->b->col, "type error: right of 'in' must be "
				     "an entity or a set of entities, not %s", cedar_type_name(b.t));
		return 0;
	case CX_HAS:
		o->t = CV_BOOL;
		if (infer(v, e->a, &a))
			return -1;
		if (a.t != VT_UNKNOWN && a.t != CV_ENTITY && a.t != CV_RECORD)
			return vfail(v, e->line, e->col, "type error: 'has' needs an entity or a "
				     "record, not %s", cedar_type_name(a.t));
		return 0;
	case CX_LIKE:
		o->t = CV_BOOL;
		return need(v, e->a, CV_STRING, "'like' needs a string", NULL);
	case CX_IS:
		o->t = CV_BOOL;
		if (check_type(v, &e->name, e->line, e->col) ||
		    need(v, e->a, CV_ENTITY, "'is' needs an entity", NULL))
			return -1;
		return e->b ? infer(v, e->b, &b) : 0;
	case CX_IF:
		if (need(v, e->a, CV_BOOL, "'if' condition must be a boolean", NULL) ||
		    infer(v, e->b, &a) || infer(v, e->c, &b))
			return -1;
		if (a.t == b.t)
			*o = a;
		return 0;
	case CX_SET:
		o->t = CV_SET;
		for (i = 0; i < e->nkids; i++)
			if (infer(v, e->kids[i], &a))
				return -1;
		return 0;
	case CX_RECORD:
		o->t = CV_RECORD;
		for (i = 0; i < e->nkids; i++)
			if (infer(v, e->kids[i], &a))
				return -1;
		return 0;
	case CX_ATTR:
		if (infer(v, e->a, &a))
			return -1;
		if (a.t != VT_UNKNOWN && a.t != CV_ENTITY && a.t != CV_RECORD)
			return vfail(v, e->line, e->col, "type error: attribute '%.*s' of a %s",
				     (int)e->name.n, e->name.p, cedar_type_name(a.t));
		if (a.t == CV_ENTITY && a.etype.n) {
			const struct cedar_schema_type *st = schema_type(v->sc, &a.etype);
			if (st && st->attrs) {
				for (i = 0; st->attrs[i]; i++)
					if (sname_eq(&e->name, st->attrs[i]))
						return attr_vtype(st, i, o);
				{
					struct strbuf list = STRBUF_INIT;
					int ret;
					for (i = 0; st->attrs[i]; i++)
						strbuf_addf(&list, "%s%s", i ? ", " : "", st->attrs[i]);
					ret = vfail(v, e->line, e->col, "entity type '%s' has no attribute "
						    "'%.*s' (it has: %s)", st->name, (int)e->name.n,
						    e->name.p, list.buf);
					strbuf_release(&list);
					return ret;
				}
			}
		}
		return 0;
	case CX_METHOD:
		o->t = CV_BOOL;
		if (infer(v, e->a, &a))
			return -1;
		for (i = 0; i < e->nkids; i++)
			if (infer(v, e->kids[i], &b))
				return -1;
		switch (e->fn) {
		case CF_CONTAINS:
		case CF_IS_EMPTY:
			if (a.t != VT_UNKNOWN && a.t != CV_SET)
				return vfail(v, e->line, e->col, "type error: this method needs a set, "
					     "not %s", cedar_type_name(a.t));
			return 0;
		case CF_CONTAINS_ALL:
		case CF_CONTAINS_ANY:
			if ((a.t != VT_UNKNOWN && a.t != CV_SET) || (b.t != VT_UNKNOWN && b.t != CV_SET))
				return vfail(v, e->line, e->col, "type error: containsAll/containsAny "
					     "need two sets");
			return 0;
		default:
			if (e->nkids != 1)
				return vfail(v, e->line, e->col, "a decimal comparison method takes "
					     "exactly one argument");
			if (a.t != VT_UNKNOWN && a.t != CV_DECIMAL)
				return vfail(v, e->line, e->col, "type error: decimal method on a %s "
					     "(compare longs with < <= > >=)", cedar_type_name(a.t));
			if (b.t != VT_UNKNOWN && b.t != CV_DECIMAL)
				return vfail(v, e->kids[0]->line, e->kids[0]->col, "type error: "
					     "decimal method argument is a %s, not a decimal",
					     cedar_type_name(b.t));
			return 0;
		}
	}
	return 0;
}

static int check_scope(struct vctx *v, const struct cedar_scope *s, int is_action,
		       struct cedar_str *type_out)
{
	uint32_t i;

	if (s->op == CS_IS || s->op == CS_IS_IN) {
		if (check_type(v, &s->is_type, s->line, s->col))
			return -1;
		if (type_out)
			*type_out = s->is_type;
	}
	if (s->op == CS_EQ || s->op == CS_IN || s->op == CS_IS_IN) {
		if (check_type(v, &s->uid.type, s->line, s->col))
			return -1;
		if (is_action && v->sc->action_type && !sname_eq(&s->uid.type, v->sc->action_type))
			return vfail(v, s->line, s->col, "actions are %s entities, not '%.*s'",
				     v->sc->action_type, (int)s->uid.type.n, s->uid.type.p);
		if (s->op == CS_EQ && type_out)
			*type_out = s->uid.type;
	}
	if (s->op == CS_IN_SET)
		for (i = 0; i < s->nset; i++) {
			if (check_type(v, &s->set[i].type, s->line, s->col))
				return -1;
			if (v->sc->action_type && !sname_eq(&s->set[i].type, v->sc->action_type))
				return vfail(v, s->line, s->col, "actions are %s entities, not '%.*s'",
					     v->sc->action_type, (int)s->set[i].type.n, s->set[i].type.p);
		}
	return 0;
}

int cedar_validate(const struct cedar_policyset *ps, const struct cedar_schema *sc,
		   const char *file, struct aiv_err *err)
{
	size_t i;
	uint32_t k;

	for (i = 0; i < ps->n; i++) {
		struct vctx v;
		memset(&v, 0, sizeof(v));
		v.sc = sc;
		v.pol = &ps->v[i];
		v.file = file;
		v.err = err;
		if (sc->principal_type) {
			v.ptype.p = sc->principal_type;
			v.ptype.n = (uint32_t)strlen(sc->principal_type);
		}
		if (check_scope(&v, &v.pol->principal, 0, &v.ptype) ||
		    check_scope(&v, &v.pol->action, 1, NULL) ||
		    check_scope(&v, &v.pol->resource, 0, &v.rtype))
			return AIV_EINPUT;
		if (sc->principal_type && v.ptype.n && !sname_eq(&v.ptype, sc->principal_type))
			return vfail(&v, v.pol->principal.line, v.pol->principal.col,
				     "the principal is always an %s, never a '%.*s'",
				     sc->principal_type, (int)v.ptype.n, v.ptype.p) ? AIV_EINPUT : 0;
		for (k = 0; k < v.pol->nconds; k++)
			if (need(&v, v.pol->conds[k].e, CV_BOOL, "a condition must be a boolean", NULL))
				return AIV_EINPUT;
	}
	return 0;
}
