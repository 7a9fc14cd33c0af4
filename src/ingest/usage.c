/*
 * usage.c - the usage-import sink: identity resolution, checks, content
 * hash, columnar blocks and the ledger entry; see usage.h for the picture.
 *
 * Identities are compared trimmed and lowercased (emails and UPNs are
 * case-insensitive, GitHub logins too).  The lookup table is loaded once
 * per import from three sources, first match wins: the identity map
 * (identities table), people.email, people.name.  Each distinct
 * identity is resolved once and numbered in the workspace dictionary
 * usage_identities (which holds its person); tools, features and
 * workflows are numbered in usage_strings.
 *
 * Events are stored as columnar blocks of up to 65,536 events (one BLOB
 * row each, metrics/usage_block.h) inside the import's transaction:
 * about 28 bytes an event and one SQLite insert per 65,536 events, where
 * a row table cost a B-tree and an index insert per event.
 *
 * Duplicate rows are found after reading: every event leaves a 64-bit
 * FNV-1a key of its normalised row (identity, time, tool, feature,
 * workflow) and its line (12 bytes an event); a copy of the keys is
 * radix-sorted in place (8 more bytes while sorting) and equal
 * neighbours are duplicates, reported with both lines.  This replaced a hash set whose random
 * probes were a fifth of the import time.  NEEDSWORK: a 64-bit collision
 * (about 1 in 10^4 over 50 million rows) would report a false duplicate;
 * compare the two rows when that matters.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "core/hash.h"
#include "core/timeutil.h"
#include "ledger/ledger.h"
#include "metrics/intern.h"
#include "metrics/usage_block.h"
#include "org/org.h"
#include "usage.h"
#include "usage_activity.h"
#include "usage_seat_spans.h"

#define GID_UNSEEN (INTERN_NONE - 1) /* identity not resolved yet in this import */
#define SNAP_WAYS 8 /* slots per identity in front of the snapshot keys (snap_add) */
#define DCHUNK_BITS 20
#define DCHUNK ((size_t)1 << DCHUNK_BITS)
#define DKEY(im, i) ((im)->dkeys[(i) >> DCHUNK_BITS][(i) & (DCHUNK - 1)])
#define DLINE(im, i) ((im)->dlines[(i) >> DCHUNK_BITS][(i) & (DCHUNK - 1)])

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
	/* workspace dictionaries: ids below n*_stored are in the store */
	struct intern gids;        /* normalised identity -> usage_identities.id */
	size_t ngids_stored, agid;
	uint32_t *gid_person;      /* this import's resolution, or GID_UNSEEN */
	uint32_t *gid_stored;      /* stored person (people id) or INTERN_NONE */
	struct intern strs;        /* tool/feature/workflow -> usage_strings.id */
	size_t nstrs_stored;
	struct usage_block *block; /* events not yet written */
	int64_t block_seq;
	/* duplicate detection: one key and line per event, in chunks (no
	 * doubling, no copy on growth: 12 bytes an event) */
	uint64_t **dkeys;
	uint32_t **dlines;
	size_t ndkeys, nchunks, achunks, achunks2;
	struct u64set dups;        /* org days */
	struct u64set snap;        /* (identity, day, tool, feature) stored */
	uint64_t *recent;          /* SNAP_WAYS per identity id: keys known to be in snap */
	size_t nrecent;
	uint64_t tf[SNAP_WAYS];    /* (tool, feature) hash of each of the first SNAP_WAYS slots */
	unsigned ntf;
	int snap_loaded;
	int id_cached;             /* the identity lookup is id_cache's */
	unsigned id_gen;           /* ... of this id_cache generation */
	struct sha256_ctx hash;
	struct strbuf line;        /* scratch: the normalised row */
	struct strbuf hbuf;        /* pending input of the content hash */
	char *tenant;
	char tenant_field[64];
	struct usage_summary *sum;
	int64_t last_bytes;
	/* deferred bulk inserts (store.h): on PostgreSQL a COPY per 1 MiB, not a round trip per row */
	struct store_bulk *ins_seat, *ins_team, *ins_wf, *ins_tokens;
	struct seat_spans *spans;  /* this import's seat rows by identity and tool */
};

void usage_summary_release(struct usage_summary *sum)
{
	size_t i;

	for (i = 0; i < sum->nunmatched; i++)
		free(sum->unmatched[i].identity);
	free(sum->unmatched);
	tally_release(&sum->tally);
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

struct tally *usage_tally(struct usage_import *im)
{
	return &im->sum->tally;
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

static void add_email(const char *name, const char *email, void *data)
{
	if (email)
		map_add(data, email, name);
}

static void add_name(const char *name, const char *email, void *data)
{
	(void)email;
	map_add(data, name, name);
}

/* Load the identity lookup: identity map, then emails, then names (org/'s people). */
static int load_identities(struct usage_import *im, struct aiv_err *err)
{
	struct store_stmt *st = store_prepare(im->s, "SELECT value, person FROM identities"
					      " ORDER BY kind, value", err);
	int rc;

	if (!st)
		return err->code;
	while ((rc = store_step(st, err)) == STORE_ROW)
		map_add(im, store_col_text(st, 0), store_col_text(st, 1));
	store_reset(st);
	if (rc < 0)
		return rc;
	if ((rc = org_each_person(im->s, add_email, im, err)))
		return rc;
	return org_each_person(im->s, add_name, im, err);
}

/*
 * The identity lookup load_identities() built for the last writing import
 * in this process, with the workspace and ledger head it was read at.  It
 * depends only on the identity map and org's people, which no usage
 * import writes, so it stays true across this process's own usage imports
 * (the head moves on with each of their commits); any other entry in the
 * ledger means it is read again.  The demo's 140 imports read 43,000
 * identities and 20,000 people once instead of 140 times.
 */
static struct {
	char *uri;
	int64_t head;
	char hash[SHA256_HEX];
	struct intern keys, people;
	uint32_t *key_person;
	size_t akey_person;
	unsigned gen;              /* counts the lookups read from the store */
} id_cache;

static void id_cache_drop(void)
{
	free(id_cache.uri);
	id_cache.uri = NULL;
	intern_release(&id_cache.keys);
	intern_release(&id_cache.people);
	free(id_cache.key_person);
	id_cache.key_person = NULL;
	id_cache.akey_person = 0;
}

static void lookup_copy(struct intern *keys, struct intern *people, uint32_t **kp, size_t *akp,
			const struct intern *fkeys, const struct intern *fpeople,
			const uint32_t *fkp, size_t fakp)
{
	intern_release(keys);
	intern_release(people);
	free(*kp);
	intern_copy(keys, fkeys);
	intern_copy(people, fpeople);
	*kp = fakp ? xmalloc(st_mult(fakp, sizeof(**kp))) : NULL;
	if (fakp)
		memcpy(*kp, fkp, fakp * sizeof(**kp));
	*akp = fakp;
}

/* load_identities(), or a copy of the cached lookup while it is still true. */
static int load_identities_cached(struct usage_import *im, struct aiv_err *err)
{
	struct aiv_err e = AIV_ERR_INIT;
	char hash[SHA256_HEX];
	int64_t head;
	int ret;

	if (!im->write || ledger_head(im->s, &head, hash, &e))
		return load_identities(im, err);
	if (id_cache.uri && !strcmp(id_cache.uri, store_uri(im->s)) && head == id_cache.head &&
	    !strcmp(hash, id_cache.hash)) {
		lookup_copy(&im->keys, &im->people, &im->key_person, &im->akey_person,
			    &id_cache.keys, &id_cache.people, id_cache.key_person,
			    id_cache.akey_person);
		im->id_cached = 1;
		im->id_gen = id_cache.gen;
		return 0;
	}
	id_cache_drop();
	if ((ret = load_identities(im, err)))
		return ret;
	id_cache.uri = xstrdup(store_uri(im->s));
	id_cache.head = head;
	memcpy(id_cache.hash, hash, SHA256_HEX);
	lookup_copy(&id_cache.keys, &id_cache.people, &id_cache.key_person, &id_cache.akey_person,
		    &im->keys, &im->people, im->key_person, im->akey_person);
	im->id_cached = 1;
	im->id_gen = ++id_cache.gen;
	return 0;
}

/*
 * After this import's commit: the cached lookup is true at HEAD, the head
 * this import's transaction ended on (read before the commit: read after
 * it, another process's entry could be taken for ours; -1: not known).
 */
static void id_cache_advance(struct usage_import *im, int64_t head, const char *hash)
{
	if (!im->id_cached || !id_cache.uri || head < 0) {
		id_cache_drop();
		return;
	}
	id_cache.head = head;
	memcpy(id_cache.hash, hash, SHA256_HEX);
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
	int n = 23;
	uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;

	tmp[n] = end; /* digits right to left, then one append */
	do {
		tmp[--n] = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (v < 0)
		tmp[--n] = '-';
	strbuf_add(sb, tmp + n, (size_t)(24 - n));
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

/* Person of identity gid (normalised in norm), resolved once per import. */
static uint32_t gid_resolve(struct usage_import *im, uint32_t gid, const char *norm, size_t len)
{
	size_t old = im->agid;

	if (gid >= old) {
		ALLOC_GROW(im->gid_person, gid + 1, im->agid);
		while (old < im->agid)
			im->gid_person[old++] = GID_UNSEEN;
	}
	if (im->gid_person[gid] == GID_UNSEEN) {
		uint32_t pid = resolve(im, norm, len);
		/* joined by an earlier import or `identities import`: keep it */
		if (pid == INTERN_NONE && gid < im->ngids_stored)
			pid = im->gid_stored[gid];
		im->gid_person[gid] = pid;
	}
	return im->gid_person[gid];
}

/* Write the pending block as one usage_blocks row. */
static int flush_block(struct usage_import *im, struct aiv_err *err)
{
	struct usage_block *b = im->block;
	struct store_stmt *st;
	unsigned char *buf;
	int ret;

	if (!b || !b->n)
		return 0;
	st = store_prepare(im->s, "INSERT INTO usage_blocks(import_id, seq, n, data)"
			   " VALUES (?,?,?,?)", err);
	if (!st)
		return err->code;
	buf = xmalloc(usage_block_size(b->n));
	usage_block_encode(b, buf);
	store_bind_int(st, 1, im->import_id);
	store_bind_int(st, 2, im->block_seq++);
	store_bind_int(st, 3, b->n);
	store_bind_blob(st, 4, buf, usage_block_size(b->n));
	ret = step_reset(st, err);
	free(buf);
	b->n = 0;
	return ret;
}

/*
 * The snapshot keys of the last import in this process that held all of
 * them (snap_loaded), with the workspace and the ledger head (seq and
 * hash) they were true for.  A run of imports into one workspace (the
 * demo's hundred Microsoft 365 snapshots, a script importing a folder)
 * then reads the stored events once, not once per snapshot file, which
 * made the large demo quadratic in its usage rows.  Every import and every
 * other write appends a ledger entry, so any other head means the keys may
 * be stale: they are dropped and snap_load() reads the store again.
 */
static struct {
	char *uri;
	int64_t head;
	char hash[SHA256_HEX];
	struct u64set keys;
	uint64_t *recent;
	size_t nrecent;
	uint64_t tf[SNAP_WAYS];
	unsigned ntf;
} snap_cache;

static void snap_cache_drop(void)
{
	free(snap_cache.uri);
	snap_cache.uri = NULL;
	u64set_release(&snap_cache.keys);
	free(snap_cache.recent);
	snap_cache.recent = NULL;
	snap_cache.nrecent = 0;
}

/* Inside the import's transaction: take the cached keys if still true. */
static void snap_cache_take(struct usage_import *im)
{
	struct aiv_err e = AIV_ERR_INIT;
	char hash[SHA256_HEX];
	int64_t head;

	if (!snap_cache.uri)
		return;
	if (!strcmp(snap_cache.uri, store_uri(im->s)) && !ledger_head(im->s, &head, hash, &e) &&
	    head == snap_cache.head && !strcmp(hash, snap_cache.hash)) {
		u64set_release(&im->snap);
		im->snap = snap_cache.keys;
		u64set_init(&snap_cache.keys);
		free(im->recent);
		im->recent = snap_cache.recent;
		im->nrecent = snap_cache.nrecent;
		memcpy(im->tf, snap_cache.tf, sizeof(im->tf));
		im->ntf = snap_cache.ntf;
		snap_cache.recent = NULL;
		snap_cache.nrecent = 0;
		im->snap_loaded = 1;
	}
	snap_cache_drop();
}

/*
 * After the commit: keep the keys (every stored event's) for the next
 * import, true at HEAD (as id_cache_advance()).
 */
static void snap_cache_keep(struct usage_import *im, int64_t head, const char *hash)
{
	snap_cache_drop();
	if (!im->snap_loaded || head < 0)
		return;
	snap_cache.head = head;
	memcpy(snap_cache.hash, hash, SHA256_HEX);
	snap_cache.uri = xstrdup(store_uri(im->s));
	snap_cache.keys = im->snap;
	u64set_init(&im->snap);
	snap_cache.recent = im->recent;
	snap_cache.nrecent = im->nrecent;
	memcpy(snap_cache.tf, im->tf, sizeof(im->tf));
	snap_cache.ntf = im->ntf;
	im->recent = NULL;
	im->nrecent = 0;
}

/*
 * In front of the set of snapshot keys (millions in the large demo, so
 * nearly every probe is a cache miss): per identity id, SNAP_WAYS slots
 * holding the last key added for each (tool, feature) that maps there:
 * the first SNAP_WAYS (tool, feature) pairs seen each have a slot of their
 * own (the six Microsoft 365 apps among them), later ones share by hash.
 * A weekly snapshot repeats most of last week's last-activity dates, and
 * its rows come in the same order of people, so most probes are answered
 * from the slots of the identity at hand.  A slot only ever holds a key
 * already added to the set, so an equal slot means "already stored", as
 * u64set_add() would have said; anything else asks the set.
 */
#define SNAP_KEY0 0x9e3779b97f4a7c15ULL /* u64set's stand-in for key 0 */

/* 1 if k is known stored (u64set_add would return 1), else adds it and says so. */
static int snap_add(struct usage_import *im, uint32_t gid, const char *tool,
		    const char *feature, uint64_t k)
{
	uint64_t *slot, h;
	unsigned w;
	int had;

	if (!k)
		k = SNAP_KEY0;
	if ((size_t)gid >= im->nrecent / SNAP_WAYS) {
		size_t old = im->nrecent, n = old ? old : 4096 * SNAP_WAYS;
		while (n / SNAP_WAYS <= (size_t)gid)
			n *= 2;
		im->recent = xrealloc(im->recent, st_mult(n, sizeof(*im->recent)));
		memset(im->recent + old, 0, (n - old) * sizeof(*im->recent));
		im->nrecent = n;
	}
	h = fnv1a64(fnv1a64(FNV1A64_INIT, tool, strlen(tool) + 1), feature, strlen(feature));
	for (w = 0; w < im->ntf && im->tf[w] != h; w++)
		;
	if (w == im->ntf && im->ntf < SNAP_WAYS)
		im->tf[im->ntf++] = h;
	else if (w == im->ntf)
		w = (unsigned)(h & (SNAP_WAYS - 1));
	slot = &im->recent[(size_t)gid * SNAP_WAYS + w];
	if (*slot == k)
		return 1;
	had = u64set_add(&im->snap, k);
	*slot = k;
	return had;
}

/* Key of a stored (identity, day, tool, feature) for snapshot imports. */
static uint64_t snap_key(const char *ident, size_t idlen, int64_t day, const char *tool,
			 const char *feature)
{
	uint64_t h = fnv1a64(FNV1A64_INIT ^ 3, ident, idlen);

	h = fnv1a64(h, "\t", 1);
	h = fnv1a64(h, &day, sizeof(day));
	h = fnv1a64(h, tool, strlen(tool) + 1);
	return fnv1a64(h, feature, strlen(feature) + 1);
}

/*
 * Load the keys of every stored event (earlier imports, legacy rows, this
 * import's blocks so far) for usage_set_snapshot() rows.
 */
static int snap_load(struct usage_import *im, struct aiv_err *err)
{
	struct usage_block *tmp = NULL;
	struct store_stmt *st;
	uint32_t i;
	int rc;

	im->snap_loaded = 1;
	st = store_prepare(im->s, "SELECT identity, day, tool, feature FROM usage_events", err);
	if (!st)
		return err->code;
	while ((rc = store_step(st, err)) == STORE_ROW) {
		const char *id = store_col_text(st, 0);
		u64set_add(&im->snap, snap_key(id, strlen(id), store_col_int(st, 1),
					       store_col_text(st, 2), store_col_text(st, 3)));
	}
	store_reset(st);
	if (rc < 0)
		return rc;
	st = store_prepare(im->s, "SELECT data FROM usage_blocks", err);
	if (!st)
		return err->code;
	tmp = xmalloc(sizeof(*tmp));
	while ((rc = store_step(st, err)) == STORE_ROW) {
		if (usage_block_decode(store_col_blob(st, 0), store_col_bytes(st, 0), tmp)) {
			rc = aiv_fail(err, AIV_ESTATE, "a usage block of '%s' is damaged",
				      store_uri(im->s));
			break;
		}
		for (i = 0; i < tmp->n; i++) {
			const char *id = intern_str(&im->gids, tmp->ident[i]);
			u64set_add(&im->snap, snap_key(id, strlen(id), usage_day_of(tmp->time_us[i]),
						       intern_str(&im->strs, tmp->tool[i]),
						       intern_str(&im->strs, tmp->feature[i])));
		}
	}
	store_reset(st);
	free(tmp);
	if (rc < 0)
		return rc;
	for (i = 0; i < im->block->n; i++) {
		const char *id = intern_str(&im->gids, im->block->ident[i]);
		u64set_add(&im->snap, snap_key(id, strlen(id), usage_day_of(im->block->time_us[i]),
					       intern_str(&im->strs, im->block->tool[i]),
					       intern_str(&im->strs, im->block->feature[i])));
	}
	return 0;
}

int usage_emit(struct usage_import *im, const struct usage_row *r, struct aiv_err *err)
{
	struct strbuf *sb = &im->line;
	const char *tool = r->tool ? r->tool : "", *feature = r->feature ? r->feature : "";
	const char *workflow = r->workflow ? r->workflow : "";
	struct usage_block *b;
	uint32_t pid, gid;
	size_t idlen;

	if (r->count < 0)
		return aiv_fail_at(err, AIV_EINPUT, im->name, r->line, 0,
				   "negative count %lld", (long long)r->count);
	if (r->count > UINT32_MAX)
		return aiv_fail_at(err, AIV_EINPUT, im->name, r->line, 0,
				   "count %lld is larger than 4294967295", (long long)r->count);
	norm_identity(sb, r->identity ? r->identity : "");
	if (!sb->len)
		return aiv_fail_at(err, AIV_EINPUT, im->name, r->line, 0,
				   "row has an empty person identity");
	idlen = sb->len;
	gid = intern_idn(&im->gids, sb->buf, idlen);
	pid = gid_resolve(im, gid, sb->buf, idlen);
	strbuf_addch(sb, '\t');
	add_int(sb, r->time_us, '\t');
	hash_field(sb, tool);
	hash_field(sb, feature);
	hash_field(sb, workflow);
	if ((im->ndkeys & (DCHUNK - 1)) == 0 && (im->ndkeys >> DCHUNK_BITS) == im->nchunks) {
		ALLOC_GROW(im->dkeys, im->nchunks + 1, im->achunks);
		ALLOC_GROW(im->dlines, im->nchunks + 1, im->achunks2);
		im->dkeys[im->nchunks] = xmalloc(DCHUNK * sizeof(uint64_t));
		im->dlines[im->nchunks++] = xmalloc(DCHUNK * sizeof(uint32_t));
	}
	DKEY(im, im->ndkeys) = r->uid ? fnv1a64(FNV1A64_INIT ^ 1, r->uid, strlen(r->uid)) :
				      fnv1a64(FNV1A64_INIT, sb->buf, sb->len);
	DLINE(im, im->ndkeys) = r->line < 0 ? 0 : r->line > (long)UINT32_MAX ?
				UINT32_MAX : (uint32_t)r->line;
	im->ndkeys++;
	add_int(sb, r->count, '\n');
	hash_add(im, "E\t", sb->buf, sb->len);
	if (im->write && (im->snapshot || im->snap_loaded)) {
		uint64_t k;
		int ret;
		if (!im->snap_loaded && (ret = snap_load(im, err)))
			return ret;
		k = snap_key(sb->buf, idlen, usage_day_of(r->time_us), tool, feature);
		if (snap_add(im, gid, tool, feature, k) && im->snapshot) {
			char where[512];
			snprintf(where, sizeof(where), "%s:%ld", im->name, r->line);
			im->sum->skipped++;
			tally_note(&im->sum->tally, "event already stored by an earlier snapshot",
				   where);
			return 0;
		}
	}
	note_person(im, pid, sb->buf, idlen);
	if (!im->sum->rows || r->time_us < im->sum->min_time_us)
		im->sum->min_time_us = r->time_us;
	if (!im->sum->rows || r->time_us > im->sum->max_time_us)
		im->sum->max_time_us = r->time_us;
	im->sum->rows++;
	if (im->o->progress && (im->sum->rows & 0x3fff) == 0)
		im->o->progress(im->o->progress_data, im->sum->rows, im->last_bytes);
	if (!im->write)
		return 0;
	b = im->block;
	b->ident[b->n] = gid;
	b->time_us[b->n] = r->time_us;
	b->tool[b->n] = intern_id(&im->strs, tool);
	b->feature[b->n] = intern_id(&im->strs, feature);
	b->workflow[b->n] = intern_id(&im->strs, workflow);
	b->count[b->n] = (uint32_t)r->count;
	if (++b->n == USAGE_BLOCK_MAX)
		return flush_block(im, err);
	return 0;
}

/* In-place MSD radix sort (American flag sort), 8 bits a level. */
static void sort_keys(uint64_t *a, size_t n, unsigned shift)
{
	size_t cnt[256], next[256], end[256], i, b;

	if (n < 48) {
		for (i = 1; i < n; i++) {
			uint64_t v = a[i];
			size_t j = i;
			for (; j && a[j - 1] > v; j--)
				a[j] = a[j - 1];
			a[j] = v;
		}
		return;
	}
	memset(cnt, 0, sizeof(cnt));
	for (i = 0; i < n; i++)
		cnt[(a[i] >> shift) & 255]++;
	for (b = 0, i = 0; b < 256; b++) {
		next[b] = i;
		i += cnt[b];
		end[b] = i;
	}
	for (b = 0; b < 256; b++)
		while (next[b] < end[b]) {
			uint64_t v = a[next[b]];
			size_t d = (v >> shift) & 255;
			while (d != b) {
				uint64_t w = a[next[d]];
				a[next[d]++] = v;
				v = w;
				d = (v >> shift) & 255;
			}
			a[next[b]++] = v;
		}
	if (shift)
		for (b = 0; b < 256; b++)
			if (cnt[b] > 1)
				sort_keys(a + end[b] - cnt[b], cnt[b], shift - 8);
}

/*
 * Report the first row (in file order) that repeats an earlier one, or
 * return 0 when every event key is distinct.  A sorted copy of the keys
 * (8 bytes an event) is the only extra memory.
 */
static int check_dups(struct usage_import *im, struct aiv_err *err)
{
	size_t n = im->ndkeys, i, j, first = 0;
	uint64_t *sorted;
	struct u64set dupkeys, seen;
	int ret = 0, any = 0;

	if (n < 2)
		return 0;
	sorted = xmalloc(st_mult(n, sizeof(*sorted)));
	for (i = 0; i < n; i += DCHUNK)
		memcpy(sorted + i, im->dkeys[i >> DCHUNK_BITS],
		       (n - i < DCHUNK ? n - i : DCHUNK) * sizeof(*sorted));
	sort_keys(sorted, n, 56);
	u64set_init(&dupkeys);
	u64set_init(&seen);
	for (i = 1; i < n; i++)
		if (sorted[i] == sorted[i - 1]) {
			u64set_add(&dupkeys, sorted[i]);
			any = 1;
		}
	free(sorted);
	if (!any)
		goto cleanup;
	for (j = 0; j < n; j++)
		if (u64set_has(&dupkeys, DKEY(im, j)) && u64set_add(&seen, DKEY(im, j)))
			break;
	for (first = 0; first < j && DKEY(im, first) != DKEY(im, j); first++)
		;
	ret = aiv_fail_at(err, AIV_EINPUT, im->name, (long)DLINE(im, j), 0,
			  "duplicate row: same identity, time, tool, feature and workflow "
			  "as line %lu", (unsigned long)DLINE(im, first));
cleanup:
	u64set_release(&dupkeys);
	u64set_release(&seen);
	return ret;
}

/* Common part of seats and team rows: hash "TAG\tidentity\tday\textra\n". */
/*
 * The normalised identity of a per-person row into im->line (its length in
 * *idlen) and the person it resolves to (*pid, INTERN_NONE when none).
 */
static int person_of(struct usage_import *im, const char *identity, const char *what,
		     uint32_t *pid, size_t *idlen, struct aiv_err *err)
{
	struct strbuf *sb = &im->line;

	norm_identity(sb, identity ? identity : "");
	if (!sb->len)
		return aiv_fail(err, AIV_EINPUT, "cannot import '%s': %s row has an empty "
				"identity", im->name, what);
	*idlen = sb->len;
	*pid = resolve(im, sb->buf, *idlen);
	return 0;
}

static int emit_person_fact(struct usage_import *im, const char *tag,
			    struct store_bulk *b, const char *identity,
			    const char *extra, int64_t day, struct aiv_err *err)
{
	struct strbuf *sb = &im->line;
	size_t idlen = 0;
	uint32_t pid = INTERN_NONE;
	int ret;

	if ((ret = person_of(im, identity, tag, &pid, &idlen, err)))
		return ret;
	strbuf_addch(sb, '\t');
	add_int(sb, day, '\t');
	hash_field(sb, extra);
	strbuf_addch(sb, '\n');
	hash_add(im, tag, sb->buf, sb->len);
	if (!im->write)
		return 0;
	store_bulk_int(b, im->import_id);
	if (pid != INTERN_NONE)
		store_bulk_text(b, intern_str(&im->people, pid));
	else
		store_bulk_null(b);
	store_bulk_textn(b, sb->buf, idlen);
	store_bulk_text(b, extra);
	store_bulk_int(b, day);
	if (b == im->ins_seat)
		usage_seat_spans_note(im->spans, sb->buf, idlen, extra, pid, day);
	return store_bulk_row(b, err);
}

int usage_emit_seat(struct usage_import *im, const char *identity, const char *tool,
		    int64_t day, struct aiv_err *err)
{
	im->sum->seats++;
	return emit_person_fact(im, "S\t", im->ins_seat, identity, tool, day, err);
}

int usage_emit_tokens(struct usage_import *im, const char *identity, const char *tool,
		      const char *model, int64_t day, int64_t input, int64_t output,
		      struct aiv_err *err)
{
	struct strbuf *sb = &im->line;
	size_t idlen = 0;
	uint32_t pid = INTERN_NONE;
	int ret;

	if ((ret = person_of(im, identity, "token", &pid, &idlen, err)))
		return ret;
	strbuf_addch(sb, '\t');
	add_int(sb, day, '\t');
	hash_field(sb, tool);
	hash_field(sb, model);
	add_int(sb, input, '\t');
	add_int(sb, output, '\n');
	hash_add(im, "K\t", sb->buf, sb->len);
	im->sum->token_rows++;
	if (!im->write)
		return 0;
	store_bulk_int(im->ins_tokens, im->import_id);
	if (pid != INTERN_NONE)
		store_bulk_text(im->ins_tokens, intern_str(&im->people, pid));
	else
		store_bulk_null(im->ins_tokens);
	store_bulk_textn(im->ins_tokens, sb->buf, idlen);
	store_bulk_text(im->ins_tokens, tool);
	store_bulk_text(im->ins_tokens, model);
	store_bulk_int(im->ins_tokens, day);
	store_bulk_int(im->ins_tokens, input);
	store_bulk_int(im->ins_tokens, output);
	return store_bulk_row(im->ins_tokens, err);
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
		store_bulk_int(im->ins_wf, im->import_id);
		store_bulk_text(im->ins_wf, tool);
		store_bulk_text(im->ins_wf, workflow);
		store_bulk_text(im->ins_wf, title ? title : "");
		if (pid != INTERN_NONE)
			store_bulk_text(im->ins_wf, intern_str(&im->people, pid));
		else
			store_bulk_null(im->ins_wf);
		store_bulk_text(im->ins_wf, creator.buf);
		store_bulk_int(im->ins_wf, day);
		ret = store_bulk_row(im->ins_wf, err);
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
	if (u64set_add(&im->dups, fnv1a64(FNV1A64_INIT ^ 2, sb->buf,
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
	int ret;

	if ((ret = store_bulk_begin_deferred(im->s,
		"INSERT INTO usage_seats(import_id, person, identity, tool, day)"
		" VALUES (?,?,?,?,?)", &im->ins_seat, err)) ||
	    (ret = store_bulk_begin_deferred(im->s,
		"INSERT INTO usage_team_members(import_id, person, identity, team, day)"
		" VALUES (?,?,?,?,?)", &im->ins_team, err)) ||
	    (ret = store_bulk_begin_deferred(im->s,
		"INSERT INTO usage_workflows(import_id, tool, workflow, title, creator,"
		" creator_identity, day) VALUES (?,?,?,?,?,?,?)", &im->ins_wf, err)) ||
	    (ret = store_bulk_begin_deferred(im->s,
		"INSERT INTO usage_tokens(import_id, person, identity, tool, model, day,"
		" input_tokens, output_tokens) VALUES (?,?,?,?,?,?,?,?)", &im->ins_tokens, err)))
		return ret;
	return 0;
}

/* The per-person rows in their tables: before anything reads them (the seat spans). */
static int end_all(struct usage_import *im, struct aiv_err *err)
{
	struct store_bulk **b[] = { &im->ins_seat, &im->ins_team, &im->ins_wf, &im->ins_tokens };
	size_t i;
	int ret = 0, r;

	for (i = 0; i < sizeof(b) / sizeof(b[0]); i++) {
		if (ret)
			store_bulk_abort(*b[i]);
		else if ((r = store_bulk_end(*b[i], err)))
			ret = r;
		*b[i] = NULL;
	}
	return ret;
}

static void abort_all(struct usage_import *im)
{
	store_bulk_abort(im->ins_seat);
	store_bulk_abort(im->ins_team);
	store_bulk_abort(im->ins_wf);
	store_bulk_abort(im->ins_tokens);
	im->ins_seat = im->ins_team = im->ins_wf = im->ins_tokens = NULL;
}

/*
 * The workspace dictionaries as the last writing import in this process
 * left them at its commit, with the ledger head after it: identities and
 * their stored persons, strings, and the person names they point at (a
 * superset of the identity lookup's, with the same ids, since the import
 * started from a copy of it).  Only usage imports write the dictionaries,
 * each with a ledger entry (identities.import re-joins persons with its
 * own), so at the same head they are still what is stored: the demo's 140
 * imports read 33,000 identities once instead of 140 times.
 */
static struct {
	char *uri;
	int64_t head;
	char hash[SHA256_HEX];
	struct intern gids, strs, people;
	uint32_t *gid_stored;
	size_t agid_stored;
	unsigned id_gen;           /* people extends this generation's lookup */
} dict_cache;

static void dict_cache_drop(void)
{
	if (!dict_cache.uri)
		return;
	free(dict_cache.uri);
	dict_cache.uri = NULL;
	intern_release(&dict_cache.gids);
	intern_release(&dict_cache.strs);
	intern_release(&dict_cache.people);
	free(dict_cache.gid_stored);
	dict_cache.gid_stored = NULL;
	dict_cache.agid_stored = 0;
}

/* Take the cached dictionaries if they are still true (inside the transaction). */
static int dict_cache_take(struct usage_import *im)
{
	struct aiv_err e = AIV_ERR_INIT;
	char hash[SHA256_HEX];
	int64_t head;

	if (!dict_cache.uri || !im->write || !im->id_cached || im->id_gen != dict_cache.id_gen ||
	    strcmp(dict_cache.uri, store_uri(im->s)) || ledger_head(im->s, &head, hash, &e) ||
	    head != dict_cache.head || strcmp(hash, dict_cache.hash)) {
		dict_cache_drop();
		return 0;
	}
	intern_release(&im->gids);
	intern_release(&im->strs);
	intern_release(&im->people);
	im->gids = dict_cache.gids;
	im->strs = dict_cache.strs;
	im->people = dict_cache.people;
	free(im->gid_stored);
	im->gid_stored = dict_cache.gid_stored;
	im->ngids_stored = intern_count(&im->gids);
	im->nstrs_stored = intern_count(&im->strs);
	free(dict_cache.uri);
	dict_cache.uri = NULL;
	intern_init(&dict_cache.gids);
	intern_init(&dict_cache.strs);
	intern_init(&dict_cache.people);
	dict_cache.gid_stored = NULL;
	dict_cache.agid_stored = 0;
	return 1;
}

/*
 * After the commit: keep the dictionaries as save_dicts() left them in the
 * store (each identity's person: the one this import resolved, else the
 * stored one), true at HEAD (as id_cache_advance()).
 */
static void dict_cache_keep(struct usage_import *im, int64_t head, const char *hash)
{
	size_t i, n = intern_count(&im->gids);
	uint32_t *stored;

	dict_cache_drop();
	if (!im->id_cached || head < 0)
		return;
	stored = xmalloc(st_mult(n + 1, sizeof(*stored)));
	for (i = 0; i < n; i++) {
		uint32_t pid = i < im->agid ? im->gid_person[i] : GID_UNSEEN;
		if (pid == GID_UNSEEN || pid == INTERN_NONE)
			stored[i] = i < im->ngids_stored ? im->gid_stored[i] : INTERN_NONE;
		else
			stored[i] = pid;
	}
	dict_cache.head = head;
	memcpy(dict_cache.hash, hash, SHA256_HEX);
	dict_cache.uri = xstrdup(store_uri(im->s));
	dict_cache.id_gen = im->id_gen;
	dict_cache.gids = im->gids;
	dict_cache.strs = im->strs;
	dict_cache.people = im->people;
	dict_cache.gid_stored = stored;
	dict_cache.agid_stored = n + 1;
	intern_init(&im->gids);
	intern_init(&im->strs);
	intern_init(&im->people);
}

/*
 * Load the workspace dictionaries: identity and string ids are dense
 * (0, 1, 2, ...), so loading in id order makes intern ids equal them.
 */
static int load_dicts(struct usage_import *im, struct aiv_err *err)
{
	struct store_stmt *st;
	size_t alloc = 0;
	int rc;

	if (dict_cache_take(im))
		return 0;

	st = store_prepare(im->s, "SELECT id, identity, person FROM usage_identities ORDER BY id",
			   err);
	if (!st)
		return err->code;
	while ((rc = store_step(st, err)) == STORE_ROW) {
		uint32_t gid = intern_id(&im->gids, store_col_text(st, 1));
		if ((int64_t)gid != store_col_int(st, 0)) {
			rc = aiv_fail(err, AIV_ESTATE, "usage identity %lld of '%s' is out of"
				      " sequence", (long long)store_col_int(st, 0), store_uri(im->s));
			break;
		}
		ALLOC_GROW(im->gid_stored, gid + 1, alloc);
		im->gid_stored[gid] = store_col_is_null(st, 2) ? INTERN_NONE :
				      intern_id(&im->people, store_col_text(st, 2));
	}
	store_reset(st);
	if (rc < 0)
		return rc;
	im->ngids_stored = intern_count(&im->gids);
	st = store_prepare(im->s, "SELECT id, value FROM usage_strings ORDER BY id", err);
	if (!st)
		return err->code;
	while ((rc = store_step(st, err)) == STORE_ROW)
		if ((int64_t)intern_id(&im->strs, store_col_text(st, 1)) != store_col_int(st, 0)) {
			rc = aiv_fail(err, AIV_ESTATE, "usage string %lld of '%s' is out of"
				      " sequence", (long long)store_col_int(st, 0), store_uri(im->s));
			break;
		}
	store_reset(st);
	im->nstrs_stored = intern_count(&im->strs);
	return rc < 0 ? rc : 0;
}

/*
 * Store persons newly resolved, then new identities (one bulk insert: on
 * PostgreSQL a COPY, not a round trip per identity) and new strings.
 */
static int save_dicts(struct usage_import *im, struct aiv_err *err)
{
	struct store_stmt *st;
	struct store_bulk *b = NULL;
	size_t i, n = intern_count(&im->gids);
	int ret;

	for (i = 0; i < n && i < im->ngids_stored; i++) {
		uint32_t pid = i < im->agid ? im->gid_person[i] : GID_UNSEEN;
		if (pid == GID_UNSEEN || pid == INTERN_NONE || pid == im->gid_stored[i])
			continue;
		st = store_prepare(im->s, "UPDATE usage_identities SET person = ?"
				   " WHERE id = ?", err);
		if (!st)
			return err->code;
		store_bind_text(st, 1, intern_str(&im->people, pid));
		store_bind_int(st, 2, (int64_t)i);
		if ((ret = step_reset(st, err)))
			return ret;
	}
	if (n > im->ngids_stored &&
	    (ret = store_bulk_begin(im->s, "INSERT INTO usage_identities(person, id, identity)"
				    " VALUES (?,?,?)", &b, err)))
		return ret;
	for (i = im->ngids_stored; i < n; i++) {
		uint32_t pid = i < im->agid ? im->gid_person[i] : GID_UNSEEN;
		if (pid == GID_UNSEEN || pid == INTERN_NONE)
			store_bulk_null(b);
		else
			store_bulk_text(b, intern_str(&im->people, pid));
		store_bulk_int(b, (int64_t)i);
		store_bulk_text(b, intern_str(&im->gids, (uint32_t)i));
		if ((ret = store_bulk_row(b, err))) {
			store_bulk_abort(b);
			return ret;
		}
	}
	if ((ret = store_bulk_end(b, err)))
		return ret;
	for (i = im->nstrs_stored; i < intern_count(&im->strs); i++) {
		st = store_prepare(im->s, "INSERT INTO usage_strings(id, value) VALUES (?,?)", err);
		if (!st)
			return err->code;
		store_bind_int(st, 1, (int64_t)i);
		store_bind_text(st, 2, intern_str(&im->strs, (uint32_t)i));
		if ((ret = step_reset(st, err)))
			return ret;
	}
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
	if ((rc = end_all(im, err)) || (rc = flush_block(im, err)) || (rc = save_dicts(im, err)) ||
	    (rc = usage_activity_import(im->s, im->import_id, err)) ||
	    (rc = usage_seat_spans_merge(im->s, im->spans, err)))
		return rc;
	if (sum->nunmatched) {
		struct store_bulk *b;
		if ((rc = store_bulk_begin(im->s, "INSERT INTO usage_unmatched(import_id, identity,"
					   " rows) VALUES (?,?,?)", &b, err)))
			return rc;
		for (i = 0; i < sum->nunmatched; i++) {
			store_bulk_int(b, im->import_id);
			store_bulk_text(b, sum->unmatched[i].identity);
			store_bulk_int(b, sum->unmatched[i].rows);
			if ((rc = store_bulk_row(b, err))) {
				store_bulk_abort(b);
				return rc;
			}
		}
		if ((rc = store_bulk_end(b, err)))
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
	json_object_set_new(payload, "tally", tally_json(&sum->tally));
	if (sum->token_rows)
		json_object_set_new(payload, "token_rows", json_integer(sum->token_rows));
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
	tally_init(&sum->tally, "rows");
	sum->tally.strict = o->strict;
	memset(&im, 0, sizeof(im));
	im.s = s;
	im.o = o;
	im.name = name;
	im.sum = sum;
	im.write = s && !o->dry_run;
	intern_init(&im.keys);
	intern_init(&im.people);
	intern_init(&im.unmatched);
	intern_init(&im.gids);
	intern_init(&im.strs);
	u64set_init(&im.dups);
	u64set_init(&im.snap);
	sha256_init(&im.hash);
	if (!s && !o->dry_run) {
		ret = aiv_fail(err, AIV_EINTERNAL, "usage import without a workspace must be a dry run");
		goto cleanup;
	}
	if (im.write) {
		int64_t last = 0;
		/* dictionaries are read inside the (immediate) transaction, so no
		 * other import can take the ids this one hands out */
		if ((ret = store_begin(s, err)))
			goto cleanup;
		in_tx = 1;
		if ((ret = prepare_all(&im, err)) ||
		    (ret = store_query_int(s, "SELECT coalesce(max(id), 0) FROM usage_imports",
					   &last, err)))
			goto cleanup;
		im.import_id = last + 1;
		im.block = xmalloc(sizeof(*im.block));
		im.block->n = 0;
		im.spans = usage_seat_spans_new(&im.people);
		snap_cache_take(&im);
	}
	if (s) {
		if ((ret = load_identities_cached(&im, err)) || (ret = load_dicts(&im, err)))
			goto cleanup;
	}
	im.person_seen = xcalloc(intern_count(&im.people) + 1, 1);
	if ((ret = rd->read(&im, f, err)) || (ret = check_dups(&im, err)))
		goto cleanup;
	if (!tally_balanced(&sum->tally)) {
		ret = aiv_fail(err, AIV_EINTERNAL, "reader '%s' accounted for %lld of %lld %s",
			       rd->format, (long long)(sum->tally.used + tally_skipped(&sum->tally)),
			       (long long)sum->tally.read, sum->tally.unit);
		goto cleanup;
	}
	if (sum->rows == 0 && sum->seats == 0 && sum->teams == 0 && sum->workflows == 0 &&
	    sum->skipped == 0 && sum->org_days == 0) {
		const struct tally *t = &sum->tally;
		if (t->nskips)
			ret = aiv_fail(err, AIV_EINPUT, "cannot import '%s': no usage rows in it: "
				       "%lld %s skipped, e.g. %s (first at %s)", name,
				       (long long)tally_skipped(t), t->unit, t->skips[0].what,
				       t->skips[0].where ? t->skips[0].where : name);
		else
			ret = aiv_fail(err, AIV_EINPUT, "cannot import '%s': no usage rows in it",
				       name);
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
			/*
			 * The head this transaction ends on, read inside it: the
			 * caches below are true there.  Read after the commit, a
			 * write by another process in between would be taken for
			 * this one's, and the next import would reuse ids it gave.
			 */
			struct aiv_err he = AIV_ERR_INIT;
			char head_hash[SHA256_HEX];
			int64_t head;

			if (ledger_head(s, &head, head_hash, &he))
				head = -1;
			if ((ret = store_commit(s, err)))
				goto cleanup;
			in_tx = 0;
			snap_cache_keep(&im, head, head_hash);
			id_cache_advance(&im, head, head_hash);
			usage_seat_spans_committed(s, head, head_hash);
			dict_cache_keep(&im, head, head_hash);
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
	abort_all(&im);
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
	intern_release(&im.gids);
	intern_release(&im.strs);
	u64set_release(&im.dups);
	u64set_release(&im.snap);
	free(im.recent);
	usage_seat_spans_free(im.spans);
	free(im.gid_person);
	free(im.gid_stored);
	free(im.block);
	for (i = 0; i < im.nchunks; i++) {
		free(im.dkeys[i]);
		free(im.dlines[i]);
	}
	free(im.dkeys);
	free(im.dlines);
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

/* The index migration 10 (ingest_schema.c) creates; stored as the same text. */
#define SEATS_PERSON_INDEX "CREATE INDEX IF NOT EXISTS usage_seats_person ON usage_seats(person)"

int usage_run_begin(struct store *s, struct aiv_err *err)
{
	return store_exec(s, "DROP INDEX IF EXISTS usage_seats_person", err);
}

int usage_run_end(struct store *s, struct aiv_err *err)
{
	return store_exec(s, SEATS_PERSON_INDEX, err);
}

int usage_rows_table(struct store *s, struct aiv_err *err)
{
	struct intern strs;
	struct usage_block *b = NULL;
	struct store_stmt *st, *ins;
	char **ident = NULL, **person = NULL;
	size_t nident = 0, aident = 0, aperson = 0, i;
	int own_tx = !store_in_tx(s), rc = 0;

	intern_init(&strs);
	if (own_tx && (rc = store_begin(s, err)))
		return rc;
	if ((rc = store_exec(s, "DROP TABLE IF EXISTS temp.usage_rows;"
			     "CREATE TEMP TABLE usage_rows AS SELECT import_id, person, identity,"
			     " time_us, day, tool, feature, workflow, count FROM usage_events", err)))
		goto cleanup;
	if (!(st = store_prepare(s, "SELECT id, identity, person FROM usage_identities ORDER BY id",
				 err))) {
		rc = err->code;
		goto cleanup;
	}
	while ((rc = store_step(st, err)) == STORE_ROW) {
		ALLOC_GROW(ident, nident + 1, aident);
		ALLOC_GROW(person, nident + 1, aperson);
		ident[nident] = xstrdup(store_col_text(st, 1));
		person[nident++] = store_col_is_null(st, 2) ? NULL : xstrdup(store_col_text(st, 2));
	}
	store_reset(st);
	if (rc < 0)
		goto cleanup;
	if (!(st = store_prepare(s, "SELECT value FROM usage_strings ORDER BY id", err))) {
		rc = err->code;
		goto cleanup;
	}
	while ((rc = store_step(st, err)) == STORE_ROW)
		intern_id(&strs, store_col_text(st, 0));
	store_reset(st);
	if (rc < 0)
		goto cleanup;
	b = xmalloc(sizeof(*b));
	if (!(st = store_prepare(s, "SELECT import_id, data FROM usage_blocks ORDER BY import_id, seq",
				 err)) ||
	    !(ins = store_prepare(s, "INSERT INTO temp.usage_rows(import_id, person, identity,"
				  " time_us, day, tool, feature, workflow, count)"
				  " VALUES (?,?,?,?,?,?,?,?,?)", err))) {
		rc = err->code;
		goto cleanup;
	}
	while ((rc = store_step(st, err)) == STORE_ROW) {
		uint32_t k;
		if (usage_block_decode(store_col_blob(st, 1), store_col_bytes(st, 1), b)) {
			rc = aiv_fail(err, AIV_ESTATE, "a usage block of '%s' is damaged", store_uri(s));
			break;
		}
		for (k = 0; k < b->n && rc >= 0; k++) {
			if (b->ident[k] >= nident) {
				rc = aiv_fail(err, AIV_ESTATE, "a usage block of '%s' names identity"
					      " %u, which is not stored", store_uri(s), b->ident[k]);
				break;
			}
			store_bind_int(ins, 1, store_col_int(st, 0));
			if (person[b->ident[k]])
				store_bind_text(ins, 2, person[b->ident[k]]);
			else
				store_bind_null(ins, 2);
			store_bind_text(ins, 3, ident[b->ident[k]]);
			store_bind_int(ins, 4, b->time_us[k]);
			store_bind_int(ins, 5, usage_day_of(b->time_us[k]));
			store_bind_text(ins, 6, intern_str(&strs, b->tool[k]));
			store_bind_text(ins, 7, intern_str(&strs, b->feature[k]));
			store_bind_text(ins, 8, intern_str(&strs, b->workflow[k]));
			store_bind_int(ins, 9, b->count[k]);
			rc = step_reset(ins, err);
		}
		if (rc < 0)
			break;
	}
	store_reset(st);
cleanup:
	if (own_tx) {
		if (rc >= 0)
			rc = store_commit(s, err);
		else
			store_rollback(s);
	}
	for (i = 0; i < nident; i++) {
		free(ident[i]);
		free(person[i]);
	}
	free(ident);
	free(person);
	free(b);
	intern_release(&strs);
	return rc < 0 ? rc : 0;
}
