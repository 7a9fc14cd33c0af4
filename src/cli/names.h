/*
 * names.h - objects and ledger entries in words for the CLI's printers:
 * an object's title where the workspace has one instead of its id, and a
 * ledger entry's kind as a phrase instead of its action code.
 */
#ifndef AIV_CLI_NAMES_H
#define AIV_CLI_NAMES_H

#include "core/strbuf.h"
#include "store/store.h"

/*
 * A subject ("initiative/claims-triage-agent", "Person/ana",
 * "organisation", "tools", "change-control") in words appended to sb: the kind in
 * lower case and the object's title or display name from the workspace
 * ("initiative Claims triage agent"), its id when it has neither or no
 * longer exists, "the whole organisation", "the AI tools in use", or the subject with '-' and
 * '_' as spaces when it names no object kind.  Reads only.
 */
void cli_subject_words(struct strbuf *sb, struct store *s, const char *subject);
/*
 * The title (or display name) of object `name` of `kind` ("team",
 * "person", "starterworkflow": a kind apply knows), appended to sb; its
 * name when it has neither or does not exist.  Reads only.
 */
void cli_object_title(struct strbuf *sb, struct store *s, const char *kind, const char *name);
/*
 * A ledger action ("apply.create", "phase.verdict") as a phrase
 * ("created", "recorded the phase verdict"); an action this table does not
 * know reads as its words ("spans import").  Appends to sb.
 */
void cli_action_words(struct strbuf *sb, const char *action);

#endif
