/*
 * fuzz_adoption_config.c - libFuzzer target for the adoption thresholds
 * reader (data/adoption.yaml, `--config FILE`, $AIVALUE_ADOPTION): strict
 * YAML validation must reject, never crash.
 * Seeds: tests/fuzz/corpus/adoption_config.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "metrics/adoption.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct aiv_err err = AIV_ERR_INIT;
	struct adoption_config c;
	char *buf = malloc(size + 1);

	if (!buf)
		return 0;
	memcpy(buf, data, size);
	buf[size] = '\0';
	adoption_config_load_buf(&c, "fuzz.yaml", buf, size, &err);
	free(buf);
	return 0;
}
