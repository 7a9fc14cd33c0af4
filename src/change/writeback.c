/*
 * writeback.c - write a merged change request's content to its file; see
 * writeback.h.  The store is the record; the file is the working copy the
 * owners edit, so it follows the merge unless someone already updated it
 * (artefacts sync, which proposed the change from the edited file).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "artefact.h"
#include "change.h"
#include "core/hash.h"
#include "writeback.h"

int change_write_back(struct store *s, const char *cr, char **written,
		      struct aiv_err *err)
{
	struct aiv_err ignore = AIV_ERR_INIT;
	char *buf = NULL, *path = NULL, fp[SHA256_HEX], nfp[SHA256_HEX], *tmp = NULL;
	size_t len = 0;
	FILE *f;
	int ret = 0, saved;

	*written = NULL;
	if ((ret = change_content(s, cr, &buf, &len, &path, err)))
		goto cleanup;
	if (!path)
		goto cleanup;
	sha256_hex(buf, len, nfp);
	if (artefact_file_fingerprint(path, fp, &ignore) == 0 && !strcmp(fp, nfp))
		goto cleanup; /* the file already holds the new content (sync) */
	tmp = xstrfmt("%s.aivalue-tmp", path);
	errno = 0;
	f = fopen(tmp, "wb");
	if (f) {
		int bad = fwrite(buf, 1, len, f) != len;
		if (fclose(f) != 0)
			bad = 1;
		if (!bad && rename(tmp, path) == 0) {
			*written = path;
			path = NULL;
			goto cleanup;
		}
	}
	saved = errno ? errno : EIO;
	unlink(tmp);
	ret = aiv_fail(err, AIV_EIO, "%s merged, but '%s' could not be written: %s; "
		       "write the new content there yourself", cr, path, strerror(saved));
cleanup:
	free(buf);
	free(path);
	free(tmp);
	return ret;
}
