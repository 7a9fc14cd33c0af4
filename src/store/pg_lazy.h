/*
 * pg_lazy.h - libpq opened on first use (pg_lazy.c): NULL when it is
 * there, else why not (the loader's message, naming the library or the
 * missing symbol).  Internal to store/.
 */
#ifndef AIV_STORE_PG_LAZY_H
#define AIV_STORE_PG_LAZY_H

const char *pg_lazy_ready(void);

#endif
