/*
 * The pieces of the echo: how httpbin shows a request as JSON. Every
 * endpoint that echoes (/anything, /get, /post, /headers, ...) builds its
 * answer from these, so they all say the same things the same way:
 * header names in lower case, every name mapped to the list of its
 * values, text that is not UTF-8 shown with U+FFFD rather than refused.
 */
#include <string.h>
#include <strings.h>

#include "httpbin.h"

#define FORM_TYPE "application/x-www-form-urlencoded"

/* ---- text that JSON can carry ---------------------------------------- */

/* Length of the valid UTF-8 sequence at S (N bytes left), or 0. */
static size_t
utf8_seq(const unsigned char *s, size_t n)
{
    size_t len;
    unsigned min;
    unsigned cp;

    if (s[0] < 0x80) {
        return 1;
    } else if (s[0] >= 0xc2 && s[0] <= 0xdf) {
        len = 2, cp = s[0] & 0x1f, min = 0x80;
    } else if (s[0] >= 0xe0 && s[0] <= 0xef) {
        len = 3, cp = s[0] & 0x0f, min = 0x800;
    } else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
        len = 4, cp = s[0] & 0x07, min = 0x10000;
    } else {
        return 0;
    }
    if (n < len) {
        return 0;
    }
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xc0) != 0x80) {
            return 0;
        }
        cp = (cp << 6) | (s[i] & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
        return 0;
    }
    return len;
}

bool
httpbin_utf8_valid(const char *s, size_t len)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0, step;

    while (i < len && (step = utf8_seq(u + i, len - i)) > 0) {
        i += step;
    }
    return i == len;
}

/*
 * S as valid UTF-8: S itself when it is, else an arena copy with each
 * invalid byte replaced by U+FFFD. A query value such as "%FF" decodes
 * to bytes that are not text; the echo shows them rather than fail.
 */
static const char *
lossy(lando_ctx_t *ctx, const char *s, size_t len, size_t *out_len)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t i, used = 0, step;
    char *copy;

    *out_len = len;
    if (httpbin_utf8_valid(s, len)) {
        return s;
    }

    copy = lando_ctx_alloc(ctx, 3 * len + 1);
    if (copy == NULL) {
        return NULL;
    }
    for (i = 0; i < len; i += step) {
        step = utf8_seq(u + i, len - i);
        if (step == 0) {
            memcpy(copy + used, "\xef\xbf\xbd", 3);
            used += 3;
            step = 1;
        } else {
            memcpy(copy + used, s + i, step);
            used += step;
        }
    }
    copy[used] = '\0';
    *out_len = used;
    return copy;
}

json_t *
httpbin_text(lando_ctx_t *ctx, const char *s, size_t len)
{
    s = lossy(ctx, s, len, &len);
    return s != NULL ? json_stringn(s, len) : NULL;
}

json_t *
httpbin_nullable(lando_ctx_t *ctx, const char *s)
{
    return s != NULL ? httpbin_text(ctx, s, strlen(s)) : json_null();
}

/* Append VALUE (taken over) to the list under KEY in OBJ. */
static int
push(lando_ctx_t *ctx, json_t *obj, const char *key, size_t key_len,
     json_t *value)
{
    json_t *list;

    key = lossy(ctx, key, key_len, &key_len);
    if (key == NULL || value == NULL) {
        json_decref(value);
        return -1;
    }
    list = json_object_getn(obj, key, key_len);
    if (list == NULL) {
        list = json_array();
        if (json_object_setn_new(obj, key, key_len, list) < 0) {
            json_decref(value);
            return -1;
        }
    }
    return json_array_append_new(list, value);
}

json_t *
httpbin_multi_map(lando_ctx_t *ctx, const lando_fields_t *f, bool lower)
{
    json_t *obj = json_object();

    for (size_t i = 0; obj != NULL && i < lando_fields_count(f); i++) {
        const lando_field_t *item = lando_fields_at(f, i);
        char *name = lando_ctx_strndup(ctx, item->name, item->name_len);
        json_t *value = httpbin_text(ctx, item->value, item->value_len);

        for (size_t j = 0; lower && name != NULL && j < item->name_len; j++) {
            if (name[j] >= 'A' && name[j] <= 'Z') {
                name[j] = (char)(name[j] - 'A' + 'a');
            }
        }
        if (name == NULL || push(ctx, obj, name, item->name_len, value) < 0) {
            json_decref(obj);
            obj = NULL;
        }
    }
    return obj;
}

json_t *
httpbin_headers(lando_ctx_t *ctx)
{
    return httpbin_multi_map(ctx, lando_request_headers(lando_req(ctx)), true);
}

json_t *
httpbin_args(lando_ctx_t *ctx)
{
    return httpbin_multi_map(ctx, lando_request_query(lando_req(ctx)), false);
}

/* ---- the parts of the echo ------------------------------------------- */

/* The first item of a comma-separated header value, trimmed. */
static const char *
first_item(lando_ctx_t *ctx, const char *value)
{
    size_t start = strspn(value, " \t");
    size_t len = strcspn(value + start, ",");

    while (len > 0 &&
           (value[start + len - 1] == ' ' || value[start + len - 1] == '\t')) {
        len--;
    }
    return lando_ctx_strndup(ctx, value + start, len);
}

/* Best effort: the scheme and host the client used, then the raw path
 * and query. Without any host the URL is relative. */
json_t *
httpbin_url(lando_ctx_t *ctx)
{
    lando_request_t *req = lando_req(ctx);
    const char *proto = lando_request_header(req, "X-Forwarded-Proto");
    const char *host = lando_request_header(req, "Host");
    const char *query = lando_request_raw_query(req);
    const char *sep = query[0] != '\0' ? "?" : "";
    const char *url;

    if (host == NULL || host[0] == '\0') {
        host = lando_request_context(req, "domainName");
    }
    proto = proto != NULL ? first_item(ctx, proto) : NULL;
    if (proto == NULL || proto[0] == '\0') {
        proto = "https";
    }

    if (host == NULL || host[0] == '\0') {
        url = lando_ctx_sprintf(ctx, "%s%s%s", lando_request_raw_path(req), sep,
                                query);
    } else {
        url = lando_ctx_sprintf(ctx, "%s://%s%s%s%s", proto, host,
                                lando_request_raw_path(req), sep, query);
    }
    return url != NULL ? httpbin_text(ctx, url, strlen(url)) : NULL;
}

json_t *
httpbin_data(lando_ctx_t *ctx, const char *body, size_t len)
{
    json_t *text = json_stringn(body, len);
    char *b64;

    if (text != NULL) {
        return text;
    }
    b64 = lando_ctx_base64_encode(ctx, body, len);
    if (b64 == NULL) {
        return NULL;
    }
    return json_sprintf("data:application/octet-stream;base64,%s", b64);
}

/* Whatever its Content-Type says: a body that is not JSON is no error
 * for an echo. */
json_t *
httpbin_json(const char *body, size_t len)
{
    json_t *value = NULL;

    if (len > 0) {
        value = json_loadb(body, len, JSON_DECODE_ANY | JSON_ALLOW_NUL, NULL);
    }
    return value != NULL ? value : json_null();
}

json_t *
httpbin_form(lando_ctx_t *ctx)
{
    lando_request_t *req = lando_req(ctx);
    const char *type = lando_request_header(req, "Content-Type");
    const lando_fields_t *form;
    size_t n = sizeof(FORM_TYPE) - 1;

    if (type == NULL || strncasecmp(type, FORM_TYPE, n) != 0 ||
        (type[n] != '\0' && type[n] != ';' && type[n] != ' ')) {
        return json_object();
    }
    if (lando_request_form(req, &form) != LANDO_OK) {
        return json_object();
    }
    return httpbin_multi_map(ctx, form, false);
}

/* ---- paths and values ------------------------------------------------ */

/* PATH minus its ending ROUTED, or NULL when it does not end so. */
static const char *
before(lando_ctx_t *ctx, const char *path, const char *routed)
{
    size_t n, r = strlen(routed);

    if (path == NULL) {
        return NULL;
    }
    n = strlen(path);
    if (n < r || strcmp(path + n - r, routed) != 0) {
        return NULL;
    }
    return lando_ctx_strndup(ctx, path, n - r);
}

const char *
httpbin_prefix(lando_ctx_t *ctx)
{
    lando_request_t *req = lando_req(ctx);
    const char *routed = lando_request_path(req);
    const char *prefix;

    /* A REST API's requestContext.path keeps the stage that its "path"
     * lacks; the other sources keep it in the raw path. */
    prefix = before(ctx, lando_request_context(req, "path"), routed);
    if (prefix == NULL) {
        prefix = before(ctx, lando_request_raw_path(req), routed);
    }
    /* "//host" or a backslash would turn a redirect to our own path
     * into one to another site. */
    if (prefix == NULL || prefix[0] == '\0') {
        return "";
    }
    if (prefix[0] != '/' || prefix[1] == '/' || strchr(prefix, '\\')) {
        return "";
    }
    return prefix;
}

const char *
httpbin_param(lando_ctx_t *ctx, const char *name)
{
    const lando_field_t *f =
        lando_fields_next(lando_request_params(lando_req(ctx)), name, NULL);

    return f != NULL && !httpbin_has_nul(f) ? f->value : NULL;
}

bool
httpbin_has_nul(const lando_field_t *f)
{
    return memchr(f->value, '\0', f->value_len) != NULL;
}

bool
httpbin_parse_u64(const char *s, size_t n, uint64_t max, uint64_t *out)
{
    uint64_t v = 0;

    if (n == 0) {
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        unsigned d = (unsigned char)s[i] - '0';

        if (d > 9 || d > max || v > (max - d) / 10) {
            return false;
        }
        v = v * 10 + d;
    }
    *out = v;
    return true;
}
