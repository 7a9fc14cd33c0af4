/*
 * control.c - what every part of model 5's control layer shares: outcome
 * names, releasing a decision, ISO-8601 durations and time-ordered ids.
 *
 * The layer is split by concern (control_int.h draws how they fit):
 *   snapshot.c      policies, entities and agents loaded once, reference counted
 *   evaluate.c      request -> decision against a snapshot, no store access
 *   commit.c        recording evaluated decisions: one transaction, group commit
 *   queue.c         the exception queue: expiry, list, show, approve/reject/reassign
 *   decision_log.c  the decision log: rows, ledger batches, verify, list and pages
 *   spans.c         observed tool calls (OTel GenAI spans) and shadow actions
 *   readiness.c     the six readiness figures of a workflow
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "control_int.h"

const char *control_outcome_name(int outcome)
{
	return outcome == CONTROL_ALLOW ? "allow" : outcome == CONTROL_ESCALATE ? "escalate"
										: "deny";
}

void control_decision_release(struct control_decision *d)
{
	json_decref(d->policies);
	json_decref(d->errors);
	memset(d, 0, sizeof(*d));
}

int control_parse_duration(const char *s, int64_t *us)
{
	int64_t total = 0;
	int in_time = 0, any = 0;

	if (*s++ != 'P')
		return -1;
	while (*s) {
		int64_t v = 0, mult;
		int digits = 0;
		if (*s == 'T') {
			if (in_time)
				return -1;
			in_time = 1;
			s++;
			continue;
		}
		while (*s >= '0' && *s <= '9') {
			if (v > 100000000)
				return -1;
			v = v * 10 + (*s++ - '0');
			digits++;
		}
		if (!digits)
			return -1;
		switch (*s) {
		case 'W': if (in_time) return -1; mult = 7 * 86400LL; break;
		case 'D': if (in_time) return -1; mult = 86400LL; break;
		case 'H': if (!in_time) return -1; mult = 3600LL; break;
		case 'M': if (!in_time) return -1; mult = 60LL; break;
		case 'S': if (!in_time) return -1; mult = 1LL; break;
		default: return -1;
		}
		s++;
		total += v * mult * 1000000LL;
		any = 1;
	}
	if (!any)
		return -1;
	*us = total;
	return 0;
}

/*
 * PREFIX-TTTTTTTTTTTTRRRRRRRRRRRRRRRR: 48 bits of microseconds since the
 * epoch, then 64 random bits, in hex.  Ids made later sort later (within
 * a clock's precision), so the UNIQUE index on decision_log.id grows at
 * its end instead of touching a random page per decision: at thousands
 * of decisions a second that is most of what a commit writes.  The random
 * part keeps ids unique across threads and processes.
 */
void control_new_id(char *out, size_t n, const char *prefix)
{
	/* the random bits come from the CSPRNG in blocks, one call per 64 ids */
	static _Thread_local uint8_t pool[512];
	static _Thread_local size_t used = sizeof(pool);
	static const char digits[] = "0123456789abcdef";
	uint8_t *b;
	char id[96], *o = id;
	size_t plen = strlen(prefix), len;
	uint64_t t = (uint64_t)time_now_us() & 0xFFFFFFFFFFFFULL;
	int sh;

	if (used + 8 > sizeof(pool)) {
		if (random_bytes(pool, sizeof(pool)))
			memset(pool, 0, sizeof(pool));
		used = 0;
	}
	b = pool + used;
	used += 8;
	/*
	 * "%s-%012llx" and the 16 hex digits written out: snprintf was 1,300
	 * of the 2,100 instructions of each of a decision's one or two ids.
	 */
	if (plen > sizeof(id) - 30) { /* prefixes are a few letters */
		char hex[17];
		hex_encode(b, 8, hex);
		snprintf(out, n, "%s-%012llx%s", prefix, (unsigned long long)t, hex);
		return;
	}
	memcpy(o, prefix, plen);
	o += plen;
	*o++ = '-';
	for (sh = 44; sh >= 0; sh -= 4)
		*o++ = digits[(t >> sh) & 15];
	hex_encode(b, 8, o);
	o += 16;
	len = (size_t)(o - id);
	if (n) {
		if (len >= n)
			len = n - 1;
		memcpy(out, id, len);
		out[len] = '\0';
	}
}

/*
 * Built with the object calls rather than json_pack, whose format parsing
 * was 1.5% of the HTTP worker threads' CPU (every decision's context gets
 * its workflow this way).  NULL, as json_pack gave, when a string is not
 * UTF-8.
 */
json_t *control_uidj(const char *type, const char *id)
{
	json_t *t = json_string(type), *i = json_string(id), *e, *o;

	if (!t || !i) {
		json_decref(t);
		json_decref(i);
		return NULL;
	}
	e = json_object();
	o = json_object();
	json_object_set_new_nocheck(e, "type", t);
	json_object_set_new_nocheck(e, "id", i);
	json_object_set_new_nocheck(o, "__entity", e);
	return o;
}

int control_step_texts(struct store_stmt *st, char ***out, size_t *n, struct aiv_err *err)
{
	size_t alloc = 0;
	int rc;

	*out = NULL;
	*n = 0;
	while ((rc = store_step(st, err)) == STORE_ROW) {
		ALLOC_GROW(*out, *n + 1, alloc);
		(*out)[(*n)++] = xstrdup(store_col_text(st, 0));
	}
	store_reset(st);
	return rc < 0 ? rc : 0;
}

void control_texts_free(char **v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}
