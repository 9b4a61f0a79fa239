/* SPDX-License-Identifier: Apache-2.0 */
/* rates.c: self-inspection rates and grades (rates.h). */
#include "base/prelude.h"
#include "programme/rates.h"

#include <math.h>
#include <stdio.h>

struct rate rate_coverage(uint64_t reporters, uint64_t targets)
{
    return (struct rate){ reporters, targets };
}

struct rate rate_obligation(const struct obligation_count *c)
{
    return (struct rate){ c->implemented, c->implemented + c->not_implemented };
}

struct rate rate_implementation_pooled(const struct obligation_count *c, size_t n)
{
    struct rate r = { 0, 0 };
    for (size_t i = 0; i < n; i++) {
        r.num += c[i].implemented;
        r.den += c[i].implemented + c[i].not_implemented;
    }
    return r;
}

struct rate rate_all_measures(uint64_t reporters_all_implemented, uint64_t reporters)
{
    return (struct rate){ reporters_all_implemented, reporters };
}

/* num/den >= per_mille/1000, exactly */
static bool at_least(struct rate r, unsigned per_mille)
{
    return r.den && (unsigned __int128)r.num * 1000 >= (unsigned __int128)r.den * per_mille;
}

struct rate rate_attainment(const struct obligation_count *c, size_t n, unsigned per_mille)
{
    struct rate r = { 0, 0 };
    for (size_t i = 0; i < n; i++) {
        struct rate o = rate_obligation(&c[i]);
        if (!o.den)
            continue; /* no one bore this duty: it is neither attained nor missed */
        r.den++;
        r.num += at_least(o, per_mille);
    }
    return r;
}

double rate_value(struct rate r)
{
    return r.den ? (double)r.num / (double)r.den : NAN;
}

double rate_mean(const struct rate *parts, size_t n)
{
    double sum = 0;
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (!parts[i].den)
            continue;
        sum += rate_value(parts[i]);
        k++;
    }
    return k ? sum / (double)k : NAN;
}

void rate_format(struct rate r, char *out, size_t outlen)
{
    if (!r.den) {
        snprintf(out, outlen, "—");
        return;
    }
    /* round half up on the exact fraction, in tenths of a per cent */
    unsigned __int128 t = ((unsigned __int128)r.num * 2000 + r.den) / (2 * (unsigned __int128)r.den);
    snprintf(out, outlen, "%u.%u", (unsigned)(t / 10), (unsigned)(t % 10));
}

char grade_of(struct rate r)
{
    if (!r.den)
        return '-';
    if (r.num >= r.den)
        return 'A';
    return at_least(r, 800) ? 'B' : at_least(r, 600) ? 'C' : 'D';
}

char grade_of_value(double v)
{
    if (isnan(v))
        return '-';
    return v >= 1.0 ? 'A' : v >= 0.8 ? 'B' : v >= 0.6 ? 'C' : 'D';
}
