/*
 * The compress middleware (lando/mw/compress.h): gzip or deflate of
 * textual response bodies with zlib, after the rest of the chain has
 * written them. zlib's working memory and the output both come from the
 * invocation's arena, so nothing is freed by hand and nothing leaks when
 * an invocation ends early. The state is the options alone.
 */
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <zlib.h>

#include <lando/mw/compress.h>

#define DEFAULT_MIN_SIZE 1024
#define DEFAULT_LEVEL 6

typedef struct cz_state {
    size_t min_size;
    int level;
    bool no_deflate;
} cz_state_t;

typedef enum coding { CODING_NONE, CODING_GZIP, CODING_DEFLATE } coding_t;

/* ---- deciding -------------------------------------------------------- */

/* True if any Cache-Control header lists the no-transform directive. */
static bool
no_transform(const lando_response_t *res)
{
    const lando_fields_t *h = lando_response_headers(res);
    const lando_field_t *f = NULL;

    while ((f = lando_fields_next(h, "Cache-Control", f)) != NULL) {
        const char *p = f->value;

        while (*p) {
            const char *start;
            size_t n;

            while (*p == ' ' || *p == '\t' || *p == ',') {
                p++;
            }
            start = p;
            while (*p && *p != ',' && *p != '=' && *p != ' ' &&
                   *p != '\t') {
                p++;
            }
            n = (size_t)(p - start);
            if (n == 12 && strncasecmp(start, "no-transform", 12) == 0) {
                return true;
            }
            /* Skip an argument. A comma inside a quoted one can only make
             * the middleware skip a body it could have compressed. */
            while (*p && *p != ',') {
                p++;
            }
        }
    }
    return false;
}

/* Whether the response could be compressed for some client. */
static bool
eligible(lando_ctx_t *ctx, const cz_state_t *st)
{
    const lando_response_t *res = lando_res(ctx);
    int status = lando_response_status(res);
    const char *type;
    size_t len = 0;

    /* Most API bodies are small: the cheapest test goes first. */
    lando_response_body(res, &len);
    if (len < st->min_size || len > UINT_MAX) {
        return false;
    }
    if (strcmp(lando_request_method(lando_req(ctx)), "HEAD") == 0 ||
        status < 200 || status == 204 || status == 206 || status == 304) {
        return false;
    }
    if (lando_response_header(res, "Content-Encoding") || no_transform(res)) {
        return false;
    }
    type = lando_response_header(res, "Content-Type");
    return type && lando_content_type_is_text(type);
}

/*
 * The q-value at *P ("1", "0.5", "0.000") in thousandths, or -1 when it
 * is malformed.
 */
static int
parse_q(const char *p, size_t n)
{
    int q = 0;
    size_t i;
    int scale = 1000;

    if (n == 0 || (p[0] != '0' && p[0] != '1')) {
        return -1;
    }
    q = (p[0] - '0') * 1000;
    if (n == 1) {
        return q;
    }
    if (p[1] != '.' || n > 5) {
        return -1;
    }
    for (i = 2; i < n; i++) {
        if (p[i] < '0' || p[i] > '9') {
            return -1;
        }
        scale /= 10;
        q += (p[i] - '0') * scale;
    }
    return q > 1000 ? -1 : q;
}

/*
 * One Accept-Encoding element (N bytes at S): its coding and q-value.
 * Returns false for a malformed element, which is then ignored.
 */
static bool
parse_element(const char *s, size_t n, const char **coding, size_t *clen,
              int *q)
{
    const char *semi = memchr(s, ';', n);
    size_t c = semi ? (size_t)(semi - s) : n;

    while (c > 0 && (s[c - 1] == ' ' || s[c - 1] == '\t')) {
        c--;
    }
    *coding = s;
    *clen = c;
    *q = 1000;

    while (semi) {
        const char *p = semi + 1;
        const char *end = s + n;
        const char *next = memchr(p, ';', (size_t)(end - p));
        const char *stop = next ? next : end;

        while (p < stop && (*p == ' ' || *p == '\t')) {
            p++;
        }
        if (stop - p >= 2 && (p[0] == 'q' || p[0] == 'Q') && p[1] == '=') {
            size_t qn = (size_t)(stop - p - 2);

            while (qn > 0 && (p[2 + qn - 1] == ' ' || p[2 + qn - 1] == '\t')) {
                qn--;
            }
            *q = parse_q(p + 2, qn);
            if (*q < 0) {
                return false;
            }
        }
        semi = next;
    }
    return c > 0;
}

static bool
coding_is(const char *s, size_t n, const char *name)
{
    return strlen(name) == n && strncasecmp(s, name, n) == 0;
}

/* Pick the coding Accept-Encoding prefers; see the header for the rule. */
static coding_t
choose(lando_ctx_t *ctx, const cz_state_t *st)
{
    const lando_fields_t *h = lando_request_headers(lando_req(ctx));
    const lando_field_t *f = NULL;
    int qg = -1;
    int qd = -1;
    int qstar = -1;

    while ((f = lando_fields_next(h, "Accept-Encoding", f)) != NULL) {
        const char *p = f->value;

        while (*p) {
            const char *start;
            const char *coding;
            size_t clen;
            int q;

            while (*p == ' ' || *p == '\t' || *p == ',') {
                p++;
            }
            start = p;
            while (*p && *p != ',') {
                p++;
            }
            if (p == start ||
                !parse_element(start, (size_t)(p - start), &coding, &clen,
                               &q)) {
                continue;
            }
            if (coding_is(coding, clen, "gzip") ||
                coding_is(coding, clen, "x-gzip")) {
                qg = q;
            } else if (coding_is(coding, clen, "deflate")) {
                qd = q;
            } else if (coding_is(coding, clen, "*")) {
                qstar = q;
            }
        }
    }

    if (qg < 0) {
        qg = qstar > 0 ? qstar : 0;
    }
    if (qd < 0) {
        qd = qstar > 0 ? qstar : 0;
    }
    if (st->no_deflate) {
        qd = 0;
    }
    if (qg > 0 && qg >= qd) {
        return CODING_GZIP;
    }
    return qd > 0 ? CODING_DEFLATE : CODING_NONE;
}

/* ---- compressing ----------------------------------------------------- */

static voidpf
arena_zalloc(voidpf opaque, uInt items, uInt size)
{
    if (size != 0 && items > SIZE_MAX / size) {
        return Z_NULL;
    }
    return lando_ctx_alloc(opaque, (size_t)items * size);
}

static void
arena_zfree(voidpf opaque, voidpf ptr)
{
    /* Arena memory is released with the invocation. */
}

/*
 * The smallest window that covers LEN bytes: a smaller window costs the
 * ratio nothing for a body that fits in it, and saves most of zlib's
 * 256 KiB of working memory for the typical small JSON body.
 */
static int
window_bits(size_t len)
{
    int bits = 9;

    while (bits < 15 && ((size_t)1 << bits) < len) {
        bits++;
    }
    return bits;
}

/*
 * Compress LEN bytes of BODY into the arena. Returns the output length,
 * or 0 when compression failed or would not make the body smaller.
 */
static size_t
deflate_body(lando_ctx_t *ctx, const cz_state_t *st, coding_t coding,
             const char *body, size_t len, unsigned char **out)
{
    z_stream zs;
    int bits = window_bits(len);
    uLong bound;
    unsigned char *buf;
    size_t n = 0;

    memset(&zs, 0, sizeof(zs));
    zs.zalloc = arena_zalloc;
    zs.zfree = arena_zfree;
    zs.opaque = ctx;
    if (deflateInit2(&zs, st->level, Z_DEFLATED,
                     coding == CODING_GZIP ? bits + 16 : bits, 8,
                     Z_DEFAULT_STRATEGY) != Z_OK) {
        return 0;
    }

    bound = deflateBound(&zs, (uLong)len);
    buf = bound <= UINT_MAX ? lando_ctx_alloc(ctx, bound) : NULL;
    if (buf) {
        zs.next_in = (Bytef *)(uintptr_t)body;
        zs.avail_in = (uInt)len;
        zs.next_out = buf;
        zs.avail_out = (uInt)bound;
        if (deflate(&zs, Z_FINISH) == Z_STREAM_END && zs.total_out < len) {
            n = zs.total_out;
            *out = buf;
        }
    }
    deflateEnd(&zs);
    return n;
}

/* Mark the response as COMPRESSED bytes of N length in CODING. */
static lando_err_t
apply(lando_ctx_t *ctx, coding_t coding, unsigned char *compressed, size_t n)
{
    lando_response_t *res = lando_res(ctx);
    const char *etag = lando_response_header(res, "ETag");
    lando_err_t err;

    err = lando_response_set_header(res, "Content-Encoding",
                                    coding == CODING_GZIP ? "gzip"
                                                          : "deflate");
    if (!err && etag && strncmp(etag, "W/", 2) != 0) {
        const char *weak = lando_ctx_sprintf(ctx, "W/%s", etag);

        err = weak ? lando_response_set_header(res, "ETag", weak)
                   : LANDO_ENOMEM;
    }
    if (err) {
        lando_response_remove_header(res, "Content-Encoding");
        return err;
    }

    lando_response_remove_header(res, "Content-Length");
    lando_response_set_body_ref(res, compressed, n);
    lando_response_set_body_mode(res, LANDO_BODY_BINARY);
    return LANDO_OK;
}

static lando_err_t
compress_run(lando_ctx_t *ctx, void *state)
{
    const cz_state_t *st = state;
    lando_response_t *res = lando_res(ctx);
    unsigned char *out = NULL;
    const char *body;
    size_t len = 0;
    size_t n;
    coding_t coding;
    lando_err_t err;

    err = lando_next(ctx);
    if (err || !eligible(ctx, st)) {
        return err;
    }

    err = lando_response_vary(res, "Accept-Encoding");
    if (err) {
        return lando_fail(ctx, err, NULL);
    }

    coding = choose(ctx, st);
    if (coding == CODING_NONE) {
        return LANDO_OK;
    }

    /* A failure to compress (zlib out of arena memory) leaves the body
     * as it was: still a correct answer, only a larger one. */
    body = lando_response_body(res, &len);
    n = deflate_body(ctx, st, coding, body, len, &out);
    if (n == 0) {
        return LANDO_OK;
    }

    err = apply(ctx, coding, out, n);
    return err ? lando_fail(ctx, err, NULL) : LANDO_OK;
}

lando_err_t
lando_mw_compress(const lando_compress_options_t *opts, lando_mw_t *out)
{
    cz_state_t *st;

    if (!out || (opts && (opts->level < 0 || opts->level > 9))) {
        return LANDO_EINVAL;
    }

    st = lando_malloc(sizeof(*st));
    if (!st) {
        return LANDO_ENOMEM;
    }
    st->min_size = opts && opts->min_size ? opts->min_size
                                          : DEFAULT_MIN_SIZE;
    st->level = opts && opts->level ? opts->level : DEFAULT_LEVEL;
    st->no_deflate = opts && opts->no_deflate;

    out->name = "compress";
    out->fn = compress_run;
    out->state = st;
    out->free_state = lando_free;
    return LANDO_OK;
}
