/*
 * cjson.h - canonical JSON text for hashing, and small jansson helpers.
 *
 * The canonical form is what Python prints with
 *     json.dumps(v, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
 * so that an independent script can re-derive the bytes the ledger hashed:
 *   - object keys sorted by code point (byte order of UTF-8), no whitespace;
 *   - strings escape only '"', '\\' and U+0000..U+001F (\b \f \n \r \t,
 *     otherwise lowercase \u00xx); everything else is raw UTF-8;
 *   - integers in decimal; reals in the shortest text that reads back to
 *     the same double, laid out as Python's repr (1.0, 0.5, 1e-05, 1e+16).
 */
#ifndef AIV_CJSON_H
#define AIV_CJSON_H

#include <jansson.h>

#include "strbuf.h"

/* Append the canonical form of `v` to sb. */
void cjson_dump(struct strbuf *sb, const json_t *v);
/* Canonical form as a new string; caller frees. */
char *cjson_dumps(const json_t *v);
/* Append a double as Python's repr() writes it. */
void cjson_add_real(struct strbuf *sb, double d);

/* Borrowed string member or NULL when absent or not a string. */
const char *json_str(const json_t *obj, const char *key);

/* A new JSON array of the n strings v (the printers of typed string lists). */
json_t *cjson_str_array(char *const *v, size_t n);

#endif
