/* SPDX-License-Identifier: Apache-2.0 */
/* mtime.c: civil time conversions (after Howard Hinnant's days_from_civil algorithm). */
#include "prelude.h"
#include "mtime.h"
#include "str.h"

int64_t mm_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * MM_NS_PER_SEC + ts.tv_nsec;
}

int64_t mm_mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * MM_NS_PER_SEC + ts.tv_nsec;
}

int64_t mm_days_from_civil(int64_t y, unsigned m, unsigned d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

int64_t mm_utc_seconds(int y, int mon, int day, int h, int mi, int s)
{
    return mm_days_from_civil(y, (unsigned)mon, (unsigned)day) * 86400 + h * 3600 + mi * 60 + s;
}

void mm_civil_from_seconds(int64_t secs, int *y, int *mon, int *day, int *h, int *mi, int *s)
{
    int64_t days = secs / 86400, rem = secs % 86400;
    if (rem < 0) {
        rem += 86400;
        days--;
    }
    *h = (int)(rem / 3600);
    *mi = (int)(rem % 3600 / 60);
    *s = (int)(rem % 60);
    days += 719468;
    int64_t era = (days >= 0 ? days : days - 146096) / 146097;
    unsigned doe = (unsigned)(days - era * 146097);
    unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t yy = (int64_t)yoe + era * 400;
    unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    unsigned mp = (5 * doy + 2) / 153;
    unsigned d = doy - (153 * mp + 2) / 5 + 1;
    unsigned m = mp < 10 ? mp + 3 : mp - 9;
    *y = (int)(yy + (m <= 2));
    *mon = (int)m;
    *day = (int)d;
}

bool mm_date_valid(int y, int mon, int day)
{
    static const int mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    if (y < 1 || y > 9999 || mon < 1 || mon > 12 || day < 1)
        return false;
    int lim = mdays[mon - 1];
    if (mon == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
        lim = 29;
    return day <= lim;
}

size_t mm_time_format(int64_t ns, enum mm_time_precision prec, char *out, size_t outlen)
{
    int64_t secs = ns / MM_NS_PER_SEC, frac = ns % MM_NS_PER_SEC;
    if (frac < 0) {
        frac += MM_NS_PER_SEC;
        secs--;
    }
    int y, mo, d, h, mi, s;
    mm_civil_from_seconds(secs, &y, &mo, &d, &h, &mi, &s);
    int n;
    switch (prec) {
    case MM_TIME_MILLI:
        n = snprintf(out, outlen, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", y, mo, d, h, mi, s,
                     (int)(frac / 1000000));
        break;
    case MM_TIME_MICRO:
        n = snprintf(out, outlen, "%04d-%02d-%02dT%02d:%02d:%02d.%06dZ", y, mo, d, h, mi, s,
                     (int)(frac / 1000));
        break;
    default:
        n = snprintf(out, outlen, "%04d-%02d-%02dT%02d:%02d:%02dZ", y, mo, d, h, mi, s);
        break;
    }
    if (n < 0)
        return 0;
    return MM_MIN((size_t)n, outlen ? outlen - 1 : 0);
}

int mm_month_from_abbr(const char *p)
{
    static const char names[] = "janfebmaraprmayjunjulaugsepoctnovdec";
    char a = mm_lower(p[0]), b = mm_lower(p[1]), c = mm_lower(p[2]);
    for (int i = 0; i < 12; i++)
        if (names[i * 3] == a && names[i * 3 + 1] == b && names[i * 3 + 2] == c)
            return i + 1;
    return 0;
}

enum mm_status mm_tz_parse(const char *s, struct mm_tz *out)
{
    if (!strcasecmp(s, "local")) {
        *out = (struct mm_tz){ .local = true };
        return MM_OK;
    }
    if (!strcasecmp(s, "UTC") || !strcmp(s, "Z")) {
        *out = (struct mm_tz){ .local = false, .offset_sec = 0 };
        return MM_OK;
    }
    if (s[0] != '+' && s[0] != '-')
        return MM_ERR_PARSE;
    const char *p = s + 1;
    size_t n = strlen(p);
    uint64_t hh, mm;
    if (n == 5 && p[2] == ':') {
        if (mm_parse_u64(p, 2, 14, &hh) || mm_parse_u64(p + 3, 2, 59, &mm))
            return MM_ERR_PARSE;
    } else if (n == 4) {
        if (mm_parse_u64(p, 2, 14, &hh) || mm_parse_u64(p + 2, 2, 59, &mm))
            return MM_ERR_PARSE;
    } else if (n == 2) {
        if (mm_parse_u64(p, 2, 14, &hh))
            return MM_ERR_PARSE;
        mm = 0;
    } else {
        return MM_ERR_PARSE;
    }
    int32_t off = (int32_t)(hh * 3600 + mm * 60);
    *out = (struct mm_tz){ .local = false, .offset_sec = s[0] == '-' ? -off : off };
    return MM_OK;
}

int32_t mm_tz_offset_at(const struct mm_tz *tz, int y, int mon, int day, int h, int mi, int s)
{
    if (!tz->local)
        return tz->offset_sec;
    /* mktime consults the zone database under a lock (and glibc stats /etc/localtime each time);
     * cache the answer per local hour, which is the granularity of every real zone's
     * transitions, for the last 64 hours seen (input is rarely in order across sources) */
    static _Thread_local struct {
        int64_t hour;
        int32_t off;
    } cache[64];
    static _Thread_local bool cache_init;
    if (!cache_init) {
        for (size_t i = 0; i < MM_ARRAY_LEN(cache); i++)
            cache[i].hour = INT64_MIN;
        cache_init = true;
    }
    int64_t hour_key = mm_utc_seconds(y, mon, day, h, 0, 0) / 3600;
    size_t slot = (size_t)((uint64_t)hour_key % MM_ARRAY_LEN(cache));
    if (cache[slot].hour == hour_key)
        return cache[slot].off;
    struct tm tm = { .tm_year = y - 1900, .tm_mon = mon - 1, .tm_mday = day, .tm_hour = h,
                     .tm_min = mi, .tm_sec = s, .tm_isdst = -1 };
    time_t t = mktime(&tm);
    int32_t off = 0;
    if (t != (time_t)-1)
        off = (int32_t)(mm_utc_seconds(y, mon, day, h, mi, s) - (int64_t)t);
    cache[slot].hour = hour_key;
    cache[slot].off = off;
    return off;
}
