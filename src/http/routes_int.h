/*
 * routes_int.h - what the files of the route layer share (routes.c,
 * auth.c, authz.c, openapi.c, response.c); handlers use routes.h.
 */
#ifndef AIV_HTTP_ROUTES_INT_H
#define AIV_HTTP_ROUTES_INT_H

#include <stddef.h>

#include <jansson.h>

/* Names of the {params} of a pattern, in order, into caller's `names` (routes.c). */
size_t http_pattern_params(const char *pattern, char names[][64], size_t cap);

/* The names of the roles in the bit set `roles`, in table order (authz.c; new reference). */
json_t *http_roles_json(unsigned roles);

/* 1 when the len bytes at s are well-formed UTF-8 with no NUL (response.c). */
int http_utf8_valid(const char *s, size_t len);

#endif
