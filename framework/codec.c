/*
 * The byte codecs every request and response goes through: percent
 * decoding of paths, query strings and forms; base64 for binary bodies;
 * and the UTF-8 check that decides whether a body may travel as text.
 *
 * All of them are table driven and allocate nothing themselves; the
 * caller provides the output buffer (query parsing takes one block from
 * the invocation's arena). None of them trusts its input: any byte
 * sequence gives a defined result, never a read or write out of bounds.
 * A NULL source is accepted with a length of 0, hence the guarded end
 * pointers below (NULL + 0 is undefined in C).
 */
#include <string.h>

#include "internal.h"

/* ---- percent decoding ------------------------------------------------- */

/* 0x10 | value for the 22 hex digits, 0 for every other byte. */
static const unsigned char hexdig[256] = {
    ['0'] = 0x10, ['1'] = 0x11, ['2'] = 0x12, ['3'] = 0x13, ['4'] = 0x14,
    ['5'] = 0x15, ['6'] = 0x16, ['7'] = 0x17, ['8'] = 0x18, ['9'] = 0x19,
    ['a'] = 0x1a, ['b'] = 0x1b, ['c'] = 0x1c, ['d'] = 0x1d, ['e'] = 0x1e,
    ['f'] = 0x1f, ['A'] = 0x1a, ['B'] = 0x1b, ['C'] = 0x1c, ['D'] = 0x1d,
    ['E'] = 0x1e, ['F'] = 0x1f,
};

/*
 * DST may be SRC itself: the write position never passes the read
 * position, so decoding in place is safe.
 */
long
lando__pct_decode(char *dst, const char *src, size_t len, bool plus_space,
                  bool strict)
{
    const unsigned char *s = (const unsigned char *)src;
    const unsigned char *end = len ? s + len : s;
    char *d = dst;

    while (s < end) {
        unsigned char c = *s;

        if (c == '%') {
            if (end - s >= 3 && hexdig[s[1]] && hexdig[s[2]]) {
                unsigned hi = hexdig[s[1]] & 15u;
                unsigned lo = hexdig[s[2]] & 15u;

                *d++ = (char)(hi << 4 | lo);
                s += 3;
                continue;
            }
            if (strict) {
                return -1;
            }
        } else if (c == '+' && plus_space) {
            c = ' ';
        }
        *d++ = (char)c;
        s++;
    }

    *d = '\0';
    return (long)(d - dst);
}

/* ---- query strings and forms ------------------------------------------ */

/*
 * Decode one "name=value" piece of LEN bytes at S into BUF and append it
 * to F. BUF has room for LEN + 1 bytes: the decoded name and value are
 * never longer than their sources, and the '=' that separated them pays
 * for the second NUL. Returns the bytes of BUF used, or -1 with *ERR set.
 */
static long
query_piece(lando_ctx_t *ctx, lando_fields_t *f, char *buf, const char *s,
            size_t len, bool strict, lando_err_t *err)
{
    const char *eq = memchr(s, '=', len);
    size_t name_len = eq ? (size_t)(eq - s) : len;
    long n;
    long v = 0;
    const char *value = "";

    n = lando__pct_decode(buf, s, name_len, true, strict);
    if (n < 0) {
        *err = LANDO_EBADFORM;
        return -1;
    }

    if (eq) {
        value = buf + n + 1;
        v = lando__pct_decode(buf + n + 1, eq + 1, len - name_len - 1, true,
                              strict);
        if (v < 0) {
            *err = LANDO_EBADFORM;
            return -1;
        }
    }

    *err = lando__fields_add_ref(ctx, f, buf, (size_t)n, value, (size_t)v);
    if (*err) {
        return -1;
    }
    return eq ? n + v + 2 : n + 1;
}

/*
 * One arena block of LEN + 1 bytes holds every decoded name and value:
 * each piece needs at most its own length + 1 (see query_piece), and the
 * '&' separators between pieces pay for the rest.
 */
lando_err_t
lando__query_parse(lando_ctx_t *ctx, lando_fields_t *f, const char *s,
                   size_t len, bool strict)
{
    const char *end = s + len;
    char *buf;
    lando_err_t err = LANDO_OK;

    if (len == 0) {
        return LANDO_OK;
    }

    buf = lando_ctx_alloc(ctx, len + 1);
    if (!buf) {
        return LANDO_ENOMEM;
    }

    while (s < end) {
        const char *amp = memchr(s, '&', (size_t)(end - s));
        size_t piece = amp ? (size_t)(amp - s) : (size_t)(end - s);
        long used;

        if (piece > 0) {
            used = query_piece(ctx, f, buf, s, piece, strict, &err);
            if (used < 0) {
                return err;
            }
            buf += used;
        }
        s += piece + (amp ? 1 : 0);
    }

    return LANDO_OK;
}

/* ---- base64 ----------------------------------------------------------- */

static const char b64_alphabet[64] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/*
 * Decoding classes: 0..63 is a digit's value; the rest mark bytes that
 * are not digits. Any value with one of the top two bits set is a
 * non-digit, which lets the fast loop test four bytes with one OR.
 */
enum {
    B64_SPACE = 0x40, /* CR and LF (wrapped lines): skipped */
    B64_PAD = 0x41,   /* '=' */
    B64_BAD = 0xff
};

/* clang-format off */
#define B64_ROW_BAD                                                          \
    B64_BAD, B64_BAD, B64_BAD, B64_BAD, B64_BAD, B64_BAD, B64_BAD, B64_BAD, \
        B64_BAD, B64_BAD, B64_BAD, B64_BAD, B64_BAD, B64_BAD, B64_BAD,      \
        B64_BAD

static const unsigned char b64_class[256] = {
    /* 0x00 */
    B64_BAD, B64_BAD, B64_BAD, B64_BAD, B64_BAD, B64_BAD, B64_BAD, B64_BAD,
    B64_BAD, B64_BAD, B64_SPACE, B64_BAD, B64_BAD, B64_SPACE, B64_BAD,
    B64_BAD,
    /* 0x10 */
    B64_ROW_BAD,
    /* 0x20: '+' = 62, '/' = 63 */
    B64_BAD, B64_BAD, B64_BAD, B64_BAD, B64_BAD, B64_BAD, B64_BAD, B64_BAD,
    B64_BAD, B64_BAD, B64_BAD, 62, B64_BAD, B64_BAD, B64_BAD, 63,
    /* 0x30: '0'..'9' = 52..61, '=' */
    52, 53, 54, 55, 56, 57, 58, 59, 60, 61, B64_BAD, B64_BAD, B64_BAD,
    B64_PAD, B64_BAD, B64_BAD,
    /* 0x40: 'A'..'O' */
    B64_BAD, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14,
    /* 0x50: 'P'..'Z' */
    15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, B64_BAD, B64_BAD, B64_BAD,
    B64_BAD, B64_BAD,
    /* 0x60: 'a'..'o' */
    B64_BAD, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40,
    /* 0x70: 'p'..'z' */
    41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, B64_BAD, B64_BAD, B64_BAD,
    B64_BAD, B64_BAD,
    /* 0x80..0xff */
    B64_ROW_BAD, B64_ROW_BAD, B64_ROW_BAD, B64_ROW_BAD, B64_ROW_BAD,
    B64_ROW_BAD, B64_ROW_BAD, B64_ROW_BAD,
};
/* clang-format on */

size_t
lando__b64_decoded_max(size_t len)
{
    return len / 4 * 3 + (len % 4 ? 3 : 0);
}

/*
 * Check what follows a first '=' at S. HAVE digits of the final quantum
 * were read before it. Two digits need a second '=' (line breaks may sit
 * between), three need none; after the padding only line breaks may
 * follow. Returns true when the tail is well formed.
 */
static bool
b64_tail_ok(const unsigned char *s, const unsigned char *end, unsigned have)
{
    unsigned pads = have == 2 ? 1 : 0;

    if (have < 2) {
        return false;
    }
    for (; s < end; s++) {
        unsigned char c = b64_class[*s];

        if (c == B64_SPACE) {
            continue;
        }
        if (c == B64_PAD && pads > 0) {
            pads--;
            continue;
        }
        return false;
    }
    return pads == 0;
}

long
lando__b64_decode(unsigned char *dst, const char *src, size_t len)
{
    const unsigned char *s = (const unsigned char *)src;
    const unsigned char *end = len ? s + len : s;
    unsigned char *d = dst;
    uint32_t acc = 0;
    unsigned have = 0;

    for (;;) {
        /* Whole quanta without line breaks: the common case. */
        while (have == 0 && end - s >= 4) {
            uint32_t a = b64_class[s[0]];
            uint32_t b = b64_class[s[1]];
            uint32_t c = b64_class[s[2]];
            uint32_t e = b64_class[s[3]];
            uint32_t v;

            if ((a | b | c | e) & 0xc0) {
                break;
            }
            v = a << 18 | b << 12 | c << 6 | e;
            d[0] = (unsigned char)(v >> 16);
            d[1] = (unsigned char)(v >> 8);
            d[2] = (unsigned char)v;
            d += 3;
            s += 4;
        }
        if (s == end) {
            break;
        }

        unsigned char k = b64_class[*s++];

        if (k < 64) {
            acc = acc << 6 | k;
            if (++have == 4) {
                d[0] = (unsigned char)(acc >> 16);
                d[1] = (unsigned char)(acc >> 8);
                d[2] = (unsigned char)acc;
                d += 3;
                acc = 0;
                have = 0;
            }
        } else if (k == B64_PAD) {
            if (!b64_tail_ok(s, end, have)) {
                return -1;
            }
            break;
        } else if (k != B64_SPACE) {
            return -1;
        }
    }

    /* The final quantum, padded or not. The low bits a short quantum
     * leaves over are ignored, as most decoders do. */
    switch (have) {
    case 1:
        return -1;
    case 2:
        *d++ = (unsigned char)(acc >> 4);
        break;
    case 3:
        *d++ = (unsigned char)(acc >> 10);
        *d++ = (unsigned char)(acc >> 2);
        break;
    default:
        break;
    }
    return (long)(d - dst);
}

size_t
lando__b64_encoded_len(size_t len)
{
    return (len / 3 + (len % 3 ? 1 : 0)) * 4;
}

void
lando__b64_encode(char *dst, const unsigned char *src, size_t len)
{
    const unsigned char *s = src;
    const unsigned char *end = len ? src + (len - len % 3) : src;
    char *d = dst;

    for (; s < end; s += 3) {
        uint32_t v = (uint32_t)s[0] << 16 | (uint32_t)s[1] << 8 | s[2];

        d[0] = b64_alphabet[v >> 18];
        d[1] = b64_alphabet[(v >> 12) & 63];
        d[2] = b64_alphabet[(v >> 6) & 63];
        d[3] = b64_alphabet[v & 63];
        d += 4;
    }

    switch (len % 3) {
    case 1:
        d[0] = b64_alphabet[s[0] >> 2];
        d[1] = b64_alphabet[(s[0] & 3) << 4];
        d[2] = '=';
        d[3] = '=';
        d += 4;
        break;
    case 2:
        d[0] = b64_alphabet[s[0] >> 2];
        d[1] = b64_alphabet[(s[0] & 3) << 4 | s[1] >> 4];
        d[2] = b64_alphabet[(s[1] & 15) << 2];
        d[3] = '=';
        d += 4;
        break;
    default:
        break;
    }
    *d = '\0';
}

/* ---- UTF-8 ------------------------------------------------------------ */

/*
 * Well-formed sequences follow Unicode's table 3-7: the second byte's
 * range depends on the first, which rules out overlong forms (E0 80..9F,
 * F0 80..8F), surrogates (ED A0..BF) and code points past U+10FFFF
 * (F4 90.., F5..FF). C0 and C1 never start a sequence.
 */
size_t
lando__utf8_seq(const unsigned char *s, size_t avail)
{
    unsigned char c = s[0];
    unsigned char lo = 0x80;
    unsigned char hi = 0xbf;
    size_t n;

    if (c < 0x80) {
        return 1;
    }
    if (c >= 0xc2 && c <= 0xdf) {
        n = 1;
    } else if (c >= 0xe0 && c <= 0xef) {
        n = 2;
        if (c == 0xe0) {
            lo = 0xa0;
        } else if (c == 0xed) {
            hi = 0x9f;
        }
    } else if (c >= 0xf0 && c <= 0xf4) {
        n = 3;
        if (c == 0xf0) {
            lo = 0x90;
        } else if (c == 0xf4) {
            hi = 0x8f;
        }
    } else {
        return 0;
    }

    if (avail <= n || s[1] < lo || s[1] > hi) {
        return 0;
    }
    for (size_t i = 2; i <= n; i++) {
        if ((s[i] & 0xc0) != 0x80) {
            return 0;
        }
    }
    return n + 1;
}

bool
lando__utf8_valid(const char *str, size_t len)
{
    const unsigned char *s = (const unsigned char *)str;
    const unsigned char *end = len ? s + len : s;

    while (s < end) {
        size_t n;

        /* ASCII runs, eight bytes at a time. */
        if (*s < 0x80) {
            while (end - s >= 8) {
                uint64_t w;

                memcpy(&w, s, 8);
                if (w & UINT64_C(0x8080808080808080)) {
                    break;
                }
                s += 8;
            }
            while (s < end && *s < 0x80) {
                s++;
            }
            continue;
        }

        n = lando__utf8_seq(s, (size_t)(end - s));
        if (n == 0) {
            return false;
        }
        s += n;
    }
    return true;
}
