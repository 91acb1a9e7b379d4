/*
 * The JSON and form body helpers. The first byte of the input picks the
 * Content-Type (none, JSON, JSON with parameters, a +json type, a form
 * type, or something else) and whether the body claims to be base64;
 * the rest is the body.
 *
 * Properties: lando_request_json returns LANDO_OK with a value, or one
 * of LANDO_EMEDIATYPE, LANDO_EBADJSON, LANDO_EBADBASE64 with the
 * failure recorded and its status 4xx; a second call gives the same
 * answer (the same value on success). lando_request_form likewise with
 * LANDO_EBADFORM, and its pairs are NUL-terminated at their lengths.
 */
#include "fuzz_ctx.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const types[] = {
    NULL,
    "application/json",
    "application/json; charset=utf-8",
    "application/problem+json",
    "application/x-www-form-urlencoded",
    "application/x-www-form-urlencoded; charset=UTF-8",
    "text/plain",
    "APPLICATION/JSON",
};

static void
check_failure(lando_ctx_t *ctx, lando_err_t err)
{
    const lando_error_t *e = lando_ctx_error(ctx);

    FUZZ_CHECK(e != NULL);
    FUZZ_CHECK(e->code == err);
    FUZZ_CHECK(e->status >= 400 && e->status < 500);
    FUZZ_CHECK(e->message != NULL);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    lando_request_t *req;
    lando_ctx_t *ctx;
    const lando_fields_t *form = NULL;
    json_t *json = NULL, *again = NULL;
    unsigned sel;
    lando_err_t err, err2;

    if (size < 1) {
        return 0;
    }
    sel = data[0];
    data++;
    size--;

    req = fuzz_begin();
    ctx = lando_request_ctx(req);
    if (types[sel % 8]) {
        FUZZ_CHECK(lando_request_add_header(req, "Content-Type",
                                            types[sel % 8]) == LANDO_OK);
    }
    FUZZ_CHECK(lando_request_set_body(req, data, size, (sel & 8) != 0) ==
               LANDO_OK);

    err = lando_request_json(req, &json);
    if (err == LANDO_OK) {
        FUZZ_CHECK(json != NULL);
        FUZZ_CHECK(lando_request_json(req, &again) == LANDO_OK);
        FUZZ_CHECK(again == json);
    } else {
        FUZZ_CHECK(err == LANDO_EMEDIATYPE || err == LANDO_EBADJSON ||
                   err == LANDO_EBADBASE64);
        FUZZ_CHECK(json == NULL);
        check_failure(ctx, err);
        err2 = lando_request_json(req, &again);
        FUZZ_CHECK(err2 == err);
    }

    /* A new invocation for the form, so that the JSON failure above
     * does not linger in the recorded error. */
    req = fuzz_begin();
    ctx = lando_request_ctx(req);
    if (types[sel % 8]) {
        FUZZ_CHECK(lando_request_add_header(req, "Content-Type",
                                            types[sel % 8]) == LANDO_OK);
    }
    FUZZ_CHECK(lando_request_set_body(req, data, size, (sel & 8) != 0) ==
               LANDO_OK);
    err = lando_request_form(req, &form);
    if (err == LANDO_OK) {
        FUZZ_CHECK(form != NULL);
        fuzz_check_fields(form);
    } else {
        FUZZ_CHECK(err == LANDO_EMEDIATYPE || err == LANDO_EBADFORM ||
                   err == LANDO_EBADBASE64);
        FUZZ_CHECK(form == NULL);
        check_failure(ctx, err);
    }
    return 0;
}
