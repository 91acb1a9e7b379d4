/*
 * Query-string parsing: lando__query_parse in both modes on the raw
 * bytes (NULs included), and lando_request_set_raw_query as the gateway
 * calls it.
 *
 * Properties: lenient parsing never fails; strict parsing fails only
 * with LANDO_EBADFORM and, when it succeeds, yields the same pairs as
 * lenient parsing; there are never more pairs than '&'-separated
 * pieces; every name and value is NUL-terminated at its length and no
 * longer than the input; each name is found again by lookup.
 */
#include "fuzz_ctx.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static size_t
pieces(const uint8_t *s, size_t len)
{
    size_t n = 1;

    for (size_t i = 0; i < len; i++) {
        n += s[i] == '&';
    }
    return n;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    lando_request_t *req = fuzz_begin();
    lando_ctx_t *ctx = lando_request_ctx(req);
    lando_fields_t lenient, strict;
    char *copy;
    lando_err_t err;

    lando__fields_init(&lenient, false);
    lando__fields_init(&strict, false);

    err = lando__query_parse(ctx, &lenient, (const char *)data, size, false);
    FUZZ_CHECK(err == LANDO_OK);
    fuzz_check_fields(&lenient);
    FUZZ_CHECK(lando_fields_count(&lenient) <= pieces(data, size));
    for (size_t i = 0; i < lando_fields_count(&lenient); i++) {
        const lando_field_t *it = lando_fields_at(&lenient, i);

        FUZZ_CHECK(it->name_len + it->value_len <= size);
        /* Lookups scan the list: a few suffice, and keep this linear. */
        if (i < 8 && strlen(it->name) == it->name_len) {
            FUZZ_CHECK(lando_fields_get(&lenient, it->name) != NULL);
        }
    }

    err = lando__query_parse(ctx, &strict, (const char *)data, size, true);
    FUZZ_CHECK(err == LANDO_OK || err == LANDO_EBADFORM);
    if (err == LANDO_OK) {
        FUZZ_CHECK(lando_fields_count(&strict) ==
                   lando_fields_count(&lenient));
        for (size_t i = 0; i < lando_fields_count(&strict); i++) {
            const lando_field_t *a = lando_fields_at(&strict, i);
            const lando_field_t *b = lando_fields_at(&lenient, i);

            FUZZ_CHECK(a->name_len == b->name_len);
            FUZZ_CHECK(a->value_len == b->value_len);
            FUZZ_CHECK(memcmp(a->name, b->name, a->name_len) == 0);
            FUZZ_CHECK(memcmp(a->value, b->value, a->value_len) == 0);
        }
    }

    /* The public builder takes a C string: the input up to a NUL. */
    copy = malloc(size + 1);
    FUZZ_CHECK(copy);
    memcpy(copy, data, size);
    copy[size] = '\0';
    err = lando_request_set_raw_query(req, copy);
    FUZZ_CHECK(err == LANDO_OK);
    FUZZ_CHECK(strcmp(lando_request_raw_query(req), copy) == 0);
    fuzz_check_fields(lando_request_query(req));
    if (lando_fields_count(lando_request_query(req)) > 0) {
        const lando_field_t *first =
            lando_fields_at(lando_request_query(req), 0);

        if (strlen(first->name) == first->name_len) {
            FUZZ_CHECK(lando_request_query_get(req, first->name) != NULL);
        }
    }
    free(copy);
    return 0;
}
