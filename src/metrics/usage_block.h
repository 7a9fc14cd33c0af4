/*
 * usage_block.h - usage events as compact columnar blocks, the stored form
 * of imported usage (table usage_blocks, one BLOB per block).
 *
 * A row table costs SQLite a B-tree insert per event (and an index
 * insert), which held imports to about 300,000 events/s.  A block holds
 * up to USAGE_BLOCK_MAX events as six columns, every string replaced by
 * a dense id of a workspace-wide dictionary (usage_identities for the
 * normalised identity, usage_strings for tool, feature and workflow):
 *
 *   offset 0      "AUB1"            magic, format version 1
 *          4      n                 uint32, events in the block
 *          8      identity[n]       uint32  usage_identities.id
 *          8+4n   time_us[n]        int64   UTC microseconds
 *          8+12n  tool[n]           uint32  usage_strings.id
 *          8+16n  feature[n]        uint32  usage_strings.id
 *          8+20n  workflow[n]       uint32  usage_strings.id
 *          8+24n  count[n]          uint32  actions
 *
 * 8 + 28 n bytes, integers little-endian.  The person of an event is the
 * person of its identity (usage_identities.person), so joining an
 * identity later is one UPDATE of a small table, not of every event.
 */
#ifndef AIV_METRICS_USAGE_BLOCK_H
#define AIV_METRICS_USAGE_BLOCK_H

#include <stddef.h>
#include <stdint.h>

#define USAGE_BLOCK_MAX 65536
#define USAGE_BLOCK_EVENT_BYTES 28

struct usage_block {
	uint32_t n;
	uint32_t ident[USAGE_BLOCK_MAX];
	int64_t time_us[USAGE_BLOCK_MAX];
	uint32_t tool[USAGE_BLOCK_MAX], feature[USAGE_BLOCK_MAX];
	uint32_t workflow[USAGE_BLOCK_MAX], count[USAGE_BLOCK_MAX];
};

/* Day (since 1970-01-01, UTC) of a time in microseconds. */
static inline int64_t usage_block_day(int64_t us)
{
	const int64_t d = 86400000000LL;

	return us >= 0 ? us / d : -((-us + d - 1) / d);
}

/* Bytes of the encoded form of n events. */
static inline size_t usage_block_size(uint32_t n)
{
	return 8 + (size_t)n * USAGE_BLOCK_EVENT_BYTES;
}

/* Encode b into out, which holds usage_block_size(b->n) bytes. */
void usage_block_encode(const struct usage_block *b, unsigned char *out);
/*
 * Decode `len` bytes into b.  Returns 0, or -1 when the bytes are not a
 * block (bad magic or a length that does not match n).
 */
int usage_block_decode(const void *data, size_t len, struct usage_block *b);

#endif
