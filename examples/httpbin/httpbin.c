/*
 * httpbin: an echo service in the spirit of httpbin.org's /anything. Any
 * method on /anything or /anything/{path+} answers with what the request
 * looked like once lando had decoded the event:
 *
 *     {"method": "POST",
 *      "url": "https://example.org/anything/x?a=1",
 *      "path": "/anything/x",
 *      "args": {"a": ["1"]},
 *      "headers": {"content-type": ["application/json"], ...},
 *      "data": "{\"k\": 1}",        the body as text, or a data: URL of
 *                                   its base64 when it is not UTF-8
 *      "json": {"k": 1},            the body parsed as JSON, else null
 *      "form": {},                  urlencoded fields, else {}
 *      "origin": "203.0.113.7",     the client's address, or null
 *      "lando": {"source": "http", "stage": "$default",
 *                "route": "/anything/{path+}",
 *                "pathParameters": {"path": "x"},
 *                "requestId": "..."}}
 *
 * It runs lando's default middleware stack, with CORS open to any origin
 * and credentials: an echo service holds nothing worth protecting, and
 * browsers may then try it from any page. Base64 bodies arrive decoded
 * thanks to the stack's base64_body middleware.
 *
 * The example also serves the gateway's tests, which feed it every
 * event of the conformance corpus.
 */
#include <string.h>
#include <strings.h>

#include <lando/lando.h>
#include <lando/mw/defaults.h>

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

/*
 * S as valid UTF-8: S itself when it is, else an arena copy with each
 * invalid byte replaced by U+FFFD. A query value such as "%FF" decodes
 * to bytes that are not text; the echo shows them rather than fail.
 */
static const char *
lossy(lando_ctx_t *ctx, const char *s, size_t len, size_t *out_len)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0, used = 0, step;
    char *copy;

    while (i < len && (step = utf8_seq(u + i, len - i)) > 0) {
        i += step;
    }
    *out_len = len;
    if (i == len) {
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

static json_t *
text_value(lando_ctx_t *ctx, const char *s, size_t len)
{
    s = lossy(ctx, s, len, &len);
    return s != NULL ? json_stringn(s, len) : NULL;
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

/* {name: [values]} of F; names in lower case when LOWER. */
static json_t *
multi_map(lando_ctx_t *ctx, const lando_fields_t *f, bool lower)
{
    json_t *obj = json_object();

    for (size_t i = 0; obj != NULL && i < lando_fields_count(f); i++) {
        const lando_field_t *item = lando_fields_at(f, i);
        char *name = lando_ctx_strndup(ctx, item->name, item->name_len);
        json_t *value = text_value(ctx, item->value, item->value_len);

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
static json_t *
url_of(lando_ctx_t *ctx)
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
    return url != NULL ? text_value(ctx, url, strlen(url)) : NULL;
}

/* The body as text, or as a data: URL when it is not UTF-8. */
static json_t *
data_of(lando_ctx_t *ctx, const char *body, size_t len)
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

/* The body parsed as JSON whatever its Content-Type says, else null. A
 * body that is not JSON is no error for an echo. */
static json_t *
json_of(const char *body, size_t len)
{
    json_t *value = NULL;

    if (len > 0) {
        value = json_loadb(body, len, JSON_DECODE_ANY | JSON_ALLOW_NUL, NULL);
    }
    return value != NULL ? value : json_null();
}

/* The fields of an urlencoded body, else {}. */
static json_t *
form_of(lando_ctx_t *ctx)
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
    return multi_map(ctx, form, false);
}

static json_t *
nullable(lando_ctx_t *ctx, const char *s)
{
    return s != NULL ? text_value(ctx, s, strlen(s)) : json_null();
}

/* What lando itself knows about the invocation. */
static json_t *
lando_of(lando_ctx_t *ctx)
{
    lando_request_t *req = lando_req(ctx);
    const lando_fields_t *params = lando_request_params(req);
    json_t *pp = json_object();

    for (size_t i = 0; pp != NULL && i < lando_fields_count(params); i++) {
        const lando_field_t *p = lando_fields_at(params, i);
        json_t *value = text_value(ctx, p->value, p->value_len);
        if (value == NULL || json_object_set_new(pp, p->name, value) < 0) {
            json_decref(pp);
            pp = NULL;
        }
    }
    /* One key and its value per line; clang-format would mix them. */
    /* clang-format off */
    return json_pack("{s:s, s:o, s:o, s:o, s:o}",
                     "source", lando_source_name(lando_ctx_source(ctx)),
                     "stage", nullable(ctx, lando_request_stage(req)),
                     "route", nullable(ctx, lando_ctx_route(ctx)),
                     "pathParameters", pp,
                     "requestId", nullable(ctx, lando_ctx_request_id(ctx)));
    /* clang-format on */
}

static lando_err_t
anything(lando_ctx_t *ctx, void *data)
{
    lando_request_t *req = lando_req(ctx);
    const char *path = lando_request_path(req);
    size_t len;
    const char *body = lando_request_body(req, &len);
    json_t *echo;

    /* clang-format off */
    echo = json_pack("{s:s, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o}",
                     "method", lando_request_method(req),
                     "url", url_of(ctx),
                     "path", text_value(ctx, path, strlen(path)),
                     "args", multi_map(ctx, lando_request_query(req), false),
                     "headers",
                     multi_map(ctx, lando_request_headers(req), true),
                     "data", data_of(ctx, body, len),
                     "json", json_of(body, len),
                     "form", form_of(ctx),
                     "origin", nullable(ctx, lando_request_source_ip(req)),
                     "lando", lando_of(ctx));
    /* clang-format on */
    if (echo == NULL) {
        return lando_fail(ctx, LANDO_ENOMEM, NULL);
    }
    return lando_response_json(lando_res(ctx), 200, echo);
}

static lando_err_t
setup(lando_app_t *app)
{
    static const char *const any_origin[] = {"*", NULL};
    lando_defaults_options_t opts = {
        .cors = {.origins = any_origin, .credentials = true},
    };
    lando_err_t err;

    err = lando_use_defaults(app, &opts);
    if (err != LANDO_OK) {
        return err;
    }
    err = lando_app_route(app, "ANY", "/anything", anything, NULL);
    if (err != LANDO_OK) {
        return err;
    }
    return lando_app_route(app, "ANY", "/anything/{path+}", anything, NULL);
}

LANDO_MODULE(httpbin, setup)
