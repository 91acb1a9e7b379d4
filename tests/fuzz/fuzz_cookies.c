/*
 * Cookie parsing: the input is cut at newlines into several Cookie
 * headers (NUL bytes and all, as the gateway adds them), then parsed by
 * lando_request_cookies and looked up by name.
 *
 * Properties: parsing succeeds; no pair has an empty name; names and
 * values are NUL-terminated at their lengths; there are never more
 * cookies than ';'-separated pieces; a second call returns the same
 * list; every name found by iteration is found by lookup.
 */
#include "fuzz_ctx.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    lando_request_t *req = fuzz_begin();
    lando_ctx_t *ctx = lando_request_ctx(req);
    const lando_fields_t *cookies;
    fuzz_pieces_t fp;
    size_t len, limit = 0;
    char *piece;

    FUZZ_CHECK(fuzz_pieces_init(&fp, data, size) == 0);
    while ((piece = fuzz_pieces_next(&fp, '\n', &len)) != NULL) {
        FUZZ_CHECK(lando__fields_add(ctx, &req->headers,
                                     (len & 1) ? "cookie" : "Cookie", 6,
                                     piece, len) == LANDO_OK);
        limit += 1;
        for (size_t i = 0; i < len; i++) {
            limit += piece[i] == ';';
        }
    }

    cookies = lando_request_cookies(req);
    FUZZ_CHECK(cookies != NULL);
    FUZZ_CHECK(lando_request_cookies(req) == cookies);
    fuzz_check_fields(cookies);
    FUZZ_CHECK(lando_fields_count(cookies) <= limit);
    for (size_t i = 0; i < lando_fields_count(cookies); i++) {
        const lando_field_t *c = lando_fields_at(cookies, i);

        FUZZ_CHECK(c->name_len > 0);
        /* Lookups scan the list: a few suffice, and keep this linear. */
        if (i < 8 && strlen(c->name) == c->name_len) {
            FUZZ_CHECK(lando_request_cookie(req, c->name) != NULL);
        }
    }
    fuzz_pieces_free(&fp);
    return 0;
}
