/* SPDX-License-Identifier: Apache-2.0 */
/* fuzz_sigma.c: Sigma rule files (outside input: YAML written by people and downloaded from
 * repositories). Whatever the bytes: the YAML loader, the rule, correlation and filter compilers
 * and the condition parser return a result or an error with a message, never crash, and free
 * everything (LeakSanitizer). */
#include "fuzz.h"
#include "base/alloc.h"
#include "sigma/correlation.h"
#include "sigma/filter.h"
#include "sigma/match.h"
#include "sigma/rule.h"
#include "sigma/ytree.h"

/* a few placeholder values, so |expand is exercised too */
static char *ph_vals_a[] = { (char *)"one", (char *)"t*o" }, *ph_vals_b[] = { (char *)"\\x" };
static struct sigma_placeholder ph_v[] = { { (char *)"a", ph_vals_a, 2 }, { (char *)"b", ph_vals_b, 1 } };
static const struct sigma_placeholders ph = { ph_v, 2 };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct ynode **docs;
    size_t nd;
    struct mm_error err = { "" };
    if (ytree_load((const char *)data, size, &docs, &nd, &err) == MM_OK) {
        for (size_t i = 0; i < nd; i++) {
            struct mm_error e2 = { "" };
            /* every document through the correlation and filter compilers too */
            struct mm_error e5 = { "" };
            struct sigma_corr *corr = sigma_corr_compile(docs[i], "fuzz.yml", &e5);
            FUZZ_CHECK(corr || e5.msg[0], "correlation refused without a message");
            sigma_corr_free(corr);
            struct mm_error e6 = { "" };
            struct sigma_filter *filt = sigma_filter_compile(docs[i], "fuzz.yml", &ph, &e6);
            FUZZ_CHECK(filt || e6.msg[0], "filter refused without a message");
            sigma_filter_free(filt);
            struct sigma_rule *r = sigma_rule_compile(docs[i], "fuzz.yml", &e2);
            FUZZ_CHECK(r || e2.msg[0], "rule refused without a message");
            if (r) {
                char c[256];
                for (size_t k = 0; k < r->nconds; k++)
                    sigma_cond_format(r->conds[k], c, sizeof c);
                /* and the matchers, run over a small event */
                struct mm_error e4;
                struct sigma_compiled *m = sigma_compile_matchers_ph(r, &ph, &e4);
                if (m) {
                    struct event ev;
                    event_init(&ev);
                    ev.raw = "raw text -enc SQBFAFgA 10.1.2.3";
                    ev.raw_len = strlen(ev.raw);
                    event_add_cstr(&ev, "CommandLine", "powershell -enc SQBFAFgA");
                    event_add_cstr(&ev, "DestinationIp", "10.1.2.3");
                    event_add_int(&ev, "Size", 42);
                    struct buf why;
                    buf_init(&why, BUF_NO_MAX);
                    sigma_match(m, &ev, &why);
                    struct sigma_literal *lits;
                    size_t nl;
                    if (sigma_required_literals(m, &lits, &nl))
                        sigma_literals_free(lits, nl);
                    buf_release(&why);
                    event_release(&ev);
                    sigma_compiled_free(m);
                }
            }
            sigma_rule_free(r);
        }
        ytree_free_docs(docs, nd);
    } else {
        FUZZ_CHECK(err.msg[0], "YAML refused without a message");
    }
    /* the input as a condition */
    char *text = mm_malloc(size + 1);
    memcpy(text, data, size);
    text[size] = '\0';
    struct mm_error e3 = { "" };
    struct cond_node *c = sigma_cond_parse(text, &e3);
    FUZZ_CHECK(c || e3.msg[0], "condition refused without a message");
    sigma_cond_free(c);
    mm_free(text);
    return 0;
}
