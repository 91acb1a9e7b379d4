/*
 * Base64: the internal decoder the gateway uses for bodies, the public
 * one with its error position, and the encoder.
 *
 * Properties: both decoders agree on every input; output fits in
 * lando__b64_decoded_max(); a failure names a position inside the text
 * (or its end, or none); encoding the fuzz bytes and decoding them back
 * gives the same bytes; a successful decode re-encodes to text that
 * decodes to the same bytes again.
 */
#include <lando/codec.h>

#include "internal.h"
#include "fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *text = (const char *)data;
    size_t max = lando__b64_decoded_max(size);
    unsigned char *a = malloc(max + 1);
    unsigned char *b = malloc(max + 1);
    size_t enc_len = lando__b64_encoded_len(size);
    char *enc = malloc(enc_len + 1);
    unsigned char *back = malloc(lando__b64_decoded_max(enc_len) + 1);
    size_t b_len = 0;
    size_t bad = 0;
    long n;
    lando_err_t err;

    FUZZ_CHECK(a && b && enc && back);
    FUZZ_CHECK(lando_base64_decoded_max(size) == max);

    /* Decode the input as base64 text. */
    n = lando__b64_decode(a, text, size);
    err = lando_base64_decode(b, &b_len, text, size, &bad);
    FUZZ_CHECK((n >= 0) == (err == LANDO_OK));
    if (n >= 0) {
        char *re = malloc(lando__b64_encoded_len((size_t)n) + 1);
        unsigned char *again = malloc((size_t)n + 1);
        long m;

        FUZZ_CHECK(re && again);
        FUZZ_CHECK((size_t)n <= max);
        FUZZ_CHECK((size_t)n == b_len);
        FUZZ_CHECK(n == 0 || memcmp(a, b, (size_t)n) == 0);
        lando__b64_encode(re, a, (size_t)n);
        FUZZ_CHECK(strlen(re) == lando__b64_encoded_len((size_t)n));
        m = lando__b64_decode(again, re, strlen(re));
        FUZZ_CHECK(m == n);
        FUZZ_CHECK(n == 0 || memcmp(again, a, (size_t)n) == 0);
        free(re);
        free(again);
    } else {
        FUZZ_CHECK(err == LANDO_EBADBASE64);
        FUZZ_CHECK(bad <= size || bad == LANDO_BASE64_NOPOS);
    }

    /* Encode the input as bytes, and decode it back. */
    lando__b64_encode(enc, data, size);
    FUZZ_CHECK(strlen(enc) == enc_len);
    FUZZ_CHECK(lando_base64_encoded_len(size) == enc_len);
    n = lando__b64_decode(back, enc, enc_len);
    FUZZ_CHECK(n == (long)size);
    FUZZ_CHECK(size == 0 || memcmp(back, data, size) == 0);

    free(a);
    free(b);
    free(enc);
    free(back);
    return 0;
}
