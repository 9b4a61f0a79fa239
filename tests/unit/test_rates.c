/* SPDX-License-Identifier: Apache-2.0 */
/* test_rates.c: the self-inspection rates and grades reproduce the seeds' own figures from
 * equivalent raw answers. Each test is named after the table it reproduces:
 *   mof_fy2011_tables_3_to_5   MOF FY2011 (S3:L161-200): coverage 100.0 %, implementation 99.9 /
 *                              100.0 / 99.8 %, attainment at 100 %: 98.0 % (50 of 51 items) for
 *                              the responsible officers, 16.7 % (1 of 6) for staff; 100 % at 95 / 90 %
 *   reconstruction_fy2012      the Reconstruction Agency (S4:L5258-5265): coverage 78.5 % -> C,
 *                              implementation 100 % and 86.6 % -> B, attainment 66.9 / 72.6 / 78.3 %
 *   table_2_2_mean_kinds       Table 2-2 fn 34: a mean over ministries is not the headcount mean
 *   table_2_5_grades           Table 2-5: the 21 ministries' grades and totals (A15 B5 C1, A5 B16) */
#include "unit.h"
#include "programme/rates.h"

#include <math.h>
#include <string.h>

static void check_fmt(struct rate r, const char *want)
{
    char s[16];
    rate_format(r, s, sizeof s);
    CHECK(!strcmp(s, want));
    if (strcmp(s, want))
        printf("# %s, expected %s\n", s, want);
}

static void mof_fy2011_tables_3_to_5(void)
{
    /* 責任者等: 51 obligations, 1,000 officers; one obligation missed by one officer */
    struct obligation_count officers[51];
    for (size_t i = 0; i < 51; i++)
        officers[i] = (struct obligation_count){ 1000, 0, 0 };
    officers[17] = (struct obligation_count){ 999, 1, 0 };
    /* 行政事務従事者: 6 obligations over 78,000 staff; five missed by a few, one kept by all */
    struct obligation_count staff[6] = {
        { 77900, 100, 0 }, { 77850, 150, 0 }, { 77950, 50, 0 }, { 78000, 0, 0 }, { 77800, 200, 0 }, { 77900, 100, 0 },
    };
    check_fmt(rate_coverage(79091, 79091), "100.0"); /* Table 3: every one of the 79,091 reported */
    check_fmt(rate_attainment(officers, 51, 1000), "98.0"); /* Table 5: 50 of 51 */
    CHECK(rate_attainment(officers, 51, 1000).num == 50 && rate_attainment(officers, 51, 1000).den == 51);
    check_fmt(rate_attainment(staff, 6, 1000), "16.7");     /* 1 of 6 */
    check_fmt(rate_attainment(officers, 51, 950), "100.0");
    check_fmt(rate_attainment(staff, 6, 950), "100.0");
    check_fmt(rate_attainment(staff, 6, 900), "100.0");
    /* Table 4, H23: 99.9 (officers) and 99.8 (staff), pooled over obligations */
    struct obligation_count officers_h23[2] = { { 9990, 10, 0 }, { 1000, 0, 0 } };
    check_fmt(rate_implementation_pooled(officers_h23, 2), "99.9");
    check_fmt(rate_implementation_pooled(staff, 6), "99.9");
    struct obligation_count staff_h23[1] = { { 998, 2, 0 } };
    check_fmt(rate_implementation_pooled(staff_h23, 1), "99.8");
    /* a rate of 99.9 % prints as 99.9 but grades B: the grade is decided on the fraction */
    CHECK(grade_of(rate_implementation_pooled(staff_h23, 1)) == 'B');
    CHECK(grade_of(rate_coverage(79091, 79091)) == 'A');
    /* METI's variant: reporters who carried out every measure that fell on them / reporters */
    check_fmt(rate_all_measures(9700, 10000), "97.0");
    /* "not applicable" bears no duty: it is in neither side */
    struct obligation_count na = { 90, 0, 10 };
    check_fmt(rate_obligation(&na), "100.0");
}

static void reconstruction_fy2012(void)
{
    /* 200 targets, 157 reported (the others did not submit) */
    struct rate cov = rate_coverage(157, 200);
    check_fmt(cov, "78.5");
    CHECK(grade_of(cov) == 'C');
    /* officers: every duty carried out; staff: 866 of 1,000 duties */
    struct obligation_count officers = { 400, 0, 0 }, staff = { 866, 134, 0 };
    check_fmt(rate_obligation(&officers), "100.0");
    check_fmt(rate_obligation(&staff), "86.6");
    struct obligation_count both[2] = { officers, staff };
    CHECK(grade_of(rate_implementation_pooled(both, 2)) == 'B');
    /* attainment over 157 obligation lines: 105 at 100 %, 9 more at 95 %, 9 more at 90 % */
    struct obligation_count lines[157];
    for (size_t i = 0; i < 157; i++)
        lines[i] = i < 105 ? (struct obligation_count){ 100, 0, 0 }
                 : i < 114 ? (struct obligation_count){ 97, 3, 0 }
                 : i < 123 ? (struct obligation_count){ 92, 8, 0 }
                           : (struct obligation_count){ 70, 30, 0 };
    check_fmt(rate_attainment(lines, 157, 1000), "66.9");
    check_fmt(rate_attainment(lines, 157, 950), "72.6");
    check_fmt(rate_attainment(lines, 157, 900), "78.3");
}

static void table_2_2_mean_kinds(void)
{
    /* two ministries: a large one at 99 %, a small one at 90 %: the headcount mean is near 99 %,
     * the mean over ministries 94.5 %: the government-wide figure is the latter (fn 34) */
    struct rate parts[2] = { { 99000, 100000 }, { 900, 1000 } };
    struct rate pooled = { parts[0].num + parts[1].num, parts[0].den + parts[1].den };
    check_fmt(pooled, "98.9");
    CHECK(fabs(rate_mean(parts, 2) - 0.945) < 1e-12);
    struct rate none[1] = { { 0, 0 } };
    CHECK(isnan(rate_mean(none, 1)));
    check_fmt(none[0], "—");
}

static void table_2_5_grades(void)
{
    /* coverage and implementation of each ministry, as the ministries' own sections report them
     * where they do (S4), and rates consistent with its grade where they do not */
    static const struct {
        const char *ministry;
        uint64_t cov_num, cov_den, imp_num, imp_den;
        char cov, imp;
    } t[] = {
        { "内閣官房", 100, 100, 990, 1000, 'A', 'B' },   { "内閣法制局", 100, 100, 980, 1000, 'A', 'B' },
        { "人事院", 990, 1000, 985, 1000, 'B', 'B' },      { "内閣府", 100, 100, 100, 100, 'A', 'A' },
        { "宮内庁", 100, 100, 990, 1000, 'A', 'B' },       { "公正取引委員会", 100, 100, 995, 1000, 'A', 'B' },
        { "警察庁", 100, 100, 100, 100, 'A', 'A' },        { "金融庁", 100, 100, 990, 1000, 'A', 'B' },
        { "消費者庁", 100, 100, 100, 100, 'A', 'A' },      { "復興庁", 785, 1000, 866, 1000, 'C', 'B' },
        { "総務省", 995, 1000, 980, 1000, 'B', 'B' },      { "法務省", 100, 100, 100, 100, 'A', 'A' },
        { "外務省", 100, 100, 998, 1000, 'A', 'B' },       { "財務省", 100, 100, 999, 1000, 'A', 'B' },
        { "文部科学省", 100, 100, 960, 1000, 'A', 'B' },   { "厚生労働省", 100, 100, 970, 1000, 'A', 'B' },
        { "農林水産省", 990, 1000, 975, 1000, 'B', 'B' },  { "経済産業省", 970, 1000, 930, 1000, 'B', 'B' },
        { "国土交通省", 100, 100, 950, 1000, 'A', 'B' },   { "環境省", 964, 1000, 910, 1000, 'B', 'B' },
        { "防衛省", 100, 100, 100, 100, 'A', 'A' },
    };
    int cov[4] = { 0 }, imp[4] = { 0 };
    for (size_t i = 0; i < MM_ARRAY_LEN(t); i++) {
        char c = grade_of((struct rate){ t[i].cov_num, t[i].cov_den });
        char m = grade_of((struct rate){ t[i].imp_num, t[i].imp_den });
        CHECK(c == t[i].cov && m == t[i].imp);
        if (c != t[i].cov || m != t[i].imp)
            printf("# %s: %c/%c, expected %c/%c\n", t[i].ministry, c, m, t[i].cov, t[i].imp);
        cov[c - 'A']++;
        imp[m - 'A']++;
    }
    CHECK(MM_ARRAY_LEN(t) == 21);
    CHECK(cov[0] == 15 && cov[1] == 5 && cov[2] == 1 && cov[3] == 0); /* 把握率: A15 B5 C1 */
    CHECK(imp[0] == 5 && imp[1] == 16 && imp[2] == 0 && imp[3] == 0); /* 実施率: A5 B16 */
    /* the boundaries of Figure 2-1 */
    CHECK(grade_of((struct rate){ 80, 100 }) == 'B' && grade_of((struct rate){ 7999, 10000 }) == 'C');
    CHECK(grade_of((struct rate){ 60, 100 }) == 'C' && grade_of((struct rate){ 5999, 10000 }) == 'D');
    CHECK(grade_of((struct rate){ 0, 0 }) == '-' && grade_of_value(1.0) == 'A' && grade_of_value(0.9999) == 'B');
}

int main(void)
{
    mof_fy2011_tables_3_to_5();
    reconstruction_fy2012();
    table_2_2_mean_kinds();
    table_2_5_grades();
    return UNIT_DONE();
}
