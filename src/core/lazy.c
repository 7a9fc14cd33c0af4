#include "aiv.h"
/*
 * lazy.c - dlopen and dlsym for the forwarders of lazy.h.
 */
#include <dlfcn.h>

#include "lazy.h"

int lazy_open(const char *what, const char *soname, const struct lazy_sym *syms, size_t n,
	      char *why, size_t whylen)
{
	void *h = dlopen(soname, RTLD_NOW | RTLD_LOCAL);
	size_t i;

	if (!h) {
		snprintf(why, whylen, "%s", dlerror());
	} else {
		for (i = 0; i < n && !why[0]; i++) {
			/* POSIX: a function's address from dlsym goes through void * */
			if (!(*syms[i].slot = dlsym(h, syms[i].name)))
				snprintf(why, whylen, "%s: %s", syms[i].name, dlerror());
		}
	}
	if (why[0])
		fprintf(stderr, "aivalue: %s cannot load its libraries: %s\n", what, why);
	return why[0] ? -1 : 0;
}
