/*
 * names.c - objects and ledger entries in words (names.h).
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "apply/apply.h"
#include "names.h"

/* "customer_service" as "customer service". */
static void add_id_words(struct strbuf *sb, const char *id, size_t len)
{
	size_t i;

	for (i = 0; i < len && id[i]; i++)
		strbuf_addch(sb, id[i] == '_' || id[i] == '-' || id[i] == '.' || id[i] == '/' ? ' ' : id[i]);
}

/* The object's title, else its display name, else its id (the object not found). */
static void add_title(struct strbuf *sb, struct store *s, const struct kind_ops *k,
		      const char *id)
{
	struct aiv_err err = AIV_ERR_INIT;
	json_t *arr = NULL;

	if (!apply_get(s, k, id, &arr, &err)) {
		json_t *o = json_array_get(arr, 0);
		const char *name = json_string_value(json_object_get(o, "title"));
		if (!name || !*name)
			name = json_string_value(json_object_get(o, "display_name"));
		if (name && *name) {
			strbuf_addstr(sb, name);
			json_decref(arr);
			return;
		}
	}
	json_decref(arr);
	strbuf_addstr(sb, id);
}

void cli_subject_words(struct strbuf *sb, struct store *s, const char *subject)
{
	const char *slash = strchr(subject, '/');
	const struct kind_ops *k;
	char kind[64];
	size_t i;

	if (!strcmp(subject, "organisation")) {
		strbuf_addstr(sb, "the whole organisation");
		return;
	}
	if (!strcmp(subject, "tools")) { /* shadow AI: tools seen in usage */
		strbuf_addstr(sb, "the AI tools in use");
		return;
	}
	k = NULL;
	if (slash && (size_t)(slash - subject) < sizeof(kind)) {
		snprintf(kind, sizeof(kind), "%.*s", (int)(slash - subject), subject);
		k = apply_kind(kind);
	}
	if (!k) {
		add_id_words(sb, subject, strlen(subject));
		return;
	}
	for (i = 0; k->singular[i]; i++)
		strbuf_addch(sb, tolower((unsigned char)k->singular[i]));
	strbuf_addch(sb, ' ');
	add_title(sb, s, k, slash + 1);
}

void cli_object_title(struct strbuf *sb, struct store *s, const char *kind, const char *name)
{
	const struct kind_ops *k = apply_kind(kind);

	if (k)
		add_title(sb, s, k, name);
	else
		strbuf_addstr(sb, name);
}

void cli_action_words(struct strbuf *sb, const char *action)
{
	static const struct { const char *action, *words; } known[] = {
		{ "apply.create", "created" },
		{ "apply.update", "changed" },
		{ "apply.delete", "deleted" },
		{ "artefacts.sync", "synced artefacts" },
		{ "assess.answers", "answered the readiness questionnaire" },
		{ "assess.import", "imported readiness answers" },
		{ "baseline.create", "took a baseline" },
		{ "change.open", "opened a change request" },
		{ "change.evidence", "attached change evidence" },
		{ "change.merge", "merged a change request" },
		{ "change.release", "released a change" },
		{ "change.done", "closed a change request" },
		{ "decisions.batch", "recorded agent decisions" },
		{ "evidence.import", "imported hypothesis evidence" },
		{ "identities.import", "imported identities" },
		{ "import.cases", "imported an event log" },
		{ "journeys.import", "imported customer journeys" },
		{ "phase.verdict", "recorded the phase verdict" },
		{ "session.create", "signed in" },
		{ "session.delete", "signed out" },
		{ "spans.import", "imported agent spans" },
		{ "token.create", "created an API token" },
		{ "token.revoke", "revoked an API token" },
		{ "usage.import", "imported AI usage" },
		{ "workspace.init", "created the workspace" },
	};
	size_t i;

	for (i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
		if (!strcmp(action, known[i].action)) {
			strbuf_addstr(sb, known[i].words);
			return;
		}
	}
	add_id_words(sb, action, strlen(action));
}
