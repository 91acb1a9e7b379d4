/*
 * The base64_body middleware (lando/mw/base64_body.h): decode a body the
 * event delivered base64-encoded, once, before anything reads it, and
 * refuse bodies over the size limit. The state is the limit alone.
 */
#include <lando/mw/base64_body.h>

typedef struct b64_state {
    size_t max_body;
} b64_state_t;

static bool
is_b64_digit(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
           (c >= '0' && c <= '9') || c == '+' || c == '/';
}

/* Record the failure with a message that points at the culprit. */
static lando_err_t
bad_base64(lando_ctx_t *ctx, const char *body, size_t len, size_t pos)
{
    const lando_err_t e = LANDO_EBADBASE64;
    unsigned char c;

    if (pos == LANDO_BASE64_NOPOS) {
        return lando_fail(ctx, e, "body is not valid base64");
    }
    if (pos >= len) {
        return lando_fail(ctx, e, "body is not valid base64: it ends "
                                  "before its padding is complete");
    }
    c = (unsigned char)body[pos];
    if (is_b64_digit(c)) {
        return lando_fail(ctx, e, "body is not valid base64: a single "
                                  "character is left over at offset %zu",
                          pos);
    }
    if (c == '=') {
        return lando_fail(ctx, e, "body is not valid base64: misplaced "
                                  "'=' at offset %zu",
                          pos);
    }
    return lando_fail(ctx, e, "body is not valid base64: unexpected byte "
                              "0x%02x at offset %zu",
                      (unsigned)c, pos);
}

static lando_err_t
b64_body_run(lando_ctx_t *ctx, void *state)
{
    const b64_state_t *st = state;
    lando_request_t *req = lando_req(ctx);
    const char *body;
    char *decoded = NULL;
    size_t len = 0;
    size_t n = 0;
    size_t pos = LANDO_BASE64_NOPOS;
    lando_err_t err;

    body = lando_request_body(req, &len);
    if (len > st->max_body) {
        return lando_fail(ctx, LANDO_ETOOLARGE,
                          "body of %zu bytes exceeds the limit of %zu",
                          len, st->max_body);
    }
    if (!lando_request_body_is_base64(req)) {
        return lando_next(ctx);
    }

    err = lando_ctx_base64_decode(ctx, body, len, &decoded, &n, &pos);
    if (err == LANDO_EBADBASE64) {
        return bad_base64(ctx, body, len, pos);
    }
    if (err) {
        return lando_fail(ctx, err, NULL);
    }

    lando_request_set_body_ref(req, decoded, n, false);
    return lando_next(ctx);
}

lando_err_t
lando_mw_base64_body(const lando_base64_body_options_t *opts,
                     lando_mw_t *out)
{
    b64_state_t *st;

    if (!out) {
        return LANDO_EINVAL;
    }

    st = lando_malloc(sizeof(*st));
    if (!st) {
        return LANDO_ENOMEM;
    }
    st->max_body = opts && opts->max_body ? opts->max_body
                                          : LANDO_BODY_LIMIT_DEFAULT;

    out->name = "base64_body";
    out->fn = b64_body_run;
    out->state = st;
    out->free_state = lando_free;
    return LANDO_OK;
}
