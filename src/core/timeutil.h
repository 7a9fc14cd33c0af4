/*
 * timeutil.h - time as int64 microseconds since the Unix epoch, UTC.
 *
 * Every timestamp aivalue stores or hashes is UTC with microseconds, in
 * the one text form "2026-11-25T23:26:20.123456Z".  AIVALUE_FAKE_TIME
 * (same form, or integer microseconds) pins "now" for reproducible tests.
 */
#ifndef AIV_TIMEUTIL_H
#define AIV_TIMEUTIL_H

#include <stddef.h>
#include <stdint.h>

#define TIME_ISO_LEN 28 /* "YYYY-MM-DDTHH:MM:SS.uuuuuuZ" and NUL */

int64_t time_now_us(void);
/*
 * Microseconds on the monotonic clock (never faked, never stepped): for
 * durations, timeouts and cache ages, which AIVALUE_FAKE_TIME must not
 * freeze.
 */
int64_t time_mono_us(void);
/* Format `us` as above; out must hold TIME_ISO_LEN bytes. */
void time_format_us(int64_t us, char out[TIME_ISO_LEN]);
/*
 * The one date-time parser of the program.  Every reader (XES, CSV,
 * JSONL, OCEL, usage exports, YAML dates) calls time_parse() with the
 * format it expects; the wrappers below (time_parse_iso, ingest_parse_time,
 * usage_parse_time) are fixed choices of options.  Accepted, by option:
 *
 *   year first (always)  YYYY-MM-DD, with TIME_DATE_SEPS also YYYY/MM/DD
 *   year last            DD-MM-YYYY / DD/MM/YYYY / DD.MM.YYYY (order DMY)
 *                        MM/DD/YYYY / MM-DD-YYYY / MM.DD.YYYY (order MDY)
 *                        day and month may have one digit (3/5/2024)
 *   then optionally      'T' or ' ', HH:MM[:SS][.f|,f] (fraction of any
 *                        length, kept to microseconds; one-digit hours in
 *                        year-last dates), then 'Z', +HH:MM, +HHMM or +HH
 *                        (none means UTC); " UTC" with TIME_UTC_WORD;
 *                        24:00[:00] as the end of the day with TIME_END_OF_DAY
 *   epoch                digits only (optional fraction): seconds or
 *                        milliseconds as told, or with TIME_EPOCH_AUTO by
 *                        magnitude (9 or more digits; < 1e11 seconds, < 1e14
 *                        milliseconds, < 1e17 microseconds, else nanoseconds)
 *
 * Dates the calendar does not have (2024-02-30, 2023-02-29) are refused,
 * never rolled over; so are hours > 23, minutes > 59, seconds > 60 and
 * offsets beyond 23:59.  A year-last date with order TIME_ORDER_ISO is
 * refused: the caller must say (or detect) which order it is.
 */
enum time_order {
	TIME_ORDER_ISO = 0, /* year first only */
	TIME_ORDER_DMY,     /* year-last dates are day-first */
	TIME_ORDER_MDY,     /* year-last dates are month-first */
};

enum time_epoch {
	TIME_EPOCH_NONE = 0, /* digits alone are not a time */
	TIME_EPOCH_AUTO,     /* by magnitude, see above */
	TIME_EPOCH_S,
	TIME_EPOCH_MS,
	TIME_EPOCH_US,
	TIME_EPOCH_NS,
};

enum {
	TIME_TRIM = 1 << 0,        /* blanks and tabs around the text are ignored */
	TIME_DATE_SEPS = 1 << 1,   /* '/' (and '.' year-last) between date parts */
	TIME_UTC_WORD = 1 << 2,    /* a trailing " UTC" */
	TIME_END_OF_DAY = 1 << 3,  /* 24:00[:00] */
};

struct time_format {
	enum time_order order;
	enum time_epoch epoch;
	unsigned flags;            /* TIME_TRIM | ... */
};

/*
 * Parse s[0..len) (need not be NUL-terminated) as format f says into UTC
 * microseconds.  Returns 0, or -1 with *us unchanged.
 */
int time_parse(const char *s, size_t len, const struct time_format *f, int64_t *us);

/*
 * For date-order detection: which orders can read s as a year-last date,
 * as a bit set of (1 << TIME_ORDER_DMY) and (1 << TIME_ORDER_MDY); 0 when
 * s is not a year-last date ('03/04/2024' gives both, '13/04/2024' DMY).
 */
unsigned time_orders_possible(const char *s, size_t len, const struct time_format *f);

/*
 * The unit TIME_EPOCH_AUTO would read s in (TIME_EPOCH_S ... _NS), or
 * TIME_EPOCH_NONE when s is not an epoch number.
 */
enum time_epoch time_epoch_unit(const char *s, size_t len, unsigned flags);

/*
 * Parse ISO-8601 / RFC 3339 (NUL-terminated; NULL is refused): date,
 * optional "T" or " " and time, optional fraction, optional "Z" or
 * "+HH:MM" / "-HHMM" / "+HH" offset (none means UTC).  Strict: no blanks
 * around, '-' between date parts, no epoch numbers.  Returns 0 or -1.
 */
int time_parse_iso(const char *s, int64_t *us);
/* Days since epoch of a civil date (proleptic Gregorian). */
int64_t time_days_from_civil(int64_t y, unsigned m, unsigned d);

#endif
