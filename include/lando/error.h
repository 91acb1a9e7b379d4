/*
 * One table of error codes. Each row gives the code's name, its number,
 * the HTTP status it becomes at the edge, the short machine-readable slug
 * used in error bodies, and a message safe to show to clients.
 *
 * Errors travel as values: a function that can fail returns lando_err_t.
 * Handlers and middleware record the details of a failure on the
 * invocation with lando_fail() (see context.h) and return its code; the
 * error_map middleware, or the gateway as a last resort, turns it into a
 * response.
 */
#ifndef LANDO_ERROR_H
#define LANDO_ERROR_H

#include <lando/common.h>

#define LANDO_ERROR_TABLE(X)                                                 \
    X(OK, 0, 200, "ok", "success")                                           \
    X(ENOMEM, 1, 500, "internal_error", "out of memory")                     \
    X(EINVAL, 2, 500, "internal_error", "invalid argument")                  \
    X(ENOTFOUND, 3, 404, "not_found", "no route matches the path")           \
    X(EMETHOD, 4, 405, "method_not_allowed",                                 \
      "the path does not support this method")                               \
    X(EBADREQUEST, 5, 400, "bad_request", "malformed request")               \
    X(EBADEVENT, 6, 400, "bad_request", "malformed event")                   \
    X(ENOTHTTP, 7, 500, "internal_error", "event is not an HTTP request")    \
    X(EBADJSON, 8, 400, "bad_json", "malformed JSON body")                   \
    X(EBADFORM, 9, 400, "bad_form", "malformed form body")                   \
    X(EBADBASE64, 10, 400, "bad_base64", "body is not valid base64")         \
    X(EMEDIATYPE, 11, 415, "unsupported_media_type",                         \
      "unsupported content type")                                            \
    X(ETOOLARGE, 12, 413, "payload_too_large", "payload too large")          \
    X(EVALIDATION, 13, 422, "validation_failed",                             \
      "request body failed validation")                                      \
    X(EUNAUTHORIZED, 14, 401, "unauthorized", "authentication required")     \
    X(EFORBIDDEN, 15, 403, "forbidden", "access denied")                     \
    X(ECONFLICT, 16, 409, "conflict", "conflict with the current state")     \
    X(EEXIST, 17, 500, "internal_error", "route already registered")         \
    X(EAMBIGUOUS, 18, 500, "internal_error", "route is ambiguous")           \
    X(EHEADER, 19, 500, "internal_error",                                    \
      "invalid response header name or value")                               \
    X(EPYTHON, 20, 500, "internal_error", "error raised in Python")          \
    X(EINTERNAL, 21, 500, "internal_error", "internal error")                \
    X(ESETUP, 22, 500, "internal_error", "application setup failed")         \
    X(EFROZEN, 23, 500, "internal_error",                                    \
      "the app cannot be changed after its first invocation")                \
    X(EPATTERN, 24, 500, "internal_error", "invalid route pattern")          \
    X(ENOTACCEPTABLE, 25, 406, "not_acceptable", "not acceptable")           \
    X(ETIMEOUT, 26, 504, "timeout", "the invocation ran out of time")        \
    X(EUNAVAILABLE, 27, 503, "unavailable", "service unavailable")

#define LANDO__ERR_ENUM(name, num, status, slug, msg) LANDO_##name = num,
enum {
    LANDO_ERROR_TABLE(LANDO__ERR_ENUM)
    LANDO__ERR_COUNT,
    /** First code free for applications; see lando_app_map_error(). */
    LANDO_EUSER = 1000
};
#undef LANDO__ERR_ENUM

/** "ENOTFOUND" for LANDO_ENOTFOUND; "EUSER" for user codes. Never NULL. */
LANDO_API const char *
lando_err_name(lando_err_t err);

/** The client-safe message of the table. Never NULL. */
LANDO_API const char *
lando_strerror(lando_err_t err);

/** The slug for error bodies ("not_found"). Never NULL. */
LANDO_API const char *
lando_err_slug(lando_err_t err);

/** The HTTP status the code maps to by default; 500 for unknown codes. */
LANDO_API int
lando_err_status(lando_err_t err);

#endif /* LANDO_ERROR_H */
