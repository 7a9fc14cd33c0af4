/*
 * unit.h - small helpers shared by the cmocka unit tests.
 *
 * Tests that read files of the source tree (data/framework.yaml,
 * examples/acme) find it through $AIVALUE_SRC_DIR, or the current
 * directory when that is unset: `make test` runs every test from the
 * repository root, so relative paths work there; to run a test binary
 * from elsewhere, set AIVALUE_SRC_DIR=/path/to/checkout.
 *
 * Tests that need a workspace make a private temporary directory
 * (unit_tmpdir) and remove it with unit_rmtree when done.
 */
#ifndef AIV_TESTS_UNIT_H
#define AIV_TESTS_UNIT_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "aiv.h"

/* Path of `rel` inside the source tree; caller frees. */
static inline char *unit_src_path(const char *rel)
{
	const char *root = getenv("AIVALUE_SRC_DIR");

	return xstrfmt("%s/%s", root && *root ? root : ".", rel);
}

/* A fresh private directory under $TMPDIR; caller frees the name. */
static inline char *unit_tmpdir(void)
{
	const char *t = getenv("TMPDIR");
	char *tmpl = xstrfmt("%s/aiv-unit.XXXXXX", t && *t ? t : "/tmp");

	if (!mkdtemp(tmpl)) {
		fprintf(stderr, "cannot make a temporary directory\n");
		abort();
	}
	return tmpl;
}

/* rm -rf dir (test scaffolding only; paths come from unit_tmpdir). */
static inline void unit_rmtree(const char *dir)
{
	char *cmd = xstrfmt("rm -rf '%s'", dir);

	if (system(cmd) != 0)
		fprintf(stderr, "# could not remove %s\n", dir);
	free(cmd);
}

/* Fail the test unless `hay` contains `needle`, showing both. */
#define assert_contains(hay, needle)                                          \
	do {                                                                  \
		const char *h_ = (hay), *n_ = (needle);                       \
		if (!h_ || !strstr(h_, n_))                                   \
			fail_msg("expected \"%s\" in \"%s\"", n_, h_ ? h_ : "(null)"); \
	} while (0)

#endif
