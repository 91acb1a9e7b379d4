/*
 * The error_map middleware (lando/mw/error_map.h): the edge where error
 * values become HTTP answers. It decides what a client may learn about a
 * failure (status, slug, message, and detail only in debug mode) and
 * writes it, by default as lando's JSON error body. The failure stays
 * recorded on the invocation for the logging middleware.
 *
 * The state is the compiled options, read-only after construction.
 */
#include <string.h>

#include <lando/mw/error_map.h>

#define INTERNAL_MESSAGE "internal error"

typedef struct mapping {
    lando_err_t code;
    int status;
    char *slug;
    char *message;
} mapping_t;

typedef struct em_state {
    mapping_t *maps;
    size_t count;
    lando_handler_fn not_found;
    void *not_found_data;
    lando_error_format_fn format;
    void *format_data;
    bool debug;
    char *internal_message;
} em_state_t;

static const struct {
    int status;
    const char *slug;
} status_slugs[] = {
    {400, "bad_request"},
    {401, "unauthorized"},
    {402, "payment_required"},
    {403, "forbidden"},
    {404, "not_found"},
    {405, "method_not_allowed"},
    {406, "not_acceptable"},
    {408, "request_timeout"},
    {409, "conflict"},
    {410, "gone"},
    {412, "precondition_failed"},
    {413, "payload_too_large"},
    {415, "unsupported_media_type"},
    {422, "unprocessable_entity"},
    {428, "precondition_required"},
    {429, "too_many_requests"},
    {500, "internal_error"},
    {501, "not_implemented"},
    {502, "bad_gateway"},
    {503, "unavailable"},
    {504, "timeout"},
};

static bool
is_lando_code(lando_err_t code)
{
    return code > LANDO_OK && code < LANDO__ERR_COUNT;
}

static const char *
status_slug(int status)
{
    size_t i;

    for (i = 0; i < sizeof(status_slugs) / sizeof(status_slugs[0]); i++) {
        if (status_slugs[i].status == status) {
            return status_slugs[i].slug;
        }
    }
    return status < 500 ? "client_error" : "server_error";
}

static const mapping_t *
find_mapping(const em_state_t *st, lando_err_t code)
{
    size_t i;

    for (i = 0; i < st->count; i++) {
        if (st->maps[i].code == code) {
            return &st->maps[i];
        }
    }
    return NULL;
}

/* Decide what the client is told about REC; see the header. */
static void
describe(const em_state_t *st, const lando_error_t *rec,
         lando_error_info_t *info)
{
    const mapping_t *m = find_mapping(st, rec->code);
    lando_err_t code = rec->code;
    int status = rec->status;

    /* A status different from the code's default was chosen at the
     * failure site with lando_fail_status(); that choice wins. */
    if (m && m->status && status == lando_err_status(code)) {
        status = m->status;
    }

    info->code = code;
    info->status = status;
    info->detail = st->debug ? rec->detail : NULL;

    if (m && m->slug) {
        info->slug = m->slug;
    } else if (is_lando_code(code)) {
        info->slug = lando_err_slug(code);
    } else {
        info->slug = status_slug(status);
    }

    if (m && m->message) {
        info->message = m->message;
    } else if (status < 500 || st->debug) {
        info->message = rec->message ? rec->message : lando_strerror(code);
    } else if (is_lando_code(code) && status != 500 &&
               lando_err_status(code) == status) {
        info->message = lando_strerror(code);
    } else {
        info->message = st->internal_message;
    }
}

/* ---- the JSON body --------------------------------------------------- */

/*
 * The body is written by hand rather than built as jansson values and
 * dumped: it is a function of four short strings, and this path answers
 * every 404. The bytes are those jansson's compact dump of the same
 * object gives (keys in insertion order, '"', '\\' and control
 * characters escaped, \u00XX in upper case, '/' and non-ASCII as they
 * are); the unit test compares the two.
 */

/*
 * Length of the valid UTF-8 sequence at S (AVAIL bytes left), or 0 when
 * it is not one. The rules are jansson's: no overlong forms, no
 * surrogates, nothing above U+10FFFF.
 */
static size_t
utf8_seq(const unsigned char *s, size_t avail)
{
    unsigned c = s[0];
    size_t n;
    unsigned long v;

    if (c < 0x80) {
        return 1;
    }
    if (c >= 0xC2 && c <= 0xDF) {
        n = 2;
        v = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
        n = 3;
        v = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4;
        v = c & 0x07;
    } else {
        return 0;
    }
    if (avail < n) {
        return 0;
    }
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80) {
            return 0;
        }
        v = (v << 6) | (s[i] & 0x3F);
    }
    if (v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF) || (n == 3 && v < 0x800) ||
        (n == 4 && v < 0x10000)) {
        return 0;
    }
    return n;
}

/*
 * How jansson writes each ASCII byte in a string: 0 as it is, 'u' as
 * \u00XX, any other letter as that backslash escape.
 */
/* clang-format off */
static const char json_escape[128] = {
    'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u',
    'b', 't', 'n', 'u', 'f', 'r', 'u', 'u',
    'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u',
    'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u',
    0, 0, '"', 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, '\\', 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0,
};
/* clang-format on */

/* A member's text and its lengths as it is and as a JSON string. */
typedef struct member {
    const char *s;
    size_t len;
    size_t json_len; /* quotes included; len + 2 when nothing is escaped */
} member_t;

/*
 * Measure S as a JSON string into M. Returns false when S is not valid
 * UTF-8, as json_string() refuses it.
 */
static bool
json_measure(const char *s, member_t *m)
{
    const unsigned char *p = (const unsigned char *)s;
    const unsigned char *end = p + strlen(s);
    size_t extra = 0;

    while (p < end) {
        size_t seq;

        if (*p < 0x80) {
            char e = json_escape[*p++];

            if (e != 0) {
                extra += e == 'u' ? 5 : 1;
            }
            continue;
        }
        seq = utf8_seq(p, (size_t)(end - p));
        if (seq == 0) {
            return false;
        }
        p += seq;
    }
    m->s = s;
    m->len = (size_t)(end - (const unsigned char *)s);
    m->json_len = m->len + 2 + extra;
    return true;
}

/* Write the measured M as a JSON string at W; returns the end. */
static char *
json_put(char *w, const member_t *m)
{
    static const char hex[] = "0123456789ABCDEF";
    const unsigned char *p = (const unsigned char *)m->s;
    const unsigned char *end = p + m->len;

    *w++ = '"';
    if (m->json_len == m->len + 2) {
        memcpy(w, m->s, m->len);
        w += m->len;
        p = end;
    }
    for (; p < end; p++) {
        char e = *p < 0x80 ? json_escape[*p] : 0;

        if (e == 0) {
            *w++ = (char)*p;
        } else if (e == 'u') {
            memcpy(w, "\\u00", 4);
            w[4] = hex[*p >> 4];
            w[5] = hex[*p & 15];
            w += 6;
        } else {
            *w++ = '\\';
            *w++ = e;
        }
    }
    *w++ = '"';
    return w;
}

/*
 * Measure into M the text of a member: S when it is valid UTF-8, else
 * FALLBACK. False when neither is usable.
 */
static bool
member_text(const char *s, const char *fallback, member_t *m)
{
    return (s && json_measure(s, m)) || (fallback && json_measure(fallback, m));
}

/* STATUS in decimal at W; returns the end. */
static char *
put_int(char *w, int status)
{
    char digits[24];
    long long v = status;
    size_t n = 0;

    if (v < 0) {
        *w++ = '-';
        v = -v;
    }
    do {
        digits[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v > 0);
    while (n > 0) {
        *w++ = digits[--n];
    }
    return w;
}

#define BODY_HEAD "{\"error\":{\"status\":"
#define BODY_CODE ",\"code\":"
#define BODY_MESSAGE ",\"message\":"
#define BODY_DETAIL ",\"detail\":"
#define BODY_TAIL "}}"
#define LIT_LEN(s) (sizeof(s) - 1)

/*
 * Format the body for INFO into the arena of CTX: *BODY and *LEN.
 * Returns LANDO_OK or LANDO_ENOMEM (also when a text and its stand-in
 * are both unusable, as jansson's refusal answered before).
 */
static lando_err_t
format_body(lando_ctx_t *ctx, const lando_error_info_t *info, const char **body,
            size_t *len)
{
    member_t slug, message, detail;
    size_t size;
    char *buf, *w;

    if (!member_text(info->slug, "error", &slug) ||
        !member_text(info->message, lando_strerror(info->code), &message) ||
        (info->detail && !member_text(info->detail, "(not UTF-8)", &detail))) {
        return LANDO_ENOMEM;
    }

    size = LIT_LEN(BODY_HEAD) + 12 + LIT_LEN(BODY_CODE) + slug.json_len +
           LIT_LEN(BODY_MESSAGE) + message.json_len + LIT_LEN(BODY_TAIL) + 1;
    if (info->detail) {
        size += LIT_LEN(BODY_DETAIL) + detail.json_len;
    }
    buf = lando_ctx_alloc(ctx, size);
    if (!buf) {
        return LANDO_ENOMEM;
    }

    w = buf;
    memcpy(w, BODY_HEAD, LIT_LEN(BODY_HEAD));
    w = put_int(w + LIT_LEN(BODY_HEAD), info->status);
    memcpy(w, BODY_CODE, LIT_LEN(BODY_CODE));
    w = json_put(w + LIT_LEN(BODY_CODE), &slug);
    memcpy(w, BODY_MESSAGE, LIT_LEN(BODY_MESSAGE));
    w = json_put(w + LIT_LEN(BODY_MESSAGE), &message);
    if (info->detail) {
        memcpy(w, BODY_DETAIL, LIT_LEN(BODY_DETAIL));
        w = json_put(w + LIT_LEN(BODY_DETAIL), &detail);
    }
    memcpy(w, BODY_TAIL, LIT_LEN(BODY_TAIL));
    w += LIT_LEN(BODY_TAIL);
    *w = '\0';

    *body = buf;
    *len = (size_t)(w - buf);
    return LANDO_OK;
}

lando_err_t
lando_error_map_write(lando_ctx_t *ctx, const lando_error_info_t *info)
{
    lando_response_t *res;
    const char *body;
    size_t len;
    lando_err_t err;

    if (!ctx || !info) {
        return LANDO_EINVAL;
    }
    res = lando_res(ctx);

    err = format_body(ctx, info, &body, &len);
    if (err) {
        return err;
    }

    /* These describe the body being replaced. */
    lando_response_remove_header(res, "Content-Type");
    lando_response_remove_header(res, "Content-Encoding");
    lando_response_remove_header(res, "Content-Length");
    lando_response_set_body_mode(res, LANDO_BODY_AUTO);

    err = lando_response_set_header(res, "Content-Type", "application/json");
    if (err) {
        return err;
    }
    lando_response_set_status(res, info->status);
    lando_response_set_body_ref(res, body, len);

    if (info->status == 405) {
        const char *allow = lando_ctx_allow(ctx);

        if (allow) {
            err = lando_response_set_header(res, "Allow", allow);
        }
    }
    return err;
}

/*
 * Answer the failure ERR that the chain returned. Returns LANDO_OK once
 * answered, or ERR when even the answer could not be written, so that
 * lando_app_handle() falls back to its own.
 */
static lando_err_t
present(lando_ctx_t *ctx, const em_state_t *st, lando_err_t err,
        bool try_not_found)
{
    const lando_error_t *rec = lando_ctx_error(ctx);
    lando_error_info_t info;
    lando_err_t werr;

    /* A failure returned without lando_fail(), or a stale record left
     * by a failure that was handled and followed by another. */
    if (!rec || rec->code != err) {
        lando_fail(ctx, err, NULL);
        rec = lando_ctx_error(ctx);
    }

    if (try_not_found && st->not_found && rec->code == LANDO_ENOTFOUND) {
        lando_err_t nerr = st->not_found(ctx, st->not_found_data);

        if (nerr == LANDO_OK) {
            return LANDO_OK;
        }
        return present(ctx, st, nerr, false);
    }

    describe(st, rec, &info);

    if (st->format && st->format(ctx, &info, st->format_data) == LANDO_OK) {
        return LANDO_OK;
    }

    werr = lando_error_map_write(ctx, &info);
    return werr == LANDO_OK ? LANDO_OK : err;
}

static lando_err_t
error_map_run(lando_ctx_t *ctx, void *state)
{
    lando_err_t err = lando_next(ctx);

    if (err == LANDO_OK) {
        return LANDO_OK;
    }
    return present(ctx, state, err, true);
}

static void
em_free(void *state)
{
    em_state_t *st = state;
    size_t i;

    if (!st) {
        return;
    }
    for (i = 0; i < st->count; i++) {
        lando_free(st->maps[i].slug);
        lando_free(st->maps[i].message);
    }
    lando_free(st->maps);
    lando_free(st->internal_message);
    lando_free(st);
}

static char *
copy_str(const char *s)
{
    size_t n;
    char *p;

    if (!s) {
        return NULL;
    }
    n = strlen(s) + 1;
    p = lando_malloc(n);
    if (p) {
        memcpy(p, s, n);
    }
    return p;
}

static lando_err_t
copy_mappings(em_state_t *st, const lando_error_map_options_t *opts)
{
    size_t i;

    if (opts->mapping_count == 0) {
        return LANDO_OK;
    }
    if (!opts->mappings) {
        return LANDO_EINVAL;
    }

    st->maps = lando_malloc(opts->mapping_count * sizeof(*st->maps));
    if (!st->maps) {
        return LANDO_ENOMEM;
    }
    for (i = 0; i < opts->mapping_count; i++) {
        const lando_error_mapping_t *m = &opts->mappings[i];
        mapping_t *d = &st->maps[st->count];

        if (m->code == LANDO_OK ||
            (m->status != 0 && (m->status < 400 || m->status > 599))) {
            return LANDO_EINVAL;
        }
        d->code = m->code;
        d->status = m->status;
        d->slug = copy_str(m->slug);
        d->message = copy_str(m->message);
        st->count++;
        if ((m->slug && !d->slug) || (m->message && !d->message)) {
            return LANDO_ENOMEM;
        }
    }
    return LANDO_OK;
}

lando_err_t
lando_mw_error_map(const lando_error_map_options_t *opts, lando_mw_t *out)
{
    static const lando_error_map_options_t defaults;
    em_state_t *st;
    lando_err_t err;

    if (!out) {
        return LANDO_EINVAL;
    }
    if (!opts) {
        opts = &defaults;
    }

    st = lando_malloc(sizeof(*st));
    if (!st) {
        return LANDO_ENOMEM;
    }
    memset(st, 0, sizeof(*st));
    st->not_found = opts->not_found;
    st->not_found_data = opts->not_found_data;
    st->format = opts->format;
    st->format_data = opts->format_data;
    st->debug = opts->debug;

    err = copy_mappings(st, opts);
    if (err) {
        goto fail;
    }
    st->internal_message = copy_str(opts->internal_message
                                        ? opts->internal_message
                                        : INTERNAL_MESSAGE);
    if (!st->internal_message) {
        err = LANDO_ENOMEM;
        goto fail;
    }

    out->name = "error_map";
    out->fn = error_map_run;
    out->state = st;
    out->free_state = em_free;
    return LANDO_OK;

fail:
    em_free(st);
    return err;
}
