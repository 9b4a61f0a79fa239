/* SPDX-License-Identifier: Apache-2.0 */
/* rates.h: the self-inspection (自己点検) rates exactly as the seeds define them (INVENTORY.md C1),
 * on answers already counted, as exact fractions (a rate of 100 % is num == den, never a rounded
 * float), and the ABCD grades of Figure 2-1.
 *   把握率 coverage:        reporters / targets (targets: people with duties in the period)
 *   実施率 implementation:  per obligation, implemented / people on whom the duty fell (answered
 *                           implemented or not implemented; "not applicable" bears no duty)
 *     METI variant:         reporters who implemented every obligation that fell on them / reporters
 *     MEXT variant:         per item, the share answering "implemented" (the per-obligation rate)
 *   到達率 attainment(t):   obligations whose implementation rate reaches t / obligations
 * Means over groups or organisations come in two kinds, and the seeds use both (Table 2-2 fn 34):
 * headcount-weighted (pooled counts) and the plain mean of the parts' rates. */
#ifndef MM_RATES_H
#define MM_RATES_H

#include "base/prelude.h"

struct rate {
    uint64_t num, den; /* den 0: no one to count (the rate is undefined, shown as "—") */
};

/* The counted answers of one obligation in one group (organisation and subject group). */
struct obligation_count {
    uint64_t implemented, not_implemented, not_applicable;
};

struct rate rate_coverage(uint64_t reporters, uint64_t targets);
struct rate rate_obligation(const struct obligation_count *c);
/* Pooled over obligations: Σ implemented / Σ (implemented + not implemented). */
struct rate rate_implementation_pooled(const struct obligation_count *c, size_t n);
/* METI's: reporters with no "not implemented" answer / reporters. */
struct rate rate_all_measures(uint64_t reporters_all_implemented, uint64_t reporters);
/* Attainment at a threshold in per mille (1000 = 100 %, 950, 900): obligations whose rate is at
 * least the threshold / obligations with a defined rate. */
struct rate rate_attainment(const struct obligation_count *c, size_t n, unsigned per_mille);
/* The plain mean of rates (each part counts once, whatever its size), as a double in [0, 1];
 * parts with an undefined rate are left out. NAN when none is defined. */
double rate_mean(const struct rate *parts, size_t n);
/* A rate as a fraction in [0, 1] (NAN when undefined). */
double rate_value(struct rate r);
/* Rounded to one decimal as the seeds print them ("98.0"), into out; "—" when undefined. */
void rate_format(struct rate r, char *out, size_t outlen);

/* Figure 2-1: A at 100 %, B from 80 % up to below 100 %, C from 60 %, D below 60 %. A grade is
 * decided on the exact fraction (99.99 % is B). '-' when undefined. */
char grade_of(struct rate r);
/* The same for a mean (a double): A only when it is exactly 1. */
char grade_of_value(double v);

#endif
