/* SPDX-License-Identifier: Apache-2.0 */
/* charset.h: converting messages from legacy encodings to UTF-8. Japanese devices and Windows
 * shippers still send Shift_JIS (CP932) or EUC-JP; parsers and rules work on UTF-8, so a listener
 * can name the encoding its senders use. Text that is already valid UTF-8 passes unchanged (a
 * mixed fleet on one listener is common); bytes that are invalid in the named encoding become
 * U+FFFD. A converter is not thread-safe: one per thread. */
#ifndef MM_CHARSET_H
#define MM_CHARSET_H

#include "base/prelude.h"
#include "base/buf.h"

struct charset_conv;

/* "utf-8" (no conversion), "shift_jis" (handled as CP932, the superset Windows uses), "euc-jp",
 * "iso-2022-jp", "latin1", or any name iconv knows. NULL when unknown. */
struct charset_conv *charset_open(const char *name);
void charset_close(struct charset_conv *c);
/* Is the name one charset_open accepts? */
bool charset_known(const char *name);
/* Convert p[0..len) into out (reset first). Returns false when no conversion was needed (the
 * input is UTF-8 already, or the converter is for UTF-8): use the input as it is. */
bool charset_to_utf8(struct charset_conv *c, const char *p, size_t len, struct buf *out);

#endif
