/*
 * units.h - figures as a person reads them: the one formatter for
 * durations, percentages, percentage points and plain numbers.
 *
 * Every printer that shows a measured figure to a person (pages, CLI
 * text, reports) goes through these, so a duration reads "2 d 03 h"
 * everywhere, a rate "16.0 %", a change in a rate "0.9 pp", and a number
 * never shows floating-point noise (no "9.592e+04": "95,922").  A value
 * that was not measured (NaN) reads "no data", never "0 s".
 *
 * All functions write a NUL-terminated string into buf (n bytes, 32 is
 * always enough) and return buf.
 */
#ifndef AIV_UNITS_H
#define AIV_UNITS_H

#include <stddef.h>

#define UNITS_NO_DATA "no data"
#define UNITS_BUF 48 /* a buffer size that holds every output below */

/*
 * Seconds as days and hours ("2 d 03 h"), hours and minutes ("5 h 07 min"),
 * minutes and seconds ("4 min 10 s") or seconds ("42 s", "1.5 s").  Rounded
 * to the smaller of the two units shown; a negative value gets a "-".
 */
const char *units_duration(double s, char *buf, size_t n);
/*
 * A plain number: whole numbers from 1,000 up with thousands separators
 * ("95,922"), otherwise three significant digits without trailing zeros
 * ("0.16", "12.5", "3") and never an exponent.
 */
const char *units_number(double v, char *buf, size_t n);
/* A share 0..1 as a percentage: "16.0 %", "34 %" (one decimal below 10 %). */
const char *units_percent(double share, char *buf, size_t n);
/* A difference of two shares in percentage points: "0.9 pp", "12 pp". */
const char *units_points(double diff, char *buf, size_t n);
/*
 * v in the catalog unit `unit` ("seconds", "ratio", "count", "score", or
 * anything else as a plain number followed by the unit's name).
 */
const char *units_value(const char *unit, double v, char *buf, size_t n);
/*
 * The size of a difference d in the catalog unit, without its sign:
 * seconds as a duration, ratios in percentage points, others as numbers.
 */
const char *units_delta(const char *unit, double d, char *buf, size_t n);

#endif
