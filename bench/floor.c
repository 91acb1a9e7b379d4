/*
 * The floor: the least a C extension must do to answer an API Gateway
 * event, written by hand against CPython's stable ABI with no lando at
 * all. The benchmark divides lando's time per call by this one's, so
 * the ratio shows what the framework costs on top of the unavoidable
 * work: crossing into C, reading the two fields any router needs, and
 * building a fresh response dict as the runtime expects it.
 *
 * It is built with the same flags as a lando module (stable ABI 3.10,
 * hidden visibility, PyInit_libfloor the only export), so the two differ
 * only in what they do per call.
 */
#include <Python.h>

/*
 * Keys and constant values, made once at import. A real hand-written
 * handler would do the same; building them per call would make the
 * floor slower and flatter lando. They live as long as the process.
 */
static PyObject *k_method;
static PyObject *k_path;
static PyObject *k_status;
static PyObject *k_headers;
static PyObject *k_body;
static PyObject *k_base64;
static PyObject *k_ctype;
static PyObject *v_json;
static PyObject *v_empty;

static PyObject *
read_str(PyObject *event, PyObject *key)
{
    PyObject *v = PyDict_GetItemWithError(event, key);
    Py_ssize_t len;

    if (v == NULL) {
        if (!PyErr_Occurred()) {
            PyErr_Format(PyExc_KeyError, "event has no %R", key);
        }
        return NULL;
    }
    if (PyUnicode_AsUTF8AndSize(v, &len) == NULL) {
        return NULL;
    }
    return v;
}

static int
set_new(PyObject *dict, PyObject *key, PyObject *value)
{
    int rc;

    if (value == NULL) {
        return -1;
    }
    rc = PyDict_SetItem(dict, key, value);
    Py_DECREF(value);
    return rc;
}

PyDoc_STRVAR(handler_doc, "handler(event, context)\n--\n\n"
                          "Answer 200 {} to any event with a method and a "
                          "path.");

static PyObject *
handler(PyObject *self, PyObject *const *args, Py_ssize_t nargs)
{
    PyObject *res = NULL;
    PyObject *headers = NULL;

    if (nargs != 2) {
        PyErr_SetString(PyExc_TypeError, "handler(event, context)");
        return NULL;
    }
    if (!PyDict_Check(args[0])) {
        PyErr_SetString(PyExc_TypeError, "event must be a dict");
        return NULL;
    }
    if (read_str(args[0], k_method) == NULL ||
        read_str(args[0], k_path) == NULL) {
        return NULL;
    }

    res = PyDict_New();
    headers = PyDict_New();
    if (res == NULL || headers == NULL) {
        goto fail;
    }
    if (PyDict_SetItem(headers, k_ctype, v_json) < 0 ||
        set_new(res, k_status, PyLong_FromLong(200)) < 0 ||
        PyDict_SetItem(res, k_headers, headers) < 0 ||
        PyDict_SetItem(res, k_body, v_empty) < 0 ||
        PyDict_SetItem(res, k_base64, Py_False) < 0) {
        goto fail;
    }
    Py_DECREF(headers);
    return res;

fail:
    Py_XDECREF(headers);
    Py_XDECREF(res);
    return NULL;
}

static PyMethodDef floor_methods[] = {
    {"handler", (PyCFunction)(void (*)(void))handler, METH_FASTCALL,
     handler_doc},
    {NULL, NULL, 0, NULL}};

static int
intern_all(void)
{
    struct {
        PyObject **slot;
        const char *text;
    } strs[] = {
        {&k_method, "httpMethod"},
        {&k_path, "path"},
        {&k_status, "statusCode"},
        {&k_headers, "headers"},
        {&k_body, "body"},
        {&k_base64, "isBase64Encoded"},
        {&k_ctype, "content-type"},
        {&v_json, "application/json"},
        {&v_empty, "{}"},
    };
    size_t i;

    for (i = 0; i < sizeof(strs) / sizeof(strs[0]); i++) {
        if (*strs[i].slot != NULL) {
            continue;
        }
        *strs[i].slot = PyUnicode_InternFromString(strs[i].text);
        if (*strs[i].slot == NULL) {
            return -1;
        }
    }
    return 0;
}

static int
floor_exec(PyObject *module)
{
    return intern_all();
}

static PyModuleDef_Slot floor_slots[] = {
    {Py_mod_exec, (void *)floor_exec},
    {0, NULL}};

static struct PyModuleDef floor_module = {
    PyModuleDef_HEAD_INIT,
    .m_name = "libfloor",
    .m_doc = "The benchmark's floor: a minimal hand-written handler.",
    .m_size = 0,
    .m_methods = floor_methods,
    .m_slots = floor_slots,
};

PyMODINIT_FUNC PyInit_libfloor(void);

PyMODINIT_FUNC
PyInit_libfloor(void)
{
    return PyModuleDef_Init(&floor_module);
}
