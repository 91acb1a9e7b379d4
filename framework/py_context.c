/*
 * The two things a request reads lazily from Python objects: the event's
 * requestContext (lando_request_context(), by dotted key) and the
 * runtime's Lambda context object (lando_ctx_lambda(),
 * lando_ctx_remaining_ms()). Nothing is read until a handler or a
 * middleware asks, and nothing read survives the invocation: strings the
 * event holds are borrowed, every other text is built in the arena.
 *
 * These functions run in the middle of the app's chain, so they never
 * leave a Python exception set: a failed lookup is simply "absent".
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <string.h>

#include "py_gateway.h"

/* The attribute of the runtime's context object for each field. */
static const int lambda_key[LANDO_LAMBDA__FIELD_COUNT] = {
    [LANDO_LAMBDA_FUNCTION_NAME] = LANDO__K_FUNCTION_NAME,
    [LANDO_LAMBDA_FUNCTION_VERSION] = LANDO__K_FUNCTION_VERSION,
    [LANDO_LAMBDA_INVOKED_ARN] = LANDO__K_INVOKED_ARN,
    [LANDO_LAMBDA_MEMORY_MB] = LANDO__K_MEMORY_MB,
    [LANDO_LAMBDA_REQUEST_ID] = LANDO__K_AWS_REQUEST_ID,
    [LANDO_LAMBDA_LOG_GROUP] = LANDO__K_LOG_GROUP,
    [LANDO_LAMBDA_LOG_STREAM] = LANDO__K_LOG_STREAM,
};

/* Copy the text of the Python object TEXT_OBJ (a str) into the arena. */
static const char *
arena_text(lando_ctx_t *ctx, PyObject *text_obj)
{
    Py_ssize_t len;
    const char *s;

    if (text_obj == NULL) {
        PyErr_Clear();
        return NULL;
    }
    s = PyUnicode_AsUTF8AndSize(text_obj, &len);
    if (s == NULL) {
        PyErr_Clear();
        return NULL;
    }
    return lando_ctx_strndup(ctx, s, (size_t)len);
}

/*
 * The text of a scalar: a str as is (borrowed when BORROW, else copied),
 * true/false for booleans, the decimal or JSON-like text of numbers.
 * NULL for None, containers and anything else.
 */
static const char *
scalar_text(lando_ctx_t *ctx, PyObject *value, bool borrow)
{
    const char *s;
    const char *out;
    PyObject *repr;

    if (value == NULL || value == Py_None) {
        return NULL;
    }
    if (PyUnicode_Check(value)) {
        if (!borrow) {
            return arena_text(ctx, value);
        }
        s = PyUnicode_AsUTF8AndSize(value, NULL);
        if (s == NULL) {
            PyErr_Clear();
        }
        return s;
    }
    if (PyBool_Check(value)) {
        return value == Py_True ? "true" : "false";
    }
    if (PyLong_Check(value)) {
        repr = PyObject_Str(value);
    } else if (PyFloat_Check(value)) {
        repr = PyObject_Repr(value);
    } else {
        return NULL;
    }
    out = arena_text(ctx, repr);
    Py_XDECREF(repr);
    return out;
}

/* ---- the request context ------------------------------------------- */

/*
 * Keys that lookups use all the time (the logging middleware asks for
 * the source IP on every request): their key objects are the ones made
 * at import, so only unusual keys cost a new str.
 */
static const int cached_segments[] = {
    LANDO__K_IDENTITY,    LANDO__K_SOURCE_IP,  LANDO__K_REQUEST_ID,
    LANDO__K_HTTP,        LANDO__K_AUTHORIZER, LANDO__K_CLAIMS,
    LANDO__K_LAMBDA,      LANDO__K_JWT,        LANDO__K_PRINCIPAL_ID,
    LANDO__K_DOMAIN_NAME, LANDO__K_STAGE,      LANDO__K_METHOD,
    LANDO__K_PATH,        LANDO__K_ELB,
};

/* A new reference to a str holding SEG (LEN bytes), or NULL. */
static PyObject *
segment_key(lando_gw_t *gw, const char *seg, size_t len)
{
    PyObject *key;

    for (size_t i = 0; i < sizeof(cached_segments) / sizeof(int); i++) {
        Py_ssize_t n;
        const char *text;

        key = gw->keys[cached_segments[i]];
        text = PyUnicode_AsUTF8AndSize(key, &n);
        if (text != NULL && (size_t)n == len && memcmp(text, seg, len) == 0) {
            return Py_NewRef(key);
        }
    }
    key = PyUnicode_DecodeUTF8(seg, (Py_ssize_t)len, NULL);
    if (key == NULL) {
        PyErr_Clear();
    }
    return key;
}

/* The child SEG (LEN bytes) of NODE: a dict key or a list index. */
static PyObject *
child(lando_gw_t *gw, PyObject *node, const char *seg, size_t len)
{
    PyObject *key, *value;

    if (PyDict_Check(node)) {
        key = segment_key(gw, seg, len);
        if (key == NULL) {
            return NULL;
        }
        value = PyDict_GetItemWithError(node, key);
        Py_DECREF(key);
        if (value == NULL) {
            PyErr_Clear();
        }
        return value;
    }
    if (PyList_Check(node) && len > 0 && len < 10) {
        Py_ssize_t index = 0;
        for (size_t i = 0; i < len; i++) {
            if (seg[i] < '0' || seg[i] > '9') {
                return NULL;
            }
            index = index * 10 + (seg[i] - '0');
        }
        if (index >= PyList_Size(node)) {
            return NULL;
        }
        return PyList_GetItem(node, index);
    }
    return NULL;
}

/*
 * lando_context_lookup_fn over the requestContext of the running
 * invocation (OPAQUE is the module state). Every object on the way is
 * borrowed from the event, which outlives the invocation, so str values
 * are returned without a copy.
 */
static const char *
context_lookup(void *opaque, lando_ctx_t *ctx, const char *dotted_key)
{
    lando_gw_t *gw = opaque;
    PyObject *node = gw != NULL ? gw->rc : NULL;
    const char *seg = dotted_key;

    if (node == NULL || dotted_key == NULL) {
        return NULL;
    }
    for (;;) {
        const char *dot = strchr(seg, '.');
        size_t len = dot != NULL ? (size_t)(dot - seg) : strlen(seg);

        node = child(gw, node, seg, len);
        if (node == NULL) {
            return NULL;
        }
        if (dot == NULL) {
            break;
        }
        seg = dot + 1;
    }
    return scalar_text(ctx, node, true);
}

void
lando__py_context_bind(lando_gw_t *gw, lando_ctx_t *ctx, PyObject *rc)
{
    /* Held, not borrowed: the lookups run during the chain, after Python
     * code (a context attribute) may have replaced it in the event. */
    Py_XINCREF(rc);
    Py_XDECREF(gw->rc);
    gw->rc = rc;
    lando_request_set_context_lookup(lando_req(ctx), context_lookup, gw);
}

/* ---- the Lambda context ------------------------------------------- */

/*
 * Attribute values of the runtime's context are copied: a property may
 * build a new object on every read, which would not outlive the call.
 * memory_limit_in_mb is a str in the runtime and may be an int in tests.
 */
static const char *
lambda_field(void *opaque, lando_ctx_t *ctx, lando_lambda_field_t field)
{
    lando_gw_t *gw = opaque;
    PyObject *value;
    const char *out;

    if (gw == NULL || gw->lambda_obj == NULL || (int)field < 0 ||
        (int)field >= LANDO_LAMBDA__FIELD_COUNT) {
        return NULL;
    }
    value = PyObject_GetAttr(gw->lambda_obj, gw->keys[lambda_key[field]]);
    if (value == NULL) {
        PyErr_Clear();
        return NULL;
    }
    out = scalar_text(ctx, value, false);
    Py_DECREF(value);
    return out;
}

static int64_t
lambda_remaining_ms(void *opaque)
{
    lando_gw_t *gw = opaque;
    PyObject *value;
    int64_t ms = -1;

    if (gw == NULL || gw->lambda_obj == NULL) {
        return -1;
    }
    value = PyObject_CallMethodObjArgs(gw->lambda_obj,
                                       LANDO__KEY(gw, REMAINING), NULL);
    if (value == NULL) {
        PyErr_Clear();
        return -1;
    }
    if (PyLong_Check(value)) {
        ms = (int64_t)PyLong_AsLongLong(value);
    } else if (PyFloat_Check(value)) {
        ms = (int64_t)PyFloat_AsDouble(value);
    }
    if (PyErr_Occurred()) {
        PyErr_Clear();
        ms = -1;
    }
    Py_DECREF(value);
    return ms;
}

static const lando_lambda_ops_t lambda_ops = {
    .field = lambda_field,
    .remaining_ms = lambda_remaining_ms,
};

void
lando__py_lambda_bind(lando_gw_t *gw, lando_ctx_t *ctx, PyObject *context)
{
    if (context == NULL || context == Py_None) {
        gw->lambda_obj = NULL;
        lando_ctx_set_lambda(ctx, NULL, NULL);
        return;
    }
    gw->lambda_obj = context;
    lando_ctx_set_lambda(ctx, &lambda_ops, gw);
}

void
lando__py_unbind(lando_gw_t *gw)
{
    gw->lambda_obj = NULL;
    Py_CLEAR(gw->rc);
    Py_CLEAR(gw->body);
}
