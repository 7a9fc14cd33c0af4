/*
 * yaml.c - libfyaml wrappers: multi-document loading with collected
 * diagnostics, located errors, typed getters, YAML-to-JSON conversion.
 *
 * libfyaml reports parse errors through a diag object; we create one that
 * collects instead of printing, and turn its first error into our
 * "FILE:LINE:COL: message" form.  Nodes carry no mark of their own in the
 * 0.7 API, so a node's location is its scalar token's start mark, or for a
 * collection the location of its first key/item.
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "yaml.h"

void ydocs_release(struct ydocs *d)
{
	size_t i;

	for (i = 0; i < d->n; i++)
		fy_document_destroy(d->docs[i]);
	free(d->docs);
	free(d->file);
	memset(d, 0, sizeof(*d));
}

/*
 * Length of the longest prefix of s that is well-formed UTF-8 (no
 * overlong forms, no surrogates, nothing above U+10FFFF) made of
 * characters YAML allows (c-printable: no control characters but tab, LF
 * and CR, no DEL, no C1 but NEL, no U+FFFE/U+FFFF); len when all of it
 * is.  *cp_out is the offending character, or -1 for bytes that are not
 * UTF-8.  libfyaml 0.7 loops forever on some invalid bytes (a directive
 * line "%\xc6") and crashes on NULs in some places (both found by
 * tests/fuzz/fuzz_apply), and jansson refuses invalid UTF-8 later anyway,
 * so such input is stopped here, with a location.
 */
static size_t yaml_text_prefix(const char *str, size_t len, long *cp_out)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0, need, k;
	uint32_t cp, min;

	*cp_out = -1;
	while (i < len) {
		unsigned char c = s[i];
		if (c < 0x80) {
			if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f) {
				*cp_out = c;
				return i;
			}
			i++;
			continue;
		} else if (c >= 0xc2 && c <= 0xdf) {
			need = 1, cp = c & 0x1f, min = 0x80;
		} else if (c >= 0xe0 && c <= 0xef) {
			need = 2, cp = c & 0x0f, min = 0x800;
		} else if (c >= 0xf0 && c <= 0xf4) {
			need = 3, cp = c & 0x07, min = 0x10000;
		} else {
			return i;
		}
		if (len - i <= need)
			return i;
		for (k = 1; k <= need; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return i;
			cp = cp << 6 | (s[i + k] & 0x3f);
		}
		if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return i;
		if ((cp >= 0x80 && cp <= 0x9f && cp != 0x85) || cp == 0xfffe || cp == 0xffff) {
			*cp_out = (long)cp;
			return i;
		}
		i += need + 1;
	}
	return len;
}

/*
 * Offset of a tab in the blanks between an indicator (':', '?', '-') and
 * an indicator that follows it ('|', '>', ':', '-', '?'), in text that
 * has an explicit key ('?' then a blank); len when there is none.
 * libfyaml 0.7 crashes (a write through a freed list while destroying
 * the parser) on such a tab inside an explicit key, e.g. "? n:\t|" and
 * "?\n  l:\t:" (found by tests/fuzz/fuzz_apply and fuzz_catalog; see
 * libfyaml issue #57).  aivalue's files never need explicit keys, and
 * tabs are no indentation in YAML, so this is refused with a location.
 */
static size_t tab_before_indicator(const char *s, size_t len)
{
	size_t i, j, k;
	int explicit_key = 0;

	for (i = 0; i < len && !explicit_key; i++)
		explicit_key = s[i] == '?' && (i + 1 == len || s[i + 1] == ' ' ||
					       s[i + 1] == '\t' || s[i + 1] == '\n' ||
					       s[i + 1] == '\r');
	if (!explicit_key)
		return len;
	for (i = 0; i < len; i++) {
		if (s[i] != ':' && s[i] != '?' && s[i] != '-')
			continue;
		for (j = i + 1; j < len && (s[j] == ' ' || s[j] == '\t'); j++)
			;
		if (j < len && strchr("|>:-?", s[j]))
			for (k = i + 1; k < j; k++)
				if (s[k] == '\t')
					return k;
	}
	return len;
}

/* 1-based line and column (in characters) of byte offset off. */
static void text_position(const char *s, size_t off, long *line, long *col)
{
	size_t i;

	*line = 1;
	*col = 1;
	for (i = 0; i < off; i++) {
		if (s[i] == '\n') {
			(*line)++;
			*col = 1;
		} else if (((unsigned char)s[i] & 0xc0) != 0x80) {
			(*col)++;
		}
	}
}

/*
 * A document with no content: no root, or (what libfyaml builds for a
 * trailing "---" or a comment-only document) an empty plain scalar.
 */
static int empty_document(struct fy_document *fyd)
{
	struct fy_node *root = fy_document_root(fyd);
	size_t len = 0;

	if (!root)
		return 1;
	if (!fy_node_is_scalar(root) || fy_node_get_style(root) != FYNS_PLAIN)
		return 0;
	return fy_node_get_scalar(root, &len) == NULL || len == 0;
}

/*
 * Bounding what aliases expand to.  An alias is a reference, but
 * fy_document_resolve() (and every consumer after it) copies the anchored
 * node into each place that names it, so nine aliases of nine aliases of
 * ... ("billion laughs") turn 400 bytes into billions of nodes: a server
 * grew to 24 GB on one such request body.  So documents are parsed
 * unresolved, and before resolving we walk each one as resolution would
 * expand it, counting every node reached through an alias and the nesting
 * depth, and stop at the first alias that goes over either bound.  The
 * walk stops as soon as the count passes the bound, so its own cost is at
 * most the written nodes plus AIV_YAML_MAX_ALIAS_NODES.  No aivalue kind
 * needs aliases; small ones (a shared list) keep working.
 */
struct alias_bound {
	const char *file;
	struct aiv_err *err;
	size_t alias_nodes; /* nodes reached through an alias, whole stream */
};

static int alias_fail(struct alias_bound *b, struct fy_node *alias, int code,
		      const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static int alias_fail(struct alias_bound *b, struct fy_node *alias, int code,
		      const char *fmt, ...)
{
	const char *name;
	size_t len = 0;
	long line, col;
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	name = fy_node_get_scalar(alias, &len);
	ymark(alias, &line, &col);
	if (col > 1)
		col--; /* the alias token starts after its '*', which we point at */
	return aiv_fail_at(b->err, code, b->file, line, col,
			   "alias '*%.*s' %s",
			   (int)(len > 64 ? 64 : len), name ? name : "", msg);
}

/*
 * Walk n as resolution would expand it, at nesting depth `depth`; `via`
 * is the outermost alias being expanded (NULL for written nodes).
 */
static int alias_walk(struct alias_bound *b, struct fy_node *n, int depth,
		      struct fy_node *via)
{
	void *it = NULL;
	int ret;

	if (depth > AIV_YAML_MAX_DEPTH) {
		if (!via) /* libfyaml refuses this already; never trust that */
			return yfail(&(struct ypos){ b->file, b->err }, n, AIV_ETOOBIG,
				     "YAML nests deeper than %d levels", AIV_YAML_MAX_DEPTH);
		return alias_fail(b, via, AIV_ETOOBIG, "nests deeper than %d levels once expanded "
				  "(docs/security-limits.md)",
				  AIV_YAML_MAX_DEPTH);
	}
	if (via && ++b->alias_nodes > AIV_YAML_MAX_ALIAS_NODES)
		return alias_fail(b, via, AIV_ETOOBIG, "expands to more than %d nodes, the limit "
				  "for one YAML stream (docs/security-limits.md)",
				  AIV_YAML_MAX_ALIAS_NODES);
	if (fy_node_is_alias(n)) {
		struct fy_node *target = fy_node_resolve_alias(n);
		if (!target)
			return alias_fail(b, n, AIV_EINPUT, "names no anchor before it");
		return alias_walk(b, target, depth, via ? via : n);
	}
	if (fy_node_is_sequence(n)) {
		struct fy_node *item;
		while ((item = fy_node_sequence_iterate(n, &it)) != NULL)
			if ((ret = alias_walk(b, item, depth + 1, via)))
				return ret;
	} else if (fy_node_is_mapping(n)) {
		struct fy_node_pair *pr;
		while ((pr = fy_node_mapping_iterate(n, &it)) != NULL) {
			struct fy_node *k = fy_node_pair_key(pr), *v = fy_node_pair_value(pr);
			if ((k && (ret = alias_walk(b, k, depth + 1, via))) ||
			    (v && (ret = alias_walk(b, v, depth + 1, via))))
				return ret;
		}
	}
	return 0;
}

int ydocs_load(struct ydocs *out, const char *name, const char *buf,
	       size_t len, struct aiv_err *err)
{
	struct fy_diag_cfg dcfg;
	struct fy_diag *diag;
	struct fy_parse_cfg cfg;
	struct fy_parser *fyp = NULL;
	struct fy_document *fyd;
	struct strbuf text = STRBUF_INIT;
	struct alias_bound bound = { name, err, 0 };
	size_t bad;
	long cp;
	int ret = 0, resolve_failed = 0;

	memset(out, 0, sizeof(*out));
	out->file = xstrdup(name);
	fy_diag_cfg_default(&dcfg);
	dcfg.fp = NULL;
	dcfg.colorize = false;
	diag = fy_diag_create(&dcfg);
	if (!diag)
		return aiv_fail(err, AIV_EINTERNAL, "cannot create YAML diagnostics");
	fy_diag_set_collect_errors(diag, true);
	memset(&cfg, 0, sizeof(cfg));
	/* not FYPCF_RESOLVE_DOCUMENT: aliases are bounded before resolving */
	cfg.flags = FYPCF_QUIET | FYPCF_DEFAULT_VERSION_1_2 | FYPCF_JSON_NONE;
	cfg.diag = diag;
	fyp = fy_parser_create(&cfg);
	if (!fyp) {
		ret = aiv_fail(err, AIV_EINTERNAL, "cannot create YAML parser");
		goto cleanup;
	}
	/*
	 * The parser gets its own copy: documents point into the input for
	 * as long as they live, which is longer than the caller's buffer
	 * (apply read stdin into a buffer it freed at once: a use after free).
	 */
	if (buf) {
		strbuf_add(&text, buf, len);
	} else if (strbuf_read_file(&text, name, 0)) {
		ret = aiv_fail(err, AIV_EIO, "cannot open '%s': %s", name, strerror(errno));
		goto cleanup;
	}
	if ((bad = yaml_text_prefix(text.buf, text.len, &cp)) < text.len) {
		long line, col;
		text_position(text.buf, bad, &line, &col);
		if (cp < 0)
			ret = aiv_fail_at(err, AIV_EINPUT, name, line, col,
					  "invalid UTF-8 (byte 0x%02x); YAML must be UTF-8",
					  (unsigned char)text.buf[bad]);
		else
			ret = aiv_fail_at(err, AIV_EINPUT, name, line, col,
					  "invalid YAML: control character U+%04lX is not "
					  "allowed (write it as an escape in a double-quoted "
					  "string)", cp);
		goto cleanup;
	}
	if ((bad = tab_before_indicator(text.buf, text.len)) < text.len) {
		long line, col;
		text_position(text.buf, bad, &line, &col);
		ret = aiv_fail_at(err, AIV_EINPUT, name, line, col,
				  "invalid YAML: a tab in an explicit key ('?'); use spaces");
		goto cleanup;
	}
	{
		size_t n;
		char *owned = strbuf_detach(&text, &n);
		if (fy_parser_set_malloc_string(fyp, owned, n)) {
			free(owned);
			ret = aiv_fail(err, AIV_EINPUT, "%s: cannot read YAML input", name);
			goto cleanup;
		}
	}
	while ((fyd = fy_parse_load_document(fyp)) != NULL) {
		if (empty_document(fyd)) {
			fy_parse_document_destroy(fyp, fyd);
			continue;
		}
		ALLOC_GROW(out->docs, out->n + 1, out->alloc);
		out->docs[out->n++] = fyd;
		if ((ret = alias_walk(&bound, fy_document_root(fyd), 0, NULL)))
			goto cleanup;
		if ((resolve_failed = fy_document_resolve(fyd) != 0))
			break; /* reported below from the collected diagnostics */
	}
	if (resolve_failed || fy_parser_get_stream_error(fyp) || fy_diag_got_error(diag)) {
		void *it = NULL;
		struct fy_diag_error *de;
		int line = 0, col = 0;
		const char *msg = "invalid YAML";

		while ((de = fy_diag_errors_iterate(diag, &it)) != NULL) {
			if (de->type >= FYET_ERROR) {
				line = de->line;
				col = de->column;
				msg = de->msg;
				break;
			}
		}
		/* fy_diag_error positions are already 1-based (unlike fy_mark) */
		ret = aiv_fail_at(err, AIV_EINPUT, name, line, col,
				  "invalid YAML: %s", msg);
		goto cleanup;
	}
cleanup:
	if (fyp)
		fy_parser_destroy(fyp);
	/* destroy, not unref: only fy_diag_destroy() frees the collected
	 * errors (found by tests/fuzz/fuzz_apply: every syntax error leaked) */
	fy_diag_destroy(diag);
	strbuf_release(&text);
	if (ret) {
		char *keep = NULL;
		ydocs_release(out);
		(void)keep;
	}
	return ret;
}

void ymark(struct fy_node *n, long *line, long *col)
{
	struct fy_token *t;
	const struct fy_mark *m;

	*line = *col = 0;
	while (n) {
		if (fy_node_is_scalar(n)) {
			t = fy_node_get_scalar_token(n);
			if (t && (m = fy_token_start_mark(t)) != NULL) {
				*line = m->line + 1;
				*col = m->column + 1;
			}
			return;
		}
		if (fy_node_is_mapping(n)) {
			void *it = NULL;
			struct fy_node_pair *pr = fy_node_mapping_iterate(n, &it);
			n = pr ? fy_node_pair_key(pr) : NULL;
		} else if (fy_node_is_sequence(n)) {
			void *it = NULL;
			n = fy_node_sequence_iterate(n, &it);
		} else {
			return;
		}
	}
}

int yfail(const struct ypos *p, struct fy_node *n, int code, const char *fmt, ...)
{
	char msg[AIV_ERR_MSG];
	long line, col;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	ymark(n, &line, &col);
	return aiv_fail_at(p->err, code, p->file, line, col, "%s", msg);
}

const char *ytext(struct fy_node *n)
{
	struct fy_token *t;

	if (!n || !fy_node_is_scalar(n))
		return NULL;
	t = fy_node_get_scalar_token(n);
	if (!t)
		return NULL;
	return fy_token_get_text0(t);
}

int yplain(struct fy_node *n)
{
	return n && fy_node_is_scalar(n) && fy_node_get_style(n) == FYNS_PLAIN;
}

struct fy_node *yget(struct fy_node *map, const char *key)
{
	if (!map || !fy_node_is_mapping(map))
		return NULL;
	return fy_node_mapping_lookup_value_by_simple_key(map, key, strlen(key));
}

struct fy_node *ykey(struct fy_node *map, const char *key)
{
	if (!map || !fy_node_is_mapping(map))
		return NULL;
	return fy_node_mapping_lookup_key_by_string(map, key, strlen(key));
}

int ycheck_keys(const struct ypos *p, struct fy_node *map,
		const char *const *allowed, const char *what)
{
	void *it = NULL;
	struct fy_node_pair *pr;

	if (!map || !fy_node_is_mapping(map))
		return yfail(p, map, AIV_EINPUT, "%s: expected a mapping", what);
	while ((pr = fy_node_mapping_iterate(map, &it)) != NULL) {
		struct fy_node *k = fy_node_pair_key(pr);
		const char *ks = ytext(k);
		const char *const *a;
		struct strbuf list = STRBUF_INIT;
		int ret;

		if (!ks)
			return yfail(p, k, AIV_EINPUT, "%s: keys must be plain strings", what);
		for (a = allowed; *a; a++)
			if (!strcmp(*a, ks))
				break;
		if (*a)
			continue;
		for (a = allowed; *a; a++)
			strbuf_addf(&list, "%s%s", a == allowed ? "" : ", ", *a);
		ret = yfail(p, k, AIV_EINPUT, "%s: unknown key '%s' (allowed: %s)",
			    what, ks, list.buf);
		strbuf_release(&list);
		return ret;
	}
	return 0;
}

static int missing(const struct ypos *p, struct fy_node *map, const char *key,
		   const char *what)
{
	return yfail(p, map, AIV_EINPUT, "%s: missing required field '%s'", what, key);
}

int yget_str(const struct ypos *p, struct fy_node *map, const char *key,
	     int required, const char **out, const char *what)
{
	struct fy_node *v = yget(map, key);
	const char *s;

	if (!v || (yplain(v) && fy_node_is_null(v)))
		return required ? missing(p, map, key, what) : 0;
	s = ytext(v);
	if (!s)
		return yfail(p, v, AIV_EINPUT, "%s: field '%s' must be a string",
			     what, key);
	if (required && !*s)
		return yfail(p, v, AIV_EINPUT, "%s: field '%s' must not be empty",
			     what, key);
	*out = s;
	return 0;
}

int yget_int(const struct ypos *p, struct fy_node *map, const char *key,
	     int required, long long *out, const char *what)
{
	struct fy_node *v = yget(map, key);
	const char *s;
	char *end;
	long long x;

	if (!v)
		return required ? missing(p, map, key, what) : 0;
	s = ytext(v);
	if (!s || !yplain(v) || !*s)
		goto bad;
	errno = 0;
	x = strtoll(s, &end, 10);
	if (*end || errno)
		goto bad;
	*out = x;
	return 0;
bad:
	return yfail(p, v, AIV_EINPUT, "%s: field '%s' must be an integer, not '%s'",
		     what, key, s ? s : "(collection)");
}

int yget_num(const struct ypos *p, struct fy_node *map, const char *key,
	     int required, double *out, const char *what)
{
	struct fy_node *v = yget(map, key);
	const char *s;
	char *end;
	double x;

	if (!v)
		return required ? missing(p, map, key, what) : 0;
	s = ytext(v);
	if (!s || !yplain(v) || !*s)
		goto bad;
	errno = 0;
	x = strtod(s, &end);
	if (*end || errno || !isfinite(x))
		goto bad;
	*out = x;
	return 0;
bad:
	return yfail(p, v, AIV_EINPUT, "%s: field '%s' must be a number, not '%s'",
		     what, key, s ? s : "(collection)");
}

int yget_bool(const struct ypos *p, struct fy_node *map, const char *key,
	      int required, int *out, const char *what)
{
	struct fy_node *v = yget(map, key);
	const char *s;

	if (!v)
		return required ? missing(p, map, key, what) : 0;
	s = ytext(v);
	if (s && yplain(v) && (!strcmp(s, "true") || !strcmp(s, "false"))) {
		*out = !strcmp(s, "true");
		return 0;
	}
	return yfail(p, v, AIV_EINPUT, "%s: field '%s' must be true or false, not '%s'",
		     what, key, s ? s : "(collection)");
}

int yget_seq(const struct ypos *p, struct fy_node *map, const char *key,
	     int required, struct fy_node **out, const char *what)
{
	struct fy_node *v = yget(map, key);

	*out = NULL;
	if (!v)
		return required ? missing(p, map, key, what) : 0;
	if (!fy_node_is_sequence(v))
		return yfail(p, v, AIV_EINPUT, "%s: field '%s' must be a list", what, key);
	*out = v;
	return 0;
}

static json_t *plain_scalar(const char *s)
{
	char *end;
	long long i;
	double d;

	if (!*s || !strcmp(s, "~") || !strcmp(s, "null") || !strcmp(s, "Null") ||
	    !strcmp(s, "NULL"))
		return json_null();
	if (!strcmp(s, "true") || !strcmp(s, "True") || !strcmp(s, "TRUE"))
		return json_true();
	if (!strcmp(s, "false") || !strcmp(s, "False") || !strcmp(s, "FALSE"))
		return json_false();
	errno = 0;
	i = strtoll(s, &end, 10);
	if (!*end && !errno && (isdigit((unsigned char)s[0]) ||
				((s[0] == '-' || s[0] == '+') && isdigit((unsigned char)s[1]))))
		return json_integer(i);
	errno = 0;
	d = strtod(s, &end);
	if (!*end && !errno && isfinite(d) && strpbrk(s, "0123456789") &&
	    !strpbrk(s, "xXnN"))
		return json_real(d);
	return json_string(s);
}

json_t *yaml_to_json(struct fy_node *n)
{
	json_t *out;
	void *it = NULL;

	if (!n)
		return json_null();
	if (fy_node_is_scalar(n)) {
		const char *s = ytext(n);
		if (!s)
			return json_null();
		if (yplain(n))
			return plain_scalar(s);
		return json_string(s);
	}
	if (fy_node_is_sequence(n)) {
		struct fy_node *item;
		out = json_array();
		while ((item = fy_node_sequence_iterate(n, &it)) != NULL)
			json_array_append_new(out, yaml_to_json(item));
		return out;
	}
	if (fy_node_is_mapping(n)) {
		struct fy_node_pair *pr;
		out = json_object();
		while ((pr = fy_node_mapping_iterate(n, &it)) != NULL) {
			const char *k = ytext(fy_node_pair_key(pr));
			if (k)
				json_object_set_new(out, k, yaml_to_json(fy_node_pair_value(pr)));
		}
		return out;
	}
	return json_null();
}
