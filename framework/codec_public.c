/*
 * The public face of the base64 codec (codec.h). Decoding itself is the
 * internal decoder of codec.c; this unit adds argument checks, arena
 * conveniences and, only when decoding has already failed, a second scan
 * that finds the byte to blame so an error message can point at it. The
 * scan follows the same rules as the decoder, and the decoder alone
 * decides validity: a disagreement costs only the position.
 */
#include <string.h>

#include <lando/codec.h>

#include "internal.h"

enum { DIGIT, SPACE, PAD, BAD };

static int
b64_kind(unsigned char c)
{
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
        (c >= '0' && c <= '9') || c == '+' || c == '/') {
        return DIGIT;
    }
    if (c == '\r' || c == '\n') {
        return SPACE;
    }
    return c == '=' ? PAD : BAD;
}

/*
 * The offset of the first byte of SRC that makes it invalid base64, LEN
 * when it ends while padding is still owed, or LANDO_BASE64_NOPOS when
 * this scan finds nothing wrong.
 */
static size_t
b64_blame(const unsigned char *s, size_t len)
{
    size_t i;
    size_t last_digit = 0;
    unsigned have = 0; /* digits of the current quantum */
    unsigned pads = 0; /* '=' still expected once padding began */
    bool padding = false;

    for (i = 0; i < len; i++) {
        int k = b64_kind(s[i]);

        if (k == SPACE) {
            continue;
        }
        if (padding) {
            if (k != PAD || pads == 0) {
                return i;
            }
            pads--;
            continue;
        }
        if (k == DIGIT) {
            have = (have + 1) % 4;
            last_digit = i;
            continue;
        }
        if (k == PAD && have >= 2) {
            padding = true;
            pads = have == 2 ? 1 : 0;
            continue;
        }
        return i;
    }

    if (padding && pads > 0) {
        return len;
    }
    if (!padding && have == 1) {
        return last_digit;
    }
    return LANDO_BASE64_NOPOS;
}

size_t
lando_base64_decoded_max(size_t len)
{
    return lando__b64_decoded_max(len);
}

lando_err_t
lando_base64_decode(void *dst, size_t *out_len, const char *src, size_t len,
                    size_t *bad_pos)
{
    long n;

    if (!dst || !out_len || (!src && len > 0)) {
        return LANDO_EINVAL;
    }

    n = lando__b64_decode(dst, src ? src : "", len);
    if (n < 0) {
        if (bad_pos) {
            *bad_pos = b64_blame((const unsigned char *)src, len);
        }
        return LANDO_EBADBASE64;
    }

    *out_len = (size_t)n;
    return LANDO_OK;
}

size_t
lando_base64_encoded_len(size_t len)
{
    return lando__b64_encoded_len(len);
}

void
lando_base64_encode(char *dst, const void *src, size_t len)
{
    lando__b64_encode(dst, src, len);
}

lando_err_t
lando_ctx_base64_decode(lando_ctx_t *ctx, const char *src, size_t len,
                        char **out, size_t *out_len, size_t *bad_pos)
{
    size_t max = lando__b64_decoded_max(len);
    size_t n = 0;
    char *buf;
    lando_err_t err;

    if (!ctx || !out || !out_len || (!src && len > 0)) {
        return LANDO_EINVAL;
    }

    buf = lando_ctx_alloc(ctx, max + 1);
    if (!buf) {
        return LANDO_ENOMEM;
    }

    err = lando_base64_decode(buf, &n, src, len, bad_pos);
    if (err) {
        return err;
    }

    buf[n] = '\0';
    *out = buf;
    *out_len = n;
    return LANDO_OK;
}

char *
lando_ctx_base64_encode(lando_ctx_t *ctx, const void *src, size_t len)
{
    size_t n = lando__b64_encoded_len(len);
    char *buf;

    if (n < len) {
        return NULL;
    }
    buf = lando_ctx_alloc(ctx, n + 1);
    if (buf) {
        lando__b64_encode(buf, src, len);
        buf[n] = '\0';
    }
    return buf;
}
