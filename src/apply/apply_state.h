/*
 * apply_state.h - the apply layer's part of `audit verify --state`.
 *
 * The objects table (the applied specs) is checked against the ledger's
 * apply.* entries (ledger/bind.h): each spec must hash to what the last
 * entry recorded.  The typed tables the kinds write from those specs
 * (people, agents, policies, ...) are checked by replay: every verified
 * spec is put again into an empty in-memory workspace, kind by kind in
 * registration order, and each registered table must then be equal
 * there and in the workspace (ledger_state_compare).
 */
#ifndef AIV_APPLY_STATE_H
#define AIV_APPLY_STATE_H

/*
 * `table` is written by kind `kind`'s put from its spec alone; keys and
 * cols are comma-separated column lists (keys unique together).  The
 * owning layer calls this at start; the first call also registers the
 * objects and replay checks with the ledger.  The strings must be static.
 */
void apply_state_replay(const char *kind, const char *table, const char *keys,
			const char *cols);

#endif
