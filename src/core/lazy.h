/*
 * lazy.h - a shared library opened the first time it is needed, not at
 * every start of the program (http/oidc_lazy.c, http/mhd_lazy.c, store/pg_lazy.c).
 *
 * Linked the usual way, libmicrohttpd (with GnuTLS), libcurl, libcjose and
 * libpq, and the thirty libraries they pull in (Kerberos, LDAP, ...), are
 * mapped and relocated by the dynamic loader at every start of aivalue,
 * whatever the command; only `serve`, single sign-on, the gateway's HTTP
 * upstreams and a postgresql:// workspace call them.  A *_lazy.c file defines the
 * library's functions that aivalue calls, each forwarding to the real
 * one through a pointer filled by lazy_open.  The executable does not
 * export these names (no -rdynamic), so the library's own internal calls
 * never land in the forwarders.  A function the code starts to call must
 * be added to its *_lazy.c, or the link fails (undefined reference),
 * which is the reminder.
 */
#ifndef AIV_CORE_LAZY_H
#define AIV_CORE_LAZY_H

#include <stddef.h>

/* one function to look up: its name, and where its address goes */
struct lazy_sym {
	const char *name;
	void **slot;
};

/*
 * dlopen soname (RTLD_NOW | RTLD_LOCAL) and fill every slot of syms[0..n);
 * 0, or -1 with why (a string of whylen bytes) saying what could not be
 * loaded, and the same message once on stderr, naming `what` ("serve",
 * "single sign-on").  why must be empty on entry.
 */
int lazy_open(const char *what, const char *soname, const struct lazy_sym *syms, size_t n,
	      char *why, size_t whylen);

/* a struct lazy_sym for a pointer field p.NAME of the forwarders' table */
#define LAZY_SYM_OF(p, name) { #name, (void **)&(p).name },

#endif
