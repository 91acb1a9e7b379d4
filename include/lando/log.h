/*
 * Structured logs: one JSON object per line on standard output, in the
 * key names of the Lambda runtime's JSON log format (timestamp, level,
 * message, requestId), each line written with a single write(2) so it
 * never interleaves with Python's own output. A line is built in a
 * bounded buffer and truncated if it must be; logging never fails a
 * request and never allocates on the heap.
 */
#ifndef LANDO_LOG_H
#define LANDO_LOG_H

#include <stdarg.h>

#include <lando/common.h>

typedef enum lando_log_level {
    LANDO_LOG_DEBUG = 0,
    LANDO_LOG_INFO,
    LANDO_LOG_WARN,
    LANDO_LOG_ERROR,
    LANDO_LOG_OFF
} lando_log_level_t;

/** One extra key of a log line. Values are strings, numbers or bools. */
typedef struct lando_log_kv {
    const char *key;
    enum { LANDO_KV_STR, LANDO_KV_INT, LANDO_KV_DOUBLE, LANDO_KV_BOOL } type;
    union {
        const char *s; /* NULL is written as null */
        int64_t i;
        double d;
        bool b;
    } v;
} lando_log_kv_t;

/** The threshold; lines below it are not formatted at all. */
LANDO_API lando_log_level_t
lando_log_level(void);

LANDO_API void
lando_log_set_level(lando_log_level_t level);

/**
 * Parse "DEBUG", "INFO", "WARN"/"WARNING", "ERROR" (any case; also
 * "TRACE" as DEBUG and "FATAL" as ERROR). Unknown text gives INFO.
 */
LANDO_API lando_log_level_t
lando_log_level_parse(const char *text);

/** Read AWS_LAMBDA_LOG_LEVEL (done once when the first app is made). */
LANDO_API void
lando_log_level_from_env(void);

/** Write lines to FD instead of 1 (standard output); -1 discards them. */
LANDO_API void
lando_log_set_fd(int fd);

LANDO_API bool
lando_log_enabled(lando_log_level_t level);

/**
 * Log a message at LEVEL with the request id of CTX (NULL outside an
 * invocation).
 */
LANDO_API void
lando_log(lando_ctx_t *ctx, lando_log_level_t level, const char *fmt, ...)
    LANDO_PRINTF(3, 4);

/** As lando_log() with N extra keys after the standard ones. */
LANDO_API void
lando_log_kv(lando_ctx_t *ctx, lando_log_level_t level,
             const lando_log_kv_t *kv, size_t n, const char *fmt, ...)
    LANDO_PRINTF(5, 6);

#endif /* LANDO_LOG_H */
