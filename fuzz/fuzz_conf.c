/* SPDX-License-Identifier: Apache-2.0 */
/* fuzz_conf.c: the sensor's configuration file parser. Whatever the text, parsing then
 * sensor_config_free must not leak (LeakSanitizer runs after each input); a configuration that
 * loads must dump (`--dump-config`) to text that loads again and dumps the same. */
#include "fuzz.h"
#include "base/alloc.h"
#include "sensor/config.h"

static char *dump(const struct sensor_config *c, size_t *len)
{
    char *text = NULL;
    FILE *f = open_memstream(&text, len);
    FUZZ_CHECK(f != NULL, "open_memstream failed");
    sensor_config_dump(f, c);
    FUZZ_CHECK(fclose(f) == 0, "dump failed");
    return text;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* sensor_config_parse takes a C string: text up to a NUL byte is what a file would give */
    char *text = mm_malloc(size + 1);
    memcpy(text, data, size);
    text[size] = '\0';
    /* on the heap, not static: a string the free misses must become unreachable for
     * LeakSanitizer to see it */
    struct sensor_config *cfg = mm_calloc(1, sizeof *cfg);
    struct mm_error err = { "" };
    enum mm_status st = sensor_config_parse(cfg, text, &err);
    FUZZ_CHECK(st == MM_OK || err.msg[0], "failed (%s) without a message", mm_status_str(st));
    FUZZ_CHECK(cfg->nlisteners <= SENSOR_MAX_LISTENERS, "%zu listeners", cfg->nlisteners);
    if (st == MM_OK) {
        size_t len1, len2;
        char *d1 = dump(cfg, &len1);
        struct sensor_config *again = mm_calloc(1, sizeof *again);
        struct mm_error err2 = { "" };
        st = sensor_config_parse(again, d1, &err2);
        FUZZ_CHECK(st == MM_OK, "dumped configuration does not load: %s\n%s", err2.msg, d1);
        char *d2 = dump(again, &len2);
        FUZZ_CHECK(len1 == len2 && !memcmp(d1, d2, len1), "dump changes when reloaded:\n%s\n---\n%s",
                   d1, d2);
        free(d1);
        free(d2);
        sensor_config_free(again);
        mm_free(again);
    }
    sensor_config_free(cfg);
    mm_free(cfg);
    mm_free(text);
    return 0;
}
