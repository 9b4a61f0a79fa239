/* SPDX-License-Identifier: Apache-2.0 */
/* fuzz_charset.c: legacy encodings to UTF-8 (lib/io/charset.c), on arbitrary bytes: the output
 * is always valid UTF-8, input that is already UTF-8 is never converted, and a converter is
 * reusable after any input (ISO-2022-JP keeps shift state between calls unless reset). */
#include "fuzz.h"
#include "io/charset.h"

static struct charset_conv *convs[4];
static const char *const names[] = { "shift_jis", "euc-jp", "iso-2022-jp", "latin1" };

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    for (size_t i = 0; i < MM_ARRAY_LEN(names); i++) {
        convs[i] = charset_open(names[i]);
        if (!convs[i])
            abort();
    }
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *p = (const char *)data;
    struct buf out;
    buf_init(&out, BUF_NO_MAX);
    bool utf8 = mm_utf8_valid(p, size);
    for (size_t i = 0; i < MM_ARRAY_LEN(convs); i++) {
        bool converted = charset_to_utf8(convs[i], p, size, &out);
        FUZZ_CHECK(converted != utf8, "%s: converted=%d for input valid-UTF-8=%d", names[i],
                   converted, utf8);
        if (converted)
            FUZZ_CHECK(mm_utf8_valid(out.data, out.len), "%s: output is not UTF-8", names[i]);
    }
    buf_release(&out);
    return 0;
}
