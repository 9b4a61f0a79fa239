/* SPDX-License-Identifier: Apache-2.0 */
/* mtime.h: time in the project is int64 nanoseconds since the Unix epoch, UTC. Civil-date
 * conversion is done here without the C library's global time-zone state, so parsers can run on
 * many threads. */
#ifndef MM_MTIME_H
#define MM_MTIME_H

#include "prelude.h"

#define MM_NS_PER_SEC ((int64_t)1000000000)

int64_t mm_now_ns(void);  /* CLOCK_REALTIME */
int64_t mm_mono_ns(void); /* CLOCK_MONOTONIC */

/* Days since 1970-01-01 of a proleptic Gregorian date (month 1..12). */
int64_t mm_days_from_civil(int64_t y, unsigned m, unsigned d);
/* Seconds since the epoch of a UTC civil time; no range checks beyond the arithmetic. */
int64_t mm_utc_seconds(int y, int mon, int day, int h, int mi, int s);
/* Break seconds-since-epoch into UTC fields. */
void mm_civil_from_seconds(int64_t secs, int *y, int *mon, int *day, int *h, int *mi, int *s);
/* Is this a valid calendar date? */
bool mm_date_valid(int y, int mon, int day);

enum mm_time_precision { MM_TIME_SEC, MM_TIME_MILLI, MM_TIME_MICRO };
/* Format as RFC 3339 UTC ("2026-11-23T06:30:00.123456Z"); returns the length written, always
 * NUL-terminated; out needs at least 32 bytes. */
size_t mm_time_format(int64_t ns, enum mm_time_precision prec, char *out, size_t outlen);

/* Month from a three-letter English abbreviation (case-insensitive): 1..12, or 0. */
int mm_month_from_abbr(const char *p);

/* A time zone for timestamps that carry none (RFC 3164): either a fixed offset or the sensor's
 * local zone as the C library knows it (TZ). */
struct mm_tz {
    bool local;
    int32_t offset_sec; /* when !local: seconds east of UTC */
};

/* "UTC", "local", "+09:00", "-0500". */
enum mm_status mm_tz_parse(const char *s, struct mm_tz *out);
/* Seconds east of UTC that the zone has at the given local civil time. */
int32_t mm_tz_offset_at(const struct mm_tz *tz, int y, int mon, int day, int h, int mi, int s);

#endif
