/*
 * Event dict -> request. The gateway reads the event with the C API
 * directly (no JSON round trip) and borrows every string it can: the
 * UTF-8 text of a str lives inside the str object, and the event dict
 * keeps its strings alive for the whole invocation. Only what the event
 * does not hold as such is built in the invocation's arena: a decoded
 * ALB query value, the Cookie header joined from an HTTP API `cookies`
 * array, a query string rebuilt for display.
 *
 * The source is told from the event's shape, never from `version`,
 * which is absent, "1.0", "2.0" or even the number 2 in real events:
 *
 *   requestContext.elb          ALB (multi-value mode with multiValue*)
 *   raw_path                    VPC Lattice v1
 *   rawPath                     HTTP API 2.0, or Function URL when
 *                               requestContext.domainName has
 *                               ".lambda-url."
 *   httpMethod                  REST API (and HTTP API payload 1.0)
 *   method and path             VPC Lattice v2
 *
 * Anything else (WebSocket, SQS, a list) raises EventError. Once an
 * event has an HTTP shape, nothing in it raises: a malformed field
 * answers 400 (LANDO_EBADEVENT), and an absent or null optional field is
 * simply empty.
 *
 * Query strings: API Gateway REST and HTTP API maps and the Lattice maps
 * hold decoded values and are taken as they are. rawQueryString (HTTP
 * API, Function URL) and the query part of a Lattice path are parsed
 * with lando_request_set_raw_query(): '+' is a space, %XX is decoded.
 * ALB hands over the client's query pieces without decoding them; they
 * are decoded by the same rule, '+' included, so that one URL gives the
 * same arguments whether it came through an ALB or an HTTP API.
 *
 * Headers: a multi-value map (REST, ALB) wins over its single-value twin
 * when it holds anything; an HTTP API's `cookies` array becomes one
 * Cookie header. Paths: the event's path is the raw path; an HTTP API's
 * named stage is removed from the routed path. The body is handed over
 * as delivered, base64 text included: the base64_body middleware
 * decodes it.
 *
 * Borrowing relies on nobody changing the event during the invocation.
 * The runtime does not; the event dict is referenced for the call, but
 * its strings are not each referenced, which would cost a reference
 * count per header for a case that only a thread mutating the event
 * while Python code of the Lambda context runs could create.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <stdarg.h>
#include <string.h>

#include "py_gateway.h"

/* The most event keys an EventError message lists. */
#define KEYS_SHOWN 12

typedef struct reader {
    lando_gw_t *gw;
    lando_ctx_t *ctx;
    lando_request_t *req;
    PyObject *event;
    PyObject *rc; /* requestContext when it is a dict, else NULL */
    lando_source_t source;
    const char *stage; /* requestContext.stage, or NULL */
    size_t stage_len;
} reader_t;

/* Flags of add_map(). */
enum {
    MAP_DECODE = 1u << 0 /* percent-decode names and values ('+' too) */
};

#define KEY(r, k) LANDO__KEY((r)->gw, k)

/* ---- reading the dict ---------------------------------------------- */

/*
 * Type checks. Under the stable ABI, PyDict_Check() and its kin call
 * PyType_GetFlags(); the exact types that json.loads() builds are told
 * by comparing one pointer, and subclasses still pass the full check.
 */
static bool
is_dict(PyObject *obj)
{
    return PyDict_CheckExact(obj) || PyDict_Check(obj);
}

static bool
is_list(PyObject *obj)
{
    return PyList_CheckExact(obj) || PyList_Check(obj);
}

static bool
is_str(PyObject *obj)
{
    return PyUnicode_CheckExact(obj) || PyUnicode_Check(obj);
}

/*
 * The value of KEY in DICT, or NULL when DICT is not a dict or the key
 * is absent or None. Borrowed.
 */
static PyObject *
member(PyObject *dict, PyObject *key)
{
    PyObject *value;

    if (dict == NULL || !is_dict(dict)) {
        return NULL;
    }
    value = PyDict_GetItemWithError(dict, key);
    if (value == NULL) {
        if (PyErr_Occurred()) {
            PyErr_Clear();
        }
        return NULL;
    }
    return value == Py_None ? NULL : value;
}

/* The text of the interned key KEY, for messages. */
static const char *
key_name(PyObject *key)
{
    const char *s = PyUnicode_AsUTF8AndSize(key, NULL);

    if (s == NULL) {
        PyErr_Clear();
        return "?";
    }
    return s;
}

/*
 * Record the malformed event on the invocation and return
 * LANDO_EBADEVENT, or pass ERR through when it is another code (memory).
 */
static lando_err_t bad(reader_t *r, lando_err_t err, const char *fmt, ...)
    LANDO_PRINTF(3, 4);

static lando_err_t
bad(reader_t *r, lando_err_t err, const char *fmt, ...)
{
    va_list ap;
    char *why;

    if (err != LANDO_EBADEVENT) {
        return err;
    }
    va_start(ap, fmt);
    why = lando_ctx_vsprintf(r->ctx, fmt, ap);
    va_end(ap);
    if (why == NULL) {
        return LANDO_ENOMEM;
    }
    return lando_fail(r->ctx, LANDO_EBADEVENT, "malformed %s event: %s",
                      lando_source_name(r->source), why);
}

/*
 * Borrow the UTF-8 text of the str OBJ into *S and *LEN. Returns
 * LANDO_OK, LANDO_EBADEVENT for a non-str or a str holding lone
 * surrogates, or LANDO_ENOMEM. No Python exception is left set.
 */
static lando_err_t
text(PyObject *obj, const char **s, size_t *len)
{
    Py_ssize_t n;
    const char *p;

    if (!is_str(obj)) {
        return LANDO_EBADEVENT;
    }
    p = PyUnicode_AsUTF8AndSize(obj, &n);
    if (p == NULL) {
        lando_err_t err = PyErr_ExceptionMatches(PyExc_MemoryError)
                              ? LANDO_ENOMEM
                              : LANDO_EBADEVENT;
        PyErr_Clear();
        return err;
    }
    *s = p;
    *len = (size_t)n;
    return LANDO_OK;
}

/* The text of the member KEY of DICT, which must be a str. */
static lando_err_t
need_text(reader_t *r, PyObject *dict, PyObject *key, const char *where,
          const char **s, size_t *len)
{
    PyObject *value = member(dict, key);
    lando_err_t err;

    if (value == NULL) {
        return bad(r, LANDO_EBADEVENT, "'%s%s' is missing", where,
                   key_name(key));
    }
    err = text(value, s, len);
    if (err != LANDO_OK) {
        return bad(r, err, "'%s%s' must be a string of valid text", where,
                   key_name(key));
    }
    return LANDO_OK;
}

/* ---- telling the source --------------------------------------------- */

/* "an SQS event" for a Records event, from its first record's source. */
static const char *
records_kind(lando_gw_t *gw, PyObject *records)
{
    static const struct {
        const char *source;
        const char *kind;
    } kinds[] = {
        {"aws:sqs", "an SQS event"},
        {"aws:sns", "an SNS event"},
        {"aws:s3", "an S3 event"},
        {"aws:dynamodb", "a DynamoDB Streams event"},
        {"aws:kinesis", "a Kinesis event"},
        {"aws:ses", "an SES event"},
        {"aws:codecommit", "a CodeCommit event"},
    };
    PyObject *first, *source;
    const char *s;
    size_t len;

    if (!PyList_Check(records) || PyList_Size(records) < 1) {
        return "an event";
    }
    first = PyList_GetItem(records, 0);
    source = member(first, LANDO__KEY(gw, EVENT_SOURCE));
    if (source == NULL) {
        source = member(first, LANDO__KEY(gw, EVENT_SOURCE_SNS));
    }
    if (source == NULL || text(source, &s, &len) != LANDO_OK) {
        return "an event";
    }
    for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
        if (strcmp(s, kinds[i].source) == 0) {
            return kinds[i].kind;
        }
    }
    return "an event";
}

/* "keys a, b, c" naming the event's top-level keys. New reference. */
static PyObject *
describe_keys(PyObject *event)
{
    PyObject *names, *key, *value, *sep, *joined, *out;
    Py_ssize_t pos = 0, count = 0;

    if (PyDict_Size(event) == 0) {
        return PyUnicode_FromString("an empty dict");
    }
    names = PyList_New(0);
    if (names == NULL) {
        return NULL;
    }
    while (PyDict_Next(event, &pos, &key, &value)) {
        PyObject *name = count < KEYS_SHOWN ? PyObject_Str(key)
                                            : PyUnicode_FromString("...");
        if (name == NULL || PyList_Append(names, name) < 0) {
            Py_XDECREF(name);
            Py_DECREF(names);
            return NULL;
        }
        Py_DECREF(name);
        if (++count > KEYS_SHOWN) {
            break;
        }
    }
    sep = PyUnicode_FromString(", ");
    joined = sep != NULL ? PyUnicode_Join(sep, names) : NULL;
    out = joined != NULL ? PyUnicode_FromFormat("an event with keys %U", joined)
                         : NULL;
    Py_XDECREF(joined);
    Py_XDECREF(sep);
    Py_DECREF(names);
    return out;
}

/* What kind of non-HTTP event EVENT is, for EventError. New reference. */
static PyObject *
describe(lando_gw_t *gw, PyObject *event, PyObject *rc)
{
    PyObject *route = member(rc, LANDO__KEY(gw, ROUTE_KEY));
    PyObject *type = member(rc, LANDO__KEY(gw, EVENT_TYPE));
    PyObject *records = member(event, LANDO__KEY(gw, RECORDS));
    PyObject *detail = member(event, LANDO__KEY(gw, DETAIL_TYPE));
    bool dollar_route = false;

    if (route != NULL && PyUnicode_Check(route)) {
        dollar_route = PyUnicode_GetLength(route) > 0 &&
                       PyUnicode_ReadChar(route, 0) == '$';
        if (PyErr_Occurred()) {
            PyErr_Clear();
        }
    }
    if (dollar_route || type != NULL ||
        member(rc, LANDO__KEY(gw, CONNECTION_ID)) != NULL) {
        if (route != NULL) {
            return PyUnicode_FromFormat(
                "an API Gateway WebSocket event (routeKey %S)", route);
        }
        if (type != NULL) {
            return PyUnicode_FromFormat(
                "an API Gateway WebSocket event (eventType %S)", type);
        }
        return PyUnicode_FromString("an API Gateway WebSocket event");
    }
    if (records != NULL) {
        return PyUnicode_FromFormat("%s (Records)", records_kind(gw, records));
    }
    if (detail != NULL) {
        return PyUnicode_FromFormat("an EventBridge event (detail-type %S)",
                                    detail);
    }
    return describe_keys(event);
}

static void
raise_not_dict(lando_gw_t *gw, PyObject *event)
{
    PyObject *name;

    name = PyObject_GetAttrString((PyObject *)Py_TYPE(event), "__name__");
    if (name == NULL) {
        PyErr_Clear();
        PyErr_SetString(gw->event_error, "expected a dict");
        return;
    }
    PyErr_Format(gw->event_error, "expected a dict, got %S", name);
    Py_DECREF(name);
}

static void
raise_not_http(lando_gw_t *gw, PyObject *event, PyObject *rc)
{
    PyObject *what = describe(gw, event, rc);

    if (what == NULL) {
        return; /* MemoryError stays set */
    }
    PyErr_Format(gw->event_error, "expected an HTTP proxy event, got %U", what);
    Py_DECREF(what);
}

/* Whether the str VALUE contains NEEDLE. */
static bool
contains(PyObject *value, const char *needle)
{
    const char *s;
    size_t len;

    if (value == NULL || text(value, &s, &len) != LANDO_OK) {
        return false;
    }
    return strstr(s, needle) != NULL;
}

int
lando__py_detect(lando_gw_t *gw, PyObject *event, lando_source_t *source,
                 PyObject **rc_out)
{
    PyObject *rc;

    *rc_out = NULL;
    if (!is_dict(event)) {
        raise_not_dict(gw, event);
        return -1;
    }
    rc = member(event, LANDO__KEY(gw, REQUEST_CONTEXT));
    if (rc != NULL && !is_dict(rc)) {
        rc = NULL;
    }

    if (member(rc, LANDO__KEY(gw, ELB)) != NULL) {
        bool multi = member(event, LANDO__KEY(gw, MV_HEADERS)) != NULL ||
                     member(event, LANDO__KEY(gw, MV_QUERY)) != NULL;
        *source = multi ? LANDO_SOURCE_ALB_MULTI : LANDO_SOURCE_ALB;
    } else if (member(event, LANDO__KEY(gw, RAW_PATH_V1)) != NULL) {
        *source = LANDO_SOURCE_LATTICE_V1;
    } else if (member(event, LANDO__KEY(gw, RAW_PATH)) != NULL) {
        PyObject *domain = member(rc, LANDO__KEY(gw, DOMAIN_NAME));
        *source = contains(domain, ".lambda-url.") ? LANDO_SOURCE_URL
                                                   : LANDO_SOURCE_HTTP;
    } else if (member(event, LANDO__KEY(gw, HTTP_METHOD)) != NULL) {
        *source = LANDO_SOURCE_REST;
    } else if (member(event, LANDO__KEY(gw, METHOD)) != NULL &&
               member(event, LANDO__KEY(gw, PATH)) != NULL) {
        *source = LANDO_SOURCE_LATTICE_V2;
    } else {
        raise_not_http(gw, event, rc);
        return -1;
    }
    *rc_out = rc;
    return 0;
}

/* ---- maps: headers, query parameters, stage variables --------------- */

/*
 * The member KEY of the event unless it is absent, null or an empty map.
 * A multi-value map wins over its single-value twin only when it holds
 * something, so a hand-made event with an empty one loses nothing; one
 * that is not a map at all is returned, for add_map() to refuse.
 */
static PyObject *
filled_map(reader_t *r, PyObject *key)
{
    PyObject *map = member(r->event, key);

    if (map != NULL && is_dict(map) && PyDict_Size(map) == 0) {
        return NULL;
    }
    return map;
}

static bool
needs_decoding(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '%' || s[i] == '+') {
            return true;
        }
    }
    return false;
}

/* Replace the borrowed *S by its percent-decoding, made in the arena. */
static lando_err_t
decode(lando_ctx_t *ctx, const char **s, size_t *len)
{
    char *dst;
    long n;

    if (!needs_decoding(*s, *len)) {
        return LANDO_OK;
    }
    dst = lando_ctx_alloc(ctx, *len + 1);
    if (dst == NULL) {
        return LANDO_ENOMEM;
    }
    n = lando__pct_decode(dst, *s, *len, true, false);
    if (n < 0) {
        return LANDO_EBADEVENT;
    }
    dst[n] = '\0';
    *s = dst;
    *len = (size_t)n;
    return LANDO_OK;
}

/*
 * Make room in F for N more pairs at once: a map's size is known before
 * it is read, and one arena block spares the doublings on the way. A
 * map holding lists may need more; lando__fields_add_ref() grows then.
 */
static lando_err_t
reserve(lando_ctx_t *ctx, lando_fields_t *f, Py_ssize_t n)
{
    lando_field_t *items;
    size_t cap;

    if (n <= 0 || (size_t)n <= (size_t)(f->cap - f->count)) {
        return LANDO_OK;
    }
    cap = (size_t)f->count + (size_t)n;
    if (cap > UINT32_MAX / 2) {
        return LANDO_OK; /* left to lando__fields_add_ref() to refuse */
    }
    items = lando__arena_grow(&ctx->arena, f->items,
                              (size_t)f->cap * sizeof(*items),
                              cap * sizeof(*items));
    if (items == NULL) {
        return LANDO_ENOMEM;
    }
    f->items = items;
    f->cap = (uint32_t)cap;
    return LANDO_OK;
}

/* lando__fields_add_ref() without the call when there is room. */
static lando_err_t
append(lando_ctx_t *ctx, lando_fields_t *f, const char *name, size_t name_len,
       const char *value, size_t value_len)
{
    lando_field_t *item;

    if (f->count == f->cap || name_len > UINT32_MAX || value_len > UINT32_MAX) {
        return lando__fields_add_ref(ctx, f, name, name_len, value, value_len);
    }
    item = &f->items[f->count++];
    item->name = name;
    item->name_len = (uint32_t)name_len;
    item->value = value;
    item->value_len = (uint32_t)value_len;
    return LANDO_OK;
}

/*
 * The text of VALUE when it is exactly a str, without the checks and
 * messages of text(). False sends the caller to add_pair().
 */
static bool
fast_text(PyObject *value, const char **s, size_t *len)
{
    Py_ssize_t n;

    if (!PyUnicode_CheckExact(value)) {
        return false;
    }
    *s = PyUnicode_AsUTF8AndSize(value, &n);
    if (*s == NULL) {
        PyErr_Clear(); /* add_pair() tells why */
        return false;
    }
    *len = (size_t)n;
    return true;
}

static lando_err_t
add_pair(reader_t *r, lando_fields_t *f, const char *name, size_t name_len,
         PyObject *value, unsigned flags, PyObject *key)
{
    const char *s;
    size_t len;
    lando_err_t err;

    err = text(value, &s, &len);
    if (err != LANDO_OK) {
        return bad(r, err, "'%s' values must be strings of valid text",
                   key_name(key));
    }
    if (flags & MAP_DECODE) {
        err = decode(r->ctx, &s, &len);
        if (err != LANDO_OK) {
            return bad(r, err, "'%s' holds a malformed escape", key_name(key));
        }
    }
    return append(r->ctx, f, name, name_len, s, len);
}

/*
 * Append the entries of the map MAP (the event's KEY) to F. A value is a
 * string or a list of strings (multi-value maps, Lattice v2); null
 * values and null list items are skipped.
 */
static lando_err_t
add_map(reader_t *r, lando_fields_t *f, PyObject *map, PyObject *key,
        unsigned flags)
{
    PyObject *name_obj, *value;
    Py_ssize_t pos = 0;
    lando_err_t err;

    if (!is_dict(map)) {
        return bad(r, LANDO_EBADEVENT, "'%s' must be an object", key_name(key));
    }
    err = reserve(r->ctx, f, PyDict_Size(map));
    while (err == LANDO_OK && PyDict_Next(map, &pos, &name_obj, &value)) {
        const char *name, *s;
        size_t name_len, len;
        bool list = is_list(value);
        Py_ssize_t n = list ? PyList_Size(value) : 1;

        err = text(name_obj, &name, &name_len);
        if (err == LANDO_OK && (flags & MAP_DECODE)) {
            err = decode(r->ctx, &name, &name_len);
        }
        if (err != LANDO_OK) {
            return bad(r, err, "'%s' has a malformed name", key_name(key));
        }

        /* A single value is read as a list of one. */
        for (Py_ssize_t i = 0; err == LANDO_OK && i < n; i++) {
            PyObject *item = list ? PyList_GetItem(value, i) : value;

            if (item == NULL || item == Py_None) {
                continue;
            }
            if (flags == 0 && fast_text(item, &s, &len)) {
                err = append(r->ctx, f, name, name_len, s, len);
            } else {
                err = add_pair(r, f, name, name_len, item, flags, key);
            }
        }
    }
    return err;
}

/* ---- query strings for display -------------------------------------- */

/* RFC 3986's unreserved characters (letters, digits, "-._~"), as a
 * table: one load per byte. Bytes from 128 up are 0. */
/* clang-format off */
static const unsigned char unreserved[256] = {
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 0,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0,
    0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 1,
    0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 1, 0,
};
/* clang-format on */

static char *
put_encoded(char *p, const char *s, size_t len)
{
    static const char hex[] = "0123456789ABCDEF";

    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (unreserved[c]) {
            *p++ = (char)c;
        } else {
            *p++ = '%';
            *p++ = hex[c >> 4];
            *p++ = hex[c & 15];
        }
    }
    return p;
}

/*
 * Rebuild the raw query string from the decoded parameters, for
 * lando_request_raw_query() when the event gave no raw query.
 */
static lando_err_t
encode_raw_query(reader_t *r)
{
    lando_fields_t *q = &r->req->query;
    size_t size = 1;
    char *buf, *p;

    if (q->count == 0) {
        return LANDO_OK;
    }
    for (uint32_t i = 0; i < q->count; i++) {
        size += 3 * ((size_t)q->items[i].name_len + q->items[i].value_len);
        size += 2;
    }
    buf = lando_ctx_alloc(r->ctx, size);
    if (buf == NULL) {
        return LANDO_ENOMEM;
    }
    p = buf;
    for (uint32_t i = 0; i < q->count; i++) {
        if (i > 0) {
            *p++ = '&';
        }
        p = put_encoded(p, q->items[i].name, q->items[i].name_len);
        *p++ = '=';
        p = put_encoded(p, q->items[i].value, q->items[i].value_len);
    }
    *p = '\0';
    r->req->raw_query = buf;
    return LANDO_OK;
}

/*
 * The raw query of an ALB event: its still-encoded pieces joined as the
 * client sent them.
 */
static lando_err_t
join_raw_query(reader_t *r, PyObject *map)
{
    PyObject *name, *value;
    Py_ssize_t pos = 0;
    size_t size = 1;
    char *buf = NULL, *p = NULL;

    for (int pass = 0; pass < 2; pass++) {
        pos = 0;
        while (PyDict_Next(map, &pos, &name, &value)) {
            Py_ssize_t n = is_list(value) ? PyList_Size(value) : 1;
            const char *ns, *vs;
            size_t nl, vl;

            if (text(name, &ns, &nl) != LANDO_OK) {
                return bad(r, LANDO_EBADEVENT, "query names must be text");
            }
            for (Py_ssize_t i = 0; i < n; i++) {
                PyObject *v = is_list(value) ? PyList_GetItem(value, i) : value;
                if (v == NULL || text(v, &vs, &vl) != LANDO_OK) {
                    continue;
                }
                if (pass == 0) {
                    size += nl + vl + 2;
                    continue;
                }
                if (p != buf) {
                    *p++ = '&';
                }
                memcpy(p, ns, nl);
                p += nl;
                *p++ = '=';
                memcpy(p, vs, vl);
                p += vl;
            }
        }
        if (pass == 0) {
            buf = lando_ctx_alloc(r->ctx, size);
            if (buf == NULL) {
                return LANDO_ENOMEM;
            }
            p = buf;
        }
    }
    *p = '\0';
    r->req->raw_query = buf;
    return LANDO_OK;
}

/* ---- the parts of the request --------------------------------------- */

static bool
is_tchar(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= '0' && c <= '9') || strchr("!#$%&'*+-.^_`|~", c) != NULL;
}

static lando_err_t
read_method(reader_t *r)
{
    PyObject *holder = r->event, *key = KEY(r, HTTP_METHOD);
    const char *where = "", *s;
    size_t len;
    bool lower = false;
    lando_err_t err;

    switch (r->source) {
    case LANDO_SOURCE_HTTP:
    case LANDO_SOURCE_URL:
        holder = member(r->rc, KEY(r, HTTP));
        key = KEY(r, METHOD);
        where = "requestContext.http.";
        break;
    case LANDO_SOURCE_LATTICE_V1:
    case LANDO_SOURCE_LATTICE_V2:
        key = KEY(r, METHOD);
        break;
    default:
        break;
    }

    err = need_text(r, holder, key, where, &s, &len);
    if (err != LANDO_OK) {
        return err;
    }
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '\0' || !is_tchar((unsigned char)s[i])) {
            len = 0;
        }
        lower |= s[i] >= 'a' && s[i] <= 'z';
    }
    if (len == 0) {
        return bad(r, LANDO_EBADEVENT, "'%s%s' is not an HTTP method", where,
                   key_name(key));
    }
    if (lower) {
        return lando_request_set_method(r->req, s); /* upper-cases a copy */
    }
    r->req->method = s;
    return LANDO_OK;
}

/* The stage, kept to strip it from an HTTP API path, and its variables. */
static lando_err_t
read_stage(reader_t *r)
{
    PyObject *stage = member(r->rc, KEY(r, STAGE));
    PyObject *vars = member(r->event, KEY(r, STAGE_VARS));

    if (stage != NULL && text(stage, &r->stage, &r->stage_len) == LANDO_OK) {
        r->req->stage = r->stage;
    }
    if (vars == NULL) {
        return LANDO_OK;
    }
    return add_map(r, &r->req->stage_vars, vars, KEY(r, STAGE_VARS), 0);
}

/*
 * An HTTP API on a named stage puts the stage in front of rawPath
 * ("/beta/api/values"); the router sees the path without it. The
 * $default stage adds nothing.
 */
static const char *
strip_stage(reader_t *r, const char *path, size_t len)
{
    size_t n = r->stage_len;

    if (r->stage == NULL || n == 0 || strcmp(r->stage, "$default") == 0) {
        return path;
    }
    if (len < n + 1 || memcmp(path + 1, r->stage, n) != 0) {
        return path;
    }
    if (len == n + 1) {
        return "/";
    }
    return path[n + 1] == '/' ? path + n + 1 : path;
}

static lando_err_t
read_query(reader_t *r, const char *raw, bool has_raw)
{
    PyObject *map = NULL, *key;
    unsigned flags = 0;
    lando_err_t err;

    switch (r->source) {
    case LANDO_SOURCE_HTTP:
    case LANDO_SOURCE_URL:
        map = member(r->event, KEY(r, RAW_QUERY));
        if (map != NULL) {
            const char *s;
            size_t len;
            err = text(map, &s, &len);
            if (err != LANDO_OK) {
                return bad(r, err, "'rawQueryString' must be a string");
            }
            return len > 0 ? lando_request_set_raw_query(r->req, s) : LANDO_OK;
        }
        key = KEY(r, QUERY);
        break;
    case LANDO_SOURCE_LATTICE_V1:
    case LANDO_SOURCE_LATTICE_V2:
        if (has_raw) {
            return raw[0] != '\0' ? lando_request_set_raw_query(r->req, raw)
                                  : LANDO_OK;
        }
        key = r->source == LANDO_SOURCE_LATTICE_V1 ? KEY(r, QUERY_V1)
                                                   : KEY(r, QUERY);
        break;
    case LANDO_SOURCE_ALB:
    case LANDO_SOURCE_ALB_MULTI:
        flags = MAP_DECODE;
        /* fall through */
    default:
        key = KEY(r, MV_QUERY);
        map = filled_map(r, key);
        if (map == NULL) {
            key = KEY(r, QUERY);
        }
        break;
    }

    if (map == NULL) {
        map = member(r->event, key);
    }
    if (map == NULL) {
        return LANDO_OK;
    }
    err = add_map(r, &r->req->query, map, key, flags);
    if (err != LANDO_OK) {
        return err;
    }
    return flags & MAP_DECODE ? join_raw_query(r, map) : encode_raw_query(r);
}

/*
 * The path and the query. Lattice paths may carry the query string
 * after a '?'; it is split off and parsed.
 */
static lando_err_t
read_target(reader_t *r)
{
    PyObject *key = KEY(r, PATH);
    const char *s, *query = NULL, *routed;
    size_t len;
    lando_err_t err;

    if (r->source == LANDO_SOURCE_HTTP || r->source == LANDO_SOURCE_URL) {
        key = KEY(r, RAW_PATH);
    } else if (r->source == LANDO_SOURCE_LATTICE_V1) {
        key = KEY(r, RAW_PATH_V1);
    }

    err = need_text(r, r->event, key, "", &s, &len);
    if (err != LANDO_OK) {
        return err;
    }
    if (r->source == LANDO_SOURCE_LATTICE_V1 ||
        r->source == LANDO_SOURCE_LATTICE_V2) {
        const char *mark = memchr(s, '?', len);
        if (mark != NULL) {
            query = mark + 1;
            len = (size_t)(mark - s);
            s = lando_ctx_strndup(r->ctx, s, len);
            if (s == NULL) {
                return LANDO_ENOMEM;
            }
        }
    }
    if (len == 0 || s[0] != '/' || strlen(s) != len) {
        return bad(r, LANDO_EBADEVENT, "'%s' must be an absolute path",
                   key_name(key));
    }

    /* Borrowed like the headers: the event or the arena holds them. */
    r->req->path = s;
    r->req->raw_path = s;
    routed = strip_stage(r, s, len);
    if (routed != s) {
        r->req->path = routed;
    }
    return read_query(r, query, query != NULL);
}

/*
 * The `cookies` array of an HTTP API or Function URL event becomes one
 * Cookie header. The array is what the service parsed from the request,
 * so it replaces a cookie header that a few captures still carry.
 */
static lando_err_t
read_cookies(reader_t *r)
{
    PyObject *cookies = member(r->event, KEY(r, COOKIES));
    Py_ssize_t n;
    size_t size = 0, used = 0, len;
    const char *s;
    char *buf;
    lando_err_t err;

    if (cookies == NULL) {
        return LANDO_OK;
    }
    if (!is_list(cookies)) {
        return bad(r, LANDO_EBADEVENT, "'cookies' must be a list");
    }
    n = PyList_Size(cookies);
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *item = PyList_GetItem(cookies, i);
        if (item == NULL || item == Py_None) {
            continue;
        }
        err = text(item, &s, &len);
        if (err != LANDO_OK) {
            return bad(r, err, "'cookies' must hold strings of valid text");
        }
        size += len + 2;
    }
    if (size == 0) {
        return LANDO_OK;
    }

    buf = lando_ctx_alloc(r->ctx, size + 1);
    if (buf == NULL) {
        return LANDO_ENOMEM;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *item = PyList_GetItem(cookies, i);
        if (item == NULL || item == Py_None ||
            text(item, &s, &len) != LANDO_OK) {
            continue;
        }
        if (used > 0) {
            memcpy(buf + used, "; ", 2);
            used += 2;
        }
        memcpy(buf + used, s, len);
        used += len;
    }
    buf[used] = '\0';

    lando__fields_remove(&r->req->headers, "cookie");
    return lando__fields_add_ref(r->ctx, &r->req->headers, "Cookie", 6, buf,
                                 used);
}

/*
 * Headers: a multi-value map, when the event has one, holds every value;
 * the single-value map beside it repeats some of them, so it is read only
 * when there is no multi-value map.
 */
static lando_err_t
read_headers(reader_t *r)
{
    PyObject *key = KEY(r, MV_HEADERS), *map = NULL;
    lando_err_t err;

    if (r->source == LANDO_SOURCE_REST || r->source == LANDO_SOURCE_ALB ||
        r->source == LANDO_SOURCE_ALB_MULTI) {
        map = filled_map(r, key);
    }
    if (map == NULL) {
        key = KEY(r, HEADERS);
        map = member(r->event, key);
    }
    if (map != NULL) {
        err = add_map(r, &r->req->headers, map, key, 0);
        if (err != LANDO_OK) {
            return err;
        }
    }
    if (r->source == LANDO_SOURCE_HTTP || r->source == LANDO_SOURCE_URL) {
        return read_cookies(r);
    }
    return LANDO_OK;
}

/*
 * The body as the event gives it: a str (its UTF-8 bytes) or bytes,
 * still base64 text when the flag says so; the base64_body middleware
 * decodes it.
 */
static lando_err_t
read_body(reader_t *r)
{
    PyObject *body = member(r->event, KEY(r, BODY));
    PyObject *key = KEY(r, IS_B64), *flag = NULL;
    const char *s = "";
    size_t len = 0;
    bool base64 = false;
    lando_err_t err;

    if (r->source == LANDO_SOURCE_LATTICE_V1) {
        flag = member(r->event, KEY(r, IS_B64_V1));
        key = KEY(r, IS_B64_V1);
    }
    if (flag == NULL) {
        flag = member(r->event, KEY(r, IS_B64));
    }

    /* The body is the one string a handler may read after Python code
     * has run (a Lambda context attribute): hold it until unbind. */
    Py_XINCREF(body);
    Py_XDECREF(r->gw->body);
    r->gw->body = body;

    if (body != NULL && PyBytes_Check(body)) {
        char *p;
        Py_ssize_t n;
        if (PyBytes_AsStringAndSize(body, &p, &n) < 0) {
            PyErr_Clear();
            return LANDO_ENOMEM;
        }
        s = p;
        len = (size_t)n;
    } else if (body != NULL) {
        err = text(body, &s, &len);
        if (err != LANDO_OK) {
            return bad(r, err, "'body' must be a string of valid text");
        }
    }

    if (flag != NULL) {
        if (!PyLong_Check(flag)) {
            return bad(r, LANDO_EBADEVENT, "'%s' must be a boolean",
                       key_name(key));
        }
        base64 = PyObject_IsTrue(flag) == 1;
        PyErr_Clear();
    }
    lando_request_set_body_ref(r->req, s, len, base64);
    return LANDO_OK;
}

lando_err_t
lando__py_request(lando_gw_t *gw, lando_ctx_t *ctx, PyObject *event,
                  PyObject *rc, lando_source_t source)
{
    reader_t r = {
        .gw = gw,
        .ctx = ctx,
        .req = lando_req(ctx),
        .event = event,
        .rc = rc,
        .source = source,
    };
    lando_err_t err;

    if (r.rc != NULL) {
        lando__py_context_bind(gw, ctx, r.rc);
    }

    err = read_method(&r);
    if (err == LANDO_OK) {
        err = read_stage(&r);
    }
    if (err == LANDO_OK) {
        err = read_target(&r);
    }
    if (err == LANDO_OK) {
        err = read_headers(&r);
    }
    if (err == LANDO_OK) {
        err = read_body(&r);
    }

    if (PyErr_Occurred()) {
        PyErr_Clear();
    }
    return err;
}
