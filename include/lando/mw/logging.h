/*
 * The logging middleware: one JSON line per invocation, written through
 * lando's logger (log.h) after the rest of the chain has run, so it sees
 * the final status and the whole duration. Install it first (outermost).
 *
 * A line carries the logger's standard keys (timestamp, level, message,
 * requestId) and then:
 *
 *     method, path, route    request method, routed path (no query
 *                            string), matched pattern or null
 *     status                 the status the client gets
 *     durationMs             since lando_ctx_begin(), a float
 *     source                 "rest", "http", "url", "alb", "lattice-v1",
 *                            "lattice-v2" or "none"
 *     userAgent, sourceIp    null when unknown
 *     coldStart              true on the process's first invocation
 *     errorType              lando_err_name() of the recorded failure
 *     errorMessage           its client-safe message; for a 5xx also the
 *                            internal detail, after ": "
 *
 * for example
 *
 *     {"timestamp":"...","level":"INFO","message":"GET /users/1 200",
 *      "requestId":"c6af9ac6-...","method":"GET","path":"/users/1",
 *      "route":"/users/{id}","status":200,"durationMs":0.42,...}
 *
 * The level is ERROR when the status is 5xx and INFO otherwise: a 4xx is
 * the client's mistake, not the function's. Bodies and query strings are
 * never logged. At DEBUG, when headers are asked for, a second line
 * "request headers" lists the request's headers with the values of
 * Authorization, Proxy-Authorization, Cookie, Set-Cookie, X-Api-Key and
 * any configured names replaced by "[redacted]".
 *
 * Logging never fails a request: a line that cannot be built is dropped
 * or truncated, and the middleware returns what the chain returned.
 */
#ifndef LANDO_MW_LOGGING_H
#define LANDO_MW_LOGGING_H

#include <lando/lando.h>

typedef struct lando_logging_options {
    /*
     * Threshold for this middleware's lines: "DEBUG", "INFO", "WARN" or
     * "ERROR" (see lando_log_level_parse). It applies on top of the
     * process threshold (AWS_LAMBDA_LOG_LEVEL, lando_log_set_level), so
     * it can make the middleware quieter but never louder. "ERROR" logs
     * only failed invocations. Default NULL: the process threshold alone.
     */
    const char *level;
    /*
     * At DEBUG, also log the request headers, redacted as above.
     * Default false.
     */
    bool log_headers;
    /*
     * More header names (any case) whose values are redacted in the
     * header line, as a NULL-terminated array; copied at construction.
     * The five built-in names are always redacted. Default NULL.
     */
    const char *const *redact;
} lando_logging_options_t;

/**
 * Make a logging middleware from OPTS (NULL: every default). OPTS and its
 * strings are copied; *OUT owns the copy until it is given to
 * lando_app_use(). Returns LANDO_OK, LANDO_EINVAL for NULL OUT or an
 * unknown level name, or LANDO_ENOMEM.
 */
LANDO_API lando_err_t
lando_mw_logging(const lando_logging_options_t *opts, lando_mw_t *out);

#endif /* LANDO_MW_LOGGING_H */
