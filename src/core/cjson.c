/*
 * cjson.c - canonical JSON serialisation; see cjson.h for the rules.
 *
 * jansson's own json_dumps() is close but not identical (uppercase \u
 * escapes, "%.17g" reals), and the ledger's verifiability by a stand-alone
 * script depends on every byte, so the walk is written out here.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aiv.h"
#include "cjson.h"
#include "xalloc.h"

static int cmp_keys(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/*
 * Python's float repr: the shortest digit string that round-trips; fixed
 * notation when the decimal exponent is in [-4, 16), else scientific with
 * at least two exponent digits; integral values keep a ".0".
 */
void cjson_add_real(struct strbuf *sb, double d)
{
	char buf[40], mant[40];
	int prec, exp10, ndig, i;
	char *e;

	if (!isfinite(d)) {
		/* JSON has no NaN/Infinity; jansson refuses them too */
		strbuf_addstr(sb, "null");
		return;
	}
	if (d == 0) {
		strbuf_addstr(sb, signbit(d) ? "-0.0" : "0.0");
		return;
	}
	for (prec = 1; prec <= 17; prec++) {
		snprintf(buf, sizeof(buf), "%.*e", prec - 1, d);
		if (strtod(buf, NULL) == d)
			break;
	}
	/* buf = [-]D[.DDD]e[+-]XX : split into digits and exponent */
	e = strchr(buf, 'e');
	exp10 = atoi(e + 1);
	*e = '\0';
	ndig = 0;
	for (i = 0; buf[i]; i++)
		if (buf[i] >= '0' && buf[i] <= '9')
			mant[ndig++] = buf[i];
	mant[ndig] = '\0';
	while (ndig > 1 && mant[ndig - 1] == '0')
		mant[--ndig] = '\0';
	if (d < 0)
		strbuf_addch(sb, '-');
	if (exp10 >= -4 && exp10 < 16) {
		if (exp10 < 0) {
			strbuf_addstr(sb, "0.");
			for (i = -1; i > exp10; i--)
				strbuf_addch(sb, '0');
			strbuf_addstr(sb, mant);
		} else if (ndig <= exp10 + 1) {
			strbuf_addstr(sb, mant);
			for (i = ndig; i <= exp10; i++)
				strbuf_addch(sb, '0');
			strbuf_addstr(sb, ".0");
		} else {
			strbuf_add(sb, mant, (size_t)exp10 + 1);
			strbuf_addch(sb, '.');
			strbuf_addstr(sb, mant + exp10 + 1);
		}
	} else {
		strbuf_addch(sb, mant[0]);
		if (ndig > 1) {
			strbuf_addch(sb, '.');
			strbuf_addstr(sb, mant + 1);
		}
		strbuf_addf(sb, "e%c%02d", exp10 < 0 ? '-' : '+', abs(exp10));
	}
}

void cjson_dump(struct strbuf *sb, const json_t *v)
{
	size_t i, n;

	switch (json_typeof(v)) {
	case JSON_OBJECT: {
		const char **keys;
		const char *key;
		json_t *val;

		n = json_object_size(v);
		keys = xmalloc(st_mult(n ? n : 1, sizeof(*keys)));
		i = 0;
		json_object_foreach((json_t *)v, key, val)
			keys[i++] = key;
		qsort(keys, n, sizeof(*keys), cmp_keys);
		strbuf_addch(sb, '{');
		for (i = 0; i < n; i++) {
			if (i)
				strbuf_addch(sb, ',');
			strbuf_add_json_str(sb, keys[i], strlen(keys[i]));
			strbuf_addch(sb, ':');
			cjson_dump(sb, json_object_get(v, keys[i]));
		}
		strbuf_addch(sb, '}');
		free(keys);
		break;
	}
	case JSON_ARRAY:
		strbuf_addch(sb, '[');
		n = json_array_size(v);
		for (i = 0; i < n; i++) {
			if (i)
				strbuf_addch(sb, ',');
			cjson_dump(sb, json_array_get(v, i));
		}
		strbuf_addch(sb, ']');
		break;
	case JSON_STRING:
		strbuf_add_json_str(sb, json_string_value(v), json_string_length(v));
		break;
	case JSON_INTEGER:
		strbuf_addf(sb, "%lld", (long long)json_integer_value(v));
		break;
	case JSON_REAL:
		cjson_add_real(sb, json_real_value(v));
		break;
	case JSON_TRUE:
		strbuf_addstr(sb, "true");
		break;
	case JSON_FALSE:
		strbuf_addstr(sb, "false");
		break;
	case JSON_NULL:
	default:
		strbuf_addstr(sb, "null");
		break;
	}
}

char *cjson_dumps(const json_t *v)
{
	struct strbuf sb = STRBUF_INIT;

	cjson_dump(&sb, v);
	return strbuf_detach(&sb, NULL);
}

const char *json_str(const json_t *obj, const char *key)
{
	json_t *v = json_object_get(obj, key);

	return json_is_string(v) ? json_string_value(v) : NULL;
}

json_t *cjson_str_array(char *const *v, size_t n)
{
	json_t *arr = json_array();
	size_t i;

	for (i = 0; i < n; i++)
		json_array_append_new(arr, json_string(v[i]));
	return arr;
}
