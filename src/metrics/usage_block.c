/*
 * usage_block.c - encoding and decoding columnar usage blocks; see
 * usage_block.h for the layout.
 *
 * On a little-endian host each column is one memcpy; elsewhere the
 * integers are converted one by one (same bytes on disk either way).
 */
#include <string.h>

#include "aiv.h"
#include "usage_block.h"

static const unsigned char magic[4] = { 'A', 'U', 'B', '1' };

static int host_le(void)
{
	const uint16_t one = 1;

	return *(const unsigned char *)&one == 1;
}

static void put32(unsigned char *p, const uint32_t *v, uint32_t n)
{
	uint32_t i;

	if (host_le()) {
		memcpy(p, v, (size_t)n * 4);
		return;
	}
	for (i = 0; i < n; i++, p += 4) {
		p[0] = (unsigned char)v[i];
		p[1] = (unsigned char)(v[i] >> 8);
		p[2] = (unsigned char)(v[i] >> 16);
		p[3] = (unsigned char)(v[i] >> 24);
	}
}

static void get32(uint32_t *v, const unsigned char *p, uint32_t n)
{
	uint32_t i;

	if (host_le()) {
		memcpy(v, p, (size_t)n * 4);
		return;
	}
	for (i = 0; i < n; i++, p += 4)
		v[i] = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
		       (uint32_t)p[3] << 24;
}

static void put64(unsigned char *p, const int64_t *v, uint32_t n)
{
	uint32_t i;
	int k;

	if (host_le()) {
		memcpy(p, v, (size_t)n * 8);
		return;
	}
	for (i = 0; i < n; i++)
		for (k = 0; k < 8; k++)
			*p++ = (unsigned char)((uint64_t)v[i] >> (8 * k));
}

static void get64(int64_t *v, const unsigned char *p, uint32_t n)
{
	uint32_t i;
	int k;

	if (host_le()) {
		memcpy(v, p, (size_t)n * 8);
		return;
	}
	for (i = 0; i < n; i++) {
		uint64_t u = 0;
		for (k = 7; k >= 0; k--)
			u = u << 8 | p[k];
		v[i] = (int64_t)u;
		p += 8;
	}
}

void usage_block_encode(const struct usage_block *b, unsigned char *out)
{
	uint32_t n = b->n;

	memcpy(out, magic, 4);
	put32(out + 4, &n, 1);
	out += 8;
	put32(out, b->ident, n);
	out += (size_t)n * 4;
	put64(out, b->time_us, n);
	out += (size_t)n * 8;
	put32(out, b->tool, n);
	out += (size_t)n * 4;
	put32(out, b->feature, n);
	out += (size_t)n * 4;
	put32(out, b->workflow, n);
	out += (size_t)n * 4;
	put32(out, b->count, n);
}

int usage_block_decode(const void *data, size_t len, struct usage_block *b)
{
	const unsigned char *p = data;
	uint32_t n;

	if (!p || len < 8 || memcmp(p, magic, 4))
		return -1;
	get32(&n, p + 4, 1);
	if (n > USAGE_BLOCK_MAX || len != usage_block_size(n))
		return -1;
	b->n = n;
	p += 8;
	get32(b->ident, p, n);
	p += (size_t)n * 4;
	get64(b->time_us, p, n);
	p += (size_t)n * 8;
	get32(b->tool, p, n);
	p += (size_t)n * 4;
	get32(b->feature, p, n);
	p += (size_t)n * 4;
	get32(b->workflow, p, n);
	p += (size_t)n * 4;
	get32(b->count, p, n);
	return 0;
}
