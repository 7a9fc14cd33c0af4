/*
 * assets.h - files compiled into the binary: web assets and the catalog.
 *
 * cmake/bin2c.cmake generates the table at build time; each asset's bytes
 * are followed by a NUL so text assets can be used as C strings.
 */
#ifndef AIV_ASSETS_H
#define AIV_ASSETS_H

#include <stddef.h>

struct aiv_asset {
	const char *path; /* relative to the source tree, e.g. "web/style.css" */
	const unsigned char *data;
	size_t len;
};

extern const struct aiv_asset aiv_assets[];

/* The asset at `path`, or NULL. */
const struct aiv_asset *asset_find(const char *path);

#endif
