/*
 * timeutil.h - time as int64 microseconds since the Unix epoch, UTC.
 *
 * Every timestamp aivalue stores or hashes is UTC with microseconds, in
 * the one text form "2026-11-25T23:26:20.123456Z".  AIVALUE_FAKE_TIME
 * (same form, or integer microseconds) pins "now" for reproducible tests.
 */
#ifndef AIV_TIMEUTIL_H
#define AIV_TIMEUTIL_H

#include <stdint.h>

#define TIME_ISO_LEN 28 /* "YYYY-MM-DDTHH:MM:SS.uuuuuuZ" and NUL */

int64_t time_now_us(void);
/* Format `us` as above; out must hold TIME_ISO_LEN bytes. */
void time_format_us(int64_t us, char out[TIME_ISO_LEN]);
/*
 * Parse ISO-8601 / RFC 3339: date, optional "T" or " " and time, optional
 * fraction (up to 9 digits, kept to microseconds), optional "Z" or
 * "+HH:MM" / "-HHMM" offset (none means UTC).  Returns 0 or -1.
 */
int time_parse_iso(const char *s, int64_t *us);
/* Days since epoch of a civil date (proleptic Gregorian). */
int64_t time_days_from_civil(int64_t y, unsigned m, unsigned d);

#endif
