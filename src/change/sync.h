/*
 * sync.h - artefacts from a folder: Markdown/YAML files with front matter
 * (`aivalue artefacts sync DIR`) and Doorstop trees (`aivalue artefacts
 * import-doorstop DIR`).
 *
 * Front matter is the YAML block between a first line "---" and the next
 * line "---" of a Markdown file, or the whole of a .yaml/.yml file:
 *
 *     ---
 *     id: SOP-12                 # required
 *     kind: sop                  # required
 *     owner: kerem.sahin         # required
 *     depends_on: [POL-7, {id: POL-3, type: governed-by}]   # optional
 *     title: Motor claims intake # optional: else the first Markdown
 *                                # heading, else the file name
 *     version: 3                 # optional, used when first registered
 *     ---
 *
 * The artefact's fingerprint is the SHA-256 of the whole file.  A file
 * new to the store is registered (through the apply engine, so it gets
 * the same checks and ledger entries as `apply -f`); a known file whose
 * content changed becomes a proposed change request; an unchanged file
 * changes nothing, so sync is idempotent.
 *
 * Sync reads only files inside the folder: a symbolic link that leads
 * outside it (or nowhere) is an error naming the link.  Every import ends
 * with its accounting (core/tally.h): files read and used, what was not
 * used (other files, hidden ones, links to folders), the assumptions made
 * (default titles); it is in the result ("tally") and in the import's own
 * ledger entry ("artefacts.sync", "artefacts.import-doorstop"), which is
 * written only when the import changed something.
 *
 * Parsing is separate from the store (syncp_*), so the fuzz targets and
 * unit tests drive the parsers alone.
 */
#ifndef AIV_SYNC_H
#define AIV_SYNC_H

#include <jansson.h>

#include "aiv.h"
#include "core/progress.h"
#include "change.h"

/*
 * Parse one artefact file's front matter.  `name` is used in messages and
 * as the path; buf/len is its content.  *spec (new) gets {name, type,
 * title, owner, [version], path, fingerprint, [depends_on, edge_types],
 * [title_from: "heading" | "file name" when the title was not given]}.
 * Errors name FILE:LINE:COL and the field.
 */
int syncp_frontmatter(const char *name, const char *buf, size_t len, json_t **spec,
		      struct aiv_err *err);

/*
 * Doorstop document settings from a .doorstop.yml: {prefix, parent,
 * digits, sep, itemformat ("yaml" or "markdown"), [notes: [{what,
 * where}]]}.  Doorstop refuses settings it does not know; we read on and
 * name each in notes, with the other top-level blocks (attributes,
 * extensions), which we do not use.
 */
int syncp_doorstop_settings(const char *name, const char *buf, size_t len,
			    json_t **settings, struct aiv_err *err);
/*
 * Parse one Doorstop item (UID from its file name).  *spec (new) is an
 * artefact spec (type `type`, owner `owner`, depends_on the links with
 * type derives-from), or NULL when the item is inactive (active: false).
 */
int syncp_doorstop_item(const char *name, const char *uid, const char *buf, size_t len,
			const char *type, const char *owner, json_t **spec,
			struct aiv_err *err);
/*
 * The same for a YAML item or (markdown) a Markdown item with YAML front
 * matter, whose header is the body's first line when it is a level-1
 * heading and whose text is the rest, as Doorstop reads it.  *spec is
 * always set on success, with "skip": "inactive" | "heading" for items
 * that are not artefacts, "title_from": "header" | "text" | "uid", and
 * "notes": [{what, where}] naming attributes that hold something we do
 * not use (ref, references, level, reviewed, custom ones).
 */
int syncp_doorstop_entry(const char *name, const char *uid, const char *buf, size_t len,
			 int markdown, const char *type, const char *owner, json_t **spec,
			 struct aiv_err *err);

struct sync_args {
	const char *dir;
	const char *as;       /* person opening CRs for changed files */
	const char *reason;   /* their reason (default: "content changed in FILE") */
	const char *risk;
	int dry_run;
	/*
	 * May be NULL: progress(arg, files done, files) while the files are
	 * read, then again while they are stored.
	 */
	progress_fn progress;
	void *progress_arg;
};

/*
 * Sync a folder.  *out: {registered: [...], updated: [...], unchanged: N,
 * proposed: [CR summaries], tally: tally_json}.  All-or-nothing: the registrations and every
 * change-request opening (ledger entries included) are one transaction,
 * so on any error the store is unchanged.  A dry run performs the same
 * writes (change requests too, when a->as is given) and rolls back.
 */
int sync_dir(struct change_env *e, const struct sync_args *a, json_t **out,
	     struct aiv_err *err);

/*
 * Import a Doorstop tree; owner and type apply to every item.  One
 * transaction, as sync_dir; a dry run writes and rolls back.
 */
int sync_doorstop(struct change_env *e, const char *dir, const char *owner,
		  const char *type, int dry_run, json_t **out, struct aiv_err *err);

struct doorstop_args {
	const char *dir;
	const char *owner;  /* person or team owning every item */
	const char *type;   /* artefact type of every item */
	int dry_run;
	int strict;         /* a skipped item (inactive, heading) is an error */
};

/*
 * The same, with --strict.  *out: {dir, dry_run, documents: [settings +
 * items], registered, updated, unchanged, skipped_inactive_or_headings,
 * figures: {items, imported, inactive, headings, links}, tally}.  Items
 * are rows: each is imported or skipped (inactive, heading); a link to a
 * skipped item is dropped and counted as not used.
 */
int sync_doorstop_tree(struct change_env *e, const struct doorstop_args *a, json_t **out,
		       struct aiv_err *err);

#endif
