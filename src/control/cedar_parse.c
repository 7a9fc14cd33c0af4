/*
 * cedar_parse.c - lexer and recursive-descent parser for Cedar policies.
 *
 * Follows the grammar of https://docs.cedarpolicy.com/policies/syntax-grammar.html
 * and, where that page is silent, what Cedar 4.13 itself accepts (the
 * differential test, tests/cedar-diff, compares the two):
 *
 *   Policy   ::= {Annotation} ('permit'|'forbid') '(' Scope [','] ')' {Cond} ';'
 *   Scope    ::= Principal ',' Action ',' Resource    (actions: Action or Ns::Action)
 *   Cond     ::= ('when'|'unless') '{' Expr '}'
 *   Expr     ::= Or | 'if' Expr 'then' Expr 'else' Expr
 *   Or       ::= And {'||' And}          And ::= Relation {'&&' Relation}
 *   Relation ::= Add [RELOP Add] | Add 'has' (STR | IDENT{'.' IDENT})
 *              | Add 'like' STR | Add 'is' Path ['in' Add]
 *   Add      ::= Mult {('+'|'-') Mult}   Mult ::= Unary {'*' Unary}
 *   Unary    ::= Member | '!'{1..4} Member | '-'{1..4} Member
 *   Member   ::= Primary {Access}
 *   Access   ::= '.' IDENT ['(' [ExprList] ')'] | '[' STR ']'
 *   Primary  ::= LITERAL | VAR | Path '::' STR | Path '(' [ExprList] ')'
 *              | '(' Expr ')' | '[' [ExprList] ']' | '{' [RecInits] '}'
 *
 * Lists and records take a trailing comma.  IDENTs that name attributes,
 * record keys, `has` operands and path components may not be reserved
 * (true false if then else in is has like __cedar).  Whitespace is
 * Unicode White_Space; a `//` comment ends at LF or CR; strings follow
 * Rust's escapes (Cedar unescapes with them).
 *
 * The lexer works on the whole text at once; each token records its
 * 1-based line and column (offset by the caller's line0/col0 so errors
 * point into the YAML file a policy came from).  The AST lives in the
 * policy set's arena; on error the policies parsed so far in this call
 * are dropped (the arena keeps their bytes until release, harmlessly).
 */
#include <stdio.h>
#include <string.h>

#include "cedar_int.h"

enum tok {
	T_EOF,
	T_IDENT,
	T_INT,
	T_STR,
	T_LPAREN, T_RPAREN, T_LBRACK, T_RBRACK, T_LBRACE, T_RBRACE,
	T_COMMA, T_SEMI, T_DOT, T_COLON, T_COLONCOLON, T_AT,
	T_EQ, T_NE, T_LT, T_LE, T_GT, T_GE, T_AND, T_OR, T_NOT,
	T_PLUS, T_MINUS, T_STAR, T_QUESTION,
	T_ERROR,
};

struct token {
	int t;
	const char *p; /* start in the text */
	uint32_t n;
	uint32_t line, col;
};

struct parser {
	const char *text, *end, *cur;
	uint32_t line;
	const char *line_start;
	long line0, col0;
	struct token tok, peek;
	int have_peek;
	struct cedar_policyset *ps;
	struct cedar_arena *a;
	const char *file;
	struct aiv_err *err;
	int failed;
	int depth;
	int nbinary; /* binary operators in the current policy */
	int64_t dec_value; /* scratch for folding decimal("..") */
};

#define MAX_DEPTH 200
#define MAX_BINARY 2000

static int fail_at(struct parser *P, uint32_t line, uint32_t col, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int fail_at(struct parser *P, uint32_t line, uint32_t col, const char *fmt, ...)
{
	char msg[600];
	va_list ap;

	if (P->failed)
		return -1;
	P->failed = 1;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	aiv_fail_at(P->err, AIV_EINPUT, P->file, line, col, "%s", msg);
	return -1;
}

static uint32_t abs_line(struct parser *P, uint32_t l)
{
	return (uint32_t)(P->line0 - 1 + l);
}

static uint32_t abs_col(struct parser *P, uint32_t c)
{
	return (uint32_t)(P->col0 - 1 + c);
}

static int is_ident_start(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static int is_ident_char(int c)
{
	return is_ident_start(c) || (c >= '0' && c <= '9');
}

/*
 * Bytes of the Unicode White_Space character at p, or 0.  Cedar's lexer
 * skips `\s`, which is Unicode White_Space: besides the ASCII space, tab,
 * LF, VT, FF and CR it includes NEL, NBSP, the U+2000 block, the line and
 * paragraph separators and the ideographic space.
 */
static size_t ws_len(const char *p, const char *end)
{
	const unsigned char *u = (const unsigned char *)p;
	size_t left = (size_t)(end - p);

	if (!left)
		return 0;
	if (*u == ' ' || (*u >= '\t' && *u <= '\r'))
		return 1;
	if (left >= 2 && u[0] == 0xC2 && (u[1] == 0x85 || u[1] == 0xA0))
		return 2;
	if (left < 3)
		return 0;
	if (u[0] == 0xE1 && u[1] == 0x9A && u[2] == 0x80)
		return 3; /* U+1680 */
	if (u[0] == 0xE2 && u[1] == 0x80 &&
	    (u[2] <= 0x8A || u[2] == 0xA8 || u[2] == 0xA9 || u[2] == 0xAF))
		return 3; /* U+2000..200A, U+2028, U+2029, U+202F */
	if (u[0] == 0xE2 && u[1] == 0x81 && u[2] == 0x9F)
		return 3; /* U+205F */
	if (u[0] == 0xE3 && u[1] == 0x80 && u[2] == 0x80)
		return 3; /* U+3000 */
	return 0;
}

static void lex(struct parser *P, struct token *t)
{
	const char *s;
	size_t w;

	for (;;) {
		while ((w = ws_len(P->cur, P->end)) > 0) {
			if (*P->cur == '\n') {
				P->line++;
				P->line_start = P->cur + 1;
			}
			P->cur += w;
		}
		/* a comment ends at LF or at a bare CR, as in Cedar's lexer */
		if (P->cur + 1 < P->end && P->cur[0] == '/' && P->cur[1] == '/') {
			while (P->cur < P->end && *P->cur != '\n' && *P->cur != '\r')
				P->cur++;
			continue;
		}
		break;
	}
	s = P->cur;
	t->p = s;
	t->line = abs_line(P, P->line);
	t->col = abs_col(P, (uint32_t)(s - P->line_start + 1));
	t->n = 1;
	if (s >= P->end) {
		t->t = T_EOF;
		t->n = 0;
		return;
	}
	if (is_ident_start((unsigned char)*s)) {
		while (P->cur < P->end && is_ident_char((unsigned char)*P->cur))
			P->cur++;
		t->t = T_IDENT;
		t->n = (uint32_t)(P->cur - s);
		return;
	}
	if (*s >= '0' && *s <= '9') {
		while (P->cur < P->end && *P->cur >= '0' && *P->cur <= '9')
			P->cur++;
		t->t = T_INT;
		t->n = (uint32_t)(P->cur - s);
		return;
	}
	if (*s == '"') {
		P->cur++;
		while (P->cur < P->end && *P->cur != '"') {
			if (*P->cur == '\\' && P->cur + 1 < P->end) {
				/* Cedar's string token is "(\\.|[^"\\])*" and '.'
				 * does not match LF: a backslash-newline ends it */
				if (P->cur[1] == '\n') {
					t->t = T_ERROR;
					t->n = (uint32_t)(P->cur + 1 - s);
					return;
				}
				P->cur++;
			}
			if (*P->cur == '\n') {
				P->line++;
				P->line_start = P->cur + 1;
			}
			P->cur++;
		}
		if (P->cur >= P->end) {
			t->t = T_ERROR;
			return;
		}
		P->cur++;
		t->t = T_STR;
		t->n = (uint32_t)(P->cur - s);
		return;
	}
	P->cur++;
	switch (*s) {
	case '(': t->t = T_LPAREN; return;
	case ')': t->t = T_RPAREN; return;
	case '[': t->t = T_LBRACK; return;
	case ']': t->t = T_RBRACK; return;
	case '{': t->t = T_LBRACE; return;
	case '}': t->t = T_RBRACE; return;
	case ',': t->t = T_COMMA; return;
	case ';': t->t = T_SEMI; return;
	case '.': t->t = T_DOT; return;
	case '@': t->t = T_AT; return;
	case '+': t->t = T_PLUS; return;
	case '-': t->t = T_MINUS; return;
	case '*': t->t = T_STAR; return;
	case '?': t->t = T_QUESTION; return;
	default: break;
	}
	if (P->cur < P->end) {
		char c2 = *P->cur;
		int two = -1;
		if (*s == ':' && c2 == ':') two = T_COLONCOLON;
		else if (*s == '=' && c2 == '=') two = T_EQ;
		else if (*s == '!' && c2 == '=') two = T_NE;
		else if (*s == '<' && c2 == '=') two = T_LE;
		else if (*s == '>' && c2 == '=') two = T_GE;
		else if (*s == '&' && c2 == '&') two = T_AND;
		else if (*s == '|' && c2 == '|') two = T_OR;
		if (two >= 0) {
			P->cur++;
			t->t = two;
			t->n = 2;
			return;
		}
	}
	switch (*s) {
	case ':': t->t = T_COLON; return;
	case '<': t->t = T_LT; return;
	case '>': t->t = T_GT; return;
	case '!': t->t = T_NOT; return;
	default: t->t = T_ERROR; return;
	}
}

static void next(struct parser *P)
{
	if (P->have_peek) {
		P->tok = P->peek;
		P->have_peek = 0;
	} else {
		lex(P, &P->tok);
	}
}

static const struct token *peek(struct parser *P)
{
	if (!P->have_peek) {
		lex(P, &P->peek);
		P->have_peek = 1;
	}
	return &P->peek;
}

static int is_kw(const struct token *t, const char *kw)
{
	size_t n = strlen(kw);
	return t->t == T_IDENT && t->n == n && !memcmp(t->p, kw, n);
}

static int tok_error(struct parser *P, const char *want)
{
	const struct token *t = &P->tok;

	if (t->t == T_EOF)
		return fail_at(P, t->line, t->col, "unexpected end of policy text, expected %s", want);
	if (t->t == T_ERROR && *t->p == '"' && t->n > 1)
		return fail_at(P, t->line, t->col,
			       "a backslash cannot end a line inside a string literal");
	if (t->t == T_ERROR && *t->p == '"')
		return fail_at(P, t->line, t->col, "unterminated string literal");
	return fail_at(P, t->line, t->col, "unexpected '%.*s', expected %s",
		       (int)(t->n > 40 ? 40 : t->n), t->p, want);
}

static int expect(struct parser *P, int type, const char *want)
{
	if (P->tok.t != type)
		return tok_error(P, want);
	next(P);
	return 0;
}

static void *aalloc(struct parser *P, size_t n)
{
	return cedar_arena_alloc(P->a, n);
}

static struct cedar_expr *node(struct parser *P, int op, const struct token *at)
{
	struct cedar_expr *e = aalloc(P, sizeof(*e));

	memset(e, 0, sizeof(*e));
	e->op = op;
	e->line = at->line;
	e->col = at->col;
	return e;
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9') return c - '0';
	if (c >= 'a' && c <= 'f') return c - 'a' + 10;
	if (c >= 'A' && c <= 'F') return c - 'A' + 10;
	return -1;
}

static void put_utf8(char *o, size_t *k, uint32_t cp)
{
	if (cp < 0x80) {
		o[(*k)++] = (char)cp;
	} else if (cp < 0x800) {
		o[(*k)++] = (char)(0xC0 | (cp >> 6));
		o[(*k)++] = (char)(0x80 | (cp & 0x3F));
	} else if (cp < 0x10000) {
		o[(*k)++] = (char)(0xE0 | (cp >> 12));
		o[(*k)++] = (char)(0x80 | ((cp >> 6) & 0x3F));
		o[(*k)++] = (char)(0x80 | (cp & 0x3F));
	} else {
		o[(*k)++] = (char)(0xF0 | (cp >> 18));
		o[(*k)++] = (char)(0x80 | ((cp >> 12) & 0x3F));
		o[(*k)++] = (char)(0x80 | ((cp >> 6) & 0x3F));
		o[(*k)++] = (char)(0x80 | (cp & 0x3F));
	}
}

/*
 * Unescape the string token t as Cedar does (Rust string-literal rules):
 * \n \r \t \\ \0 \' \", \xHH up to \x7F, \u{...} with 1 to 6 hex digits
 * (underscores allowed after the first), no surrogates; a raw CR is an
 * error.  With `star` (like patterns) every '*' that unescaping yields is
 * a wildcard (star[i] = 1), including one written \x2a or \u{2a}; only
 * the escape "\*" is a literal star.
 */
static int unescape(struct parser *P, const struct token *t, struct cedar_str *out,
		    unsigned char **star)
{
	const char *s = t->p + 1, *e = t->p + t->n - 1;
	char *o = aalloc(P, t->n + 1);
	unsigned char *st = star ? aalloc(P, t->n + 1) : NULL;
	size_t k = 0, k0;

	while (s < e) {
		k0 = k;
		if (*s == '\r')
			return fail_at(P, t->line, t->col,
				       "a carriage return in a string must be written \\r");
		if (*s != '\\') {
			o[k++] = *s++;
			goto mark;
		}
		s++;
		switch (*s) {
		case 'n': o[k++] = '\n'; s++; break;
		case 'r': o[k++] = '\r'; s++; break;
		case 't': o[k++] = '\t'; s++; break;
		case '0': o[k++] = '\0'; s++; break;
		case '\\': o[k++] = '\\'; s++; break;
		case '\'': o[k++] = '\''; s++; break;
		case '"': o[k++] = '"'; s++; break;
		case '*':
			if (!st)
				return fail_at(P, t->line, t->col,
					       "invalid escape '\\*' outside a like pattern");
			o[k++] = '*';
			s++;
			st[k0] = 0; /* the one literal star */
			continue;
		case 'x': {
			int h1 = s + 1 < e ? hexval(s[1]) : -1, h2 = s + 2 < e ? hexval(s[2]) : -1;
			if (h1 < 0 || h2 < 0 || h1 > 7)
				return fail_at(P, t->line, t->col, "invalid escape '\\x' in string");
			o[k++] = (char)(h1 * 16 + h2);
			s += 3;
			break;
		}
		case 'u': {
			uint32_t cp = 0;
			int nd = 0, h;
			if (s + 1 >= e || s[1] != '{' || s + 2 >= e || s[2] == '_')
				return fail_at(P, t->line, t->col, "invalid unicode escape in string");
			s += 2;
			while (s < e && *s != '}') {
				if (*s == '_') {
					s++;
					continue;
				}
				if ((h = hexval(*s)) < 0 || ++nd > 6)
					return fail_at(P, t->line, t->col,
						       "invalid unicode escape in string");
				cp = cp * 16 + (uint32_t)h;
				s++;
			}
			if (s >= e || nd == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
				return fail_at(P, t->line, t->col, "invalid unicode escape in string");
			s++;
			put_utf8(o, &k, cp);
			break;
		}
		default:
			return fail_at(P, t->line, t->col, "invalid escape '\\%c' in string",
				       s < e && (unsigned char)*s >= 0x20 && (unsigned char)*s < 0x7F
				       ? *s : '?');
		}
mark:
		if (st)
			for (; k0 < k; k0++)
				st[k0] = o[k0] == '*';
	}
	o[k] = '\0';
	out->p = o;
	out->n = (uint32_t)k;
	if (star)
		*star = st;
	return 0;
}

/*
 * Cedar's reserved identifiers: never an attribute, record key, `has`
 * operand or name component.  `__cedar` is reserved as a whole
 * identifier (A::__cedarx is fine).
 */
static int is_reserved(const struct token *t)
{
	static const char *const kw[] = { "true", "false", "if", "then", "else", "in",
					   "is", "like", "has", "__cedar", NULL };
	size_t i;

	for (i = 0; kw[i]; i++)
		if (is_kw(t, kw[i]))
			return 1;
	return 0;
}

static int reserved_error(struct parser *P, const struct token *t)
{
	return fail_at(P, t->line, t->col, "'%.*s' is a reserved identifier",
		       (int)t->n, t->p);
}

/*
 * Path {'::' IDENT}.  The current token is the first IDENT.  Stops before
 * a '::' that is followed by a string (an entity literal) and leaves it
 * current.  Result in arena, '::'-joined.
 */
static int parse_path(struct parser *P, struct cedar_str *out)
{
	struct strbuf sb = STRBUF_INIT;
	char *copy;

	if (P->tok.t != T_IDENT) {
		tok_error(P, "a name");
		return -1;
	}
	if (is_reserved(&P->tok))
		return reserved_error(P, &P->tok);
	strbuf_add(&sb, P->tok.p, P->tok.n);
	next(P);
	while (P->tok.t == T_COLONCOLON && peek(P)->t == T_IDENT) {
		next(P);
		if (is_reserved(&P->tok)) {
			strbuf_release(&sb);
			return reserved_error(P, &P->tok);
		}
		strbuf_addstr(&sb, "::");
		strbuf_add(&sb, P->tok.p, P->tok.n);
		next(P);
	}
	copy = aalloc(P, sb.len + 1);
	memcpy(copy, sb.buf, sb.len + 1);
	out->p = copy;
	out->n = (uint32_t)sb.len;
	strbuf_release(&sb);
	return 0;
}

/* Entity literal: Path '::' STR, current token at the path. */
static int parse_entity(struct parser *P, struct cedar_uid *out)
{
	if (parse_path(P, &out->type))
		return -1;
	if (P->tok.t != T_COLONCOLON)
		return tok_error(P, "'::' and a quoted entity id");
	next(P);
	if (P->tok.t != T_STR)
		return tok_error(P, "a quoted entity id");
	if (unescape(P, &P->tok, &out->id, NULL))
		return -1;
	next(P);
	cedar_uid_hash(out);
	return 0;
}

static struct cedar_expr *parse_expr(struct parser *P);

static int parse_list(struct parser *P, int close, struct cedar_expr ***kids, uint32_t *n)
{
	struct cedar_expr **v = NULL, **copy;
	size_t cnt = 0, alloc = 0;

	if (P->tok.t != close) {
		for (;;) {
			struct cedar_expr *e = parse_expr(P);
			if (!e) {
				free(v);
				return -1;
			}
			ALLOC_GROW(v, cnt + 1, alloc);
			v[cnt++] = e;
			if (P->tok.t != T_COMMA)
				break;
			next(P);
			if (P->tok.t == close) /* trailing comma */
				break;
		}
	}
	if (P->tok.t != close) {
		free(v);
		return tok_error(P, close == T_RPAREN ? "',' or ')'" : "',' or ']'");
	}
	next(P);
	copy = aalloc(P, sizeof(*copy) * (cnt ? cnt : 1));
	if (cnt)
		memcpy(copy, v, sizeof(*copy) * cnt);
	free(v);
	*kids = copy;
	*n = (uint32_t)cnt;
	return 0;
}

static int str_cmp(const struct cedar_str *a, const struct cedar_str *b)
{
	size_t n = a->n < b->n ? a->n : b->n;
	int c = memcmp(a->p, b->p, n);

	if (c)
		return c;
	return a->n < b->n ? -1 : a->n > b->n;
}

static struct cedar_expr *parse_record(struct parser *P, const struct token *at)
{
	struct cedar_expr *e = node(P, CX_RECORD, at);
	struct cedar_expr **kids = NULL;
	struct cedar_str *keys = NULL;
	size_t n = 0, ak = 0, ak2 = 0, i, j;

	while (P->tok.t != T_RBRACE) {
		struct cedar_str key;
		struct token kt = P->tok;
		struct cedar_expr *v;

		if (kt.t == T_IDENT) {
			char *k;
			if (is_reserved(&kt)) {
				reserved_error(P, &kt);
				goto fail;
			}
			k = aalloc(P, kt.n + 1);
			memcpy(k, kt.p, kt.n);
			k[kt.n] = '\0';
			key.p = k;
			key.n = kt.n;
		} else if (kt.t == T_STR) {
			if (unescape(P, &kt, &key, NULL))
				goto fail;
		} else {
			tok_error(P, "a record key");
			goto fail;
		}
		next(P);
		if (expect(P, T_COLON, "':'"))
			goto fail;
		if (!(v = parse_expr(P)))
			goto fail;
		for (i = 0; i < n; i++)
			if (!str_cmp(&keys[i], &key)) {
				fail_at(P, kt.line, kt.col, "duplicate key '%.*s' in record literal",
					(int)key.n, key.p);
				goto fail;
			}
		ALLOC_GROW(kids, n + 1, ak);
		ALLOC_GROW(keys, n + 1, ak2);
		kids[n] = v;
		keys[n] = key;
		n++;
		if (P->tok.t != T_COMMA)
			break;
		next(P);
	}
	if (expect(P, T_RBRACE, "',' or '}'"))
		goto fail;
	/* insertion sort by key: the evaluator builds sorted records */
	for (i = 1; i < n; i++)
		for (j = i; j > 0 && str_cmp(&keys[j - 1], &keys[j]) > 0; j--) {
			struct cedar_str tk = keys[j];
			struct cedar_expr *tv = kids[j];
			keys[j] = keys[j - 1];
			kids[j] = kids[j - 1];
			keys[j - 1] = tk;
			kids[j - 1] = tv;
		}
	e->nkids = (uint32_t)n;
	e->kids = aalloc(P, sizeof(*e->kids) * (n ? n : 1));
	e->keys = aalloc(P, sizeof(*e->keys) * (n ? n : 1));
	if (n) {
		memcpy(e->kids, kids, sizeof(*kids) * n);
		memcpy(e->keys, keys, sizeof(*keys) * n);
	}
	free(kids);
	free(keys);
	return e;
fail:
	free(kids);
	free(keys);
	return NULL;
}

static struct cedar_expr *parse_primary(struct parser *P)
{
	struct token t = P->tok;
	struct cedar_expr *e;

	switch (t.t) {
	case T_INT: {
		int64_t v = 0;
		uint32_t i;
		for (i = 0; i < t.n; i++) {
			int d = t.p[i] - '0';
			if (v > (INT64_MAX - d) / 10) {
				fail_at(P, t.line, t.col, "integer literal '%.*s' is too large",
					(int)t.n, t.p);
				return NULL;
			}
			v = v * 10 + d;
		}
		next(P);
		e = node(P, CX_LIT, &t);
		e->lit.type = CV_LONG;
		e->lit.u.l = v;
		return e;
	}
	case T_STR:
		e = node(P, CX_LIT, &t);
		e->lit.type = CV_STRING;
		if (unescape(P, &t, &e->lit.u.s, NULL))
			return NULL;
		next(P);
		return e;
	case T_LPAREN:
		next(P);
		if (!(e = parse_expr(P)) || expect(P, T_RPAREN, "')'"))
			return NULL;
		return e;
	case T_LBRACK:
		next(P);
		e = node(P, CX_SET, &t);
		if (parse_list(P, T_RBRACK, &e->kids, &e->nkids))
			return NULL;
		return e;
	case T_LBRACE:
		next(P);
		return parse_record(P, &t);
	case T_QUESTION:
		fail_at(P, t.line, t.col, "policy templates ('?principal', '?resource') are not supported");
		return NULL;
	case T_IDENT:
		break;
	default:
		tok_error(P, "an expression");
		return NULL;
	}
	if (is_kw(&t, "true") || is_kw(&t, "false")) {
		next(P);
		e = node(P, CX_LIT, &t);
		e->lit.type = CV_BOOL;
		e->lit.u.b = is_kw(&t, "true");
		return e;
	}
	if (peek(P)->t != T_COLONCOLON && peek(P)->t != T_LPAREN) {
		static const char *const vars[] = { "principal", "action", "resource", "context" };
		int i;
		for (i = 0; i < 4; i++)
			if (is_kw(&t, vars[i])) {
				next(P);
				e = node(P, CX_VAR, &t);
				e->fn = i;
				return e;
			}
		if (is_reserved(&t))
			tok_error(P, "an expression");
		else
			fail_at(P, t.line, t.col, "unknown variable '%.*s' (variables are "
				"principal, action, resource and context)", (int)t.n, t.p);
		return NULL;
	}
	{
		struct cedar_str path;
		if (parse_path(P, &path))
			return NULL;
		if (P->tok.t == T_LPAREN) {
			struct cedar_expr **kids;
			uint32_t nk;
			if (!(path.n == 7 && !memcmp(path.p, "decimal", 7))) {
				fail_at(P, t.line, t.col, "unknown extension function '%.*s' "
					"(supported: decimal)", (int)path.n, path.p);
				return NULL;
			}
			next(P);
			if (parse_list(P, T_RPAREN, &kids, &nk))
				return NULL;
			/* a valid literal is folded; anything else (a wrong
			 * argument count, an invalid literal) errors when
			 * evaluated, as in Cedar */
			if (nk == 1 && kids[0]->op == CX_LIT && kids[0]->lit.type == CV_STRING &&
			    !cedar_decimal_parse(kids[0]->lit.u.s.p, kids[0]->lit.u.s.n,
						 &P->dec_value)) {
				e = node(P, CX_DECIMAL, &t);
				e->lit.type = CV_DECIMAL;
				e->lit.u.l = P->dec_value;
				return e;
			}
			e = node(P, CX_DECIMAL_CALL, &t);
			e->a = nk ? kids[0] : NULL;
			e->kids = kids;
			e->nkids = nk;
			return e;
		}
		if (P->tok.t != T_COLONCOLON) {
			tok_error(P, "'::' and a quoted entity id");
			return NULL;
		}
		next(P);
		if (P->tok.t != T_STR) {
			tok_error(P, "a quoted entity id");
			return NULL;
		}
		e = node(P, CX_LIT, &t);
		e->uid.type = path;
		if (unescape(P, &P->tok, &e->uid.id, NULL))
			return NULL;
		next(P);
		cedar_uid_hash(&e->uid);
		e->lit.type = CV_ENTITY;
		e->lit.u.uid = &e->uid;
		return e;
	}
}

static int method_id(const struct token *t)
{
	static const char *const names[] = { "contains", "containsAll", "containsAny",
					     "isEmpty", "lessThan", "lessThanOrEqual",
					     "greaterThan", "greaterThanOrEqual", NULL };
	int i;

	for (i = 0; names[i]; i++)
		if (is_kw(t, names[i]))
			return i;
	return -1;
}

static struct cedar_expr *parse_member(struct parser *P)
{
	struct cedar_expr *e = parse_primary(P), *m;

	while (e) {
		struct token at = P->tok;
		if (at.t == T_DOT) {
			struct token name;
			next(P);
			name = P->tok;
			if (name.t != T_IDENT) {
				tok_error(P, "an attribute or method name");
				return NULL;
			}
			if (is_reserved(&name)) {
				reserved_error(P, &name);
				return NULL;
			}
			next(P);
			if (P->tok.t == T_LPAREN) {
				int fn = method_id(&name);
				if (fn < 0) {
					fail_at(P, name.line, name.col, "unknown method '%.*s'",
						(int)name.n, name.p);
					return NULL;
				}
				next(P);
				m = node(P, CX_METHOD, &name);
				m->fn = fn;
				m->a = e;
				if (parse_list(P, T_RPAREN, &m->kids, &m->nkids))
					return NULL;
				/* a decimal method (an extension function in Cedar)
				 * with the wrong argument count errors when evaluated */
				if (fn < CF_LESS_THAN && m->nkids != (fn == CF_IS_EMPTY ? 0u : 1u)) {
					fail_at(P, name.line, name.col, "method '%.*s' takes %d argument%s",
						(int)name.n, name.p, fn == CF_IS_EMPTY ? 0 : 1,
						fn == CF_IS_EMPTY ? "s" : "");
					return NULL;
				}
				e = m;
			} else {
				char *k = aalloc(P, name.n + 1);
				memcpy(k, name.p, name.n);
				k[name.n] = '\0';
				m = node(P, CX_ATTR, &name);
				m->a = e;
				m->name.p = k;
				m->name.n = name.n;
				e = m;
			}
		} else if (at.t == T_LBRACK) {
			next(P);
			if (P->tok.t != T_STR) {
				tok_error(P, "a quoted attribute name");
				return NULL;
			}
			m = node(P, CX_ATTR, &at);
			m->a = e;
			if (unescape(P, &P->tok, &m->name, NULL))
				return NULL;
			next(P);
			if (expect(P, T_RBRACK, "']'"))
				return NULL;
			e = m;
		} else {
			break;
		}
	}
	return e;
}

/*
 * Unary ::= Member | '!'{1..4} Member | '-'{1..4} Member.  As in Cedar's
 * grammar, '!' and '-' do not mix (`!-x` is a syntax error) and more than
 * four in a row are refused.  A '-' run whose operand is a bare integer
 * literal folds one minus into the literal, so -9223372036854775808 is a
 * Long; `-1.foo` is -(1.foo).
 */
static struct cedar_expr *parse_unary(struct parser *P)
{
	struct token t = P->tok;
	struct cedar_expr *e = NULL;
	int op = t.t, n = 0;

	if (op != T_NOT && op != T_MINUS)
		return parse_member(P);
	while (P->tok.t == op) {
		n++;
		next(P);
	}
	if (n > 4) {
		fail_at(P, t.line, t.col, "too many occurrences of '%c' in a row (at most 4)",
			op == T_NOT ? '!' : '-');
		return NULL;
	}
	if (op == T_MINUS && P->tok.t == T_INT && peek(P)->t != T_DOT &&
	    peek(P)->t != T_LBRACK) {
		struct token it = P->tok;
		uint64_t v = 0;
		uint32_t i;
		for (i = 0; i < it.n; i++) {
			uint64_t d = (uint64_t)(it.p[i] - '0');
			if (v > ((uint64_t)INT64_MAX + 1 - d) / 10) {
				fail_at(P, it.line, it.col, "integer literal '%.*s' is too large",
					(int)it.n, it.p);
				return NULL;
			}
			v = v * 10 + d;
		}
		next(P);
		e = node(P, CX_LIT, &t);
		e->lit.type = CV_LONG;
		e->lit.u.l = v == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)v;
		n--;
	} else if (!(e = parse_member(P))) {
		return NULL;
	}
	while (n-- > 0) {
		struct cedar_expr *u = node(P, op == T_NOT ? CX_NOT : CX_NEG, &t);
		u->a = e;
		e = u;
	}
	return e;
}

static struct cedar_expr *binary(struct parser *P, int op, const struct token *at,
				 struct cedar_expr *a, struct cedar_expr *b)
{
	struct cedar_expr *e;

	if (!a || !b)
		return NULL;
	/* evaluation recurses down operator chains: bound their length */
	if (++P->nbinary > MAX_BINARY) {
		fail_at(P, at->line, at->col, "policy has too many operators (at most %d)",
			MAX_BINARY);
		return NULL;
	}
	e = node(P, op, at);
	e->a = a;
	e->b = b;
	return e;
}

static struct cedar_expr *parse_mult(struct parser *P)
{
	struct cedar_expr *e = parse_unary(P);

	while (e && P->tok.t == T_STAR) {
		struct token at = P->tok;
		next(P);
		e = binary(P, CX_MUL, &at, e, parse_unary(P));
	}
	return e;
}

static struct cedar_expr *parse_add(struct parser *P)
{
	struct cedar_expr *e = parse_mult(P);

	while (e && (P->tok.t == T_PLUS || P->tok.t == T_MINUS)) {
		struct token at = P->tok;
		next(P);
		e = binary(P, at.t == T_PLUS ? CX_ADD : CX_SUB, &at, e, parse_mult(P));
	}
	return e;
}

static int relop(const struct token *t)
{
	switch (t->t) {
	case T_EQ: return CX_EQ;
	case T_NE: return CX_NE;
	case T_LT: return CX_LT;
	case T_LE: return CX_LE;
	case T_GT: return CX_GT;
	case T_GE: return CX_GE;
	default: return is_kw(t, "in") ? CX_IN : -1;
	}
}

static struct cedar_expr *parse_relation(struct parser *P)
{
	struct cedar_expr *e = parse_add(P);
	struct token at = P->tok;
	int op;

	if (!e)
		return NULL;
	if ((op = relop(&at)) >= 0) {
		next(P);
		e = binary(P, op, &at, e, parse_add(P));
		if (e && relop(&P->tok) >= 0) {
			fail_at(P, P->tok.line, P->tok.col,
				"comparisons cannot be chained; use parentheses");
			return NULL;
		}
		return e;
	}
	if (is_kw(&at, "has")) {
		/* `e has "a"`, `e has a` or `e has a.b.c`; the last is
		 * Cedar's `e has a && e.a has b && e.a.b has c` */
		struct cedar_expr *h, *base = e;
		next(P);
		if (P->tok.t == T_STR) {
			h = node(P, CX_HAS, &at);
			h->a = e;
			if (unescape(P, &P->tok, &h->name, NULL))
				return NULL;
			next(P);
			return h;
		}
		h = NULL;
		for (;;) {
			struct cedar_expr *one, *get;
			char *k;
			if (P->tok.t != T_IDENT) {
				tok_error(P, "an attribute name after 'has'");
				return NULL;
			}
			if (is_reserved(&P->tok)) {
				reserved_error(P, &P->tok);
				return NULL;
			}
			k = aalloc(P, P->tok.n + 1);
			memcpy(k, P->tok.p, P->tok.n);
			k[P->tok.n] = '\0';
			one = node(P, CX_HAS, &at);
			one->a = base;
			one->name.p = k;
			one->name.n = P->tok.n;
			h = h ? binary(P, CX_AND, &at, h, one) : one;
			if (!h)
				return NULL;
			next(P);
			if (P->tok.t != T_DOT)
				break;
			get = node(P, CX_ATTR, &at);
			get->a = base;
			get->name = one->name;
			base = get;
			next(P);
		}
		return h;
	}
	if (is_kw(&at, "like")) {
		struct cedar_expr *l;
		struct cedar_str pat;
		unsigned char *star;
		next(P);
		if (P->tok.t != T_STR) {
			tok_error(P, "a quoted pattern after 'like'");
			return NULL;
		}
		if (unescape(P, &P->tok, &pat, &star))
			return NULL;
		next(P);
		l = node(P, CX_LIKE, &at);
		l->a = e;
		l->pat = pat.p;
		l->npat = pat.n;
		l->star = star;
		return l;
	}
	if (is_kw(&at, "is")) {
		struct cedar_expr *i;
		next(P);
		i = node(P, CX_IS, &at);
		i->a = e;
		if (parse_path(P, &i->name))
			return NULL;
		if (is_kw(&P->tok, "in")) {
			next(P);
			if (!(i->b = parse_add(P)))
				return NULL;
		}
		return i;
	}
	return e;
}

static struct cedar_expr *parse_and(struct parser *P)
{
	struct cedar_expr *e = parse_relation(P);

	while (e && P->tok.t == T_AND) {
		struct token at = P->tok;
		next(P);
		e = binary(P, CX_AND, &at, e, parse_relation(P));
	}
	return e;
}

static struct cedar_expr *parse_or(struct parser *P)
{
	struct cedar_expr *e = parse_and(P);

	while (e && P->tok.t == T_OR) {
		struct token at = P->tok;
		next(P);
		e = binary(P, CX_OR, &at, e, parse_and(P));
	}
	return e;
}

static struct cedar_expr *parse_expr(struct parser *P)
{
	struct token at = P->tok;
	struct cedar_expr *e;

	if (++P->depth > MAX_DEPTH) {
		fail_at(P, at.line, at.col, "expression nested too deeply");
		return NULL;
	}
	if (is_kw(&at, "if")) {
		next(P);
		e = node(P, CX_IF, &at);
		if (!(e->a = parse_expr(P)))
			return NULL;
		if (!is_kw(&P->tok, "then")) {
			tok_error(P, "'then'");
			return NULL;
		}
		next(P);
		if (!(e->b = parse_expr(P)))
			return NULL;
		if (!is_kw(&P->tok, "else")) {
			tok_error(P, "'else'");
			return NULL;
		}
		next(P);
		if (!(e->c = parse_expr(P)))
			return NULL;
	} else {
		e = parse_or(P);
	}
	P->depth--;
	return e;
}

/* One scope element; `var` is "principal", "action" or "resource". */
static int parse_scope(struct parser *P, const char *var, struct cedar_scope *sc)
{
	memset(sc, 0, sizeof(*sc));
	sc->line = P->tok.line;
	sc->col = P->tok.col;
	if (!is_kw(&P->tok, var)) {
		char want[40];
		snprintf(want, sizeof(want), "'%s'", var);
		return tok_error(P, want);
	}
	next(P);
	if (P->tok.t == T_EQ) {
		next(P);
		sc->op = CS_EQ;
		if (P->tok.t == T_QUESTION)
			return fail_at(P, P->tok.line, P->tok.col,
				       "policy templates ('?principal', '?resource') are not supported");
		return parse_entity(P, &sc->uid);
	}
	if (is_kw(&P->tok, "is")) {
		if (!strcmp(var, "action"))
			return fail_at(P, P->tok.line, P->tok.col,
				       "'is' is not allowed in the action scope");
		next(P);
		sc->op = CS_IS;
		if (parse_path(P, &sc->is_type))
			return -1;
		if (is_kw(&P->tok, "in")) {
			next(P);
			sc->op = CS_IS_IN;
			if (P->tok.t == T_QUESTION)
				return fail_at(P, P->tok.line, P->tok.col,
					       "policy templates are not supported");
			return parse_entity(P, &sc->uid);
		}
		return 0;
	}
	if (is_kw(&P->tok, "in")) {
		next(P);
		if (P->tok.t == T_LBRACK) {
			struct cedar_uid *v = NULL;
			size_t n = 0, alloc = 0;
			if (strcmp(var, "action"))
				return fail_at(P, P->tok.line, P->tok.col,
					       "a list after 'in' is only allowed in the action scope");
			next(P);
			while (P->tok.t != T_RBRACK) {
				ALLOC_GROW(v, n + 1, alloc);
				if (parse_entity(P, &v[n])) {
					free(v);
					return -1;
				}
				n++;
				if (P->tok.t != T_COMMA)
					break;
				next(P);
			}
			if (P->tok.t != T_RBRACK) {
				free(v);
				return tok_error(P, "',' or ']'");
			}
			next(P);
			sc->op = CS_IN_SET;
			sc->nset = (uint32_t)n;
			sc->set = aalloc(P, sizeof(*v) * (n ? n : 1));
			if (n)
				memcpy(sc->set, v, sizeof(*v) * n);
			free(v);
			return 0;
		}
		sc->op = CS_IN;
		if (P->tok.t == T_QUESTION)
			return fail_at(P, P->tok.line, P->tok.col, "policy templates are not supported");
		return parse_entity(P, &sc->uid);
	}
	sc->op = CS_ANY;
	return 0;
}

/* Is uid's type `Action` or `NS::Action`? */
static int is_action_type(const struct cedar_uid *u)
{
	return (u->type.n == 6 && !memcmp(u->type.p, "Action", 6)) ||
	       (u->type.n > 8 && !memcmp(u->type.p + u->type.n - 8, "::Action", 8));
}

/* Cedar accepts only Action entities (any namespace) in the action scope. */
static int check_action_types(struct parser *P, const struct cedar_scope *sc)
{
	uint32_t i;

	if ((sc->op == CS_EQ || sc->op == CS_IN) && !is_action_type(&sc->uid))
		return fail_at(P, sc->line, sc->col, "the action scope names '%.*s', which is "
			       "not an Action entity", (int)sc->uid.type.n, sc->uid.type.p);
	for (i = 0; sc->op == CS_IN_SET && i < sc->nset; i++)
		if (!is_action_type(&sc->set[i]))
			return fail_at(P, sc->line, sc->col, "the action scope names '%.*s', "
				       "which is not an Action entity", (int)sc->set[i].type.n,
				       sc->set[i].type.p);
	return 0;
}

static int parse_policy(struct parser *P, struct cedar_policy *pol)
{
	struct cedar_annotation *ann = NULL;
	struct cedar_cond *conds = NULL;
	size_t nann = 0, aann = 0, nc = 0, ac = 0, i;
	int ret = -1;

	memset(pol, 0, sizeof(*pol));
	while (P->tok.t == T_AT) {
		struct cedar_annotation an;
		next(P);
		if (P->tok.t != T_IDENT) {
			tok_error(P, "an annotation name after '@'");
			goto out;
		}
		an.line = P->tok.line;
		an.col = P->tok.col;
		{
			char *k = aalloc(P, P->tok.n + 1);
			memcpy(k, P->tok.p, P->tok.n);
			k[P->tok.n] = '\0';
			an.key.p = k;
			an.key.n = P->tok.n;
		}
		next(P);
		an.value.p = "";
		an.value.n = 0;
		if (P->tok.t == T_LPAREN) {
			next(P);
			if (P->tok.t != T_STR) {
				tok_error(P, "a quoted annotation value");
				goto out;
			}
			if (unescape(P, &P->tok, &an.value, NULL))
				goto out;
			next(P);
			if (expect(P, T_RPAREN, "')'"))
				goto out;
		}
		for (i = 0; i < nann; i++)
			if (!str_cmp(&ann[i].key, &an.key)) {
				fail_at(P, an.line, an.col, "duplicate annotation '@%s'", an.key.p);
				goto out;
			}
		ALLOC_GROW(ann, nann + 1, aann);
		ann[nann++] = an;
	}
	pol->line = P->tok.line;
	pol->col = P->tok.col;
	if (is_kw(&P->tok, "permit")) {
		pol->effect = CEDAR_PERMIT;
	} else if (is_kw(&P->tok, "forbid")) {
		pol->effect = CEDAR_FORBID;
	} else {
		tok_error(P, "'permit' or 'forbid'");
		goto out;
	}
	next(P);
	if (expect(P, T_LPAREN, "'('") ||
	    parse_scope(P, "principal", &pol->principal) || expect(P, T_COMMA, "','") ||
	    parse_scope(P, "action", &pol->action) || check_action_types(P, &pol->action) ||
	    expect(P, T_COMMA, "','") ||
	    parse_scope(P, "resource", &pol->resource))
		goto out;
	if (P->tok.t == T_COMMA && peek(P)->t == T_RPAREN)
		next(P); /* Cedar allows a trailing comma */
	if (P->tok.t == T_COMMA) {
		fail_at(P, P->tok.line, P->tok.col,
			"a policy scope has exactly principal, action and resource");
		goto out;
	}
	if (expect(P, T_RPAREN, "')'"))
		goto out;
	while (is_kw(&P->tok, "when") || is_kw(&P->tok, "unless")) {
		struct cedar_cond c;
		c.is_when = is_kw(&P->tok, "when");
		next(P);
		if (expect(P, T_LBRACE, "'{'"))
			goto out;
		if (P->tok.t == T_RBRACE) {
			fail_at(P, P->tok.line, P->tok.col, "empty condition: expected an expression");
			goto out;
		}
		if (!(c.e = parse_expr(P)))
			goto out;
		if (expect(P, T_RBRACE, "'}'"))
			goto out;
		ALLOC_GROW(conds, nc + 1, ac);
		conds[nc++] = c;
	}
	if (expect(P, T_SEMI, "'when', 'unless' or ';'"))
		goto out;
	pol->nann = (uint32_t)nann;
	pol->ann = aalloc(P, sizeof(*ann) * (nann ? nann : 1));
	if (nann)
		memcpy(pol->ann, ann, sizeof(*ann) * nann);
	pol->nconds = (uint32_t)nc;
	pol->conds = aalloc(P, sizeof(*conds) * (nc ? nc : 1));
	if (nc)
		memcpy(pol->conds, conds, sizeof(*conds) * nc);
	ret = 0;
out:
	free(ann);
	free(conds);
	return ret;
}

void cedar_policyset_init(struct cedar_policyset *ps)
{
	memset(ps, 0, sizeof(*ps));
}

void cedar_policyset_release(struct cedar_policyset *ps)
{
	cedar_arena_release(&ps->arena);
	free(ps->v);
	memset(ps, 0, sizeof(*ps));
}

const struct cedar_str *cedar_policy_annotation(const struct cedar_policy *p,
						const char *key)
{
	size_t n = strlen(key);
	uint32_t i;

	for (i = 0; i < p->nann; i++)
		if (p->ann[i].key.n == n && !memcmp(p->ann[i].key.p, key, n))
			return &p->ann[i].value;
	return NULL;
}

int cedar_parse(struct cedar_policyset *ps, const char *text, size_t len,
		const char *id_prefix, const char *file, long line0, long col0,
		struct aiv_err *err)
{
	struct parser P;
	size_t start = ps->n, i, j;

	memset(&P, 0, sizeof(P));
	P.text = P.cur = P.line_start = text;
	P.end = text + len;
	P.line = 1;
	P.line0 = line0 > 0 ? line0 : 1;
	P.col0 = col0 > 0 ? col0 : 1;
	P.ps = ps;
	P.a = &ps->arena;
	P.file = file ? file : "<policy>";
	P.err = err;
	if (memchr(text, '\0', len))
		return aiv_fail(err, AIV_EINPUT, "%s: policy text contains a NUL byte", P.file);
	next(&P);
	while (P.tok.t != T_EOF) {
		struct cedar_policy pol;
		const struct cedar_str *id;
		if (P.tok.t == T_ERROR) {
			tok_error(&P, "a policy");
			goto fail;
		}
		P.nbinary = 0;
		if (parse_policy(&P, &pol))
			goto fail;
		id = cedar_policy_annotation(&pol, "id");
		if (id) {
			pol.id = cedar_arena_alloc(P.a, id->n + 1);
			memcpy(pol.id, id->p, id->n);
			pol.id[id->n] = '\0';
		} else {
			char buf[300];
			int k = snprintf(buf, sizeof(buf), "%s%zu", id_prefix ? id_prefix : "policy",
					 ps->n - start);
			pol.id = cedar_arena_alloc(P.a, (size_t)k + 1);
			memcpy(pol.id, buf, (size_t)k + 1);
		}
		for (j = 0; j < ps->n; j++)
			if (!strcmp(ps->v[j].id, pol.id)) {
				fail_at(&P, pol.line, pol.col, "duplicate policy id '%s'", pol.id);
				goto fail;
			}
		ALLOC_GROW(ps->v, ps->n + 1, ps->alloc);
		ps->v[ps->n++] = pol;
	}
	(void)i;
	return 0;
fail:
	if (!P.failed)
		aiv_fail_at(err, AIV_EINPUT, P.file, P.tok.line, P.tok.col, "syntax error");
	ps->n = start;
	return AIV_EINPUT;
}
