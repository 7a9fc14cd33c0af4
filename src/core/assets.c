/*
 * assets.c - lookup in the embedded asset table (a handful of entries, so
 * a linear scan is the right data structure).
 */
#include <string.h>

#include "aiv.h"
#include "assets.h"

const struct aiv_asset *asset_find(const char *path)
{
	const struct aiv_asset *a;

	for (a = aiv_assets; a->path; a++)
		if (!strcmp(a->path, path))
			return a;
	return NULL;
}
