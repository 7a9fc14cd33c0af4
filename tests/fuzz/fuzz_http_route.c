/*
 * fuzz_http_route.c - libFuzzer target for the parts of the HTTP layer
 * that read raw request bytes before any handler: route matching (method
 * and path), form decoding (POST /login bodies) and listen addresses.
 * Input: METHOD '\n' PATH '\n' BODY.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http/routes.h"
#include "http/server.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = xmalloc(size + 1), *method, *path, *body, *nl;
	struct http_request req;
	struct http_config cfg;
	struct aiv_err err = AIV_ERR_INIT;
	struct strbuf allow = STRBUF_INIT;
	int known;
	char *v;

	memcpy(buf, data, size);
	buf[size] = '\0';
	method = buf;
	nl = strchr(method, '\n');
	path = nl ? (*nl = '\0', nl + 1) : buf + size;
	nl = strchr(path, '\n');
	body = nl ? (*nl = '\0', nl + 1) : buf + size;

	memset(&req, 0, sizeof(req));
	if (http_route_match(&req, method, path, &known, &allow)) {
		size_t i;
		for (i = 0; i < req.nparams; i++)
			if (!req.param_values[i] || !*req.param_values[i] ||
			    strchr(req.param_values[i], '/'))
				abort(); /* a {param} is one non-empty segment */
	}
	http_request_release(&req);
	strbuf_release(&allow);

	req.body = body;
	req.body_len = strlen(body);
	v = http_form_value(&req, "token");
	free(v);

	http_parse_listen(&cfg, path, &err);
	free(buf);
	return 0;
}
