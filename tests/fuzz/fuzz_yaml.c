/*
 * fuzz_yaml.c - libFuzzer target for core/yaml.c: ydocs_load() and
 * yaml_to_json() on arbitrary bytes, the path every YAML input takes
 * (catalog, apply -f, readiness answers over HTTP, sync front matter).
 *
 * Beyond "never crash", it checks the alias bound: whatever is accepted
 * holds at most the written nodes plus AIV_YAML_MAX_ALIAS_NODES, and
 * every written node takes at least one input byte (a key and its empty
 * value can share one: twice that, to be safe), so the JSON of all
 * documents has at most 2 * size + AIV_YAML_MAX_ALIAS_NODES values (with
 * one spare per document for a root the input did not spell out).  A
 * billion-laughs input that got past the bound would abort here rather
 * than eat the fuzzer's memory.  Seeds in tests/fuzz/corpus/yaml/.
 */
#include <stdint.h>
#include <stdlib.h>

#include "core/yaml.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Values in v, stopping once past `cap`. */
static size_t json_values(json_t *v, size_t cap)
{
	size_t n = 1, i;
	const char *k;
	json_t *x;

	if (json_is_array(v)) {
		json_array_foreach(v, i, x) {
			if (n > cap)
				break;
			n += json_values(x, cap - n);
		}
	} else if (json_is_object(v)) {
		json_object_foreach(v, k, x) {
			if (n > cap)
				break;
			n += 1 + json_values(x, cap - n); /* the key and its value */
		}
	}
	return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct aiv_err err = AIV_ERR_INIT;
	struct ydocs d;
	size_t i, cap, total = 0;

	if (ydocs_load(&d, "fuzz.yaml", (const char *)data, size, &err)) {
		if (!err.msg[0])
			abort(); /* a failure says why */
		return 0;
	}
	cap = 2 * size + AIV_YAML_MAX_ALIAS_NODES + d.n;
	for (i = 0; i < d.n; i++) {
		json_t *j = yaml_to_json(fy_document_root(d.docs[i]));
		total += json_values(j, cap);
		json_decref(j);
		if (total > cap)
			abort(); /* aliases expanded past their bound */
	}
	ydocs_release(&d);
	return 0;
}
