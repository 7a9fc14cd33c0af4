/*
 * fuzz_readiness.c - libFuzzer target for the questionnaire loader.
 *
 * The questionnaire is data an organisation edits by hand; whatever the
 * bytes, the loader must either accept them or return an error with a
 * location, never crash, leak or read out of bounds.  The catalog is the
 * built-in one, loaded once.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "assess/questionnaire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct catalog *cat;
	struct aiv_err err = AIV_ERR_INIT;
	struct questionnaire *q = NULL;

	if (!cat && catalog_load(&cat, NULL, &err))
		abort();
	if (questionnaire_load_buf(&q, cat, "fuzz.yaml", (const char *)data, size, &err) == 0) {
		if (!q || q->n == 0 || q->n > RQ_MAX_QUESTIONS)
			abort();
		questionnaire_free(q);
	} else if (q || !err.msg[0]) {
		abort(); /* a failure leaves nothing and says why */
	}
	return 0;
}
