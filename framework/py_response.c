/*
 * Response -> result dict, in the shape the event's source expects. The
 * dict holds only dicts, lists, str, int and bool, so the runtime's JSON
 * encoder takes it as is.
 *
 *   rest         statusCode, headers (names with one value),
 *                multiValueHeaders (only names with several values, such
 *                as Set-Cookie; never also in headers), body,
 *                isBase64Encoded
 *   http, url    statusCode, headers (repeats joined with ", "), cookies
 *                (the Set-Cookie values), body, isBase64Encoded
 *   alb          statusCode, statusDescription ("404 Not Found"), headers
 *                or, in multi-value mode, multiValueHeaders; body,
 *                isBase64Encoded
 *   lattice      statusCode, statusDescription, headers, body,
 *                isBase64Encoded
 *
 * Single-value maps (ALB single mode, VPC Lattice) have room for one
 * value per name: repeats are joined with ", " as HTTP allows for list
 * headers. Set-Cookie is the exception, since a cookie's Expires date
 * holds a comma: the documented response formats of these two sources
 * carry one Set-Cookie only, so the last one is sent and the others are
 * dropped with a WARN log line. An app that sets several cookies there
 * should enable multi-value headers on its ALB target group.
 *
 * The body goes out base64-encoded when lando_response_is_binary() says
 * so, and also when a text body is not valid UTF-8: a str must be text,
 * and a lossy decoding would corrupt the body silently.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <string.h>
#include <strings.h>

#include "py_gateway.h"

#define FALLBACK_BODY                                                          \
    "{\"error\":{\"status\":500,\"code\":\"internal_error\","                  \
    "\"message\":\"internal error\"}}"

/* The reason phrases of RFC 9110 and a few registered extensions. */
static const struct {
    int status;
    const char *phrase;
} reasons[] = {
    {100, "Continue"},
    {101, "Switching Protocols"},
    {102, "Processing"},
    {103, "Early Hints"},
    {200, "OK"},
    {201, "Created"},
    {202, "Accepted"},
    {203, "Non-Authoritative Information"},
    {204, "No Content"},
    {205, "Reset Content"},
    {206, "Partial Content"},
    {207, "Multi-Status"},
    {208, "Already Reported"},
    {226, "IM Used"},
    {300, "Multiple Choices"},
    {301, "Moved Permanently"},
    {302, "Found"},
    {303, "See Other"},
    {304, "Not Modified"},
    {305, "Use Proxy"},
    {307, "Temporary Redirect"},
    {308, "Permanent Redirect"},
    {400, "Bad Request"},
    {401, "Unauthorized"},
    {402, "Payment Required"},
    {403, "Forbidden"},
    {404, "Not Found"},
    {405, "Method Not Allowed"},
    {406, "Not Acceptable"},
    {407, "Proxy Authentication Required"},
    {408, "Request Timeout"},
    {409, "Conflict"},
    {410, "Gone"},
    {411, "Length Required"},
    {412, "Precondition Failed"},
    {413, "Content Too Large"},
    {414, "URI Too Long"},
    {415, "Unsupported Media Type"},
    {416, "Range Not Satisfiable"},
    {417, "Expectation Failed"},
    {418, "I'm a teapot"},
    {421, "Misdirected Request"},
    {422, "Unprocessable Content"},
    {423, "Locked"},
    {424, "Failed Dependency"},
    {425, "Too Early"},
    {426, "Upgrade Required"},
    {428, "Precondition Required"},
    {429, "Too Many Requests"},
    {431, "Request Header Fields Too Large"},
    {451, "Unavailable For Legal Reasons"},
    {500, "Internal Server Error"},
    {501, "Not Implemented"},
    {502, "Bad Gateway"},
    {503, "Service Unavailable"},
    {504, "Gateway Timeout"},
    {505, "HTTP Version Not Supported"},
    {506, "Variant Also Negotiates"},
    {507, "Insufficient Storage"},
    {508, "Loop Detected"},
    {511, "Network Authentication Required"},
};

/* For statusDescription; statuses without a phrase get their class's. */
static const char *
reason_phrase(int status)
{
    static const char *const classes[] = {
        "Informational", "Success",      "Redirection",
        "Client Error",  "Server Error",
    };

    for (size_t i = 0; i < sizeof(reasons) / sizeof(reasons[0]); i++) {
        if (reasons[i].status == status) {
            return reasons[i].phrase;
        }
    }
    if (status >= 100 && status <= 499) {
        return classes[status / 100 - 1];
    }
    return classes[4];
}

/* Store VALUE (a new reference, taken over even on failure) in DICT. */
static int
put(PyObject *dict, PyObject *key, PyObject *value)
{
    int rc;

    if (value == NULL) {
        return -1;
    }
    rc = PyDict_SetItem(dict, key, value);
    Py_DECREF(value);
    return rc;
}

/* As put() with a str key. */
static int
put_str_key(PyObject *dict, PyObject *key, PyObject *value)
{
    int rc;

    if (key == NULL) {
        Py_XDECREF(value);
        return -1;
    }
    rc = put(dict, key, value);
    Py_DECREF(key);
    return rc;
}

/*
 * Header names and values as str. Both are free of CR, LF and NUL but
 * may, in theory, hold bytes that are not UTF-8; those become U+FFFD
 * rather than a str the runtime could not encode.
 */
static PyObject *
header_str(const char *s, size_t len)
{
    return PyUnicode_DecodeUTF8(s, (Py_ssize_t)len, "replace");
}

static bool
is_set_cookie(const lando_field_t *item)
{
    return item->name_len == 10 &&
           strncasecmp(item->name, "set-cookie", 10) == 0;
}

/*
 * The number of headers named like header I, or 0 when an earlier
 * header has that name (its group was handled there).
 */
static size_t
group_size(const lando_fields_t *f, size_t i)
{
    const lando_field_t *item = lando_fields_at(f, i);
    size_t count = lando_fields_count(f), n = 1;

    for (size_t j = 0; j < i; j++) {
        if (lando__name_eq(f, lando_fields_at(f, j), item->name,
                           item->name_len)) {
            return 0;
        }
    }
    for (size_t j = i + 1; j < count; j++) {
        if (lando__name_eq(f, lando_fields_at(f, j), item->name,
                           item->name_len)) {
            n++;
        }
    }
    return n;
}

/* The values of header I's group as a list. New reference. */
static PyObject *
group_list(const lando_fields_t *f, size_t i)
{
    const lando_field_t *item = lando_fields_at(f, i);
    size_t count = lando_fields_count(f);
    PyObject *list = PyList_New(0);

    for (size_t j = i; list != NULL && j < count; j++) {
        const lando_field_t *other = lando_fields_at(f, j);
        PyObject *value;

        if (!lando__name_eq(f, other, item->name, item->name_len)) {
            continue;
        }
        value = header_str(other->value, other->value_len);
        if (value == NULL || PyList_Append(list, value) < 0) {
            Py_XDECREF(value);
            Py_CLEAR(list);
            break;
        }
        Py_DECREF(value);
    }
    return list;
}

/* The values of header I's group joined with ", ". New reference. */
static PyObject *
group_joined(lando_ctx_t *ctx, const lando_fields_t *f, size_t i)
{
    const lando_field_t *item = lando_fields_at(f, i);
    size_t count = lando_fields_count(f), size = 0, used = 0;
    char *buf;

    for (size_t j = i; j < count; j++) {
        const lando_field_t *other = lando_fields_at(f, j);
        if (lando__name_eq(f, other, item->name, item->name_len)) {
            size += other->value_len + 2;
        }
    }
    buf = lando_ctx_alloc(ctx, size + 1);
    if (buf == NULL) {
        return PyErr_NoMemory();
    }
    for (size_t j = i; j < count; j++) {
        const lando_field_t *other = lando_fields_at(f, j);
        if (!lando__name_eq(f, other, item->name, item->name_len)) {
            continue;
        }
        if (used > 0) {
            memcpy(buf + used, ", ", 2);
            used += 2;
        }
        memcpy(buf + used, other->value, other->value_len);
        used += other->value_len;
    }
    return header_str(buf, used);
}

/* The last value of header I's group. New reference. */
static PyObject *
group_last(const lando_fields_t *f, size_t i)
{
    const lando_field_t *item = lando_fields_at(f, i);
    const lando_field_t *last = item;
    size_t count = lando_fields_count(f);

    for (size_t j = i + 1; j < count; j++) {
        const lando_field_t *other = lando_fields_at(f, j);
        if (lando__name_eq(f, other, item->name, item->name_len)) {
            last = other;
        }
    }
    return header_str(last->value, last->value_len);
}

/* The value of header I's group of N, joined when N > 1. */
static PyObject *
one_or_joined(lando_ctx_t *ctx, const lando_fields_t *f, size_t i, size_t n)
{
    const lando_field_t *item = lando_fields_at(f, i);

    if (n == 1) {
        return header_str(item->value, item->value_len);
    }
    return group_joined(ctx, f, i);
}

/* Append the items of VALUES (a new reference, taken over) to LIST. */
static int
extend(PyObject *list, PyObject *values)
{
    Py_ssize_t len;
    int rc;

    if (values == NULL) {
        return -1;
    }
    len = PyList_Size(list);
    rc = PyList_SetSlice(list, len, len, values);
    Py_DECREF(values);
    return rc;
}

/* How the header maps of each shape are written. */
typedef enum header_style {
    STYLE_REST,   /* headers + multiValueHeaders for repeated names */
    STYLE_HTTP,   /* headers (joined) + cookies */
    STYLE_SINGLE, /* headers only, joined, one Set-Cookie */
    STYLE_MULTI   /* multiValueHeaders only */
} header_style_t;

static header_style_t
style_of(lando_source_t source)
{
    switch (source) {
    case LANDO_SOURCE_HTTP:
    case LANDO_SOURCE_URL:
        return STYLE_HTTP;
    case LANDO_SOURCE_ALB:
    case LANDO_SOURCE_LATTICE_V1:
    case LANDO_SOURCE_LATTICE_V2:
        return STYLE_SINGLE;
    case LANDO_SOURCE_ALB_MULTI:
        return STYLE_MULTI;
    default:
        return STYLE_REST;
    }
}

/* Write the group of header I, of N values, into HEADERS, MULTI or
 * COOKIES as STYLE says. */
static int
put_group(lando_ctx_t *ctx, header_style_t style, const lando_fields_t *f,
          size_t i, size_t n, PyObject *headers, PyObject *multi,
          PyObject *cookies)
{
    const lando_field_t *item = lando_fields_at(f, i);
    PyObject *name = header_str(item->name, item->name_len);

    switch (style) {
    case STYLE_MULTI:
        return put_str_key(multi, name, group_list(f, i));
    case STYLE_REST:
        if (n > 1) {
            return put_str_key(multi, name, group_list(f, i));
        }
        return put_str_key(headers, name,
                           header_str(item->value, item->value_len));
    case STYLE_HTTP:
        if (!is_set_cookie(item)) {
            return put_str_key(headers, name, one_or_joined(ctx, f, i, n));
        }
        Py_XDECREF(name);
        return extend(cookies, group_list(f, i));
    case STYLE_SINGLE:
    default:
        if (!is_set_cookie(item)) {
            return put_str_key(headers, name, one_or_joined(ctx, f, i, n));
        }
        if (n > 1) {
            lando_log(ctx, LANDO_LOG_WARN,
                      "%s responses carry one Set-Cookie header; %zu of %zu "
                      "dropped, the last one sent",
                      lando_source_name(lando_ctx_source(ctx)), n - 1, n);
        }
        return put_str_key(headers, name, group_last(f, i));
    }
}

static int
put_headers(lando_gw_t *gw, lando_ctx_t *ctx, lando_source_t source,
            PyObject *dict)
{
    const lando_fields_t *f = lando_response_headers(lando_res(ctx));
    header_style_t style = style_of(source);
    size_t count = lando_fields_count(f);
    PyObject *headers = NULL, *multi = NULL, *cookies = NULL;
    int rc = -1;

    if (style != STYLE_MULTI && (headers = PyDict_New()) == NULL) {
        goto out;
    }
    if ((style == STYLE_MULTI || style == STYLE_REST) &&
        (multi = PyDict_New()) == NULL) {
        goto out;
    }
    if (style == STYLE_HTTP && (cookies = PyList_New(0)) == NULL) {
        goto out;
    }

    for (size_t i = 0; i < count; i++) {
        size_t n = group_size(f, i);
        if (n > 0 &&
            put_group(ctx, style, f, i, n, headers, multi, cookies) < 0) {
            goto out;
        }
    }

    if (headers != NULL &&
        PyDict_SetItem(dict, LANDO__KEY(gw, HEADERS), headers) < 0) {
        goto out;
    }
    if (multi != NULL && (style == STYLE_MULTI || PyDict_Size(multi) > 0) &&
        PyDict_SetItem(dict, LANDO__KEY(gw, MV_HEADERS), multi) < 0) {
        goto out;
    }
    if (cookies != NULL &&
        PyDict_SetItem(dict, LANDO__KEY(gw, COOKIES), cookies) < 0) {
        goto out;
    }
    rc = 0;

out:
    Py_XDECREF(headers);
    Py_XDECREF(multi);
    Py_XDECREF(cookies);
    return rc;
}

/* body and isBase64Encoded. */
static int
put_body(lando_gw_t *gw, lando_ctx_t *ctx, PyObject *dict)
{
    lando_response_t *res = lando_res(ctx);
    size_t len, size;
    const char *body = lando_response_body(res, &len);
    PyObject *str = NULL;
    bool base64 = false;
    char *buf;

    if (len == 0) {
        str = PyUnicode_FromStringAndSize("", 0);
    } else if (!lando_response_is_binary(res)) {
        str = PyUnicode_DecodeUTF8(body, (Py_ssize_t)len, NULL);
        if (str == NULL) {
            if (!PyErr_ExceptionMatches(PyExc_UnicodeDecodeError)) {
                return -1;
            }
            PyErr_Clear();
        }
    }
    if (str == NULL && len > 0) {
        size = lando__b64_encoded_len(len);
        buf = lando_ctx_alloc(ctx, size + 1);
        if (buf == NULL) {
            PyErr_NoMemory();
            return -1;
        }
        lando__b64_encode(buf, (const unsigned char *)body, len);
        str = PyUnicode_DecodeASCII(buf, (Py_ssize_t)size, NULL);
        base64 = true;
    }

    if (put(dict, LANDO__KEY(gw, BODY), str) < 0) {
        return -1;
    }
    return put(dict, LANDO__KEY(gw, IS_B64), PyBool_FromLong(base64));
}

static bool
has_description(lando_source_t source)
{
    return source == LANDO_SOURCE_ALB || source == LANDO_SOURCE_ALB_MULTI ||
           source == LANDO_SOURCE_LATTICE_V1 ||
           source == LANDO_SOURCE_LATTICE_V2;
}

PyObject *
lando__py_response(lando_gw_t *gw, lando_ctx_t *ctx, lando_source_t source)
{
    int status = lando_response_status(lando_res(ctx));
    PyObject *dict = PyDict_New();

    if (dict == NULL) {
        return NULL;
    }
    if (put(dict, LANDO__KEY(gw, STATUS_CODE), PyLong_FromLong(status)) < 0) {
        goto fail;
    }
    if (has_description(source) &&
        put(dict, LANDO__KEY(gw, STATUS_DESCRIPTION),
            PyUnicode_FromFormat("%d %s", status, reason_phrase(status))) < 0) {
        goto fail;
    }
    if (put_headers(gw, ctx, source, dict) < 0) {
        goto fail;
    }
    if (put_body(gw, ctx, dict) < 0) {
        goto fail;
    }
    return dict;

fail:
    Py_DECREF(dict);
    return NULL;
}

/* ---- the last resort ------------------------------------------------- */

/* [ITEM] (ITEM borrowed). New reference. */
static PyObject *
list_of(PyObject *item)
{
    PyObject *list = PyList_New(0);

    if (list != NULL && PyList_Append(list, item) < 0) {
        Py_CLEAR(list);
    }
    return list;
}

static PyObject *
fallback_build(lando_gw_t *gw, lando_source_t source)
{
    header_style_t style = style_of(source);
    PyObject *dict = PyDict_New();
    PyObject *headers = PyDict_New();
    PyObject *type = PyUnicode_FromString("application/json");
    int rc = -1;

    if (dict == NULL || headers == NULL || type == NULL) {
        goto out;
    }
    if (put(dict, LANDO__KEY(gw, STATUS_CODE), PyLong_FromLong(500)) < 0) {
        goto out;
    }
    if (has_description(source) &&
        put(dict, LANDO__KEY(gw, STATUS_DESCRIPTION),
            PyUnicode_FromString("500 Internal Server Error")) < 0) {
        goto out;
    }
    if (style == STYLE_MULTI) {
        if (put_str_key(headers, PyUnicode_FromString("Content-Type"),
                        list_of(type)) < 0 ||
            PyDict_SetItem(dict, LANDO__KEY(gw, MV_HEADERS), headers) < 0) {
            goto out;
        }
    } else {
        Py_INCREF(type);
        if (put_str_key(headers, PyUnicode_FromString("Content-Type"), type) <
                0 ||
            PyDict_SetItem(dict, LANDO__KEY(gw, HEADERS), headers) < 0) {
            goto out;
        }
    }
    if (style == STYLE_HTTP &&
        put(dict, LANDO__KEY(gw, COOKIES), PyList_New(0)) < 0) {
        goto out;
    }
    if (put(dict, LANDO__KEY(gw, BODY), PyUnicode_FromString(FALLBACK_BODY)) <
        0) {
        goto out;
    }
    rc = put(dict, LANDO__KEY(gw, IS_B64), PyBool_FromLong(0));

out:
    Py_XDECREF(type);
    Py_XDECREF(headers);
    if (rc < 0) {
        Py_CLEAR(dict);
    }
    return dict;
}

int
lando__py_fallback_init(lando_gw_t *gw)
{
    for (int i = 0; i < LANDO__SOURCE_COUNT; i++) {
        gw->fallback[i] = fallback_build(gw, (lando_source_t)i);
        if (gw->fallback[i] == NULL) {
            return -1;
        }
    }
    return 0;
}

/*
 * A fresh answer, so that a caller changing the result cannot change the
 * next one; when memory is too short for that, the answer prepared at
 * import, which the runtime only serialises.
 */
PyObject *
lando__py_fallback(lando_gw_t *gw, lando_source_t source)
{
    PyObject *fresh;

    if ((int)source < 0 || (int)source >= LANDO__SOURCE_COUNT) {
        source = LANDO_SOURCE_REST;
    }
    fresh = fallback_build(gw, source);
    if (fresh == NULL) {
        PyErr_Clear();
        return Py_NewRef(gw->fallback[source]);
    }
    return fresh;
}
