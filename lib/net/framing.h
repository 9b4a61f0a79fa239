/* SPDX-License-Identifier: Apache-2.0 */
/* framing.h: splitting a byte stream into syslog messages (RFC 6587): LF-terminated
 * ("non-transparent framing") or octet-counting ("MSGLEN SP MSG"), or both per frame in auto
 * mode, as rsyslog does: a frame that starts with digits and a space is octet-counted.
 *
 * Memory per stream is bounded by the maximum message size: a message longer than it is
 * delivered truncated (and counted), and the rest of it is skipped. Messages that lie wholly in
 * one fed chunk are delivered without copying. */
#ifndef MM_FRAMING_H
#define MM_FRAMING_H

#include "base/prelude.h"
#include "base/buf.h"

enum framing_mode { FRAMING_AUTO = 0, FRAMING_LF, FRAMING_OCTET };

/* Called for each complete message. msg is valid only during the call. */
typedef void (*frame_fn)(void *arg, const char *msg, size_t len, bool truncated);

struct framer {
    enum framing_mode mode;
    size_t max;
    struct buf partial; /* the incomplete message so far (never more than max bytes) */
    int state;
    size_t octet_left;  /* body bytes still to read (or skip) of an octet-counted frame */
    char digits[12];    /* an octet count being read */
    size_t ndigits;
    bool partial_truncated;
    uint64_t frames, truncated, bad_counts;
};

void framer_init(struct framer *f, enum framing_mode mode, size_t max_message);
void framer_release(struct framer *f);
/* Feed bytes; fn is called for every message completed by them. */
void framer_feed(struct framer *f, const char *data, size_t len, frame_fn fn, void *arg);
/* End of stream: deliver a final message that had no terminator (a sender that closes without a
 * trailing LF still sent it). */
void framer_finish(struct framer *f, frame_fn fn, void *arg);
/* Bytes held for an incomplete message (for memory accounting). */
static inline size_t framer_held(const struct framer *f)
{
    return f->partial.cap;
}

#endif
