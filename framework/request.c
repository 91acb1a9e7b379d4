/*
 * The request: getters for what the gateway filled in, the builders it
 * fills it with, and the lazily parsed views of it (cookies, JSON body,
 * form body, request context). Every string lives in the invocation's
 * arena or in the event, which outlives the invocation.
 */
#include <stdio.h>
#include <string.h>

#include "internal.h"

/* ---- small text helpers --------------------------------------------- */

static bool
is_ows(char c)
{
    return c == ' ' || c == '\t';
}

/* The "type/subtype" of a Content-Type value, without parameters and
 * surrounding white space. */
static const char *
media_type(const char *ct, size_t *len)
{
    size_t n = 0;

    while (is_ows(*ct)) {
        ct++;
    }
    while (ct[n] && ct[n] != ';') {
        n++;
    }
    while (n > 0 && is_ows(ct[n - 1])) {
        n--;
    }
    *len = n;
    return ct;
}

static bool
is_json_type(const char *ct)
{
    size_t len;
    const char *t = media_type(ct, &len);

    return lando__ieq_lit(t, len, "application/json") ||
           lando__iends_lit(t, len, "+json");
}

static bool
is_form_type(const char *ct)
{
    size_t len;
    const char *t = media_type(ct, &len);

    return lando__ieq_lit(t, len, "application/x-www-form-urlencoded");
}

/* ---- getters -------------------------------------------------------- */

const char *
lando_request_method(const lando_request_t *req)
{
    return req->method ? req->method : "GET";
}

const char *
lando_request_path(const lando_request_t *req)
{
    return req->path ? req->path : "/";
}

const char *
lando_request_raw_path(const lando_request_t *req)
{
    return req->raw_path ? req->raw_path : lando_request_path(req);
}

const char *
lando_request_raw_query(const lando_request_t *req)
{
    return req->raw_query ? req->raw_query : "";
}

const lando_fields_t *
lando_request_headers(const lando_request_t *req)
{
    return &req->headers;
}

const char *
lando_request_header(const lando_request_t *req, const char *name)
{
    return lando_fields_get(&req->headers, name);
}

const lando_fields_t *
lando_request_query(const lando_request_t *req)
{
    return &req->query;
}

const char *
lando_request_query_get(const lando_request_t *req, const char *name)
{
    return lando_fields_get(&req->query, name);
}

const lando_fields_t *
lando_request_params(const lando_request_t *req)
{
    return &req->params;
}

const char *
lando_request_param(const lando_request_t *req, const char *name)
{
    return lando_fields_get(&req->params, name);
}

const lando_fields_t *
lando_request_stage_vars(const lando_request_t *req)
{
    return &req->stage_vars;
}

const char *
lando_request_stage(const lando_request_t *req)
{
    return req->stage;
}

const char *
lando_request_body(const lando_request_t *req, size_t *len)
{
    if (len) {
        *len = req->body ? req->body_len : 0;
    }
    return req->body ? req->body : "";
}

bool
lando_request_body_is_base64(const lando_request_t *req)
{
    return req->body_base64;
}

lando_ctx_t *
lando_request_ctx(const lando_request_t *req)
{
    return req->ctx;
}

/* ---- cookies -------------------------------------------------------- */

static void
trim(const char **s, size_t *len)
{
    while (*len > 0 && is_ows(**s)) {
        (*s)++;
        (*len)--;
    }
    while (*len > 0 && is_ows((*s)[*len - 1])) {
        (*len)--;
    }
}

/* Add one "name=value" piece; pieces without a name are skipped. */
static lando_err_t
add_cookie(lando_request_t *req, const char *s, size_t len)
{
    const char *eq = memchr(s, '=', len);
    const char *name = s, *value = "";
    size_t name_len = eq ? (size_t)(eq - s) : len, value_len = 0;
    char *buf;
    long n;

    trim(&name, &name_len);
    if (name_len == 0) {
        return LANDO_OK;
    }
    if (eq) {
        value = eq + 1;
        value_len = (size_t)(s + len - value);
        trim(&value, &value_len);
        if (value_len >= 2 && value[0] == '"' && value[value_len - 1] == '"') {
            value++;
            value_len -= 2;
        }
    }

    buf = lando__arena_alloc(&req->ctx->arena, name_len + value_len + 2);
    if (!buf) {
        return LANDO_ENOMEM;
    }
    memcpy(buf, name, name_len);
    buf[name_len] = '\0';

    /* A value that is not valid percent-encoding is kept as sent. */
    n = lando__pct_decode(buf + name_len + 1, value, value_len, false, true);
    if (n < 0) {
        memcpy(buf + name_len + 1, value, value_len);
        n = (long)value_len;
    }
    buf[name_len + 1 + (size_t)n] = '\0';

    return lando__fields_add_ref(req->ctx, &req->cookies, buf, name_len,
                                 buf + name_len + 1, (size_t)n);
}

static lando_err_t
parse_cookies(lando_request_t *req)
{
    const lando_field_t *h = NULL;
    lando_err_t err;

    lando__fields_init(&req->cookies, false);
    while ((h = lando_fields_next(&req->headers, "Cookie", h)) != NULL) {
        const char *p = h->value, *end = h->value + h->value_len;

        while (p < end) {
            const char *semi = memchr(p, ';', (size_t)(end - p));
            const char *stop = semi ? semi : end;

            err = add_cookie(req, p, (size_t)(stop - p));
            if (err) {
                return err;
            }
            p = stop + 1;
        }
    }
    return LANDO_OK;
}

const lando_fields_t *
lando_request_cookies(lando_request_t *req)
{
    if (!req->cookies_parsed) {
        if (parse_cookies(req) != LANDO_OK) {
            lando__fields_init(&req->cookies, false);
            return NULL;
        }
        req->cookies_parsed = true;
    }
    return &req->cookies;
}

const char *
lando_request_cookie(lando_request_t *req, const char *name)
{
    return lando_fields_get(lando_request_cookies(req), name);
}

/* ---- request context ------------------------------------------------ */

/* The text of a scalar JSON value: strings as they are, numbers and
 * booleans as their JSON text; NULL for anything else. */
static const char *
json_text(lando_ctx_t *ctx, json_t *v)
{
    char buf[64];
    size_t n;

    switch (json_typeof(v)) {
    case JSON_STRING:
        return json_string_value(v);
    case JSON_INTEGER:
        return lando_ctx_sprintf(ctx, "%" JSON_INTEGER_FORMAT,
                                 json_integer_value(v));
    case JSON_REAL:
        n = json_dumpb(v, buf, sizeof(buf), JSON_ENCODE_ANY);
        if (n == 0 || n >= sizeof(buf)) {
            return NULL;
        }
        return lando_ctx_strndup(ctx, buf, n);
    case JSON_TRUE:
        return "true";
    case JSON_FALSE:
        return "false";
    default:
        return NULL;
    }
}

static const char *
context_from_json(lando_request_t *req, const char *key)
{
    json_t *v = req->context_json;
    const char *seg = key;

    for (;;) {
        const char *dot = strchr(seg, '.');
        size_t len = dot ? (size_t)(dot - seg) : strlen(seg);

        if (!json_is_object(v)) {
            return NULL;
        }
        v = json_object_getn(v, seg, len);
        if (!v) {
            return NULL;
        }
        if (!dot) {
            break;
        }
        seg = dot + 1;
    }
    return json_text(req->ctx, v);
}

const char *
lando_request_context(lando_request_t *req, const char *dotted_key)
{
    if (!dotted_key) {
        return NULL;
    }
    if (req->lookup) {
        return req->lookup(req->lookup_opaque, req->ctx, dotted_key);
    }
    if (req->context_json) {
        return context_from_json(req, dotted_key);
    }
    return NULL;
}

/*
 * API Gateway and Function URLs put the peer's address in the request
 * context. ALB and VPC Lattice events carry none, so the last entry of
 * X-Forwarded-For serves: the load balancer appends the address it saw,
 * while entries before it come from the client and can be forged.
 */
const char *
lando_request_source_ip(lando_request_t *req)
{
    static const char *const keys[] = {"identity.sourceIp",
                                       "http.sourceIp"};
    const lando_field_t *h = NULL, *last = NULL;
    const char *ip, *p, *comma;
    size_t i, len;

    for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
        ip = lando_request_context(req, keys[i]);
        if (ip && *ip) {
            return ip;
        }
    }

    while ((h = lando_fields_next(&req->headers, "X-Forwarded-For", h))) {
        last = h;
    }
    if (!last) {
        return NULL;
    }

    p = last->value;
    comma = strrchr(p, ',');
    if (comma) {
        p = comma + 1;
    }
    len = strlen(p);
    trim(&p, &len);
    return len ? lando_ctx_strndup(req->ctx, p, len) : NULL;
}

/* ---- bodies --------------------------------------------------------- */

/* Decode a body that is still base64 so that it can be parsed. */
static lando_err_t
plain_body(lando_request_t *req)
{
    unsigned char *buf;
    long n;

    if (!req->body_base64) {
        return LANDO_OK;
    }

    buf = lando__arena_alloc(&req->ctx->arena,
                             lando__b64_decoded_max(req->body_len) + 1);
    if (!buf) {
        return lando_fail(req->ctx, LANDO_ENOMEM, NULL);
    }
    n = lando__b64_decode(buf, req->body ? req->body : "", req->body_len);
    if (n < 0) {
        return lando_fail(req->ctx, LANDO_EBADBASE64, NULL);
    }
    buf[n] = '\0';
    req->body = (const char *)buf;
    req->body_len = (size_t)n;
    req->body_base64 = false;
    return LANDO_OK;
}

static void
json_release(void *v)
{
    json_decref(v);
}

/*
 * jansson reports a failure to allocate during parsing as a syntax error
 * more often than not ("string or '}' expected"), which would answer a
 * server fault with 400. While lando parses, its allocator is wrapped to
 * notice a NULL. Invocations run one at a time (the runtime holds the
 * GIL), and a wrapper never wraps itself, so the swap cannot recurse.
 */
static json_malloc_t watched_malloc;
static bool watched_failed;

static void *
watch_malloc(size_t size)
{
    void *p = watched_malloc(size);

    if (!p) {
        watched_failed = true;
    }
    return p;
}

static json_t *
parse_json(const char *text, size_t len, json_error_t *jerr, bool *oom)
{
    json_malloc_t m;
    json_free_t f;
    json_t *v;

    json_get_alloc_funcs(&m, &f);
    if (m == watch_malloc) {
        v = json_loadb(text, len, JSON_DECODE_ANY, jerr);
        *oom = false;
        return v;
    }

    watched_malloc = m;
    watched_failed = false;
    json_set_alloc_funcs(watch_malloc, f);
    v = json_loadb(text, len, JSON_DECODE_ANY, jerr);
    json_set_alloc_funcs(m, f);

    *oom = v == NULL && (watched_failed ||
                         json_error_code(jerr) == json_error_out_of_memory);
    return v;
}

/*
 * Bodies are parsed with JSON_DECODE_ANY (RFC 8259 allows any value at
 * the top) and without JSON_ALLOW_NUL: a "\u0000" escape is refused as
 * malformed, so no handler ever reads a string that C cuts short at an
 * embedded NUL. json_loadb takes the length, so a raw NUL byte in the
 * body is a syntax error rather than the silent end of the text.
 */
lando_err_t
lando_request_json(lando_request_t *req, json_t **out)
{
    lando_ctx_t *ctx = req->ctx;
    const char *ct;
    json_error_t jerr;
    json_t *v;
    bool oom;
    lando_err_t err;

    if (out) {
        *out = NULL;
    }
    if (req->json_parsed) {
        if (out) {
            *out = req->json;
        }
        return LANDO_OK;
    }

    ct = lando_fields_get(&req->headers, "Content-Type");
    if (ct && !is_json_type(ct)) {
        return lando_fail(ctx, LANDO_EMEDIATYPE,
                          "unsupported content type: expected "
                          "application/json");
    }

    err = plain_body(req);
    if (err) {
        return err;
    }
    if (!req->body || req->body_len == 0) {
        return lando_fail(ctx, LANDO_EBADJSON, "empty JSON body");
    }

    v = parse_json(req->body, req->body_len, &jerr, &oom);
    if (!v) {
        if (oom) {
            return lando_fail(ctx, LANDO_ENOMEM, NULL);
        }
        /* jansson counts the bytes read, the offending one included;
         * the message gives that byte's 0-based offset. */
        return lando_fail(ctx, LANDO_EBADJSON,
                          "malformed JSON body at line %d, column %d "
                          "(byte %d): %s",
                          jerr.line, jerr.column,
                          jerr.position > 0 ? jerr.position - 1 : 0,
                          jerr.text);
    }

    if (lando__ctx_on_end(ctx, json_release, v) != LANDO_OK) {
        json_decref(v);
        return lando_fail(ctx, LANDO_ENOMEM, NULL);
    }
    req->json = v;
    req->json_parsed = true;
    if (out) {
        *out = v;
    }
    return LANDO_OK;
}

lando_err_t
lando_request_form(lando_request_t *req, const lando_fields_t **out)
{
    lando_ctx_t *ctx = req->ctx;
    const char *ct;
    lando_err_t err;

    if (out) {
        *out = NULL;
    }
    if (req->form_parsed) {
        if (out) {
            *out = &req->form;
        }
        return LANDO_OK;
    }

    /* As for JSON, a body without a Content-Type is given a chance. */
    ct = lando_fields_get(&req->headers, "Content-Type");
    if (ct && !is_form_type(ct)) {
        return lando_fail(ctx, LANDO_EMEDIATYPE,
                          "unsupported content type: expected "
                          "application/x-www-form-urlencoded");
    }

    err = plain_body(req);
    if (err) {
        return err;
    }

    lando__fields_init(&req->form, false);
    err = lando__query_parse(ctx, &req->form, req->body ? req->body : "",
                             req->body ? req->body_len : 0, true);
    if (err == LANDO_EBADFORM) {
        lando__fields_init(&req->form, false);
        return lando_fail(ctx, err, "malformed form body: a '%%' is not "
                                    "followed by two hex digits");
    }
    if (err) {
        lando__fields_init(&req->form, false);
        return lando_fail(ctx, err, NULL);
    }

    req->form_parsed = true;
    if (out) {
        *out = &req->form;
    }
    return LANDO_OK;
}

/* ---- builders ------------------------------------------------------- */

lando_err_t
lando_request_set_method(lando_request_t *req, const char *method)
{
    char *m;
    size_t i;

    if (!method || !*method) {
        return LANDO_EINVAL;
    }
    m = lando_ctx_strdup(req->ctx, method);
    if (!m) {
        return LANDO_ENOMEM;
    }
    for (i = 0; m[i]; i++) {
        if (m[i] >= 'a' && m[i] <= 'z') {
            m[i] = (char)(m[i] - ('a' - 'A'));
        }
    }
    req->method = m;
    return LANDO_OK;
}

lando_err_t
lando_request_set_path(lando_request_t *req, const char *path)
{
    char *p;

    if (!path) {
        return LANDO_EINVAL;
    }
    p = lando_ctx_strdup(req->ctx, *path ? path : "/");
    if (!p) {
        return LANDO_ENOMEM;
    }
    req->path = p;
    req->raw_path = p;
    return LANDO_OK;
}

lando_err_t
lando_request_set_routed_path(lando_request_t *req, const char *path)
{
    char *p;

    if (!path) {
        return LANDO_EINVAL;
    }
    p = lando_ctx_strdup(req->ctx, *path ? path : "/");
    if (!p) {
        return LANDO_ENOMEM;
    }
    if (!req->raw_path) {
        req->raw_path = lando_request_path(req);
    }
    req->path = p;
    return LANDO_OK;
}

lando_err_t
lando_request_set_raw_query(lando_request_t *req, const char *query)
{
    lando_err_t err;
    size_t len;
    char *q;

    if (!query) {
        query = "";
    }
    len = strlen(query);
    q = lando_ctx_strndup(req->ctx, query, len);
    if (!q) {
        return LANDO_ENOMEM;
    }

    lando__fields_init(&req->query, false);
    err = lando__query_parse(req->ctx, &req->query, q, len, false);
    if (err) {
        lando__fields_init(&req->query, false);
        return err;
    }
    req->raw_query = q;
    return LANDO_OK;
}

lando_err_t
lando_request_add_header(lando_request_t *req, const char *name,
                         const char *value)
{
    if (!name || !value) {
        return LANDO_EINVAL;
    }
    req->cookies_parsed = false;
    return lando__fields_add(req->ctx, &req->headers, name, strlen(name),
                             value, strlen(value));
}

lando_err_t
lando_request_add_query(lando_request_t *req, const char *name,
                        const char *value)
{
    if (!name || !value) {
        return LANDO_EINVAL;
    }
    return lando__fields_add(req->ctx, &req->query, name, strlen(name),
                             value, strlen(value));
}

lando_err_t
lando_request_add_stage_var(lando_request_t *req, const char *name,
                            const char *value)
{
    if (!name || !value) {
        return LANDO_EINVAL;
    }
    return lando__fields_add(req->ctx, &req->stage_vars, name, strlen(name),
                             value, strlen(value));
}

lando_err_t
lando_request_set_body(lando_request_t *req, const void *body, size_t len,
                       bool is_base64)
{
    char *copy;

    if (!body && len) {
        return LANDO_EINVAL;
    }
    copy = lando_ctx_strndup(req->ctx, body ? body : "", len);
    if (!copy) {
        return LANDO_ENOMEM;
    }
    lando_request_set_body_ref(req, copy, len, is_base64);
    return LANDO_OK;
}

void
lando_request_set_body_ref(lando_request_t *req, const void *body,
                           size_t len, bool is_base64)
{
    req->body = body;
    req->body_len = body ? len : 0;
    req->body_base64 = is_base64;
    /* A new body invalidates what was parsed from the old one. The old
     * JSON value stays registered for release at the end. */
    req->json = NULL;
    req->json_parsed = false;
    req->form_parsed = false;
    lando__fields_init(&req->form, false);
}

lando_err_t
lando_request_set_stage(lando_request_t *req, const char *stage)
{
    if (!stage) {
        req->stage = NULL;
        return LANDO_OK;
    }
    req->stage = lando_ctx_strdup(req->ctx, stage);
    return req->stage ? LANDO_OK : LANDO_ENOMEM;
}

void
lando_request_set_context_lookup(lando_request_t *req,
                                 lando_context_lookup_fn lookup,
                                 void *opaque)
{
    req->lookup = lookup;
    req->lookup_opaque = opaque;
    req->context_json = NULL;
}

void
lando_request_set_context_json(lando_request_t *req, json_t *context)
{
    req->lookup = NULL;
    req->lookup_opaque = NULL;
    req->context_json = context;
}
