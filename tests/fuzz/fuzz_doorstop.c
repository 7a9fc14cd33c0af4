/*
 * fuzz_doorstop.c - libFuzzer target for the Doorstop parsers
 * (change/sync.h): a .doorstop.yml settings block and an item file.  Any
 * bytes give a result or a located error, never a crash or a leak.
 */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "change/sync.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct aiv_err err = AIV_ERR_INIT;
	json_t *out = NULL;
	int ret;

	ret = syncp_doorstop_settings(".doorstop.yml", (const char *)data, size, &out, &err);
	if ((ret == 0) != (out != NULL))
		abort();
	json_decref(out);
	out = NULL;
	ret = syncp_doorstop_item("REQ001.yml", "REQ001", (const char *)data, size,
				  "requirement", "owner-team", &out, &err);
	if (ret != 0 && out)
		abort();
	if (out && strcmp(json_string_value(json_object_get(out, "name")), "REQ001"))
		abort();
	json_decref(out);
	return 0;
}
