/*
 * The whole gateway: the fuzz input is parsed with Python's json.loads
 * and, if it parses, handed as the event to the handler of a lando
 * module built with the default middleware stack (examples/httpbin),
 * with a Lambda context object. This runs the module's own event
 * decoding, chain, router, handlers and response encoding; there is no
 * second decoder here.
 *
 * Properties: the handler returns a dict with an integer statusCode in
 * 100..599 and string body, or raises the module's EventError; any
 * other exception (SystemError included) aborts, so libFuzzer keeps the
 * input.
 *
 * The module's path comes from LANDO_FUZZ_MODULE (set at build time to
 * the build's libhttpbin.so; the environment variable of the same name
 * overrides it). Python's allocator is switched to malloc so that
 * AddressSanitizer sees every object.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#ifndef LANDO_FUZZ_MODULE
#define LANDO_FUZZ_MODULE "libhttpbin.so"
#endif

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static PyObject *json_loads;
static PyObject *handler;
static PyObject *event_error;
static PyObject *context;

static void
die(const char *what)
{
    fprintf(stderr, "fuzz_gateway: %s\n", what);
    if (PyErr_Occurred()) {
        PyErr_Print();
    }
    abort();
}

static const char setup_code[] =
    "import importlib.machinery, importlib.util, os, sys\n"
    "def load(path):\n"
    "    name = os.path.basename(path).split('.')[0]\n"
    "    loader = importlib.machinery.ExtensionFileLoader(name, path)\n"
    "    spec = importlib.util.spec_from_file_location(name, path,\n"
    "                                                  loader=loader)\n"
    "    mod = importlib.util.module_from_spec(spec)\n"
    "    loader.exec_module(mod)\n"
    "    return mod\n"
    "class Context:\n"
    "    function_name = 'httpbin'\n"
    "    function_version = '$LATEST'\n"
    "    invoked_function_arn = "
    "'arn:aws:lambda:us-east-1:123456789012:function:httpbin'\n"
    "    memory_limit_in_mb = '128'\n"
    "    aws_request_id = '00000000-fuzz-0000-0000-000000000000'\n"
    "    log_group_name = '/aws/lambda/httpbin'\n"
    "    log_stream_name = 'fuzz'\n"
    "    def get_remaining_time_in_millis(self):\n"
    "        return 30000\n";

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
    const char *path = getenv("LANDO_FUZZ_MODULE");
    PyObject *globals, *mod, *json, *r;

    /* Every Python object through malloc, so ASan sees them all. The
     * module logs at DEBUG, so that its log formatting meets every input
     * too, to standard output, which goes nowhere unless
     * LANDO_FUZZ_SHOW_LOG is set (libFuzzer reports on standard error). */
    setenv("PYTHONMALLOC", "malloc", 1);
    setenv("PYTHONDONTWRITEBYTECODE", "1", 1);
    if (!getenv("AWS_LAMBDA_LOG_LEVEL")) {
        setenv("AWS_LAMBDA_LOG_LEVEL", "DEBUG", 1);
    }
    if (!getenv("LANDO_FUZZ_SHOW_LOG")) {
        int null = open("/dev/null", O_WRONLY);

        if (null >= 0) {
            dup2(null, 1);
            close(null);
        }
    }
    Py_InitializeEx(0);

    globals = PyDict_New();
    if (!globals || PyDict_SetItemString(globals, "__builtins__",
                                         PyEval_GetBuiltins()) < 0) {
        die("no globals");
    }
    r = PyRun_String(setup_code, Py_file_input, globals, globals);
    if (!r) {
        die("setup code failed");
    }
    Py_DECREF(r);

    r = PyObject_CallFunction(PyDict_GetItemString(globals, "load"), "s",
                              path ? path : LANDO_FUZZ_MODULE);
    if (!r) {
        die("cannot import the module");
    }
    mod = r;
    handler = PyObject_GetAttrString(mod, "handler");
    event_error = PyObject_GetAttrString(mod, "EventError");
    if (!handler || !event_error) {
        die("the module lacks handler or EventError");
    }
    context = PyObject_CallNoArgs(PyDict_GetItemString(globals, "Context"));
    json = PyImport_ImportModule("json");
    if (!context || !json) {
        die("no context or json");
    }
    json_loads = PyObject_GetAttrString(json, "loads");
    if (!json_loads) {
        die("no json.loads");
    }
    Py_DECREF(json);
    Py_DECREF(mod);
    Py_DECREF(globals);
    (void)argc;
    (void)argv;
    return 0;
}

static void
check_result(PyObject *res)
{
    PyObject *status, *body;
    long code;

    if (!PyDict_Check(res)) {
        die("the handler returned something other than a dict");
    }
    status = PyDict_GetItemString(res, "statusCode");
    if (!status || !PyLong_Check(status)) {
        die("no integer statusCode");
    }
    code = PyLong_AsLong(status);
    if (code < 100 || code > 599) {
        die("statusCode out of range");
    }
    body = PyDict_GetItemString(res, "body");
    if (body && !PyUnicode_Check(body)) {
        die("body is not a str");
    }
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    PyObject *bytes, *event, *res;

    bytes = PyBytes_FromStringAndSize((const char *)data, (Py_ssize_t)size);
    if (!bytes) {
        die("no bytes");
    }
    event = PyObject_CallOneArg(json_loads, bytes);
    Py_DECREF(bytes);
    if (!event) {
        /* Not JSON (or not UTF-8): nothing for the gateway to see. */
        PyErr_Clear();
        return 0;
    }

    res = PyObject_CallFunctionObjArgs(handler, event, context, NULL);
    Py_DECREF(event);
    if (!res) {
        if (PyErr_ExceptionMatches(event_error)) {
            PyErr_Clear();
            return 0;
        }
        die("the handler raised something other than EventError");
    }
    check_result(res);
    Py_DECREF(res);
    return 0;
}
