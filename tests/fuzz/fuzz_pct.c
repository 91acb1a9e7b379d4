/*
 * Percent decoding (lando__pct_decode): every mode, in place and into a
 * separate buffer of exactly the documented size, and the UTF-8 check
 * on what comes out.
 *
 * Properties: the output is never longer than the input and is
 * NUL-terminated; decoding in place gives the same bytes as decoding
 * elsewhere; strict mode fails exactly when some '%' is not followed by
 * two hex digits, and otherwise agrees with lenient mode; without '%'
 * or '+' the bytes come out unchanged.
 */
#include <ctype.h>

#include "internal.h"
#include "fuzz_util.h"

static bool
has_bad_escape(const uint8_t *s, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        if (s[i] != '%') {
            continue;
        }
        if (i + 2 >= len) {
            return true;
        }
        if (!isxdigit(s[i + 1]) || !isxdigit(s[i + 2])) {
            return true;
        }
        i += 2;
    }
    return false;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* Exactly LEN + 1 bytes, as the contract says, so ASan sees any
     * write past it. */
    char *out = malloc(size + 1);
    char *inplace = malloc(size + 1);
    long results[4];

    FUZZ_CHECK(out && inplace);

    for (int mode = 0; mode < 4; mode++) {
        bool plus = mode & 1;
        bool strict = mode & 2;
        long n = lando__pct_decode(out, (const char *)data, size, plus,
                                   strict);
        long m;

        memcpy(inplace, data, size);
        m = lando__pct_decode(inplace, inplace, size, plus, strict);
        FUZZ_CHECK(n == m);
        results[mode] = n;
        if (n < 0) {
            FUZZ_CHECK(strict);
            continue;
        }
        FUZZ_CHECK((size_t)n <= size);
        FUZZ_CHECK(out[n] == '\0');
        FUZZ_CHECK(memcmp(out, inplace, (size_t)n) == 0);
        (void)lando__utf8_valid(out, (size_t)n);
    }

    /* Strict fails exactly on a bad escape, and otherwise agrees. */
    FUZZ_CHECK((results[2] < 0) == has_bad_escape(data, size));
    FUZZ_CHECK((results[3] < 0) == has_bad_escape(data, size));
    if (results[2] >= 0) {
        FUZZ_CHECK(results[2] == results[0]);
        FUZZ_CHECK(results[3] == results[1]);
    }
    if (!memchr(data, '%', size)) {
        long n = lando__pct_decode(out, (const char *)data, size, false,
                                   false);

        FUZZ_CHECK(n == (long)size);
        FUZZ_CHECK(size == 0 || memcmp(out, data, size) == 0);
    }

    free(out);
    free(inplace);
    return 0;
}
