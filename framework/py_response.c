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

/* ---- header texts ---------------------------------------------------- */

/* The chains of lando_gw_t index texts with a signed char. */
_Static_assert(LANDO__T_COUNT <= 127, "too many texts for signed char links");

static const char *const text_of[LANDO__T_COUNT] = {
#define TEXT_OF(name, text) text,
    LANDO__PY_TEXTS(TEXT_OF)
#undef TEXT_OF
};

int
lando__py_texts_init(lando_gw_t *gw)
{
    memset(gw->text_first, -1, sizeof(gw->text_first));
    memset(gw->text_next, -1, sizeof(gw->text_next));
    /* Backwards, so that each length's chain runs in table order. */
    for (int i = LANDO__T_COUNT - 1; i >= 0; i--) {
        size_t len = strlen(text_of[i]);

        gw->texts[i] = PyUnicode_InternFromString(text_of[i]);
        if (gw->texts[i] == NULL) {
            return -1;
        }
        if (len <= LANDO__TEXT_MAX_LEN) {
            gw->text_next[i] = gw->text_first[len];
            gw->text_first[len] = (signed char)i;
        }
    }
    return 0;
}

/*
 * Header names and values are free of CR, LF and NUL but may, in
 * theory, hold bytes that are not UTF-8; those become U+FFFD rather than
 * a str the runtime could not encode.
 */
PyObject *
lando__py_text(lando_gw_t *gw, const char *s, size_t len)
{
    if (len <= LANDO__TEXT_MAX_LEN) {
        for (int i = gw->text_first[len]; i >= 0; i = gw->text_next[i]) {
            if (memcmp(text_of[i], s, len) == 0) {
                return Py_NewRef(gw->texts[i]);
            }
        }
    }
    return PyUnicode_DecodeUTF8(s, (Py_ssize_t)len, "replace");
}

/* ---- header maps ----------------------------------------------------- */

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

/*
 * The header maps being written. A header's group is the headers named
 * like it (in any case); the group is written where its first member
 * stands, and LATER marks the other members so they are passed over.
 */
typedef struct writer {
    lando_gw_t *gw;
    lando_ctx_t *ctx;
    const lando_fields_t *f;
    header_style_t style;
    unsigned char *later; /* one flag per header */
    PyObject *headers;
    PyObject *multi; /* made when a first group needs it */
    PyObject *cookies;
} writer_t;

static bool
is_set_cookie(const lando_field_t *item)
{
    return item->name_len == 10 &&
           strncasecmp(item->name, "set-cookie", 10) == 0;
}

/* The size of header I's group, marking its other members. */
static size_t
group_mark(writer_t *w, size_t i)
{
    const lando_field_t *items = w->f->items;
    const lando_field_t *item = &items[i];
    size_t count = w->f->count, n = 1;

    /* Lengths first: most pairs differ there, without a call. */
    for (size_t j = i + 1; j < count; j++) {
        if (!w->later[j] && items[j].name_len == item->name_len &&
            lando__name_eq(w->f, &items[j], item->name, item->name_len)) {
            w->later[j] = 1;
            n++;
        }
    }
    return n;
}

/* The members of header I's group, in order: FIRST, then NEXT(prev). */
static const lando_field_t *
group_next(const writer_t *w, size_t i, const lando_field_t *prev)
{
    const lando_field_t *items = w->f->items;
    size_t count = w->f->count;

    if (prev == NULL) {
        return &items[i];
    }
    for (size_t j = (size_t)(prev - items) + 1; j < count; j++) {
        if (items[j].name_len == items[i].name_len &&
            lando__name_eq(w->f, &items[j], items[i].name, items[i].name_len)) {
            return &items[j];
        }
    }
    return NULL;
}

/* The values of header I's group as a list. New reference. */
static PyObject *
group_list(const writer_t *w, size_t i)
{
    const lando_field_t *other = NULL;
    PyObject *list = PyList_New(0);

    while (list != NULL && (other = group_next(w, i, other)) != NULL) {
        PyObject *value = lando__py_text(w->gw, other->value, other->value_len);

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
group_joined(const writer_t *w, size_t i)
{
    const lando_field_t *other = NULL;
    size_t size = 0, used = 0;
    char *buf;

    while ((other = group_next(w, i, other)) != NULL) {
        size += other->value_len + 2;
    }
    buf = lando_ctx_alloc(w->ctx, size + 1);
    if (buf == NULL) {
        return PyErr_NoMemory();
    }
    while ((other = group_next(w, i, other)) != NULL) {
        if (used > 0) {
            memcpy(buf + used, ", ", 2);
            used += 2;
        }
        memcpy(buf + used, other->value, other->value_len);
        used += other->value_len;
    }
    return lando__py_text(w->gw, buf, used);
}

/* The last value of header I's group. New reference. */
static PyObject *
group_last(const writer_t *w, size_t i)
{
    const lando_field_t *other = NULL, *last = NULL;

    while ((other = group_next(w, i, other)) != NULL) {
        last = other;
    }
    return lando__py_text(w->gw, last->value, last->value_len);
}

/* The value of header I's group of N, joined when N > 1. */
static PyObject *
one_or_joined(const writer_t *w, size_t i, size_t n)
{
    const lando_field_t *item = &w->f->items[i];

    if (n == 1) {
        return lando__py_text(w->gw, item->value, item->value_len);
    }
    return group_joined(w, i);
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

/* The multi-value map, made on first use. Borrowed. */
static PyObject *
multi_map(writer_t *w)
{
    if (w->multi == NULL) {
        w->multi = PyDict_New();
    }
    return w->multi;
}

/* As put_str_key(), into the multi-value map. */
static int
put_multi(writer_t *w, PyObject *name, PyObject *values)
{
    PyObject *multi = multi_map(w);

    if (multi == NULL) {
        Py_XDECREF(name);
        Py_XDECREF(values);
        return -1;
    }
    return put_str_key(multi, name, values);
}

/* Write the group of header I, of N values, into the map or list that
 * the style says. */
static int
put_group(writer_t *w, size_t i, size_t n)
{
    const lando_field_t *item = &w->f->items[i];
    PyObject *name;

    if (w->style == STYLE_HTTP && is_set_cookie(item)) {
        return extend(w->cookies, group_list(w, i));
    }
    name = lando__py_text(w->gw, item->name, item->name_len);

    switch (w->style) {
    case STYLE_MULTI:
        return put_multi(w, name, group_list(w, i));
    case STYLE_REST:
        if (n > 1) {
            return put_multi(w, name, group_list(w, i));
        }
        return put_str_key(w->headers, name,
                           lando__py_text(w->gw, item->value, item->value_len));
    case STYLE_HTTP:
        return put_str_key(w->headers, name, one_or_joined(w, i, n));
    case STYLE_SINGLE:
    default:
        if (!is_set_cookie(item)) {
            return put_str_key(w->headers, name, one_or_joined(w, i, n));
        }
        if (n > 1) {
            lando_log(w->ctx, LANDO_LOG_WARN,
                      "%s responses carry one Set-Cookie header; %zu of %zu "
                      "dropped, the last one sent",
                      lando_source_name(lando_ctx_source(w->ctx)), n - 1, n);
        }
        return put_str_key(w->headers, name, group_last(w, i));
    }
}

/* Room for the LATER flags of this many headers on the stack. */
#define LATER_ON_STACK 32

static int
put_headers(lando_gw_t *gw, lando_ctx_t *ctx, lando_source_t source,
            PyObject *dict)
{
    unsigned char later_stack[LATER_ON_STACK];
    writer_t w = {
        .gw = gw,
        .ctx = ctx,
        .f = lando_response_headers(lando_res(ctx)),
        .style = style_of(source),
        .later = later_stack,
    };
    size_t count = w.f->count;
    int rc = -1;

    if (count > LATER_ON_STACK &&
        (w.later = lando_ctx_alloc(ctx, count)) == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    memset(w.later, 0, count);

    if (w.style != STYLE_MULTI && (w.headers = PyDict_New()) == NULL) {
        goto out;
    }
    if (w.style == STYLE_MULTI && multi_map(&w) == NULL) {
        goto out;
    }
    if (w.style == STYLE_HTTP && (w.cookies = PyList_New(0)) == NULL) {
        goto out;
    }

    for (size_t i = 0; i < count; i++) {
        if (!w.later[i] && put_group(&w, i, group_mark(&w, i)) < 0) {
            goto out;
        }
    }

    if (w.headers != NULL &&
        PyDict_SetItem(dict, LANDO__KEY(gw, HEADERS), w.headers) < 0) {
        goto out;
    }
    if (w.multi != NULL &&
        PyDict_SetItem(dict, LANDO__KEY(gw, MV_HEADERS), w.multi) < 0) {
        goto out;
    }
    if (w.cookies != NULL &&
        PyDict_SetItem(dict, LANDO__KEY(gw, COOKIES), w.cookies) < 0) {
        goto out;
    }
    rc = 0;

out:
    Py_XDECREF(w.headers);
    Py_XDECREF(w.multi);
    Py_XDECREF(w.cookies);
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
