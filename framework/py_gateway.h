/*
 * What the files of the Python gateway (framework/py_*.c) share: the
 * module state, the key strings created once at import, and the
 * functions that turn an event dict into a request and a response into
 * a result dict. Only py_*.c include this header, after <Python.h>, and
 * all of them are built against the stable ABI of Python 3.10.
 *
 * Names: lando__py_x for functions shared between the gateway's files.
 */
#ifndef LANDO_PY_GATEWAY_H
#define LANDO_PY_GATEWAY_H

#ifndef Py_PYTHON_H
#error "include <Python.h> before py_gateway.h"
#endif

#include "internal.h"

/*
 * Every dict key and attribute name the gateway looks up or writes, as
 * (enum suffix, text). The strings are interned once when the module is
 * executed; no request creates a key object.
 */
#define LANDO__PY_KEYS(X)                                                      \
    X(HTTP_METHOD, "httpMethod")                                               \
    X(METHOD, "method")                                                        \
    X(PATH, "path")                                                            \
    X(RAW_PATH, "rawPath")                                                     \
    X(RAW_PATH_V1, "raw_path")                                                 \
    X(HEADERS, "headers")                                                      \
    X(MV_HEADERS, "multiValueHeaders")                                         \
    X(QUERY, "queryStringParameters")                                          \
    X(MV_QUERY, "multiValueQueryStringParameters")                             \
    X(QUERY_V1, "query_string_parameters")                                     \
    X(RAW_QUERY, "rawQueryString")                                             \
    X(COOKIES, "cookies")                                                      \
    X(BODY, "body")                                                            \
    X(IS_B64, "isBase64Encoded")                                               \
    X(IS_B64_V1, "is_base64_encoded")                                          \
    X(REQUEST_CONTEXT, "requestContext")                                       \
    X(ELB, "elb")                                                              \
    X(HTTP, "http")                                                            \
    X(DOMAIN_NAME, "domainName")                                               \
    X(STAGE, "stage")                                                          \
    X(STAGE_VARS, "stageVariables")                                            \
    X(ROUTE_KEY, "routeKey")                                                   \
    X(EVENT_TYPE, "eventType")                                                 \
    X(CONNECTION_ID, "connectionId")                                           \
    X(RECORDS, "Records")                                                      \
    X(EVENT_SOURCE, "eventSource")                                             \
    X(EVENT_SOURCE_SNS, "EventSource")                                         \
    X(DETAIL_TYPE, "detail-type")                                              \
    X(STATUS_CODE, "statusCode")                                               \
    X(STATUS_DESCRIPTION, "statusDescription")                                 \
    X(FUNCTION_NAME, "function_name")                                          \
    X(FUNCTION_VERSION, "function_version")                                    \
    X(INVOKED_ARN, "invoked_function_arn")                                     \
    X(MEMORY_MB, "memory_limit_in_mb")                                         \
    X(AWS_REQUEST_ID, "aws_request_id")                                        \
    X(LOG_GROUP, "log_group_name")                                             \
    X(LOG_STREAM, "log_stream_name")                                           \
    X(REMAINING, "get_remaining_time_in_millis")                               \
    X(IDENTITY, "identity")                                                    \
    X(SOURCE_IP, "sourceIp")                                                   \
    X(REQUEST_ID, "requestId")                                                 \
    X(AUTHORIZER, "authorizer")                                                \
    X(CLAIMS, "claims")                                                        \
    X(LAMBDA, "lambda")                                                        \
    X(JWT, "jwt")                                                              \
    X(PRINCIPAL_ID, "principalId")

#define LANDO__PY_KEY_ENUM(name, text) LANDO__K_##name,
enum { LANDO__PY_KEYS(LANDO__PY_KEY_ENUM) LANDO__K_COUNT };
#undef LANDO__PY_KEY_ENUM

/*
 * Header names and values that responses carry over and over, as (enum
 * suffix, text). Each is created once as an interned str when the
 * module is executed; lando__py_text() hands out these instead of
 * decoding a new str, and interned strings also spare the result dicts
 * hashing them. Only exact bytes match: "content-type" is decoded anew.
 */
#define LANDO__PY_TEXTS(X)                                                     \
    X(CONTENT_TYPE, "Content-Type")                                            \
    X(CONTENT_LENGTH, "Content-Length")                                        \
    X(CONTENT_ENCODING, "Content-Encoding")                                    \
    X(VARY, "Vary")                                                            \
    X(ALLOW, "Allow")                                                          \
    X(LOCATION, "Location")                                                    \
    X(SET_COOKIE, "Set-Cookie")                                                \
    X(CACHE_CONTROL, "Cache-Control")                                          \
    X(ETAG, "ETag")                                                            \
    X(ACAO, "Access-Control-Allow-Origin")                                     \
    X(ACAC, "Access-Control-Allow-Credentials")                                \
    X(ACAM, "Access-Control-Allow-Methods")                                    \
    X(ACAH, "Access-Control-Allow-Headers")                                    \
    X(ACMA, "Access-Control-Max-Age")                                          \
    X(ACEH, "Access-Control-Expose-Headers")                                   \
    X(APPLICATION_JSON, "application/json")                                    \
    X(TEXT_PLAIN, "text/plain; charset=utf-8")                                 \
    X(ORIGIN, "Origin")                                                        \
    X(ACCEPT_ENCODING, "Accept-Encoding")                                      \
    X(TRUE, "true")                                                            \
    X(GZIP, "gzip")                                                            \
    X(DEFLATE, "deflate")

#define LANDO__PY_TEXT_ENUM(name, text) LANDO__T_##name,
enum { LANDO__PY_TEXTS(LANDO__PY_TEXT_ENUM) LANDO__T_COUNT };
#undef LANDO__PY_TEXT_ENUM

/* Texts are found by their length first; longer ones are never looked
 * up (the longest in the table has 32 bytes). */
#define LANDO__TEXT_MAX_LEN 40

/* One past the highest lando_source_t, for tables indexed by source. */
#define LANDO__SOURCE_COUNT (LANDO_SOURCE_LATTICE_V2 + 1)

/*
 * The module state. Everything here is created when the module is
 * executed (Lambda's init phase) and lives as long as the module.
 */
typedef struct lando_gw {
    lando_app_t *app;
    lando_ctx_t *ctx;      /* reused by every invocation */
    PyObject *event_error; /* EventError(ValueError) */
    PyObject *setup_error; /* SetupError(RuntimeError) */
    PyObject *keys[LANDO__K_COUNT];
    PyObject *texts[LANDO__T_COUNT];
    /* The first text of each length and the next of the same length,
     * -1 for none: a miss costs one load. */
    signed char text_first[LANDO__TEXT_MAX_LEN + 1];
    signed char text_next[LANDO__T_COUNT];
    PyObject *fallback[LANDO__SOURCE_COUNT]; /* minimal 500 per shape */
    PyObject *lambda_obj; /* the runtime's context, during a call */
    PyObject *rc;         /* the event's requestContext, held, ditto */
    PyObject *body;       /* the event's body, held while borrowed */
    bool busy;            /* an invocation is running */
} lando_gw_t;

/* The interned key string K (LANDO__K_x). Borrowed. */
#define LANDO__KEY(gw, k) ((gw)->keys[LANDO__K_##k])

/*
 * Tell the source of EVENT from its shape. Returns 0 and sets *SOURCE
 * for an HTTP proxy event, and *RC to the event's requestContext when it
 * is a dict (borrowed from EVENT), else NULL; -1 with EventError set for
 * anything else (a non-dict, a WebSocket or SQS event, ...), or with
 * MemoryError set.
 */
int lando__py_detect(lando_gw_t *gw, PyObject *event, lando_source_t *source,
                     PyObject **rc);

/*
 * Fill the request of CTX (already begun for SOURCE) from EVENT, whose
 * requestContext RC lando__py_detect() found. Strings are borrowed from
 * EVENT, which must outlive the invocation. Returns LANDO_OK;
 * LANDO_EBADEVENT for a malformed event, recorded on CTX with
 * lando_fail(); or LANDO_ENOMEM. Never leaves a Python exception set.
 */
lando_err_t lando__py_request(lando_gw_t *gw, lando_ctx_t *ctx, PyObject *event,
                              PyObject *rc, lando_source_t source);

/*
 * Serve the runtime's context object CONTEXT (None or NULL for none) to
 * CTX through lando_ctx_set_lambda(). CONTEXT is borrowed until
 * lando__py_unbind().
 */
void lando__py_lambda_bind(lando_gw_t *gw, lando_ctx_t *ctx, PyObject *context);

/*
 * Serve lando_request_context() of CTX's request from the requestContext
 * dict RC, borrowed until lando__py_unbind().
 */
void lando__py_context_bind(lando_gw_t *gw, lando_ctx_t *ctx, PyObject *rc);

/*
 * End the invocation's use of the Python objects bound above: later
 * lookups find nothing rather than objects the runtime may have freed.
 */
void lando__py_unbind(lando_gw_t *gw);

/*
 * Create the interned texts of LANDO__PY_TEXTS in GW. Returns 0, or -1
 * with MemoryError set.
 */
int lando__py_texts_init(lando_gw_t *gw);

/*
 * S (LEN bytes) as a str: the interned text when S is one of
 * LANDO__PY_TEXTS, else a new str decoded from UTF-8 with U+FFFD for
 * bytes that are not. Returns a new reference, or NULL with an
 * exception set.
 */
PyObject *lando__py_text(lando_gw_t *gw, const char *s, size_t len);

/*
 * The response of CTX as a dict in the shape SOURCE expects. Returns a
 * new reference, or NULL with a Python exception set (memory).
 */
PyObject *lando__py_response(lando_gw_t *gw, lando_ctx_t *ctx,
                             lando_source_t source);

/*
 * Build the minimal JSON 500 answer for every source shape into
 * GW->fallback. Returns 0, or -1 with MemoryError set.
 */
int lando__py_fallback_init(lando_gw_t *gw);

/*
 * A minimal JSON 500 in the shape of SOURCE, for when the real response
 * cannot be built. Returns a new reference, never NULL, and leaves no
 * exception set.
 */
PyObject *lando__py_fallback(lando_gw_t *gw, lando_source_t source);

#endif /* LANDO_PY_GATEWAY_H */
