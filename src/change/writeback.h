/*
 * writeback.h - after a merge, write the CR's new content to the
 * artefact's file, shared by `aivalue change merge` and
 * POST /api/v1/changes/{id}/merge so both leave the same file on disk.
 */
#ifndef AIV_CHANGE_WRITEBACK_H
#define AIV_CHANGE_WRITEBACK_H

#include "aiv.h"
#include "store/store.h"

/*
 * Write merged CR `cr`'s content to its artefact's path (atomically, via
 * a temporary file and rename) unless the file already holds it.  *written
 * gets the path written (caller frees) or NULL when nothing was written
 * (no path, or the file is already up to date).  AIV_EIO when the file
 * cannot be written: the merge stands, the message says what to do.
 */
int change_write_back(struct store *s, const char *cr, char **written,
		      struct aiv_err *err);

#endif
