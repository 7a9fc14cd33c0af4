/*
 * timeparse.c - the time format event logs are read with.
 *
 * A fixed choice of options for the program's one date-time parser,
 * time_parse() in core/timeutil.c (see timeutil.h for the grammar):
 * blanks trimmed, '-' '/' '.' between date parts, year-last dates
 * day-first (the European reading; CSV columns that may be month-first go
 * through ingest_time_format() with a detected or given order instead),
 * Unix time by magnitude, " UTC" and 24:00 accepted.
 */
#include "core/timeutil.h"
#include "ingest/ingest.h"

void ingest_time_format(struct time_format *f, enum time_order order, enum time_epoch epoch)
{
	f->order = order;
	f->epoch = epoch;
	f->flags = TIME_TRIM | TIME_DATE_SEPS | TIME_UTC_WORD | TIME_END_OF_DAY;
}

int ingest_parse_time(const char *s, size_t len, int64_t *us)
{
	struct time_format f;

	ingest_time_format(&f, TIME_ORDER_DMY, TIME_EPOCH_AUTO);
	return time_parse(s, len, &f, us);
}
