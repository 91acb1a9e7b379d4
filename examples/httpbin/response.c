/*
 * Endpoints whose response the request describes:
 *
 *     ANY  /status/{codes}     that status: one code ("418"), or a comma
 *                              list picked at random, optionally weighted
 *                              ("200:0.9,500:0.1"; a missing weight is 1)
 *     GET  /response-headers   each query pair becomes a response header,
 *     POST                     repeated names repeated headers; the body
 *                              echoes them as {name: [values]}
 *     ANY  /redirect-to        ?url=...&status_code=3xx (302 by default)
 *     GET  /cookies            {"cookies": {name: value}}
 *     GET  /cookies/set        ?name=value...: one Set-Cookie per pair,
 *     GET  /cookies/delete     or one expired cookie per name, then 302
 *                              to /cookies, as httpbin does
 *
 * Whatever the client asks for must still be a valid response: a header
 * name that is not a token, a value holding CR, LF or NUL, a status
 * outside 200..599 or a redirect status outside 3xx is answered 400, and
 * nothing of the refused request reaches the response.
 */
#include <string.h>
#include <strings.h>

#include "httpbin.h"

/* ---- small parsers ---------------------------------------------------- */

static bool
is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* A weight: digits with an optional fraction ("1", "0.25", ".5"). */
static bool
parse_weight(const char *s, size_t n, double *out)
{
    double v = 0, scale = 1;
    size_t i = 0;
    bool digits = false;

    for (; i < n && is_digit(s[i]); i++) {
        v = v * 10 + (s[i] - '0');
        digits = true;
    }
    if (i < n && s[i] == '.') {
        for (i++; i < n && is_digit(s[i]); i++) {
            scale /= 10;
            v += (s[i] - '0') * scale;
            digits = true;
        }
    }
    *out = v;
    return digits && i == n && n <= 20;
}

/* ---- /status/{codes} -------------------------------------------------- */

/*
 * A status 200..599. A Lambda function sends one response, the final
 * one, and in HTTP a 1xx is never final.
 */
static bool
parse_status(const char *s, size_t n, unsigned *out)
{
    uint64_t v;

    if (!httpbin_parse_u64(s, n, 599, &v) || v < 200) {
        return false;
    }
    *out = (unsigned)v;
    return true;
}

/* One item of a list, "code" or "code:weight", of N bytes at P. */
static bool
parse_choice(const char *p, size_t n, unsigned *code, double *weight)
{
    const char *colon = memchr(p, ':', n);
    size_t head = colon ? (size_t)(colon - p) : n;

    *weight = 1;
    if (!parse_status(p, head, code)) {
        return false;
    }
    return colon == NULL || parse_weight(colon + 1, n - head - 1, weight);
}

/*
 * Pick a code of LIST ("c[:w],c[:w],...") at random by weight into
 * *OUT. False for a malformed list or one whose weights are all 0.
 */
static bool
pick_weighted(const char *list, unsigned *out)
{
    double total = 0, target, weight;
    const char *p;
    unsigned code;
    bool found = false;
    size_t n;

    for (p = list;; p += n + 1) {
        n = strcspn(p, ",");
        if (!parse_choice(p, n, &code, &weight)) {
            return false;
        }
        total += weight;
        if (p[n] == '\0') {
            break;
        }
    }
    if (!(total > 0)) {
        return false;
    }

    /* 53 random bits make a double in [0, 1). */
    target = (double)(httpbin_random_next() >> 11) / 9007199254740992.0 * total;
    for (p = list;; p += n + 1) {
        n = strcspn(p, ",");
        parse_choice(p, n, &code, &weight);
        if (weight > 0) {
            *out = code;
            found = true;
        }
        if (target < weight) {
            return true;
        }
        target -= weight;
        if (p[n] == '\0') {
            break;
        }
    }
    /* Rounding left a sliver past the end: the last code that could be
     * picked takes it. */
    return found;
}

/* Add NAME: VALUE, or answer 400 when the client's text cannot be one. */
static lando_err_t
add_header(lando_ctx_t *ctx, const char *name, const char *value)
{
    lando_err_t err = lando_response_add_header(lando_res(ctx), name, value);

    if (err == LANDO_EHEADER) {
        return lando_fail(ctx, LANDO_EBADREQUEST,
                          "not a valid response header: %s", name);
    }
    return err != LANDO_OK ? lando_fail(ctx, err, NULL) : LANDO_OK;
}

lando_err_t
httpbin_status(lando_ctx_t *ctx, void *data)
{
    const char *codes = httpbin_param(ctx, "codes");
    lando_response_t *res = lando_res(ctx);
    unsigned code = 0;
    bool ok = false;

    if (codes != NULL && strpbrk(codes, ",:") == NULL) {
        ok = parse_status(codes, strlen(codes), &code);
    } else if (codes != NULL) {
        ok = pick_weighted(codes, &code);
    }
    if (!ok) {
        return lando_fail(ctx, LANDO_EBADREQUEST,
                          "codes must be a status 200..599 or a list "
                          "such as 200:0.9,500:0.1");
    }

    lando_response_empty(res, (int)code);
    switch (code) {
    case 301:
    case 302:
    case 303:
    case 305:
    case 307:
    case 308:
        return add_header(
            ctx, "Location",
            lando_ctx_sprintf(ctx, "%s/get", httpbin_prefix(ctx)));
    case 401:
        return add_header(ctx, "WWW-Authenticate", "Basic realm=\"httpbin\"");
    case 407:
        return add_header(ctx, "Proxy-Authenticate", "Basic realm=\"httpbin\"");
    case 418:
        return lando_response_text(res, 418, "I'm a teapot (RFC 2324)\n");
    default:
        return LANDO_OK;
    }
}

/* ---- /response-headers ------------------------------------------------ */

static bool
is_tchar(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || is_digit(c) ||
           (c != '\0' && strchr("!#$%&'*+-.^_`|~", c) != NULL);
}

/* An HTTP token (RFC 9110): what a header or cookie name must be. */
static bool
is_token(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (!is_tchar((unsigned char)s[i])) {
            return false;
        }
    }
    return n > 0;
}

/* What lando_response_add_header() would refuse, checked up front so
 * that a refused request adds no header at all. */
static bool
valid_header(const lando_field_t *f)
{
    return is_token(f->name, f->name_len) && !httpbin_has_nul(f) &&
           strpbrk(f->value, "\r\n") == NULL;
}

/* The HTML entity for C, or NULL when C stands for itself. */
static const char *
entity_of(char c)
{
    switch (c) {
    case '&':
        return "&amp;";
    case '<':
        return "&lt;";
    case '>':
        return "&gt;";
    case '"':
        return "&quot;";
    case '\'':
        return "&#39;";
    default:
        return NULL;
    }
}

/* S with & < > " ' as HTML entities, in the arena. */
static const char *
html_escape(lando_ctx_t *ctx, const char *s, size_t len, size_t *out_len)
{
    char *out = lando_ctx_alloc(ctx, 6 * len + 1);
    size_t n = 0;

    if (out == NULL) {
        return NULL;
    }
    for (size_t i = 0; i < len; i++) {
        const char *entity = entity_of(s[i]);

        if (entity == NULL) {
            out[n++] = s[i];
        } else {
            memcpy(out + n, entity, strlen(entity));
            n += strlen(entity);
        }
    }
    out[n] = '\0';
    *out_len = n;
    return out;
}

/*
 * Append NAME: VALUE to the echo OBJ, HTML-escaped when ESCAPE: a client
 * may ask for "Content-Type: text/html", and a page that echoes its own
 * query must not run the script that query carries.
 */
static int
echo_header(lando_ctx_t *ctx, json_t *obj, const char *name, size_t nlen,
            const char *value, size_t vlen, bool escape)
{
    json_t *list;
    json_t *text;

    if (escape) {
        name = html_escape(ctx, name, nlen, &nlen);
        value = html_escape(ctx, value, vlen, &vlen);
        if (name == NULL || value == NULL) {
            return -1;
        }
    }
    text = httpbin_text(ctx, value, vlen);
    list = json_object_getn(obj, name, nlen);
    if (list == NULL) {
        list = json_array();
        if (json_object_setn_new(obj, name, nlen, list) < 0) {
            json_decref(text);
            return -1;
        }
    }
    return json_array_append_new(list, text);
}

/* ECHO (taken over) as the body, leaving the Content-Type alone. */
static lando_err_t
set_json_body(lando_ctx_t *ctx, json_t *echo)
{
    size_t len = json_dumpb(echo, NULL, 0, JSON_COMPACT);
    char *text = len > 0 ? lando_ctx_alloc(ctx, len) : NULL;

    if (text != NULL) {
        json_dumpb(echo, text, len, JSON_COMPACT);
        lando_response_set_body_ref(lando_res(ctx), text, len);
    }
    json_decref(echo);
    return text != NULL ? LANDO_OK : LANDO_ENOMEM;
}

lando_err_t
httpbin_response_headers(lando_ctx_t *ctx, void *data)
{
    const lando_fields_t *query = lando_request_query(lando_req(ctx));
    size_t count = lando_fields_count(query);
    const char *type = lando_fields_get(query, "Content-Type");
    bool escape;
    json_t *echo;
    lando_err_t err = LANDO_OK;

    /* Query names compare exactly; any case of Content-Type counts. */
    for (size_t i = 0; i < count && type == NULL; i++) {
        const lando_field_t *f = lando_fields_at(query, i);

        if (strcasecmp(f->name, "Content-Type") == 0) {
            type = f->value;
        }
    }
    for (size_t i = 0; i < count; i++) {
        if (!valid_header(lando_fields_at(query, i))) {
            return lando_fail(ctx, LANDO_EBADREQUEST,
                              "query pair %zu cannot be a header", i + 1);
        }
    }
    escape = type != NULL && strstr(type, "json") == NULL;

    echo = json_object();
    for (size_t i = 0; echo != NULL && i < count; i++) {
        const lando_field_t *f = lando_fields_at(query, i);

        err = add_header(ctx, f->name, f->value);
        if (err != LANDO_OK) {
            json_decref(echo);
            return err;
        }
        if (echo_header(ctx, echo, f->name, f->name_len, f->value, f->value_len,
                        escape) < 0) {
            json_decref(echo);
            echo = NULL;
        }
    }
    if (echo != NULL && type == NULL) {
        type = "application/json";
        err = add_header(ctx, "Content-Type", type);
        if (err == LANDO_OK && echo_header(ctx, echo, "Content-Type", 12, type,
                                           strlen(type), false) < 0) {
            err = lando_fail(ctx, LANDO_ENOMEM, NULL);
        }
    }
    if (echo == NULL || err != LANDO_OK) {
        json_decref(echo);
        return err != LANDO_OK ? err : lando_fail(ctx, LANDO_ENOMEM, NULL);
    }
    err = set_json_body(ctx, echo);
    return err != LANDO_OK ? lando_fail(ctx, err, NULL) : LANDO_OK;
}

/* ---- /redirect-to ----------------------------------------------------- */

lando_err_t
httpbin_redirect_to(lando_ctx_t *ctx, void *data)
{
    lando_request_t *req = lando_req(ctx);
    const lando_field_t *url =
        lando_fields_next(lando_request_query(req), "url", NULL);
    const lando_field_t *status =
        lando_fields_next(lando_request_query(req), "status_code", NULL);
    uint64_t code = 302;
    lando_err_t err;

    /* No check of where it leads: an open redirect is this endpoint's
     * whole point, as on httpbin.org. */
    if (url == NULL || url->value_len == 0 || httpbin_has_nul(url)) {
        return lando_fail(ctx, LANDO_EBADREQUEST,
                          "the query parameter url is required");
    }
    if (status != NULL &&
        !(httpbin_parse_u64(status->value, status->value_len, 399, &code) &&
          code >= 300)) {
        return lando_fail(ctx, LANDO_EBADREQUEST,
                          "status_code must be a status 300..399");
    }

    err = lando_response_redirect(lando_res(ctx), (int)code, url->value);
    if (err == LANDO_EHEADER) {
        return lando_fail(ctx, LANDO_EBADREQUEST,
                          "url must not hold a line break");
    }
    return err != LANDO_OK ? lando_fail(ctx, err, NULL) : LANDO_OK;
}

/* ---- /cookies --------------------------------------------------------- */

lando_err_t
httpbin_cookies(lando_ctx_t *ctx, void *data)
{
    const lando_fields_t *cookies = lando_request_cookies(lando_req(ctx));
    json_t *obj = json_object();

    if (cookies == NULL) {
        json_decref(obj);
        return lando_fail(ctx, LANDO_ENOMEM, NULL);
    }
    /* A name sent twice (cookies of two paths) shows its last value. */
    for (size_t i = 0; obj != NULL && i < lando_fields_count(cookies); i++) {
        const lando_field_t *c = lando_fields_at(cookies, i);
        json_t *name = httpbin_text(ctx, c->name, c->name_len);
        json_t *value = httpbin_text(ctx, c->value, c->value_len);
        int rc = -1;

        if (name != NULL && value != NULL) {
            /* Takes VALUE over, also when it fails. */
            rc = json_object_setn_new(obj, json_string_value(name),
                                      json_string_length(name), value);
            value = NULL;
        }
        json_decref(name);
        json_decref(value);
        if (rc < 0) {
            json_decref(obj);
            obj = NULL;
        }
    }
    if (obj == NULL) {
        return lando_fail(ctx, LANDO_ENOMEM, NULL);
    }
    return lando_response_json(lando_res(ctx), 200,
                               json_pack("{s:o}", "cookies", obj));
}

/* A byte a cookie value may hold as is (RFC 6265, cookie-octet), '%'
 * excepted: it starts the escapes below. */
static bool
is_cookie_octet(unsigned char c)
{
    return c == 0x21 || (c >= 0x23 && c <= 0x2b && c != '%') ||
           (c >= 0x2d && c <= 0x3a) || (c >= 0x3c && c <= 0x5b) ||
           (c >= 0x5d && c <= 0x7e);
}

/*
 * VALUE with every other byte as %XX, in the arena. A value such as
 * "a;Domain=evil" thus stays one value, and lando decodes the escapes
 * when the cookie comes back, so /cookies shows what was set.
 */
static const char *
cookie_value(lando_ctx_t *ctx, const char *value, size_t len)
{
    static const char hex[] = "0123456789ABCDEF";
    char *out = lando_ctx_alloc(ctx, 3 * len + 1);
    size_t n = 0;

    if (out == NULL) {
        return NULL;
    }
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)value[i];

        if (is_cookie_octet(c)) {
            out[n++] = (char)c;
        } else {
            out[n++] = '%';
            out[n++] = hex[c >> 4];
            out[n++] = hex[c & 15];
        }
    }
    out[n] = '\0';
    return out;
}

/*
 * One Set-Cookie per query pair, then 302 to /cookies. With DELETE set,
 * each named cookie goes out empty and already expired instead.
 */
static lando_err_t
set_cookies(lando_ctx_t *ctx, bool delete)
{
    const lando_fields_t *query = lando_request_query(lando_req(ctx));
    size_t count = lando_fields_count(query);
    const char *location;
    lando_err_t err;

    for (size_t i = 0; i < count; i++) {
        const lando_field_t *f = lando_fields_at(query, i);

        if (!is_token(f->name, f->name_len)) {
            return lando_fail(ctx, LANDO_EBADREQUEST,
                              "query name %zu is not a cookie name", i + 1);
        }
    }

    for (size_t i = 0; i < count; i++) {
        const lando_field_t *f = lando_fields_at(query, i);
        const char *value =
            delete ? "" : cookie_value(ctx, f->value, f->value_len);
        const char *cookie;

        if (value == NULL) {
            return lando_fail(ctx, LANDO_ENOMEM, NULL);
        }
        cookie = lando_ctx_sprintf(ctx, "%s=%s; Path=/%s", f->name, value,
                                   delete ? "; Max-Age=0; Expires=Thu, 01 "
                                            "Jan 1970 00:00:00 GMT"
                                          : "");
        err = cookie != NULL ? add_header(ctx, "Set-Cookie", cookie)
                             : lando_fail(ctx, LANDO_ENOMEM, NULL);
        if (err != LANDO_OK) {
            return err;
        }
    }

    location = lando_ctx_sprintf(ctx, "%s/cookies", httpbin_prefix(ctx));
    err = location != NULL
              ? lando_response_redirect(lando_res(ctx), 302, location)
              : LANDO_ENOMEM;
    return err != LANDO_OK ? lando_fail(ctx, err, NULL) : LANDO_OK;
}

lando_err_t
httpbin_cookies_set(lando_ctx_t *ctx, void *data)
{
    return set_cookies(ctx, false);
}

lando_err_t
httpbin_cookies_delete(lando_ctx_t *ctx, void *data)
{
    return set_cookies(ctx, true);
}
