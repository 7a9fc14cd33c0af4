/*
 * sync.c - front-matter folders and Doorstop trees into artefacts; see sync.h.
 *
 * Both importers work in two passes: parse every file into an artefact
 * spec (no store access, so a malformed file stops everything before any
 * write), then, in ONE store transaction, check ids and references
 * against the batch and the store and write: new and metadata-only
 * changes through the apply engine (a generated JSON stream, JSON being
 * YAML), and content changes as change requests (change_open_in_tx).
 * Every ledger entry is appended inside that transaction, so any error,
 * in registration or in any one opening, rolls all of it back: a sync
 * applies completely or not at all.  A dry run runs the same writes and
 * rolls them back, so it fails where the real run would.  Sync only
 * reads files; nothing on disk is written.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "apply/apply.h"
#include "artefact.h"
#include "core/cjson.h"
#include "core/hash.h"
#include "core/tally.h"
#include "core/yaml.h"
#include "ledger/ledger.h"
#include "org/org.h"
#include "org/people.h"
#include "sync.h"

#define SYNC_MAX_FILES 100000

/* ---- parsers ---------------------------------------------------------- */

static int has_suffix(const char *s, const char *suf)
{
	size_t n = strlen(s), m = strlen(suf);

	return n > m && !strcmp(s + n - m, suf);
}

static int is_md(const char *n)
{
	return has_suffix(n, ".md") || has_suffix(n, ".markdown");
}

static int is_yml(const char *n)
{
	return has_suffix(n, ".yaml") || has_suffix(n, ".yml");
}

/* Length of the front-matter block of a Markdown file (from byte 0, the
 * closing line excluded), or 0 when there is none; *bad set when the
 * block is opened but never closed. */
static size_t fm_length(const char *buf, size_t len, int *bad)
{
	size_t i;

	*bad = 0;
	if (len < 4 || memcmp(buf, "---", 3) || (buf[3] != '\n' && buf[3] != '\r'))
		return 0;
	i = buf[3] == '\r' ? 5 : 4;
	while (i < len) {
		const char *nl = memchr(buf + i, '\n', len - i);
		size_t end = nl ? (size_t)(nl - buf) : len, l = end - i;
		if (l && buf[end - 1] == '\r')
			l--;
		if ((l == 3 && (!memcmp(buf + i, "---", 3) || !memcmp(buf + i, "...", 3))))
			return i;
		i = end + 1;
	}
	*bad = 1;
	return 0;
}

static int set_str(const struct ypos *p, struct fy_node *doc, const char *key, int req,
		   json_t *spec, const char *as, const char *what)
{
	const char *v = NULL;
	json_t *js;
	int ret = yget_str(p, doc, key, req, &v, what);

	if (ret || !v)
		return ret;
	if (!(js = json_string(v)))
		return yfail(p, yget(doc, key), AIV_EINPUT, "%s: field '%s' is not valid UTF-8",
			     what, key);
	json_object_set_new(spec, as, js);
	return 0;
}

/*
 * The text of the first Markdown heading ("# Title", up to "######") in
 * buf[from..len), outside fenced code blocks, trimmed of spaces and
 * closing '#'s; NULL when there is none or it is empty or not UTF-8.
 * Caller frees.
 */
static char *first_heading(const char *buf, size_t len, size_t from)
{
	size_t i = from;
	int fenced = 0;

	while (i < len) {
		const char *nl = memchr(buf + i, '\n', len - i);
		size_t end = nl ? (size_t)(nl - buf) : len, b = i, e = end, h = 0, ind = 0;
		i = end + 1;
		while (b < e && buf[b] == ' ' && ind++ < 3)
			b++;
		if (e - b >= 3 && (!memcmp(buf + b, "```", 3) || !memcmp(buf + b, "~~~", 3))) {
			fenced = !fenced;
			continue;
		}
		if (fenced)
			continue;
		while (b + h < e && buf[b + h] == '#' && h < 7)
			h++;
		if (h < 1 || h > 6 || (b + h < e && buf[b + h] != ' ' && buf[b + h] != '\t' &&
				       buf[b + h] != '\r'))
			continue;
		b += h;
		while (e > b && (buf[e - 1] == '\r' || buf[e - 1] == ' ' || buf[e - 1] == '\t'))
			e--;
		while (e > b && buf[e - 1] == '#')
			e--;
		while (b < e && (buf[b] == ' ' || buf[b] == '\t'))
			b++;
		while (e > b && (buf[e - 1] == ' ' || buf[e - 1] == '\t'))
			e--;
		if (e == b)
			return NULL;
		{
			char *t = xstrndup(buf + b, e - b);
			json_t *ok = json_string(t);
			if (!ok) {
				free(t);
				return NULL;
			}
			json_decref(ok);
			return t;
		}
	}
	return NULL;
}

/*
 * A front matter without `title`: the first Markdown heading of the body,
 * else the file name without its folder and extension.  spec's
 * "title_from" says which ("heading" or "file name"), for the tally.
 */
static void default_title(json_t *spec, const char *name, const char *buf, size_t len,
			  size_t fmlen)
{
	const char *base = strrchr(name, '/'), *dot;
	char *t = NULL;
	json_t *title;

	if (fmlen < len) {
		/* the body starts after the closing '---' line */
		const char *nl = memchr(buf + fmlen, '\n', len - fmlen);
		if (nl)
			t = first_heading(buf, len, (size_t)(nl - buf) + 1);
	}
	if (t) {
		json_object_set_new(spec, "title", json_string(t));
		json_object_set_new(spec, "title_from", json_string("heading"));
		free(t);
		return;
	}
	base = base ? base + 1 : name;
	dot = strrchr(base, '.');
	t = xstrndup(base, dot && dot != base ? (size_t)(dot - base) : strlen(base));
	title = json_string(t); /* NULL when the name is not UTF-8: then the id */
	json_object_set_new(spec, "title", title ? title : json_string(json_str(spec, "name")));
	json_object_set_new(spec, "title_from", json_string("file name"));
	free(t);
}

int syncp_frontmatter(const char *name, const char *buf, size_t len, json_t **spec,
		      struct aiv_err *err)
{
	static const char *const keys[] = { "id", "kind", "title", "owner", "version",
					    "depends_on", NULL };
	struct ydocs d;
	struct ypos p = { name, err };
	struct fy_node *doc;
	json_t *s = NULL;
	const char *id = NULL;
	size_t fmlen = len;
	long long version = 0;
	char what[160], fp[SHA256_HEX];
	int ret, bad = 0;

	*spec = NULL;
	if (memchr(buf, '\0', len))
		return aiv_fail(err, AIV_EINPUT, "%s: binary file (NUL byte); artefact files are "
				"text", name);
	if (is_md(name) || !is_yml(name)) {
		fmlen = fm_length(buf, len, &bad);
		if (bad)
			return aiv_fail_at(err, AIV_EINPUT, name, 1, 1,
					   "front matter opened with '---' is never closed by a "
					   "'---' line");
		if (!fmlen)
			return aiv_fail_at(err, AIV_EINPUT, name, 1, 1,
					   "no front matter: the file must start with a '---' line, "
					   "then id, kind, owner, then '---'");
	}
	if ((ret = ydocs_load(&d, name, buf, fmlen, err)))
		return ret;
	if (d.n != 1) {
		ret = aiv_fail_at(err, AIV_EINPUT, name, 1, 1,
				  "front matter must be one YAML mapping, found %zu documents", d.n);
		goto cleanup;
	}
	doc = fy_document_root(d.docs[0]);
	snprintf(what, sizeof(what), "front matter");
	if ((ret = ycheck_keys(&p, doc, keys, what)) ||
	    (ret = yget_str(&p, doc, "id", 1, &id, what)))
		goto cleanup;
	if (!artefact_valid_id(id)) {
		ret = yfail(&p, yget(doc, "id"), AIV_EINPUT,
			    "front matter: id '%s' is not an artefact id (a letter, then letters "
			    "and digits with single '-', '_' or '.', e.g. POL-7)", id);
		goto cleanup;
	}
	snprintf(what, sizeof(what), "artefact '%s'", id);
	s = json_pack("{s:s}", "name", id);
	if ((ret = set_str(&p, doc, "kind", 1, s, "type", what)) ||
	    (ret = set_str(&p, doc, "title", 0, s, "title", what)) ||
	    (ret = set_str(&p, doc, "owner", 1, s, "owner", what)) ||
	    (ret = yget_int(&p, doc, "version", 0, &version, what)))
		goto cleanup;
	if (!artefact_type_ok(json_str(s, "type"))) {
		ret = yfail(&p, yget(doc, "kind"), AIV_EINPUT,
			    "%s: kind '%s' is not one of sop, policy, contract, requirement, code, "
			    "form, test, report", what, json_str(s, "type"));
		goto cleanup;
	}
	if (!org_valid_name(json_str(s, "owner"))) {
		ret = yfail(&p, yget(doc, "owner"), AIV_EINPUT,
			    "%s: owner '%s' is not a person or team name", what,
			    json_str(s, "owner"));
		goto cleanup;
	}
	if (yget(doc, "version")) {
		if (version < 1 || version > 1000000000) {
			ret = yfail(&p, yget(doc, "version"), AIV_EINPUT,
				    "%s: version must be a positive integer", what);
			goto cleanup;
		}
		json_object_set_new(s, "version", json_integer(version));
	}
	if ((ret = artefact_parse_depends(&p, doc, s, what)))
		goto cleanup;
	if (!json_object_get(s, "title"))
		default_title(s, name, buf, len, fmlen);
	sha256_hex(buf, len, fp);
	json_object_set_new(s, "path", json_string(name));
	json_object_set_new(s, "fingerprint", json_string(fp));
	*spec = s;
	s = NULL;
cleanup:
	json_decref(s);
	ydocs_release(&d);
	return ret;
}

/* A value worth a "not used" note: not null, not '' and not an empty list or map. */
static int has_value(struct fy_node *v)
{
	const char *t;

	if (!v)
		return 0;
	if (fy_node_is_sequence(v))
		return fy_node_sequence_item_count(v) > 0;
	if (fy_node_is_mapping(v))
		return fy_node_mapping_item_count(v) > 0;
	if (!yplain(v))
		return (t = ytext(v)) && *t;
	t = ytext(v);
	return t && *t && strcmp(t, "null") && strcmp(t, "~") && !fy_node_is_null(v);
}

/* notes[] += {what, where: name}; the caller tallies them. */
static void add_note(json_t *notes, const char *name, const char *fmt, const char *arg)
{
	char what[200];

	snprintf(what, sizeof(what), fmt, arg);
	json_array_append_new(notes, json_pack("{s:s, s:s}", "what", what, "where", name));
}

int syncp_doorstop_settings(const char *name, const char *buf, size_t len,
			    json_t **settings, struct aiv_err *err)
{
	static const char *const used[] = { "prefix", "parent", "digits", "sep", "itemformat",
					     NULL };
	struct ydocs d;
	struct ypos p = { name, err };
	struct fy_node *root, *st;
	struct fy_node_pair *pr;
	const char *prefix = NULL, *parent = NULL, *sep = "", *format = "yaml";
	long long digits = 3;
	json_t *notes = json_array();
	void *it = NULL;
	int ret;

	*settings = NULL;
	if ((ret = ydocs_load(&d, name, buf, len, err))) {
		json_decref(notes);
		return ret;
	}
	if (d.n != 1) {
		ret = aiv_fail_at(err, AIV_EINPUT, name, 1, 1, "expected one YAML document");
		goto cleanup;
	}
	root = fy_document_root(d.docs[0]);
	if (!fy_node_is_mapping(root)) {
		ret = yfail(&p, root, AIV_EINPUT, "doorstop document: expected a mapping");
		goto cleanup;
	}
	st = yget(root, "settings");
	if (!st || !fy_node_is_mapping(st)) {
		ret = yfail(&p, st ? st : root, AIV_EINPUT,
			    "doorstop document: missing 'settings' (a mapping)");
		goto cleanup;
	}
	/* Doorstop refuses settings it does not know; we read on and say so */
	while ((pr = fy_node_mapping_iterate(st, &it)) != NULL) {
		const char *k = ytext(fy_node_pair_key(pr));
		size_t i;
		for (i = 0; used[i] && (!k || strcmp(used[i], k)); i++)
			;
		if (!used[i])
			add_note(notes, name, "unknown document setting '%s'", k ? k : "?");
	}
	it = NULL;
	while ((pr = fy_node_mapping_iterate(root, &it)) != NULL) {
		const char *k = ytext(fy_node_pair_key(pr));
		if (k && strcmp(k, "settings") && has_value(fy_node_pair_value(pr)))
			add_note(notes, name, "document '%s' block", k);
	}
	if ((ret = yget_str(&p, st, "prefix", 1, &prefix, "doorstop settings")) ||
	    (ret = yget_str(&p, st, "parent", 0, &parent, "doorstop settings")) ||
	    (ret = yget_str(&p, st, "sep", 0, &sep, "doorstop settings")) ||
	    (ret = yget_str(&p, st, "itemformat", 0, &format, "doorstop settings")) ||
	    (ret = yget_int(&p, st, "digits", 0, &digits, "doorstop settings")))
		goto cleanup;
	if (digits < 1 || digits > 12) {
		ret = yfail(&p, yget(st, "digits"), AIV_EINPUT,
			    "doorstop settings: digits must be 1 to 12");
		goto cleanup;
	}
	if (!artefact_valid_id(prefix)) {
		ret = yfail(&p, yget(st, "prefix"), AIV_EINPUT,
			    "doorstop settings: prefix '%s' cannot start an artefact id", prefix);
		goto cleanup;
	}
	if (strlen(sep) > 1 || (*sep && !strchr("-_.", *sep))) {
		ret = yfail(&p, yget(st, "sep"), AIV_EINPUT,
			    "doorstop settings: sep must be empty, '-', '_' or '.'");
		goto cleanup;
	}
	if (strcmp(format, "yaml") && strcmp(format, "markdown")) {
		ret = yfail(&p, yget(st, "itemformat"), AIV_EINPUT,
			    "doorstop settings: itemformat must be yaml or markdown, not '%s'",
			    format);
		goto cleanup;
	}
	*settings = json_pack("{s:s, s:s?, s:I, s:s, s:s}", "prefix", prefix, "parent", parent,
			      "digits", (json_int_t)digits, "sep", sep, "itemformat", format);
	if (json_array_size(notes))
		json_object_set(*settings, "notes", notes);
cleanup:
	json_decref(notes);
	ydocs_release(&d);
	return ret;
}

/* First line of s (at most 80 bytes, not cutting a UTF-8 sequence); caller frees. */
static char *first_line(const char *s)
{
	size_t n;

	while (*s == '\n' || *s == '\r' || *s == ' ' || *s == '#')
		s++;
	n = strcspn(s, "\r\n");
	if (n > 80) {
		n = 80;
		while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
			n--;
	}
	return xstrndup(s, n);
}

/*
 * The body of a Markdown item, as Doorstop reads it: when its first
 * non-empty line is a level-1 heading ("# Header"), that is the header
 * and the text starts at the next non-empty line; else all of it is text.
 * *header and *text are new (header may be NULL).
 */
static void md_body(const char *b, size_t len, char **header, char **text)
{
	size_t i = 0;

	*header = NULL;
	while (i < len) {
		const char *nl = memchr(b + i, '\n', len - i);
		size_t end = nl ? (size_t)(nl - b) : len, s = i, e = end;
		while (s < e && (b[s] == ' ' || b[s] == '\t' || b[s] == '\r'))
			s++;
		if (s == e) {
			i = end + 1;
			continue;
		}
		if (e - s >= 2 && b[s] == '#' && (b[s + 1] == ' ' || b[s + 1] == '\t')) {
			s += 2;
			while (s < e && (b[s] == ' ' || b[s] == '\t'))
				s++;
			while (e > s && (b[e - 1] == '\r' || b[e - 1] == ' ' || b[e - 1] == '\t'))
				e--;
			*header = xstrndup(b + s, e - s);
			i = end + 1;
			/* the empty lines after the header are not text */
			while (i < len && (b[i] == '\n' || b[i] == '\r' || b[i] == ' '))
				i++;
		}
		break;
	}
	*text = xstrndup(b + (i < len ? i : len), i < len ? len - i : 0);
}

int syncp_doorstop_entry(const char *name, const char *uid, const char *buf, size_t len,
			 int markdown, const char *type, const char *owner, json_t **spec,
			 struct aiv_err *err)
{
	/* the fields read; the others are named in "notes" when they hold something */
	static const char *const read[] = { "active", "normative", "text", "header", "links",
					    NULL };
	struct ydocs d;
	struct ypos p = { name, err };
	struct fy_node *root, *links, *item;
	struct fy_node_pair *pr;
	const char *text = NULL, *header = NULL;
	json_t *s = NULL, *ids = json_array(), *types = json_object(), *notes = json_array();
	int active = 1, normative = 1, derived = 0, ret, bad = 0;
	char what[160], fp[SHA256_HEX], *title = NULL, *mdhead = NULL, *mdtext = NULL;
	size_t fmlen = len;
	void *it = NULL;

	*spec = NULL;
	snprintf(what, sizeof(what), "doorstop item '%s'", uid);
	if (markdown) {
		fmlen = fm_length(buf, len, &bad);
		if (!fmlen) {
			ret = aiv_fail_at(err, AIV_EINPUT, name, 1, 1,
					  "%s: a Markdown item starts with a '---' line, its YAML "
					  "attributes, then a '---' line%s", what,
					  bad ? " (the closing line is missing)" : "");
			goto out;
		}
	}
	if ((ret = ydocs_load(&d, name, buf, fmlen, err)))
		goto out;
	if (!artefact_valid_id(uid)) {
		ret = aiv_fail_at(err, AIV_EINPUT, name, 1, 1,
				  "%s: the file name is not an artefact id", what);
		goto cleanup;
	}
	if (d.n != 1) {
		ret = aiv_fail_at(err, AIV_EINPUT, name, 1, 1, "%s: expected one YAML document",
				  what);
		goto cleanup;
	}
	root = fy_document_root(d.docs[0]);
	if (!fy_node_is_mapping(root)) {
		ret = yfail(&p, root, AIV_EINPUT, "%s: expected a mapping", what);
		goto cleanup;
	}
	if ((ret = yget_bool(&p, root, "active", 0, &active, what)) ||
	    (ret = yget_bool(&p, root, "normative", 0, &normative, what)) ||
	    (ret = yget_bool(&p, root, "derived", 0, &derived, what)) ||
	    (ret = yget_str(&p, root, "text", 0, &text, what)) ||
	    (ret = yget_str(&p, root, "header", 0, &header, what)) ||
	    (ret = yget_seq(&p, root, "links", 0, &links, what)))
		goto cleanup;
	if (yget(root, "level") && !fy_node_is_scalar(yget(root, "level"))) {
		ret = yfail(&p, yget(root, "level"), AIV_EINPUT, "%s: level must be a number like "
			    "1.2", what);
		goto cleanup;
	}
	if (yget(root, "reviewed") && !fy_node_is_scalar(yget(root, "reviewed"))) {
		ret = yfail(&p, yget(root, "reviewed"), AIV_EINPUT,
			    "%s: reviewed must be a fingerprint or null", what);
		goto cleanup;
	}
	if (markdown) {
		/* Doorstop takes header and text from the body, not the attributes */
		const char *nl = memchr(buf + fmlen, '\n', len - fmlen);
		size_t from = nl ? (size_t)(nl - buf) + 1 : len;
		md_body(buf + from, len - from, &mdhead, &mdtext);
		header = mdhead;
		text = mdtext;
	}
	while ((pr = fy_node_mapping_iterate(root, &it)) != NULL) {
		const char *k = ytext(fy_node_pair_key(pr));
		size_t i;
		for (i = 0; read[i] && (!k || strcmp(read[i], k)); i++)
			;
		if (!read[i] && has_value(fy_node_pair_value(pr)) &&
		    !(k && !strcmp(k, "derived") && !derived))
			add_note(notes, name, "item attribute '%s'", k ? k : "?");
	}
	it = NULL;
	while (links && (item = fy_node_sequence_iterate(links, &it)) != NULL) {
		const char *lid = NULL;
		if (fy_node_is_scalar(item)) {
			lid = ytext(item);
		} else if (fy_node_is_mapping(item) && fy_node_mapping_item_count(item) == 1) {
			void *it2 = NULL;
			struct fy_node_pair *lp = fy_node_mapping_iterate(item, &it2);
			struct fy_node *v = fy_node_pair_value(lp);
			lid = ytext(fy_node_pair_key(lp));
			if (v && !fy_node_is_scalar(v)) {
				ret = yfail(&p, v, AIV_EINPUT, "%s: links: the stamp of '%s' must be "
					    "a scalar", what, lid ? lid : "");
				goto cleanup;
			}
		}
		if (!lid || !artefact_valid_id(lid)) {
			ret = yfail(&p, item, AIV_EINPUT, "%s: links: '%s' is not an item id", what,
				    lid ? lid : "");
			goto cleanup;
		}
		if (!strcmp(lid, uid)) {
			ret = yfail(&p, item, AIV_EINPUT, "%s: links to itself", what);
			goto cleanup;
		}
		if (json_object_get(types, lid))
			continue;
		json_array_append_new(ids, json_string(lid));
		json_object_set_new(types, lid, json_string("derives-from"));
	}
	title = first_line(header && *header ? header : text ? text : "");
	{
		json_t *t = *title ? json_string(title) : NULL;
		if (!t) {
			free(title);
			title = xstrdup(uid);
		}
		json_decref(t);
	}
	sha256_hex(buf, len, fp);
	s = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "name", uid, "type", type, "title",
		      title, "owner", owner, "path", name, "fingerprint", fp, "title_from",
		      header && *header ? "header" : text && *text ? "text" : "uid");
	if (!s) {
		ret = aiv_fail_at(err, AIV_EINPUT, name, 1, 1, "%s: text is not valid UTF-8", what);
		goto cleanup;
	}
	if (!active)
		json_object_set_new(s, "skip", json_string("inactive"));
	else if (!normative)
		json_object_set_new(s, "skip", json_string("heading"));
	if (json_array_size(ids)) {
		json_object_set(s, "depends_on", ids);
		json_object_set(s, "edge_types", types);
	}
	if (json_array_size(notes))
		json_object_set(s, "notes", notes);
	*spec = s;
	s = NULL;
cleanup:
	ydocs_release(&d);
out:
	free(title);
	free(mdhead);
	free(mdtext);
	json_decref(s);
	json_decref(ids);
	json_decref(types);
	json_decref(notes);
	return ret;
}

int syncp_doorstop_item(const char *name, const char *uid, const char *buf, size_t len,
			const char *type, const char *owner, json_t **spec,
			struct aiv_err *err)
{
	int ret = syncp_doorstop_entry(name, uid, buf, len, 0, type, owner, spec, err);

	if (!ret && json_object_get(*spec, "skip")) {
		json_decref(*spec);
		*spec = NULL; /* inactive items and headings are not artefacts */
	}
	return ret;
}

/* ---- the store side -------------------------------------------------- */

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * Is `real` (a resolved path) the folder `root` or inside it?  Both are
 * realpath() results, so no "..", no symbolic link and no double '/'.
 */
static int inside(const char *root, const char *real)
{
	size_t n = strlen(root);

	if (strncmp(root, real, n))
		return 0;
	return real[n] == '\0' || real[n] == '/' || (n == 1 && root[0] == '/');
}

/*
 * Files (recursively) under dir passing `want`, sorted; caller frees each
 * and the array.  `root` is the realpath of the folder being read: a
 * symbolic link is followed only to a file inside it, so a link cannot
 * make sync read (and store, and fingerprint) a file from elsewhere; one
 * that leads out, or nowhere, is an error naming it.  A link to a folder
 * inside is not followed (it would read files twice, or loop).  What is
 * passed over goes to the tally's not-used list (t may be NULL).
 */
static int list_files(const char *root, const char *dir, int (*want)(const char *),
		      char ***out, size_t *n, size_t *alloc, struct tally *t,
		      struct aiv_err *err)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int ret = 0;

	if (!d)
		return aiv_fail(err, AIV_EIO, "cannot read directory '%s': %s", dir, strerror(errno));
	while ((de = readdir(d)) != NULL && !ret) {
		struct stat st;
		char *full;
		int is_dir, is_reg;
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		full = xstrfmt("%s/%s", dir, de->d_name);
		if (de->d_name[0] == '.') {
			if (t)
				tally_note(t, "hidden file or folder", full);
			free(full);
			continue;
		}
		if (lstat(full, &st) < 0) {
			ret = aiv_fail(err, AIV_EIO, "cannot read '%s': %s", full, strerror(errno));
			free(full);
			break;
		}
		if (S_ISLNK(st.st_mode)) {
			char *real = realpath(full, NULL);
			if (!real) {
				ret = aiv_fail(err, AIV_EINPUT, "'%s' is a symbolic link that leads "
					       "nowhere (%s)", full, strerror(errno));
			} else if (!inside(root, real)) {
				ret = aiv_fail(err, AIV_EINPUT, "'%s' is a symbolic link that leads "
					       "outside the folder, to '%s'; only files inside the "
					       "folder are read", full, real);
			} else if (stat(real, &st) < 0) {
				ret = aiv_fail(err, AIV_EIO, "cannot read '%s': %s", full,
					       strerror(errno));
			} else if (S_ISDIR(st.st_mode)) {
				if (t)
					tally_note(t, "symbolic link to a folder inside, not followed",
						   full);
				st.st_mode = 0;
			}
			free(real);
			if (ret) {
				free(full);
				break;
			}
		}
		is_dir = S_ISDIR(st.st_mode);
		is_reg = S_ISREG(st.st_mode);
		if (is_dir) {
			ret = list_files(root, full, want, out, n, alloc, t, err);
			free(full);
		} else if (is_reg && want(de->d_name)) {
			if (*n >= SYNC_MAX_FILES) {
				ret = aiv_fail(err, AIV_ETOOBIG, "'%s': more than %d files", dir,
					       SYNC_MAX_FILES);
				free(full);
				break;
			}
			ALLOC_GROW(*out, *n + 1, *alloc);
			(*out)[(*n)++] = full;
		} else {
			if (t && is_reg)
				tally_note(t, "not a Markdown or YAML file", full);
			else if (t && st.st_mode)
				tally_note(t, "not a regular file", full);
			free(full);
		}
	}
	closedir(d);
	if (!ret)
		qsort(*out, *n, sizeof(**out), cmp_str);
	return ret;
}

static void free_list(char **l, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(l[i]);
	free(l);
}

static int want_artefact(const char *n)
{
	return is_md(n) || is_yml(n);
}

static int stored(struct store *s, const char *id, int64_t *version, char fp[SHA256_HEX],
		  int *found, struct aiv_err *err)
{
	struct store_stmt *st = store_prepare(s, "SELECT version, fingerprint FROM artefacts"
					      " WHERE id = ?", err);
	int rc;

	if (!st)
		return err->code;
	store_bind_text(st, 1, id);
	rc = store_step(st, err);
	*found = rc == STORE_ROW;
	if (*found) {
		*version = store_col_int(st, 0);
		snprintf(fp, SHA256_HEX, "%s", store_col_text(st, 1));
	}
	store_reset(st);
	return rc < 0 ? rc : 0;
}

/* Check duplicates and references of a batch of specs (files[i] made specs[i]). */
static int check_batch(struct store *s, json_t *specs, char **files, struct aiv_err *err)
{
	json_t *seen = json_object(), *sp, *dep;
	size_t i, j;
	int ret = 0;

	json_array_foreach(specs, i, sp) {
		json_t *prev = json_object_get(seen, json_str(sp, "name"));
		if (prev) {
			ret = aiv_fail(err, AIV_EINPUT, "%s: artefact '%s' is also defined in '%s'",
				       files[i], json_str(sp, "name"), files[json_integer_value(prev)]);
			goto out;
		}
		json_object_set_new(seen, json_str(sp, "name"), json_integer((json_int_t)i));
	}
	json_array_foreach(specs, i, sp) {
		json_array_foreach(json_object_get(sp, "depends_on"), j, dep) {
			int64_t v;
			char fp[SHA256_HEX];
			int found = 0;
			if (json_object_get(seen, json_string_value(dep)))
				continue;
			if ((ret = stored(s, json_string_value(dep), &v, fp, &found, err)))
				goto out;
			if (!found) {
				ret = aiv_fail(err, AIV_EINPUT, "%s: artefact '%s': depends_on refers "
					       "to unknown artefact '%s'", files[i],
					       json_str(sp, "name"), json_string_value(dep));
				goto out;
			}
		}
		{
			const char *kind = NULL;
			if ((ret = artefact_owner_kind(s, json_str(sp, "owner"), &kind, err))) {
				aiv_err_prefix(err, "%s: artefact '%s'", files[i], json_str(sp, "name"));
				goto out;
			}
		}
	}
out:
	json_decref(seen);
	return ret;
}

/*
 * Apply specs (JSON docs) through the engine, inside the caller's
 * transaction (its ledger entries too); adds created/updated ids to out.
 */
static int apply_specs(struct change_env *e, json_t *docs, json_t *created,
		       json_t *updated, int64_t *unchanged, struct aiv_err *err)
{
	struct strbuf sb = STRBUF_INIT;
	struct apply_result res;
	const char *name = "(sync)";
	json_t *d;
	size_t i;
	int ret;

	if (!json_array_size(docs))
		return 0;
	json_array_foreach(docs, i, d) {
		char *txt = json_dumps(d, JSON_COMPACT | JSON_SORT_KEYS);
		strbuf_addf(&sb, "--- %s\n", txt);
		free(txt);
	}
	ret = apply_sources(e->s, e->cat, e->actor, &name, 1, sb.buf, sb.len, 0, &res, err);
	strbuf_release(&sb);
	if (ret)
		return ret;
	for (i = 0; i < res.n; i++) {
		if (!strcmp(res.items[i].op, "created"))
			json_array_append_new(created, json_string(res.items[i].name));
		else if (!strcmp(res.items[i].op, "updated"))
			json_array_append_new(updated, json_string(res.items[i].name));
		else
			(*unchanged)++;
	}
	apply_result_release(&res);
	return 0;
}

/*
 * A spec as an apply document.  The version is the stored one for a known
 * artefact (it moves only by merged change requests), else the front
 * matter's, else 1.
 */
static json_t *as_doc(const json_t *spec, int found, int64_t stored_version)
{
	json_t *doc = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "kind", "Artefact",
				"name", json_str(spec, "name"), "type", json_str(spec, "type"),
				"title", json_str(spec, "title"), "owner", json_str(spec, "owner"),
				"path", json_str(spec, "path"));
	json_t *deps = json_object_get(spec, "depends_on"), *id;
	size_t i;

	if (found)
		json_object_set_new(doc, "version", json_integer(stored_version));
	else if (json_object_get(spec, "version"))
		json_object_set(doc, "version", json_object_get(spec, "version"));
	else
		json_object_set_new(doc, "version", json_integer(1));
	if (json_array_size(deps)) {
		json_t *arr = json_array();
		json_array_foreach(deps, i, id)
			json_array_append_new(arr, json_pack("{s:O, s:O}", "id", id, "type",
				json_object_get(json_object_get(spec, "edge_types"),
						json_string_value(id))));
		json_object_set_new(doc, "depends_on", arr);
	}
	return doc;
}

static int already_proposed(struct store *s, const char *id, const char *fp, char *cr,
			    size_t crsz, struct aiv_err *err)
{
	struct store_stmt *st = store_prepare(s, "SELECT id FROM change_requests WHERE artefact = ?"
		" AND new_fingerprint = ? AND status IN ('queued', 'open', 'approved')", err);
	int rc;

	if (!st)
		return err->code;
	store_bind_text(st, 1, id);
	store_bind_text(st, 2, fp);
	rc = store_step(st, err);
	if (rc == STORE_ROW)
		snprintf(cr, crsz, "%s", store_col_text(st, 0));
	store_reset(st);
	return rc < 0 ? rc : rc == STORE_ROW;
}

/*
 * The proposer of changed files must be a person and the risk a known
 * level: checked before any write, so a refused sync registers nothing.
 */
static int check_proposer(struct store *s, const struct sync_args *a, const char *file,
			  struct aiv_err *err)
{
	int rc;

	if (a->risk && change_risk_index(a->risk) < 0)
		return aiv_fail(err, AIV_EINPUT, "%s: change open: risk '%s' must be low, medium "
				"or high", file, a->risk);
	if ((rc = org_is_person(s, a->as, err)) < 0)
		return rc;
	if (!rc)
		return aiv_fail(err, AIV_EINPUT, "%s: change open: --as '%s' is not a person",
				file, a->as);
	return 0;
}

/* A default title is an assumption: count it, with the first file it was made for. */
static void tally_title(struct tally *t, const json_t *spec, const char *file)
{
	const char *from = json_str(spec, "title_from");

	if (from && !strcmp(from, "heading"))
		tally_assume(t, "title from the first Markdown heading", file);
	else if (from)
		tally_assume(t, "title from the file name", file);
}

/*
 * The import's own ledger entry, with its accounting, inside the caller's
 * transaction: {dir, registered, updated, proposed, tally}.  None when
 * the import changed nothing, so a repeated sync stays a no-op.
 */
static int ledger_import(struct change_env *e, const char *action, const char *dir,
			 const json_t *created, const json_t *updated, size_t proposed,
			 const struct tally *t, struct aiv_err *err)
{
	json_t *payload;
	int64_t seq = 0;
	int ret;

	if (!json_array_size(created) && !json_array_size(updated) && !proposed)
		return 0;
	payload = json_pack("{s:s, s:I, s:I, s:I, s:o}", "dir", dir,
			    "registered", (json_int_t)json_array_size(created),
			    "updated", (json_int_t)json_array_size(updated),
			    "proposed", (json_int_t)proposed, "tally", tally_json(t));
	ret = ledger_append(e->s, e->actor, action, dir, payload, &seq, err);
	json_decref(payload);
	return ret;
}

int sync_dir(struct change_env *e, const struct sync_args *a, json_t **out,
	     struct aiv_err *err)
{
	char **files = NULL;
	size_t n = 0, alloc = 0, i;
	json_t *specs = json_array(), *docs = json_array(), *changed = json_array();
	json_t *created = json_array(), *updated = json_array(), *proposed = json_array(), *sp;
	json_t *pending = json_array();
	int64_t unchanged = 0;
	struct strbuf buf = STRBUF_INIT;
	struct tally t;
	char *root = realpath(a->dir, NULL);
	int ret, in_tx = 0;

	tally_init(&t, "files");
	if (!root) {
		ret = aiv_fail(err, AIV_EIO, "cannot read directory '%s': %s", a->dir,
			       strerror(errno));
		goto cleanup;
	}
	if ((ret = list_files(root, a->dir, want_artefact, &files, &n, &alloc, &t, err)))
		goto cleanup;
	t.read = (int64_t)n;
	if (!n) {
		ret = aiv_fail(err, AIV_EINPUT, "'%s': no Markdown or YAML files", a->dir);
		goto cleanup;
	}
	for (i = 0; i < n; i++) {
		json_t *spec = NULL;
		if (a->progress)
			a->progress(a->progress_arg, i, n);
		strbuf_reset(&buf);
		if (strbuf_read_file(&buf, files[i], ARTEFACT_MAX_CONTENT) < 0) {
			ret = aiv_fail(err, AIV_EIO, "cannot read '%s': %s", files[i], strerror(errno));
			goto cleanup;
		}
		if ((ret = syncp_frontmatter(files[i], buf.buf, buf.len, &spec, err)))
			goto cleanup;
		tally_title(&t, spec, files[i]);
		t.used++;
		json_array_append_new(specs, spec);
	}
	/* from here on, every read and write is one transaction */
	if ((ret = store_begin(e->s, err)))
		goto cleanup;
	in_tx = 1;
	if ((ret = check_batch(e->s, specs, files, err)))
		goto cleanup;
	json_array_foreach(specs, i, sp) {
		int64_t v = 0;
		char fp[SHA256_HEX], cr[32];
		int found = 0, dup;
		if (a->progress)
			a->progress(a->progress_arg, i, n);
		if ((ret = stored(e->s, json_str(sp, "name"), &v, fp, &found, err)))
			goto cleanup;
		if (!found || !strcmp(fp, json_str(sp, "fingerprint"))) {
			json_array_append_new(docs, as_doc(sp, found, v));
			continue;
		}
		dup = already_proposed(e->s, json_str(sp, "name"), json_str(sp, "fingerprint"), cr,
				       sizeof(cr), err);
		if (dup < 0) {
			ret = dup;
			goto cleanup;
		}
		if (dup) {
			json_array_append_new(pending, json_pack("{s:s, s:s}", "artefact",
				json_str(sp, "name"), "cr", cr));
			continue;
		}
		json_array_append_new(changed, json_pack("{s:s, s:s, s:I}", "artefact",
			json_str(sp, "name"), "file", files[i], "base_version", (json_int_t)v));
	}
	if (json_array_size(changed) && !a->dry_run && (!a->as || !*a->as)) {
		struct strbuf l = STRBUF_INIT;
		json_array_foreach(changed, i, sp)
			strbuf_addf(&l, "%s%s (%s)", i ? ", " : "", json_str(sp, "artefact"),
				    json_str(sp, "file"));
		ret = aiv_fail(err, AIV_EINPUT, "content changed in %zu file%s: %s; give --as "
			       "PERSON (and --reason) to propose the change%s", json_array_size(changed),
			       json_array_size(changed) == 1 ? "" : "s", l.buf,
			       json_array_size(changed) == 1 ? "" : "s");
		strbuf_release(&l);
		goto cleanup;
	}
	/* the common refusals of change_open, named before registering anything */
	if (json_array_size(changed) && a->as && *a->as &&
	    (ret = check_proposer(e->s, a, json_str(json_array_get(changed, 0), "file"), err)))
		goto cleanup;
	/* a dry run writes too, inside the transaction it rolls back */
	if ((ret = apply_specs(e, docs, created, updated, &unchanged, err)))
		goto cleanup;
	json_array_foreach(changed, i, sp) {
		struct change_open_args oa;
		struct change_cr_view res;
		char *reason = a->reason && *a->reason ? NULL
				 : xstrfmt("content changed in %s", json_str(sp, "file"));
		if (a->dry_run && (!a->as || !*a->as)) {
			json_array_append_new(proposed, json_pack("{s:O, s:s}", "artefact",
				json_object_get(sp, "artefact"), "cr", "(dry run)"));
			free(reason);
			continue;
		}
		strbuf_reset(&buf);
		if (strbuf_read_file(&buf, json_str(sp, "file"), ARTEFACT_MAX_CONTENT) < 0) {
			ret = aiv_fail(err, AIV_EIO, "cannot read '%s': %s", json_str(sp, "file"),
				       strerror(errno));
			free(reason);
			goto cleanup;
		}
		memset(&oa, 0, sizeof(oa));
		oa.artefact = json_str(sp, "artefact");
		oa.content = buf.buf;
		oa.content_len = buf.len;
		oa.reason = reason ? reason : a->reason;
		oa.risk = a->risk;
		oa.author = a->as;
		oa.base_version = json_integer_value(json_object_get(sp, "base_version"));
		ret = change_open_in_tx(e, &oa, &res, err);
		free(reason);
		if (ret) {
			aiv_err_prefix(err, "%s: artefact '%s': content changed, but its change "
				       "request cannot open (nothing synced)", json_str(sp, "file"),
				       json_str(sp, "artefact"));
			goto cleanup;
		}
		json_array_append_new(proposed, json_pack("{s:s, s:s, s:s, s:I}", "artefact",
			res.cr.artefact, "cr", a->dry_run ? "(dry run)" : res.cr.id,
			"status", res.cr.status, "impact", (json_int_t)res.nimpact));
		change_cr_view_release(&res);
	}
	if ((ret = ledger_import(e, "artefacts.sync", a->dir, created, updated,
				 json_array_size(proposed), &t, err)))
		goto cleanup;
	if (a->dry_run)
		store_rollback(e->s);
	else if ((ret = store_commit(e->s, err)))
		goto cleanup;
	in_tx = 0;
	*out = json_pack("{s:s, s:b, s:O, s:O, s:I, s:O, s:O, s:o}", "dir", a->dir, "dry_run",
			 a->dry_run, "registered", created, "updated", updated,
			 "unchanged", (json_int_t)unchanged, "proposed", proposed,
			 "already_proposed", pending, "tally", tally_json(&t));
cleanup:
	if (in_tx)
		store_rollback(e->s);
	tally_release(&t);
	free(root);
	free_list(files, n);
	strbuf_release(&buf);
	json_decref(specs);
	json_decref(docs);
	json_decref(changed);
	json_decref(created);
	json_decref(updated);
	json_decref(proposed);
	json_decref(pending);
	return ret;
}

/*
 * Is the entry `full` (found by readdir) a regular file, or a symbolic
 * link to one inside `root`?  1 yes, 0 no (a folder, a link to a folder,
 * something else), or a negative error naming a link that leads outside
 * the tree or nowhere.
 */
static int regular_inside(const char *root, const char *full, struct aiv_err *err)
{
	struct stat st;
	char *real;
	int ret;

	if (lstat(full, &st) < 0)
		return aiv_fail(err, AIV_EIO, "cannot read '%s': %s", full, strerror(errno));
	if (!S_ISLNK(st.st_mode))
		return S_ISREG(st.st_mode);
	real = realpath(full, NULL);
	if (!real)
		return aiv_fail(err, AIV_EINPUT, "'%s' is a symbolic link that leads nowhere (%s)",
				full, strerror(errno));
	if (!inside(root, real))
		ret = aiv_fail(err, AIV_EINPUT, "'%s' is a symbolic link that leads outside the "
			       "folder, to '%s'; only files inside the folder are read", full, real);
	else
		ret = stat(real, &st) == 0 && S_ISREG(st.st_mode);
	free(real);
	return ret;
}

/* Drop the links of specs to items that are not imported (inactive, headings). */
static void drop_links(json_t *specs, const json_t *gone, struct tally *t)
{
	json_t *sp, *id;
	size_t i, j;

	json_array_foreach(specs, i, sp) {
		json_t *deps = json_object_get(sp, "depends_on");
		json_t *types = json_object_get(sp, "edge_types");
		for (j = 0; j < json_array_size(deps);) {
			const char *why;
			id = json_array_get(deps, j);
			why = json_string_value(json_object_get(gone, json_string_value(id)));
			if (!why) {
				j++;
				continue;
			}
			tally_note(t, !strcmp(why, "inactive") ? "link to an inactive item, dropped"
							      : "link to a heading item, dropped",
				   json_str(sp, "path"));
			json_object_del(types, json_string_value(id));
			json_array_remove(deps, j);
		}
		if (deps && !json_array_size(deps)) {
			json_object_del(sp, "depends_on");
			json_object_del(sp, "edge_types");
		}
	}
}

int sync_doorstop(struct change_env *e, const char *dir, const char *owner,
		  const char *type, int dry_run, json_t **out, struct aiv_err *err)
{
	struct doorstop_args a = { dir, owner, type, dry_run, 0 };

	return sync_doorstop_tree(e, &a, out, err);
}

int sync_doorstop_tree(struct change_env *e, const struct doorstop_args *a, json_t **out,
		       struct aiv_err *err)
{
	const char *dir = a->dir, *owner = a->owner, *type = a->type;
	json_t *specs = json_array(), *docs = json_array(), *created = json_array();
	json_t *updated = json_array(), *documents = json_array(), *gone = json_object(), *sp;
	char **items = NULL, **files = NULL, *root = NULL;
	size_t nitems = 0, aitems = 0, nfiles = 0, afiles = 0, i;
	struct strbuf buf = STRBUF_INIT;
	int64_t unchanged = 0, inactive = 0, headings = 0, links = 0;
	struct tally t;
	int ret = 0, in_tx = 0;

	tally_init(&t, "items");
	t.strict = a->strict;
	if (!owner || !*owner) {
		ret = aiv_fail(err, AIV_EINPUT, "import-doorstop: missing --owner (Doorstop items "
			       "have no owner; name the person or team that owns them)");
		goto cleanup;
	}
	if (!type || !artefact_type_ok(type)) {
		ret = aiv_fail(err, AIV_EINPUT, "import-doorstop: type '%s' is not an artefact type",
			       type ? type : "");
		goto cleanup;
	}
	if (!(root = realpath(dir, NULL))) {
		ret = aiv_fail(err, AIV_EIO, "cannot read directory '%s': %s", dir, strerror(errno));
		goto cleanup;
	}
	/* .doorstop.yml files are hidden, so walk by hand: every dir holding one */
	{
		char **stack = xmalloc(sizeof(char *));
		size_t ns = 1, as = 1;
		stack[0] = xstrdup(dir);
		while (ns && !ret) {
			char *d = stack[--ns], *cfg = xstrfmt("%s/.doorstop.yml", d);
			char *skip = xstrfmt("%s/.doorstop.skip", d);
			DIR *dh;
			struct dirent *de;
			struct stat st;
			if (lstat(skip, &st) == 0) {
				/* Doorstop leaves such a document (and what is under it) out */
				tally_note(&t, "document left out by .doorstop.skip", skip);
				free(cfg);
				free(skip);
				free(d);
				continue;
			}
			free(skip);
			if (lstat(cfg, &st) == 0) {
				ALLOC_GROW(files, nfiles + 1, afiles);
				files[nfiles++] = cfg;
			} else {
				free(cfg);
			}
			dh = opendir(d);
			if (!dh) {
				ret = aiv_fail(err, AIV_EIO, "cannot read directory '%s': %s", d,
					       strerror(errno));
				free(d);
				break;
			}
			while ((de = readdir(dh)) != NULL) {
				char *full;
				if (de->d_name[0] == '.')
					continue;
				full = xstrfmt("%s/%s", d, de->d_name);
				/* folders only, not links to them (a link could loop) */
				if (lstat(full, &st) == 0 && S_ISDIR(st.st_mode)) {
					ALLOC_GROW(stack, ns + 1, as);
					stack[ns++] = full;
				} else {
					free(full);
				}
			}
			closedir(dh);
			free(d);
		}
		free_list(stack, ns);
	}
	if (!ret && !nfiles)
		ret = aiv_fail(err, AIV_EINPUT, "'%s': no Doorstop documents (.doorstop.yml) found",
			       dir);
	if (ret)
		goto cleanup;
	qsort(files, nfiles, sizeof(*files), cmp_str);
	for (i = 0; i < nfiles && !ret; i++) {
		json_t *settings = NULL, *n;
		char *ddir = xstrndup(files[i], strlen(files[i]) - strlen("/.doorstop.yml"));
		size_t k, first = nitems;
		int markdown;
		const char *ext;
		strbuf_reset(&buf);
		if (strbuf_read_file(&buf, files[i], 1 << 20) < 0) {
			ret = aiv_fail(err, AIV_EIO, "cannot read '%s': %s", files[i], strerror(errno));
			free(ddir);
			break;
		}
		if ((ret = syncp_doorstop_settings(files[i], buf.buf, buf.len, &settings, err))) {
			free(ddir);
			break;
		}
		json_array_foreach(json_object_get(settings, "notes"), k, n)
			tally_note(&t, json_str(n, "what"), json_str(n, "where"));
		json_object_del(settings, "notes");
		markdown = !strcmp(json_str(settings, "itemformat"), "markdown");
		ext = markdown ? ".md" : ".yml";
		/* items: the files directly in this document's directory */
		{
			DIR *dh = opendir(ddir);
			struct dirent *de;
			while (dh && (de = readdir(dh)) != NULL && !ret) {
				char *full;
				int r;
				if (de->d_name[0] == '.' || !has_suffix(de->d_name, ext))
					continue;
				full = xstrfmt("%s/%s", ddir, de->d_name);
				r = regular_inside(root, full, err);
				if (r > 0) {
					ALLOC_GROW(items, nitems + 1, aitems);
					items[nitems++] = full;
				} else {
					free(full);
					if (r < 0)
						ret = r;
				}
			}
			if (dh)
				closedir(dh);
		}
		qsort(items + first, nitems - first, sizeof(*items), cmp_str);
		for (k = first; k < nitems && !ret; k++) {
			const char *base = strrchr(items[k], '/') + 1;
			char *uid = xstrndup(base, strlen(base) - strlen(ext));
			json_t *spec = NULL;
			t.read++;
			strbuf_reset(&buf);
			if (strbuf_read_file(&buf, items[k], ARTEFACT_MAX_CONTENT) < 0) {
				ret = aiv_fail(err, AIV_EIO, "cannot read '%s': %s", items[k],
					       strerror(errno));
			} else if (strncmp(uid, json_str(settings, "prefix"),
					   strlen(json_str(settings, "prefix")))) {
				ret = aiv_fail_at(err, AIV_EINPUT, items[k], 1, 1,
						  "doorstop item '%s' does not start with its "
						  "document's prefix '%s'", uid,
						  json_str(settings, "prefix"));
			} else if (!(ret = syncp_doorstop_entry(items[k], uid, buf.buf, buf.len,
								markdown, type, owner, &spec,
								err))) {
				const char *skip = json_str(spec, "skip");
				const char *from = json_str(spec, "title_from");
				size_t j;
				json_array_foreach(json_object_get(spec, "notes"), j, n)
					tally_note(&t, json_str(n, "what"), json_str(n, "where"));
				if (skip) {
					int in = !strcmp(skip, "inactive");
					json_object_set_new(gone, uid, json_string(skip));
					in ? inactive++ : headings++;
					ret = tally_skip(&t, in ? "inactive item (active: false)"
							   : "heading item (normative: false)",
							 items[k], err);
					json_decref(spec);
				} else {
					if (!strcmp(from, "text"))
						tally_assume(&t, "title from the first line of text",
							     items[k]);
					else if (!strcmp(from, "uid"))
						tally_assume(&t, "title from the item UID (no header "
							     "or text)", items[k]);
					json_object_del(spec, "notes");
					json_object_del(spec, "title_from");
					json_array_append_new(specs, spec);
				}
			}
			free(uid);
		}
		json_object_set_new(settings, "items", json_integer((json_int_t)(nitems - first)));
		json_array_append_new(documents, settings);
		free(ddir);
	}
	if (ret)
		goto cleanup;
	drop_links(specs, gone, &t);
	t.used = (int64_t)json_array_size(specs);
	json_array_foreach(specs, i, sp)
		links += (int64_t)json_array_size(json_object_get(sp, "depends_on"));
	/* checks and writes in one transaction; a dry run rolls it back */
	if ((ret = store_begin(e->s, err)))
		goto cleanup;
	in_tx = 1;
	{
		/* messages name the item file: map spec index -> file via its path */
		char **pf = xcalloc(json_array_size(specs) + 1, sizeof(char *));
		json_array_foreach(specs, i, sp)
			pf[i] = (char *)json_str(sp, "path");
		ret = check_batch(e->s, specs, pf, err);
		free(pf);
		if (ret)
			goto cleanup;
	}
	json_array_foreach(specs, i, sp) {
		int64_t v = 0;
		char fp[SHA256_HEX];
		int found = 0;
		if ((ret = stored(e->s, json_str(sp, "name"), &v, fp, &found, err)))
			goto cleanup;
		json_array_append_new(docs, as_doc(sp, found, v));
	}
	if ((ret = apply_specs(e, docs, created, updated, &unchanged, err)) ||
	    (ret = ledger_import(e, "artefacts.import-doorstop", dir, created, updated, 0, &t,
				 err)))
		goto cleanup;
	if (a->dry_run)
		store_rollback(e->s);
	else if ((ret = store_commit(e->s, err)))
		goto cleanup;
	in_tx = 0;
	*out = json_pack("{s:s, s:b, s:O, s:O, s:O, s:I, s:I, s:{s:I, s:I, s:I, s:I, s:I}, s:o}",
			 "dir", dir, "dry_run", a->dry_run, "documents", documents,
			 "registered", created, "updated", updated, "unchanged", (json_int_t)unchanged,
			 "skipped_inactive_or_headings", (json_int_t)(inactive + headings),
			 "figures", "items", (json_int_t)t.read, "imported", (json_int_t)t.used,
			 "inactive", (json_int_t)inactive, "headings", (json_int_t)headings,
			 "links", (json_int_t)links, "tally", tally_json(&t));
cleanup:
	if (in_tx)
		store_rollback(e->s);
	tally_release(&t);
	free(root);
	free_list(items, nitems);
	free_list(files, nfiles);
	strbuf_release(&buf);
	json_decref(specs);
	json_decref(docs);
	json_decref(created);
	json_decref(updated);
	json_decref(documents);
	json_decref(gone);
	return ret;
}
