/*
 * The invocation context: everything that belongs to one call of the
 * Lambda handler. It owns the per-invocation arena (released in one step
 * when the invocation ends), the request, the response, the store through
 * which middleware hands values to handlers, the recorded error and the
 * Lambda context of the runtime.
 *
 * Nothing reachable from a context survives into the next invocation:
 * pointers obtained from it are valid until the handler call returns to
 * the runtime, and not one moment longer.
 */
#ifndef LANDO_CONTEXT_H
#define LANDO_CONTEXT_H

#include <stdarg.h>

#include <lando/common.h>
#include <lando/error.h>

/** A failure recorded on the invocation by lando_fail(). */
typedef struct lando_error {
    lando_err_t code;    /* LANDO_OK when nothing failed */
    int status;          /* HTTP status to answer with */
    const char *message; /* client-safe text, arena-owned */
    const char *detail;  /* internal text, shown only in debug mode */
} lando_error_t;

/** Where the event came from, detected from its shape. */
typedef enum lando_source {
    LANDO_SOURCE_NONE = 0,   /* built by hand, as in tests */
    LANDO_SOURCE_REST,       /* API Gateway REST, HTTP API payload 1.0 */
    LANDO_SOURCE_HTTP,       /* API Gateway HTTP API payload 2.0 */
    LANDO_SOURCE_URL,        /* Lambda Function URL */
    LANDO_SOURCE_ALB,        /* ALB target, single-value headers */
    LANDO_SOURCE_ALB_MULTI,  /* ALB target, multi-value headers */
    LANDO_SOURCE_LATTICE_V1, /* VPC Lattice payload v1 */
    LANDO_SOURCE_LATTICE_V2  /* VPC Lattice payload v2 */
} lando_source_t;

/** The Lambda context fields, read lazily from the runtime's object. */
typedef enum lando_lambda_field {
    LANDO_LAMBDA_FUNCTION_NAME,
    LANDO_LAMBDA_FUNCTION_VERSION,
    LANDO_LAMBDA_INVOKED_ARN,
    LANDO_LAMBDA_MEMORY_MB,
    LANDO_LAMBDA_REQUEST_ID,
    LANDO_LAMBDA_LOG_GROUP,
    LANDO_LAMBDA_LOG_STREAM,
    LANDO_LAMBDA__FIELD_COUNT
} lando_lambda_field_t;

/**
 * How the gateway (or a test) exposes the runtime's Lambda context. Both
 * functions may be NULL. field() returns a string that lives as long as
 * the invocation, or NULL when the runtime has none.
 */
typedef struct lando_lambda_ops {
    const char *(*field)(void *opaque, lando_ctx_t *ctx,
                         lando_lambda_field_t field);
    int64_t (*remaining_ms)(void *opaque);
} lando_lambda_ops_t;

/** Borrowed; valid for the invocation. */
LANDO_API lando_request_t *
lando_req(lando_ctx_t *ctx);

/** Borrowed; valid for the invocation. */
LANDO_API lando_response_t *
lando_res(lando_ctx_t *ctx);

/** The app that serves this invocation. */
LANDO_API lando_app_t *
lando_ctx_app(lando_ctx_t *ctx);

/**
 * Allocate SIZE bytes from the invocation's arena, aligned for any type.
 * The memory is released when the invocation ends; never free it.
 * Returns NULL only when memory runs out.
 */
LANDO_API void *
lando_ctx_alloc(lando_ctx_t *ctx, size_t size);

/** Copy LEN bytes of S into the arena and NUL-terminate the copy. */
LANDO_API char *
lando_ctx_strndup(lando_ctx_t *ctx, const char *s, size_t len);

/** Copy the NUL-terminated S into the arena. S may be NULL (gives NULL). */
LANDO_API char *
lando_ctx_strdup(lando_ctx_t *ctx, const char *s);

/** printf into the arena. Returns NULL only when memory runs out. */
LANDO_API char *
lando_ctx_sprintf(lando_ctx_t *ctx, const char *fmt, ...) LANDO_PRINTF(2, 3);

LANDO_API char *
lando_ctx_vsprintf(lando_ctx_t *ctx, const char *fmt, va_list ap);

/**
 * Store VALUE under KEY for the rest of the invocation, replacing any
 * earlier value. KEY is copied; VALUE is borrowed (allocate it with
 * lando_ctx_alloc() so it dies with the invocation). Returns LANDO_OK or
 * LANDO_ENOMEM.
 */
LANDO_API lando_err_t
lando_ctx_set(lando_ctx_t *ctx, const char *key, void *value);

/** The value stored under KEY, or NULL. */
LANDO_API void *
lando_ctx_get(lando_ctx_t *ctx, const char *key);

/**
 * Record a failure and return CODE, so that a handler can write
 * `return lando_fail(ctx, LANDO_EBADREQUEST, "missing field %s", f);`.
 * The HTTP status is the table's default for CODE (500 for user codes
 * without a mapping). FMT may be NULL for the table's message. The message
 * of a 4xx failure is shown to clients, so keep internal detail out of it
 * (see lando_fail_detail()); a 5xx answer shows the table's generic text
 * unless the error map runs in debug mode, and the message goes to the
 * log.
 */
LANDO_API lando_err_t
lando_fail(lando_ctx_t *ctx, lando_err_t code, const char *fmt, ...)
    LANDO_PRINTF(3, 4);

/** As lando_fail() with an explicit HTTP STATUS (400..599). */
LANDO_API lando_err_t
lando_fail_status(lando_ctx_t *ctx, lando_err_t code, int status,
                  const char *fmt, ...) LANDO_PRINTF(4, 5);

/**
 * Attach internal detail to the recorded failure (an errno text, a
 * Python exception). Detail reaches logs always and clients only when the
 * error_map middleware runs in debug mode.
 */
LANDO_API void
lando_fail_detail(lando_ctx_t *ctx, const char *fmt, ...)
    LANDO_PRINTF(2, 3);

/**
 * The failure recorded on this invocation, or NULL when none was. It stays
 * readable after error_map has answered it, so logging can report it.
 */
LANDO_API const lando_error_t *
lando_ctx_error(lando_ctx_t *ctx);

/** The source of the event (LANDO_SOURCE_NONE for hand-built requests). */
LANDO_API lando_source_t
lando_ctx_source(lando_ctx_t *ctx);

/** "rest", "http", "url", "alb", "lattice-v1", "lattice-v2" or "none". */
LANDO_API const char *
lando_source_name(lando_source_t source);

/**
 * The pattern of the matched route ("/users/{id}"), or NULL before routing
 * or when nothing matched.
 */
LANDO_API const char *
lando_ctx_route(lando_ctx_t *ctx);

/**
 * The value of the `Allow` header for the request's path: the methods the
 * router serves there, such as "GET, HEAD, OPTIONS"; NULL when no route
 * matches the path. Computed on first use and kept for the invocation.
 */
LANDO_API const char *
lando_ctx_allow(lando_ctx_t *ctx);

/** True for the first invocation the process serves. */
LANDO_API bool
lando_ctx_cold_start(lando_ctx_t *ctx);

/** Monotonic time at which the invocation began, in microseconds. */
LANDO_API int64_t
lando_ctx_start_us(lando_ctx_t *ctx);

/** A Lambda context field, or NULL when the runtime gave none. */
LANDO_API const char *
lando_ctx_lambda(lando_ctx_t *ctx, lando_lambda_field_t field);

/** Milliseconds left before Lambda stops the invocation; -1 if unknown. */
LANDO_API int64_t
lando_ctx_remaining_ms(lando_ctx_t *ctx);

/** The Lambda request id, or the event's request id, or NULL. */
LANDO_API const char *
lando_ctx_request_id(lando_ctx_t *ctx);

#endif /* LANDO_CONTEXT_H */
