/*
 * The CPython extension module that the Lambda Python runtime imports.
 *
 * Importing the module is Lambda's init phase: the exec slot creates the
 * app, runs the user's setup once, freezes the app and prepares
 * everything an invocation needs (the reusable context, the interned key
 * strings, the fallback answers), so that an invocation does no work
 * that could have been done once. `handler(event, context)` then serves
 * one invocation: it tells the event's source from its shape, fills the
 * request, runs the app and turns the response into the dict the
 * service expects.
 *
 * Failures inside the app never fail the invocation: the app answers
 * them with JSON error responses, and a failure while building the
 * result dict becomes a minimal JSON 500. Only events that are not HTTP
 * requests at all raise, with EventError.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <stdio.h>

#include "py_gateway.h"

/* One module per shared object: the setup of the LANDO_MODULE line. */
static lando_setup_fn module_setup;

static const char *const key_text[LANDO__K_COUNT] = {
#define KEY_TEXT(name, text) text,
    LANDO__PY_KEYS(KEY_TEXT)
#undef KEY_TEXT
};

static lando_gw_t *
gw_of(PyObject *module)
{
    return (lando_gw_t *)PyModule_GetState(module);
}

/*
 * A malformed event is the sender's mistake, logged at INFO; failing to
 * read a good one (memory) is ours, logged at ERROR.
 */
static void
log_rejected(lando_ctx_t *ctx, lando_source_t source)
{
    const lando_error_t *error = lando_ctx_error(ctx);
    const char *why = error != NULL ? error->message : NULL;

    if (error != NULL && error->code == LANDO_EBADEVENT && why != NULL) {
        lando_log(ctx, LANDO_LOG_INFO, "%s", why);
        return;
    }
    lando_log(ctx, LANDO_LOG_ERROR, "could not read the %s event: %s",
              lando_source_name(source), why != NULL ? why : "failed");
}

/*
 * Serve one invocation of an HTTP event, whose requestContext RC (or
 * NULL) lando__py_detect() found. The event and context are held for
 * the whole invocation, because the request borrows their strings.
 */
static PyObject *
serve(lando_gw_t *gw, PyObject *event, PyObject *rc, PyObject *context,
      lando_source_t source)
{
    lando_ctx_t *ctx = gw->ctx;
    PyObject *result;
    lando_err_t err;

    Py_INCREF(event);
    Py_INCREF(context);
    gw->busy = true;

    lando_ctx_begin(ctx, source);
    lando__py_lambda_bind(gw, ctx, context);

    err = lando__py_request(gw, ctx, event, rc, source);
    if (err == LANDO_OK) {
        lando_app_handle(gw->app, ctx);
        /* A handler that used the C API itself may have left an
         * exception behind; it must not leak into the runtime. */
        if (PyErr_Occurred()) {
            PyErr_Clear();
        }
    } else {
        if (err != LANDO_EBADEVENT) {
            lando_fail(ctx, err, NULL);
        }
        log_rejected(ctx, source);
        err = lando_error_respond(ctx, false);
    }

    /* err is set here only when not even the error answer was made. */
    result = err == LANDO_OK ? lando__py_response(gw, ctx, source) : NULL;
    if (result == NULL) {
        PyErr_Clear();
        lando_log(ctx, LANDO_LOG_ERROR,
                  "could not build the %s response; answering 500",
                  lando_source_name(source));
        result = lando__py_fallback(gw, source);
    }

    lando__py_unbind(gw);
    gw->busy = false;
    Py_DECREF(context);
    Py_DECREF(event);
    return result;
}

PyDoc_STRVAR(
    handler_doc,
    "handler($module, event, context, /)\n"
    "--\n"
    "\n"
    "Serve one Lambda invocation of an HTTP event (API Gateway REST or HTTP\n"
    "API, ALB, Function URL, VPC Lattice) and return the response dict in\n"
    "the shape that source expects. CONTEXT is the runtime's Lambda context\n"
    "or None. Raises EventError for events that are not HTTP requests.");

static PyObject *
handler(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    lando_gw_t *gw = gw_of(module);
    lando_source_t source;
    PyObject *context, *rc;

    if (nargs < 1 || nargs > 2) {
        PyErr_Format(PyExc_TypeError,
                     "handler() takes (event, context), got %zd arguments",
                     nargs);
        return NULL;
    }
    if (gw == NULL || gw->app == NULL || gw->ctx == NULL) {
        PyErr_SetString(PyExc_RuntimeError,
                        "the lando module was not initialised");
        return NULL;
    }
    if (gw->busy) {
        PyErr_SetString(PyExc_RuntimeError,
                        "handler() called during an invocation");
        return NULL;
    }

    if (lando__py_detect(gw, args[0], &source, &rc) < 0) {
        return NULL;
    }

    context = nargs == 2 ? args[1] : Py_None;
    return serve(gw, args[0], rc, context, source);
}

/* ---- module life cycle -------------------------------------------- */

static int
add_exception(PyObject *module, const char *name, PyObject *base,
              const char *doc, PyObject **out)
{
    char qualified[256];
    PyObject *type;

    snprintf(qualified, sizeof(qualified), "%s.%s", PyModule_GetName(module),
             name);
    type = PyErr_NewExceptionWithDoc(qualified, doc, base, NULL);
    if (type == NULL) {
        return -1;
    }
    if (PyModule_AddObjectRef(module, name, type) < 0) {
        Py_DECREF(type);
        return -1;
    }
    *out = type;
    return 0;
}

static int
init_keys(lando_gw_t *gw)
{
    for (size_t i = 0; i < LANDO__K_COUNT; i++) {
        gw->keys[i] = PyUnicode_InternFromString(key_text[i]);
        if (gw->keys[i] == NULL) {
            return -1;
        }
    }
    return 0;
}

/*
 * Raise SetupError for the failed setup ERR, naming the reason the app
 * recorded, or the error's name and message when it recorded none.
 */
static void
raise_setup_error(lando_gw_t *gw, PyObject *module, lando_err_t err)
{
    const char *why = gw->app != NULL ? lando_app_last_error(gw->app) : "";

    if (why == NULL || why[0] == '\0') {
        why = lando_strerror(err);
    }
    PyErr_Format(gw->setup_error, "setup of %s failed: %s: %s",
                 PyModule_GetName(module), lando_err_name(err), why);
}

static int
module_exec(PyObject *module)
{
    lando_gw_t *gw = gw_of(module);
    lando_err_t err;

    if (init_keys(gw) < 0 || lando__py_texts_init(gw) < 0) {
        return -1;
    }
    if (add_exception(module, "EventError", PyExc_ValueError,
                      "The event is not an HTTP proxy event.",
                      &gw->event_error) < 0) {
        return -1;
    }
    if (add_exception(module, "SetupError", PyExc_RuntimeError,
                      "The application's setup failed at import.",
                      &gw->setup_error) < 0) {
        return -1;
    }
    if (PyModule_AddStringConstant(module, "__version__", LANDO_VERSION) < 0) {
        return -1;
    }
    if (lando__py_fallback_init(gw) < 0) {
        return -1;
    }

    gw->app = lando_app_new();
    if (gw->app == NULL) {
        PyErr_NoMemory();
        return -1;
    }

    /* The user's setup first, then plugins built apart and named in
     * LANDO_PLUGINS, then the freeze: a route conflict among any of them
     * fails the import, not the first request. */
    err = module_setup != NULL ? module_setup(gw->app) : LANDO_EINVAL;
    if (err == LANDO_OK) {
        err = lando_plugins_load_env(gw->app);
    }
    if (err == LANDO_OK) {
        err = lando__app_freeze(gw->app);
    }
    if (err != LANDO_OK) {
        raise_setup_error(gw, module, err);
        return -1;
    }

    gw->ctx = lando_ctx_new(gw->app);
    if (gw->ctx == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    return 0;
}

static int
module_traverse(PyObject *module, visitproc visit, void *arg)
{
    lando_gw_t *gw = gw_of(module);

    if (gw == NULL) {
        return 0;
    }
    Py_VISIT(gw->event_error);
    Py_VISIT(gw->setup_error);
    for (size_t i = 0; i < LANDO__SOURCE_COUNT; i++) {
        Py_VISIT(gw->fallback[i]);
    }
    return 0;
}

static int
module_clear(PyObject *module)
{
    lando_gw_t *gw = gw_of(module);

    if (gw == NULL) {
        return 0;
    }
    Py_CLEAR(gw->event_error);
    Py_CLEAR(gw->setup_error);
    for (size_t i = 0; i < LANDO__SOURCE_COUNT; i++) {
        Py_CLEAR(gw->fallback[i]);
    }
    for (size_t i = 0; i < LANDO__K_COUNT; i++) {
        Py_CLEAR(gw->keys[i]);
    }
    for (size_t i = 0; i < LANDO__T_COUNT; i++) {
        Py_CLEAR(gw->texts[i]);
    }
    return 0;
}

static void
module_free(void *module)
{
    lando_gw_t *gw = gw_of((PyObject *)module);

    module_clear((PyObject *)module);
    if (gw == NULL) {
        return;
    }
    lando_ctx_free(gw->ctx);
    gw->ctx = NULL;
    lando_app_free(gw->app);
    gw->app = NULL;
}

static PyMethodDef module_methods[] = {
    {"handler", (PyCFunction)(void (*)(void))handler, METH_FASTCALL,
     handler_doc},
    {NULL, NULL, 0, NULL},
};

static PyModuleDef_Slot module_slots[] = {
    {Py_mod_exec, (void *)module_exec},
    {0, NULL},
};

PyDoc_STRVAR(
    module_doc,
    "An HTTP application built with lando. Point the Lambda handler setting\n"
    "at this module's `handler`.");

static struct PyModuleDef module_def = {
    PyModuleDef_HEAD_INIT,
    .m_name = NULL, /* set by lando_module_init() */
    .m_doc = module_doc,
    .m_size = sizeof(lando_gw_t),
    .m_methods = module_methods,
    .m_slots = module_slots,
    .m_traverse = module_traverse,
    .m_clear = module_clear,
    .m_free = module_free,
};

void *
lando_module_init(const char *name, lando_setup_fn setup)
{
    module_def.m_name = name;
    module_setup = setup;
    return PyModuleDef_Init(&module_def);
}
