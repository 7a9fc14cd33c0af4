/*
 * schema.c - registers every layer's tables with the store, in layer order.
 *
 * Each layer owns its tables and their migrations (src/<layer>/<layer>_schema.c);
 * the store may not call up into the layers, so the top of the program
 * hands them down once at start-up.  The order is the layer order of
 * DESIGN.md, which is also the order the parts of a shared version run in.
 * Every program that opens a store (the binary, unit tests, benches,
 * fuzzers) calls cli_register_schema() first.
 */
#include "cli/cmd.h"
#include "ingest/usage_activity.h"
#include "store/store.h"

/* Defined in each layer's *_schema.c; only this file needs to name them. */
extern const struct store_schema ledger_tables;
extern const struct store_schema apply_tables;
extern const struct store_schema org_tables;
extern const struct store_schema ingest_tables;
extern const struct store_schema change_tables;
extern const struct store_schema control_tables;
extern const struct store_schema assess_tables;

void cli_register_schema(void)
{
	static const struct store_schema *const layers[] = {
		&ledger_tables, &apply_tables, &org_tables, &ingest_tables,
		&change_tables, &control_tables, &assess_tables,
	};
	size_t i;

	for (i = 0; i < sizeof(layers) / sizeof(layers[0]); i++)
		store_schema_register(layers[i]);
	/* the monthly activity rollup is filled from the blocks (issue 19) */
	store_fill_register(USAGE_ACTIVITY_VERSION, usage_activity_backfill);
}
