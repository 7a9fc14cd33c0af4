/*
 * usage.c - the usage-import sink: identity resolution, checks, content
 * hash, rows and the ledger entry; see usage.h for the picture.
 *
 * Identities are compared trimmed and lowercased (emails and UPNs are
 * case-insensitive, GitHub logins too).  The lookup table is loaded once
 * per import from three sources, first match wins: the identity map
 * (identities table), people.email, people.name.
 *
 * Duplicate rows are found with a set of 64-bit FNV-1a keys over the
 * normalised row (identity, time, tool, feature, workflow): 16 bytes a
 * row at most.  NEEDSWORK: a 64-bit collision (about 1 in 10^4 over 50
 * million rows) would report a false duplicate; keep the line of the
 * first occurrence and compare the rows when that matters.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "core/timeutil.h"
#include "ledger/ledger.h"
#include "metrics/intern.h"
#include "usage.h"

struct usage_import {
	struct store *s;           /* NULL in a dry run without a workspace */
	const struct usage_opts *o;
	const char *name;
	int write;                 /* rows go to the store */
	int snapshot;
	int64_t import_id;
	struct intern keys;        /* normalised identity -> key id */
	uint32_t *key_person;      /* key id -> person id or INTERN_NONE */
	size_t akey_person;
	struct intern people;      /* person names */
	unsigned char *person_seen;
	struct intern unmatched;   /* unmatched identities */
	int64_t *unmatched_rows;
	size_t aunmatched_rows;
	struct u64set dups;
	struct sha256_ctx hash;
	struct strbuf line;        /* scratch: the normalised row */
	struct strbuf hbuf;        /* pending input of the content hash */
	char *tenant;
	char tenant_field[64];
	struct usage_summary *sum;
	int64_t last_bytes;
	struct store_stmt *ins_event, *ins_seat, *ins_team, *ins_wf, *exists;
};

void usage_summary_release(struct usage_summary *sum)
{
	size_t i;

	for (i = 0; i < sum->nunmatched; i++)
		free(sum->unmatched[i].identity);
	free(sum->unmatched);
	memset(sum, 0, sizeof(*sum));
}

const char *usage_file(const struct usage_import *im)
{
	return im->name;
}

const struct usage_opts *usage_options(const struct usage_import *im)
{
	return im->o;
}

void usage_set_snapshot(struct usage_import *im, int on)
{
	im->snapshot = on;
}

/* Trimmed, lowercased copy of s into sb (reset first). */
static void norm_identity(struct strbuf *sb, const char *s)
{
	size_t n;

	strbuf_reset(sb);
	while (*s && isspace((unsigned char)*s))
		s++;
	n = strlen(s);
	while (n && isspace((unsigned char)s[n - 1]))
		n--;
	strbuf_add(sb, s, n);
	for (n = 0; n < sb->len; n++)
		sb->buf[n] = (char)tolower((unsigned char)sb->buf[n]);
}

static void map_add(struct usage_import *im, const char *identity, const char *person)
{
	struct strbuf k = STRBUF_INIT;
	uint32_t id, pid;
	size_t old;

	norm_identity(&k, identity);
	if (!k.len) {
		strbuf_release(&k);
		return;
	}
	id = intern_idn(&im->keys, k.buf, k.len);
	pid = intern_id(&im->people, person);
	old = im->akey_person;
	ALLOC_GROW(im->key_person, id + 1, im->akey_person);
	while (old < im->akey_person)
		im->key_person[old++] = INTERN_NONE;
	if (im->key_person[id] == INTERN_NONE)
		im->key_person[id] = pid;
	strbuf_release(&k);
}

/* Load the identity lookup: identity map, then emails, then names. */
static int load_identities(struct usage_import *im, struct aiv_err *err)
{
	static const char *const sql[] = {
		"SELECT value, person FROM identities ORDER BY kind, value",
		"SELECT email, name FROM people WHERE email IS NOT NULL ORDER BY name",
		"SELECT name, name FROM people ORDER BY name",
	};
	size_t i;
	int rc;

	for (i = 0; i < ARRAY_SIZE(sql); i++) {
		struct store_stmt *st = store_prepare(im->s, sql[i], err);
		if (!st)
			return err->code;
		while ((rc = store_step(st, err)) == STORE_ROW)
			map_add(im, store_col_text(st, 0), store_col_text(st, 1));
		store_reset(st);
		if (rc < 0)
			return rc;
	}
	return 0;
}

/* Resolve an identity (normalised in im->line's scratch): person id or NONE. */
static uint32_t resolve(struct usage_import *im, const char *norm, size_t len)
{
	uint32_t k = intern_find(&im->keys, norm, len);

	return k == INTERN_NONE || k >= im->akey_person ? INTERN_NONE : im->key_person[k];
}

static void note_person(struct usage_import *im, uint32_t pid, const char *norm, size_t len)
{
	if (pid != INTERN_NONE) {
		if (!im->person_seen[pid]) {
			im->person_seen[pid] = 1;
			im->sum->people_matched++;
		}
	} else {
		uint32_t u = intern_idn(&im->unmatched, norm, len);
		size_t old = im->aunmatched_rows;
		ALLOC_GROW(im->unmatched_rows, u + 1, im->aunmatched_rows);
		while (old < im->aunmatched_rows)
			im->unmatched_rows[old++] = 0;
		im->unmatched_rows[u]++;
		im->sum->unmatched_rows++;
	}
}

static void hash_field(struct strbuf *sb, const char *s)
{
	size_t n = strcspn(s, "\t\n");

	/* tabs and newlines cannot occur inside a field of the hashed line */
	strbuf_add(sb, s, n);
	for (s += n; *s; s++)
		strbuf_addch(sb, (*s == '\t' || *s == '\n') ? ' ' : *s);
	strbuf_addch(sb, '\t');
}

/* Append a decimal integer and `end` (faster than snprintf on the hot path). */
static void add_int(struct strbuf *sb, int64_t v, char end)
{
	char tmp[24];
	int n = 0;
	uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;

	do {
		tmp[n++] = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (v < 0)
		strbuf_addch(sb, '-');
	while (n)
		strbuf_addch(sb, tmp[--n]);
	strbuf_addch(sb, end);
}

/* Hash input goes through a 64 KiB buffer: one EVP call per block, not per row. */
static void hash_add(struct usage_import *im, const char *tag, const char *data, size_t len)
{
	size_t tl = strlen(tag);

	if (im->hbuf.len + tl + len > 65536) {
		sha256_update(&im->hash, im->hbuf.buf, im->hbuf.len);
		strbuf_reset(&im->hbuf);
	}
	strbuf_add(&im->hbuf, tag, tl);
	strbuf_add(&im->hbuf, data, len);
}

int usage_tenant(struct usage_import *im, const char *tenant, const char *field,
		 long line, long col, struct aiv_err *err)
{
	if (!tenant || !*tenant)
		return 0;
	if (!im->tenant) {
		im->tenant = xstrdup(tenant);
		snprintf(im->tenant_field, sizeof(im->tenant_field), "%s", field);
		return 0;
	}
	if (strcmp(im->tenant, tenant))
		return aiv_fail_at(err, AIV_EINPUT, im->name, line, col,
				   "file mixes tenants: %s '%s' here, '%s' in earlier rows; "
				   "import one tenant per file", field, tenant, im->tenant);
	return 0;
}

void usage_progress_bytes(struct usage_import *im, int64_t bytes)
{
	im->last_bytes = bytes;
}

static int step_reset(struct store_stmt *st, struct aiv_err *err)
{
	int rc = store_step(st, err);

	store_reset(st);
	return rc < 0 ? rc : 0;
}

int usage_emit(struct usage_import *im, const struct usage_row *r, struct aiv_err *err)
{
	struct strbuf *sb = &im->line;
	uint64_t key;
	uint32_t pid;
	size_t idlen;

	if (r->count < 0)
		return aiv_fail_at(err, AIV_EINPUT, im->name, r->line, 0,
				   "negative count %lld", (long long)r->count);
	norm_identity(sb, r->identity ? r->identity : "");
	if (!sb->len)
		return aiv_fail_at(err, AIV_EINPUT, im->name, r->line, 0,
				   "row has an empty person identity");
	idlen = sb->len;
	pid = resolve(im, sb->buf, idlen);
	strbuf_addch(sb, '\t');
	add_int(sb, r->time_us, '\t');
	hash_field(sb, r->tool ? r->tool : "");
	hash_field(sb, r->feature ? r->feature : "");
	hash_field(sb, r->workflow ? r->workflow : "");
	key = r->uid ? intern_hash(INTERN_FNV_SEED ^ 1, r->uid, strlen(r->uid)) :
		       intern_hash(INTERN_FNV_SEED, sb->buf, sb->len);
	if (u64set_add(&im->dups, key))
		return aiv_fail_at(err, AIV_EINPUT, im->name, r->line, 0,
				   "duplicate row: identity '%.*s', time, tool '%s', feature "
				   "'%s' and workflow '%s' already appeared in an earlier row",
				   (int)idlen, sb->buf, r->tool ? r->tool : "",
				   r->feature ? r->feature : "", r->workflow ? r->workflow : "");
	add_int(sb, r->count, '\n');
	hash_add(im, "E\t", sb->buf, sb->len);
	if (im->snapshot && im->write) {
		int rc;
		store_bind_textn(im->exists, 1, sb->buf, idlen);
		store_bind_int(im->exists, 2, usage_day_of(r->time_us));
		store_bind_text(im->exists, 3, r->tool ? r->tool : "");
		store_bind_text(im->exists, 4, r->feature ? r->feature : "");
		rc = store_step(im->exists, err);
		store_reset(im->exists);
		if (rc < 0)
			return rc;
		if (rc == STORE_ROW) {
			im->sum->skipped++;
			return 0;
		}
	}
	note_person(im, pid, sb->buf, idlen);
	im->sum->rows++;
	if (im->o->progress && (im->sum->rows & 0x3fff) == 0)
		im->o->progress(im->o->progress_data, im->sum->rows, im->last_bytes);
	if (!im->write)
		return 0;
	store_bind_int(im->ins_event, 1, im->import_id);
	if (pid != INTERN_NONE)
		store_bind_text(im->ins_event, 2, intern_str(&im->people, pid));
	else
		store_bind_null(im->ins_event, 2);
	store_bind_textn(im->ins_event, 3, sb->buf, idlen);
	store_bind_int(im->ins_event, 4, r->time_us);
	store_bind_int(im->ins_event, 5, usage_day_of(r->time_us));
	store_bind_text(im->ins_event, 6, r->tool ? r->tool : "");
	store_bind_text(im->ins_event, 7, r->feature ? r->feature : "");
	store_bind_text(im->ins_event, 8, r->workflow ? r->workflow : "");
	store_bind_int(im->ins_event, 9, r->count);
	return step_reset(im->ins_event, err);
}

/* Common part of seats and team rows: hash "TAG\tidentity\tday\textra\n". */
static int emit_person_fact(struct usage_import *im, const char *tag,
			    struct store_stmt *st, const char *identity,
			    const char *extra, int64_t day, struct aiv_err *err)
{
	struct strbuf *sb = &im->line;
	size_t idlen;
	uint32_t pid;

	norm_identity(sb, identity ? identity : "");
	if (!sb->len)
		return aiv_fail(err, AIV_EINPUT, "cannot import '%s': %s row has an empty "
				"identity", im->name, tag);
	idlen = sb->len;
	pid = resolve(im, sb->buf, idlen);
	strbuf_addch(sb, '\t');
	add_int(sb, day, '\t');
	hash_field(sb, extra);
	strbuf_addch(sb, '\n');
	hash_add(im, tag, sb->buf, sb->len);
	if (!im->write)
		return 0;
	store_bind_int(st, 1, im->import_id);
	if (pid != INTERN_NONE)
		store_bind_text(st, 2, intern_str(&im->people, pid));
	else
		store_bind_null(st, 2);
	store_bind_textn(st, 3, sb->buf, idlen);
	store_bind_text(st, 4, extra);
	store_bind_int(st, 5, day);
	return step_reset(st, err);
}

int usage_emit_seat(struct usage_import *im, const char *identity, const char *tool,
		    int64_t day, struct aiv_err *err)
{
	im->sum->seats++;
	return emit_person_fact(im, "S\t", im->ins_seat, identity, tool, day, err);
}

int usage_emit_team(struct usage_import *im, const char *identity, const char *team,
		    int64_t day, struct aiv_err *err)
{
	im->sum->teams++;
	return emit_person_fact(im, "T\t", im->ins_team, identity, team, day, err);
}

int usage_emit_workflow(struct usage_import *im, const char *tool, const char *workflow,
			const char *title, const char *creator_identity, int64_t day,
			struct aiv_err *err)
{
	struct strbuf *sb = &im->line;
	struct strbuf creator = STRBUF_INIT;
	uint32_t pid;
	int ret = 0;

	norm_identity(&creator, creator_identity ? creator_identity : "");
	pid = creator.len ? resolve(im, creator.buf, creator.len) : INTERN_NONE;
	strbuf_reset(sb);
	hash_field(sb, tool);
	hash_field(sb, workflow);
	hash_field(sb, title ? title : "");
	hash_field(sb, creator.buf);
	add_int(sb, day, '\n');
	hash_add(im, "W\t", sb->buf, sb->len);
	im->sum->workflows++;
	if (im->write) {
		store_bind_int(im->ins_wf, 1, im->import_id);
		store_bind_text(im->ins_wf, 2, tool);
		store_bind_text(im->ins_wf, 3, workflow);
		store_bind_text(im->ins_wf, 4, title ? title : "");
		if (pid != INTERN_NONE)
			store_bind_text(im->ins_wf, 5, intern_str(&im->people, pid));
		else
			store_bind_null(im->ins_wf, 5);
		store_bind_text(im->ins_wf, 6, creator.buf);
		store_bind_int(im->ins_wf, 7, day);
		ret = step_reset(im->ins_wf, err);
	}
	strbuf_release(&creator);
	return ret;
}

int usage_emit_org_day(struct usage_import *im, const char *tool, int64_t day,
		       int64_t active, int64_t engaged, struct aiv_err *err)
{
	struct strbuf *sb = &im->line;
	struct store_stmt *st;

	strbuf_reset(sb);
	hash_field(sb, tool);
	add_int(sb, day, '\t');
	add_int(sb, active, '\t');
	add_int(sb, engaged, '\n');
	hash_add(im, "D\t", sb->buf, sb->len);
	if (u64set_add(&im->dups, intern_hash(INTERN_FNV_SEED ^ 2, sb->buf,
					      strcspn(sb->buf, "\t") + 1) ^ (uint64_t)day))
		return aiv_fail(err, AIV_EINPUT, "cannot import '%s': day %lld appears twice",
				im->name, (long long)day);
	im->sum->org_days++;
	if (!im->write)
		return 0;
	st = store_prepare(im->s, "INSERT INTO usage_org_daily(import_id, tool, day, active_users,"
			   " engaged_users) VALUES (?,?,?,?,?)", err);
	if (!st)
		return err->code;
	store_bind_int(st, 1, im->import_id);
	store_bind_text(st, 2, tool);
	store_bind_int(st, 3, day);
	store_bind_int(st, 4, active);
	store_bind_int(st, 5, engaged);
	return step_reset(st, err);
}

static int cmp_unmatched(const void *a, const void *b)
{
	const struct usage_unmatched *x = a, *y = b;

	if (x->rows != y->rows)
		return x->rows < y->rows ? 1 : -1;
	return strcmp(x->identity, y->identity);
}

static int prepare_all(struct usage_import *im, struct aiv_err *err)
{
	if (!(im->ins_event = store_prepare(im->s,
		"INSERT INTO usage_events(import_id, person, identity, time_us, day, tool,"
		" feature, workflow, count) VALUES (?,?,?,?,?,?,?,?,?)", err)) ||
	    !(im->ins_seat = store_prepare(im->s,
		"INSERT INTO usage_seats(import_id, person, identity, tool, day)"
		" VALUES (?,?,?,?,?)", err)) ||
	    !(im->ins_team = store_prepare(im->s,
		"INSERT INTO usage_team_members(import_id, person, identity, team, day)"
		" VALUES (?,?,?,?,?)", err)) ||
	    !(im->ins_wf = store_prepare(im->s,
		"INSERT INTO usage_workflows(import_id, tool, workflow, title, creator,"
		" creator_identity, day) VALUES (?,?,?,?,?,?,?)", err)) ||
	    !(im->exists = store_prepare(im->s,
		"SELECT 1 FROM usage_events WHERE identity = ? AND day = ? AND tool = ?"
		" AND feature = ? LIMIT 1", err)))
		return err->code;
	return 0;
}

/* Record the import: earlier identical content, or the row + ledger entry. */
static int finish(struct usage_import *im, const char *actor, struct aiv_err *err)
{
	struct usage_summary *sum = im->sum;
	struct store_stmt *st;
	json_t *payload;
	char subject[64], now[TIME_ISO_LEN];
	const char *base;
	size_t i;
	int rc;

	st = store_prepare(im->s, "SELECT id, ledger_seq FROM usage_imports WHERE content_hash = ?",
			   err);
	if (!st)
		return err->code;
	store_bind_text(st, 1, sum->content_hash);
	rc = store_step(st, err);
	if (rc == STORE_ROW) {
		sum->already = 1;
		sum->import_id = store_col_int(st, 0);
		sum->ledger_seq = store_col_int(st, 1);
	}
	store_reset(st);
	if (rc < 0 || sum->already)
		return rc < 0 ? rc : 0;
	for (i = 0; i < sum->nunmatched; i++) {
		st = store_prepare(im->s, "INSERT INTO usage_unmatched(import_id, identity, rows)"
				   " VALUES (?,?,?)", err);
		if (!st)
			return err->code;
		store_bind_int(st, 1, im->import_id);
		store_bind_text(st, 2, sum->unmatched[i].identity);
		store_bind_int(st, 3, sum->unmatched[i].rows);
		if ((rc = step_reset(st, err)))
			return rc;
	}
	base = strrchr(im->name, '/');
	base = base ? base + 1 : im->name;
	snprintf(subject, sizeof(subject), "usage-import/%lld", (long long)im->import_id);
	payload = json_pack("{s:s, s:s, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:s}",
			    "format", im->o->format, "source", base,
			    "import_id", (json_int_t)im->import_id,
			    "rows", (json_int_t)sum->rows, "seats", (json_int_t)sum->seats,
			    "team_rows", (json_int_t)sum->teams,
			    "workflows", (json_int_t)sum->workflows,
			    "people_matched", (json_int_t)sum->people_matched,
			    "unmatched_identities", (json_int_t)sum->nunmatched,
			    "content_hash", sum->content_hash);
	if (!payload)
		return aiv_fail(err, AIV_EINPUT, "cannot import '%s': the file name is not "
				"valid UTF-8", im->name);
	if (im->tenant)
		json_object_set_new(payload, "tenant", json_string(im->tenant));
	if (sum->org_days)
		json_object_set_new(payload, "org_days", json_integer(sum->org_days));
	rc = ledger_append(im->s, actor, "usage.import", subject, payload, &sum->ledger_seq, err);
	json_decref(payload);
	if (rc)
		return rc;
	time_format_us(time_now_us(), now);
	st = store_prepare(im->s, "INSERT INTO usage_imports(id, kind, format, source, rows,"
			   " content_hash, ledger_seq, imported_at) VALUES (?,?,?,?,?,?,?,?)", err);
	if (!st)
		return err->code;
	store_bind_int(st, 1, im->import_id);
	store_bind_text(st, 2, "usage");
	store_bind_text(st, 3, im->o->format);
	store_bind_text(st, 4, base);
	store_bind_int(st, 5, sum->rows);
	store_bind_text(st, 6, sum->content_hash);
	store_bind_int(st, 7, sum->ledger_seq);
	store_bind_text(st, 8, now);
	sum->import_id = im->import_id;
	return step_reset(st, err);
}

int usage_import_stream(struct store *s, const char *actor, FILE *f,
			const char *name, const struct usage_opts *o,
			struct usage_summary *sum, struct aiv_err *err)
{
	const struct usage_reader *rd = usage_reader_find(o->format);
	struct usage_import im;
	uint8_t digest[SHA256_LEN];
	int in_tx = 0, ret;
	size_t i;

	memset(sum, 0, sizeof(*sum));
	if (!rd)
		return aiv_fail(err, AIV_EINPUT, "unknown usage format '%s' (known: csv, "
				"jsonl, copilot-users, copilot-seats, copilot-metrics, "
				"m365-copilot, chatgpt-enterprise, otel-genai)", o->format ? o->format : "");
	snprintf(sum->format, sizeof(sum->format), "%s", rd->format);
	memset(&im, 0, sizeof(im));
	im.s = s;
	im.o = o;
	im.name = name;
	im.sum = sum;
	im.write = s && !o->dry_run;
	intern_init(&im.keys);
	intern_init(&im.people);
	intern_init(&im.unmatched);
	u64set_init(&im.dups);
	sha256_init(&im.hash);
	if (!s && !o->dry_run) {
		ret = aiv_fail(err, AIV_EINTERNAL, "usage import without a workspace must be a dry run");
		goto cleanup;
	}
	if (s) {
		if ((ret = load_identities(&im, err)))
			goto cleanup;
	}
	im.person_seen = xcalloc(intern_count(&im.people) + 1, 1);
	if (im.write) {
		int64_t last = 0;
		if ((ret = store_begin(s, err)))
			goto cleanup;
		in_tx = 1;
		if ((ret = prepare_all(&im, err)) ||
		    (ret = store_query_int(s, "SELECT coalesce(max(id), 0) FROM usage_imports",
					   &last, err)))
			goto cleanup;
		im.import_id = last + 1;
	}
	if ((ret = rd->read(&im, f, err)))
		goto cleanup;
	if (sum->rows == 0 && sum->seats == 0 && sum->teams == 0 && sum->workflows == 0 &&
	    sum->skipped == 0 && sum->org_days == 0) {
		ret = aiv_fail(err, AIV_EINPUT, "cannot import '%s': no usage rows in it", name);
		goto cleanup;
	}
	for (i = 0; i < intern_count(&im.unmatched); i++) {
		ALLOC_GROW(sum->unmatched, sum->nunmatched + 1, sum->aunmatched);
		sum->unmatched[sum->nunmatched].identity = xstrdup(intern_str(&im.unmatched, (uint32_t)i));
		sum->unmatched[sum->nunmatched].rows = im.unmatched_rows[i];
		sum->nunmatched++;
	}
	if (sum->nunmatched) /* qsort's pointer must not be NULL */
		qsort(sum->unmatched, sum->nunmatched, sizeof(*sum->unmatched), cmp_unmatched);
	sha256_update(&im.hash, im.hbuf.buf, im.hbuf.len);
	sha256_final(&im.hash, digest);
	im.hash.evp = NULL;
	hex_encode(digest, SHA256_LEN, sum->content_hash);
	if (im.write) {
		if ((ret = finish(&im, actor, err)))
			goto cleanup;
		if (sum->already) {
			store_rollback(s);
			in_tx = 0;
		} else {
			if ((ret = store_commit(s, err)))
				goto cleanup;
			in_tx = 0;
		}
	} else if (s) {
		struct store_stmt *st = store_prepare(s, "SELECT id FROM usage_imports WHERE"
						      " content_hash = ?", err);
		if (!st) {
			ret = err->code;
			goto cleanup;
		}
		store_bind_text(st, 1, sum->content_hash);
		if ((ret = store_step(st, err)) == STORE_ROW) {
			sum->already = 1;
			sum->import_id = store_col_int(st, 0);
		}
		store_reset(st);
		ret = ret < 0 ? ret : 0;
	}
	if (o->progress)
		o->progress(o->progress_data, -1, im.last_bytes);
cleanup:
	if (in_tx)
		store_rollback(s);
	if (im.hash.evp) {
		sha256_final(&im.hash, digest);
	}
	if (ret)
		usage_summary_release(sum);
	intern_release(&im.keys);
	intern_release(&im.people);
	intern_release(&im.unmatched);
	u64set_release(&im.dups);
	free(im.key_person);
	free(im.person_seen);
	free(im.unmatched_rows);
	free(im.tenant);
	strbuf_release(&im.line);
	strbuf_release(&im.hbuf);
	return ret;
}

int usage_import_file(struct store *s, const char *actor, const char *path,
		      const struct usage_opts *o, struct usage_summary *sum,
		      struct aiv_err *err)
{
	FILE *f;
	int ret;

	if (!strcmp(path, "-"))
		return usage_import_stream(s, actor, stdin, "(stdin)", o, sum, err);
	f = fopen(path, "rb");
	if (!f)
		return aiv_fail(err, AIV_EIO, "cannot open '%s': %s", path, strerror(errno));
	ret = usage_import_stream(s, actor, f, path, o, sum, err);
	fclose(f);
	return ret;
}
