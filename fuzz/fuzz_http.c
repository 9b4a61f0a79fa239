/* SPDX-License-Identifier: Apache-2.0 */
/* fuzz_http.c: what a browser or script sends the server: cookies, percent-encoded paths and
 * queries, route matching and JSON bodies. The first byte picks the part. Whatever the bytes:
 * nothing crashes or reads outside its input; decoding never lengthens text or yields a NUL; a
 * route match's parameters are non-empty and contain no '/'; the JSON check accepts only objects
 * and refuses with a message naming the problem. */
#include "fuzz_check.h"
#include "base/alloc.h"
#include "base/str.h"

#include <string.h>

#include "http/http.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    char *s = mm_malloc(size);
    memcpy(s, data + 1, size - 1);
    s[size - 1] = '\0';
    size_t n = strlen(s);
    switch (data[0] % 4) {
    case 0: {
        const char *names[HTTP_MAX_COOKIES], *values[HTTP_MAX_COOKIES];
        unsigned k = http_parse_cookies(s, names, values, HTTP_MAX_COOKIES);
        FUZZ_CHECK(k <= HTTP_MAX_COOKIES, "%u cookies", k);
        for (unsigned i = 0; i < k; i++)
            FUZZ_CHECK(names[i][0] && !strchr(names[i], ';') && !strchr(names[i], '='), "bad cookie name");
        break;
    }
    case 1:
    case 2:
        if (http_percent_decode(s, data[0] & 1))
            FUZZ_CHECK(strlen(s) <= n, "decoding lengthened the text");
        break;
    case 3: {
        static const char *const patterns[] = { "/api/v1/orgs/{id}", "/api/v1/people/{id}/roles", "/api/v1/session",
                                                "/{a}/{b}/{c}" };
        for (size_t i = 0; i < MM_ARRAY_LEN(patterns); i++) {
            char *copy = mm_strdup(s);
            struct http_request req;
            memset(&req, 0, sizeof req);
            if (http_route_match(patterns[i], copy, &req))
                for (unsigned k = 0; k < req.nparams; k++)
                    FUZZ_CHECK(req.params[k].value[0] && !strchr(req.params[k].value, '/'), "bad parameter");
            mm_free(copy);
        }
        unsigned status = 0;
        char msg[300] = "";
        json_t *v = http_json_check((const char *)data + 1, size - 1, "application/json", &status, msg, sizeof msg);
        FUZZ_CHECK(v ? json_is_object(v) && status == 200 : (status == 400 && msg[0]), "json check: %u %s", status, msg);
        json_decref(v);
        break;
    }
    }
    mm_free(s);
    return 0;
}
