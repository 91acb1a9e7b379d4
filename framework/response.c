/*
 * The response: status, headers and body, all in the invocation's arena,
 * and the decision whether the body leaves as text or base64.
 *
 * Header names must be HTTP tokens (RFC 9110), which rules out empty
 * names, white space, ':' and every control character, CR, LF and NUL
 * among them. Values may hold anything but CR, LF and NUL. A handler can
 * therefore never split a response or smuggle a second header.
 */
#include <string.h>

#include "internal.h"

/* The token characters of RFC 9110 (letters, digits and
 * !#$%&'*+-.^_`|~), as a table: names are checked on every header set,
 * and a table costs one load per byte. Bytes from 128 up are 0. */
/* clang-format off */
static const unsigned char tchar[256] = {
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 1, 0, 1, 1, 1, 1, 1, 0, 0, 1, 1, 0, 1, 1, 0,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0,
    0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 0, 1, 0,
};
/* clang-format on */

/* The length of NAME when it is a token, else 0. */
static size_t
name_len_of(const char *name)
{
    const unsigned char *p = (const unsigned char *)name;
    size_t n = 0;

    if (!p) {
        return 0;
    }
    while (tchar[p[n]]) {
        n++;
    }
    return p[n] == '\0' ? n : 0;
}

/* Whether VALUE is free of CR and LF; its length into *LEN. */
static bool
value_ok(const char *value, size_t *len)
{
    if (!value) {
        return false;
    }
    *len = strcspn(value, "\r\n");
    return value[*len] == '\0';
}

/* Remove the headers named NAME (LEN bytes, any case). */
static void
remove_n(lando_fields_t *f, const char *name, size_t len)
{
    uint32_t i, kept = 0;

    for (i = 0; i < f->count; i++) {
        if (f->items[i].name_len != len ||
            !lando__name_eq(f, &f->items[i], name, len)) {
            f->items[kept++] = f->items[i];
        }
    }
    f->count = kept;
}

int
lando_response_status(const lando_response_t *res)
{
    return res->status;
}

void
lando_response_set_status(lando_response_t *res, int status)
{
    res->status = (status >= 100 && status <= 599) ? status : 500;
}

const lando_fields_t *
lando_response_headers(const lando_response_t *res)
{
    return &res->headers;
}

const char *
lando_response_header(const lando_response_t *res, const char *name)
{
    return lando_fields_get(&res->headers, name);
}

lando_err_t
lando_response_add_header(lando_response_t *res, const char *name,
                          const char *value)
{
    size_t name_len = name_len_of(name), value_len;

    if (name_len == 0 || !value_ok(value, &value_len)) {
        return LANDO_EHEADER;
    }
    return lando__fields_add(res->ctx, &res->headers, name, name_len, value,
                             value_len);
}

lando_err_t
lando_response_set_header(lando_response_t *res, const char *name,
                          const char *value)
{
    size_t name_len = name_len_of(name), value_len;
    lando_field_t keep;
    uint32_t count;
    lando_err_t err;

    if (name_len == 0 || !value_ok(value, &value_len)) {
        return LANDO_EHEADER;
    }

    /* Add first and remove the older ones after, so that a failure
     * leaves the headers as they were. */
    count = res->headers.count;
    err = lando__fields_add(res->ctx, &res->headers, name, name_len, value,
                            value_len);
    if (err) {
        return err;
    }
    if (count > 0) {
        keep = res->headers.items[count];
        res->headers.count = count;
        remove_n(&res->headers, name, name_len);
        res->headers.items[res->headers.count++] = keep;
    }
    return LANDO_OK;
}

void
lando_response_remove_header(lando_response_t *res, const char *name)
{
    if (name && res->headers.count > 0) {
        remove_n(&res->headers, name, strlen(name));
    }
}

lando_err_t
lando_response_set_body(lando_response_t *res, const void *body, size_t len)
{
    char *copy;

    if (!body && len) {
        return LANDO_EINVAL;
    }
    copy = lando_ctx_strndup(res->ctx, body ? body : "", len);
    if (!copy) {
        return LANDO_ENOMEM;
    }
    res->body = copy;
    res->body_len = len;
    return LANDO_OK;
}

void
lando_response_set_body_ref(lando_response_t *res, const void *body,
                            size_t len)
{
    res->body = body;
    res->body_len = body ? len : 0;
}

const char *
lando_response_body(const lando_response_t *res, size_t *len)
{
    if (len) {
        *len = res->body ? res->body_len : 0;
    }
    return res->body ? res->body : "";
}

void
lando_response_set_body_mode(lando_response_t *res, lando_body_mode_t mode)
{
    res->mode = mode;
}

lando_body_mode_t
lando_response_body_mode(const lando_response_t *res)
{
    return res->mode;
}

/* ---- text or binary ------------------------------------------------- */

bool
lando_content_type_is_text(const char *content_type)
{
    static const char *const exact[] = {
        "application/json",
        "application/xml",
        "application/javascript",
        "application/x-javascript",
        "application/ecmascript",
        "application/yaml",
        "application/x-yaml",
        "application/x-www-form-urlencoded",
        "application/graphql",
    };
    static const char *const suffixes[] = {"+json", "+xml", "+yaml"};
    const char *t;
    size_t len = 0, i;

    if (!content_type) {
        return false;
    }
    /* The type nearly every API answers with, before the general rules. */
    if (strcmp(content_type, "application/json") == 0) {
        return true;
    }

    t = content_type;
    while (*t == ' ' || *t == '\t') {
        t++;
    }
    while (t[len] && t[len] != ';') {
        len++;
    }
    while (len > 0 && (t[len - 1] == ' ' || t[len - 1] == '\t')) {
        len--;
    }

    if (lando__istarts_lit(t, len, "text/") && len > 5) {
        return true;
    }
    for (i = 0; i < sizeof(exact) / sizeof(exact[0]); i++) {
        if (lando__ieq_lit(t, len, exact[i])) {
            return true;
        }
    }
    if (!memchr(t, '/', len)) {
        return false;
    }
    for (i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
        if (lando__iends_lit(t, len, suffixes[i])) {
            return true;
        }
    }
    return false;
}

bool
lando_response_is_binary(const lando_response_t *res)
{
    const char *ct;

    switch (res->mode) {
    case LANDO_BODY_BINARY:
        return true;
    case LANDO_BODY_TEXT:
        return false;
    case LANDO_BODY_AUTO:
    default:
        break;
    }

    ct = lando_fields_get(&res->headers, "Content-Type");
    if (ct) {
        return !lando_content_type_is_text(ct);
    }
    if (!res->body || res->body_len == 0) {
        return false;
    }
    return !lando__utf8_valid(res->body, res->body_len);
}

/* ---- whole answers -------------------------------------------------- */

typedef struct dump_buf {
    lando_ctx_t *ctx;
    char *p;
    size_t len;
    size_t cap;
} dump_buf_t;

/* json_dump_callback sink: append to a buffer growing in the arena. It
 * is the arena's latest allocation, so it usually grows in place. */
static int
dump_append(const char *buf, size_t size, void *data)
{
    dump_buf_t *d = data;

    if (size > SIZE_MAX / 2 - d->len) {
        return -1;
    }
    if (d->len + size + 1 > d->cap) {
        size_t cap = d->cap ? d->cap : 256;
        char *p;

        while (cap < d->len + size + 1) {
            cap *= 2;
        }
        p = lando__arena_grow(&d->ctx->arena, d->p, d->cap, cap);
        if (!p) {
            return -1;
        }
        d->p = p;
        d->cap = cap;
    }
    memcpy(d->p + d->len, buf, size);
    d->len += size;
    d->p[d->len] = '\0';
    return 0;
}

lando_err_t
lando_response_json(lando_response_t *res, int status, json_t *value)
{
    dump_buf_t d = {res->ctx, NULL, 0, 0};
    lando_err_t err;

    if (!value) {
        return LANDO_ENOMEM;
    }

    if (json_dump_callback(value, dump_append, &d,
                           JSON_COMPACT | JSON_ENCODE_ANY) != 0) {
        err = LANDO_ENOMEM;
        goto out;
    }

    err = lando_response_set_header(res, "Content-Type", "application/json");
    if (err) {
        goto out;
    }
    lando_response_set_status(res, status);
    lando_response_set_body_ref(res, d.p ? d.p : "", d.len);

out:
    json_decref(value);
    return err;
}

lando_err_t
lando_response_send(lando_response_t *res, int status,
                    const char *content_type, const void *body, size_t len)
{
    const char *old_body = res->body;
    size_t old_len = res->body_len;
    lando_err_t err;

    err = lando_response_set_body(res, body, len);
    if (err) {
        return err;
    }

    if (content_type) {
        err = lando_response_set_header(res, "Content-Type", content_type);
        if (err) {
            res->body = old_body;
            res->body_len = old_len;
            return err;
        }
    }
    lando_response_set_status(res, status);
    return LANDO_OK;
}

lando_err_t
lando_response_text(lando_response_t *res, int status, const char *text)
{
    if (!text) {
        text = "";
    }
    return lando_response_send(res, status, "text/plain; charset=utf-8",
                               text, strlen(text));
}

lando_err_t
lando_response_empty(lando_response_t *res, int status)
{
    lando_response_set_status(res, status);
    res->body = NULL;
    res->body_len = 0;
    return LANDO_OK;
}

lando_err_t
lando_response_redirect(lando_response_t *res, int status,
                        const char *location)
{
    lando_err_t err;

    if (status < 300 || status > 399 || !location || !*location) {
        return LANDO_EINVAL;
    }
    err = lando_response_set_header(res, "Location", location);
    if (err) {
        return err;
    }
    return lando_response_empty(res, status);
}

void
lando_response_reset(lando_response_t *res)
{
    res->status = 200;
    lando__fields_init(&res->headers, true);
    res->body = NULL;
    res->body_len = 0;
    res->mode = LANDO_BODY_AUTO;
}

lando_ctx_t *
lando_response_ctx(const lando_response_t *res)
{
    return res->ctx;
}
